/**
 * Turns what came back from MISP — an answer with a failure status, or a thrown network error — into the typed
 * errors of errors.ts. The rules follow MISP's error shapes (`misp.md` §2.1) and its pitfalls (§5).
 */
import {
  MispAuthError,
  MispError,
  MispNetworkError,
  MispNotFoundError,
  MispPermissionError,
  MispProtocolError,
  MispProxyError,
  MispRejectedError,
  MispServerError,
  MispTimeoutError,
  MispTlsError,
  MispValidationError,
} from './errors';
import type { MispProxyInfo } from './options';

/** One MISP answer as the HTTP layer hands it over. */
export interface MispReply {
  status: number;
  /** The parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
  /** The raw body text (for messages when it is not JSON). */
  text: string;
  contentType: string;
  location?: string;
  retryAfter?: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** MISP's sentence from a `{name, message, url}` error body. */
export function mispSentence(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const message = typeof body.message === 'string' ? body.message : undefined;
  const name = typeof body.name === 'string' ? body.name : undefined;
  return message ?? name;
}

/**
 * Flattens MISP's `errors` (a sentence, a JSON-encoded map, or `{Event: {info: ["…"]}}`) into field → sentences.
 * A plain sentence is filed under the key `_`.
 */
export function fieldErrorsOf(errors: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (key: string, message: string): void => {
    (out[key] ??= []).push(message);
  };
  const walk = (value: unknown, key: string): void => {
    if (typeof value === 'string') {
      const trimmed = value.trim();
      if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
        try {
          walk(JSON.parse(trimmed), key);
          return;
        } catch {
          /* not JSON after all: keep the sentence */
        }
      }
      add(key || '_', value);
    } else if (Array.isArray(value)) {
      value.forEach((v) => walk(v, key));
    } else if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, key ? `${key}.${k}` : k);
    } else if (value !== undefined && value !== null) {
      add(key || '_', String(value));
    }
  };
  walk(errors, '');
  return out;
}

function describeFieldErrors(fieldErrors: Record<string, string[]>): string {
  return Object.entries(fieldErrors)
    .map(([field, messages]) => (field === '_' ? messages.join(' ') : `${field}: ${messages.join(' ')}`))
    .join('; ');
}

function retryAfterMs(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const AUTH_SENTENCE = /authentication failed|auth ?key is expired|authkey|api key/i;
const PERMISSION_SENTENCE = /do not have (the )?permission|don't have the permission|not authori[sz]ed to/i;

/** The typed error for an answer whose status is not a success. */
export function errorFromReply(reply: MispReply, request: string): MispError {
  const { status } = reply;
  const sentence = mispSentence(reply.body);
  const base = { status, request, ...(sentence !== undefined ? { mispMessage: sentence } : {}) };
  const said = sentence ? `: ${sentence}` : '';

  if (status >= 300 && status < 400) {
    if (reply.location && /\/users\/login/.test(reply.location)) {
      // MISP sends browsers to its login page: the request was not taken as an API call (`misp.md` §5).
      return new MispAuthError(`MISP answered ${request} with its login page instead of the API.`, {
        ...base,
        hint: 'MISP did not recognise the request as an API call with a valid key: check misp.authorization.key, and that no proxy strips the Authorization or Accept header.',
      });
    }
    return new MispProtocolError(`MISP answered ${request} with a redirect (${status}) to ${reply.location ?? 'nowhere'}.`, base);
  }
  if (status === 401 || status === 403) {
    if (isObject(reply.body) && reply.body.saved === false) {
      const fieldErrors = fieldErrorsOf(reply.body.errors);
      const what = Object.keys(fieldErrors).length > 0 ? describeFieldErrors(fieldErrors) : sentence ?? 'no reason given';
      return new MispValidationError(`MISP refused to save (${request}): ${what}`, fieldErrors, base);
    }
    if (sentence && PERMISSION_SENTENCE.test(sentence)) {
      return new MispPermissionError(`The MISP API key's role may not do ${request}${said}`, base);
    }
    if (!sentence || AUTH_SENTENCE.test(sentence) || status === 401) {
      return new MispAuthError(`MISP refused the API key${said || '.'}`, base);
    }
    return new MispRejectedError(`MISP refused ${request}${said}`, base);
  }
  if (status === 404) return new MispNotFoundError(`MISP has no such thing (${request})${said}`, base);
  if (status === 405) {
    if (sentence && PERMISSION_SENTENCE.test(sentence)) {
      return new MispPermissionError(`MISP does not allow ${request} for this key${said}`, base);
    }
    return new MispRejectedError(`MISP refused ${request}${said}`, base);
  }
  if (status === 408) return new MispTimeoutError(`MISP timed out on ${request}.`, base);
  if (status === 429) {
    const after = retryAfterMs(reply.retryAfter);
    return new MispServerError(`MISP is busy (429) on ${request}.`, { ...base, maybeProcessed: false, ...(after !== undefined ? { retryAfterMs: after } : {}) });
  }
  if (status >= 500) {
    const after = retryAfterMs(reply.retryAfter);
    // 502/503/504 come from in front of MISP (proxy, PHP-FPM down): the request did not reach MISP's code.
    const reached = status !== 502 && status !== 503 && status !== 504;
    return new MispServerError(`MISP failed with ${status} on ${request}${said}`, {
      ...base,
      maybeProcessed: reached,
      ...(after !== undefined ? { retryAfterMs: after } : {}),
    });
  }
  return new MispRejectedError(`MISP refused ${request} with ${status}${said}`, base);
}

const TLS_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/** Errors raised before anything was sent: the request certainly did not reach MISP. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

function errorCode(e: unknown): string | undefined {
  // undici wraps the socket error: TypeError('fetch failed') → cause (Error with code) → sometimes another cause.
  let current: unknown = e;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ABORT_ERR') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function innermostMessage(e: unknown): string {
  let current: unknown = e;
  let message = e instanceof Error ? e.message : String(e);
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    message = current.message || message;
    current = current.cause;
  }
  return message;
}

/** Connecting to the proxy itself failed with these codes (only the proxy's address is resolved and dialled). */
const PROXY_UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'it refused the connection',
  ENOTFOUND: 'its host name could not be resolved',
  EAI_AGAIN: 'its host name could not be resolved',
  EHOSTUNREACH: 'there is no route to it',
  ENETUNREACH: 'there is no route to it',
};

/** The error for a failure of the proxy itself, or undefined when the failure is not the proxy's. */
function proxyFailure(e: unknown, code: string | undefined, request: string, host: string, proxy: MispProxyInfo): MispError | undefined {
  const detail = { ...(code ? { code } : {}), proxy: proxy.display, proxySource: proxy.origin };
  const base = { request, cause: e, detail };
  // undici's ProxyAgent: "Proxy response (407) !== 200 when HTTP Tunneling".
  const status = /Proxy response \((\d{3})\)/.exec(innermostMessage(e))?.[1];
  if (status !== undefined) {
    const n = Number(status);
    if (n === 407) {
      const said = proxy.withCredentials ? 'did not accept its credentials' : 'asks for credentials';
      return new MispProxyError('misp_proxy_auth', `The proxy ${proxy.label} ${said} (HTTP 407).`, {
        ...base,
        status: n,
        hint: `Give the proxy user name and password in its URL (http://user:password@proxy:port). ${proxy.hint}`,
      });
    }
    return new MispProxyError('misp_proxy', `The proxy ${proxy.label} refused to connect to MISP at ${host} (HTTP ${n}).`, {
      ...base,
      status: n,
      retryable: n === 502 || n === 503 || n === 504,
      hint: `The proxy may not allow this host or port (CONNECT); ask its administrator. ${proxy.hint}`,
    });
  }
  const why = code !== undefined ? PROXY_UNREACHABLE[code] : undefined;
  if (why !== undefined) {
    return new MispProxyError('misp_proxy', `The proxy ${proxy.label} could not be used: ${why}.`, {
      ...base,
      retryable: code !== 'ENOTFOUND',
      hint: `Check that the proxy is running. ${proxy.hint}`,
    });
  }
  return undefined;
}

/**
 * The typed error for a request that threw instead of answering. `timedOut` is true when our own deadline ended it;
 * `proxy` is the proxy the request went through, if any.
 */
export function errorFromThrown(
  e: unknown,
  request: string,
  host: string,
  timedOut: boolean,
  tls: { https: boolean; clientCert: boolean } = { https: false, clientCert: false },
  proxy?: MispProxyInfo,
): MispError {
  if (e instanceof MispError) return e;
  const code = errorCode(e);
  const base = { request, cause: e, ...(code ? { detail: { code } } : {}) };
  if (timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new MispTimeoutError(`MISP at ${host} did not answer ${request} in time.`, base);
  }
  if (proxy) {
    const failed = proxyFailure(e, code, request, host, proxy);
    if (failed) return failed;
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new MispTimeoutError(`Could not connect to MISP at ${host}${proxy ? ` through the proxy ${proxy.label}` : ''} in time.`, {
      ...base,
      maybeProcessed: false,
      ...(proxy ? { hint: `Check that MISP is running and that the proxy can reach it. ${proxy.hint}` } : {}),
    });
  }
  if (code && TLS_TRUST_CODES.has(code)) {
    return new MispTlsError(`The MISP server's certificate is not trusted (${code}).`, {
      ...base,
      hint: 'Add the CA that signed the MISP server\'s certificate under flare.misp.ca (a PEM file). TLS verification stays on.',
    });
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new MispTlsError(`The MISP server's certificate does not fit (${code}): ${innermostMessage(e)}`, {
      ...base,
      hint: 'The certificate must be valid now and name the host in flare.misp.url; use the name the certificate was issued for.',
    });
  }
  if (code && (/^ERR_SSL_|^ERR_TLS_/.test(code) || /alert|handshake|certificate required/i.test(innermostMessage(e)))) {
    return new MispTlsError(`The TLS handshake with MISP failed: ${innermostMessage(e)}`, {
      ...base,
      hint: 'If MISP requires a client certificate, set flare.misp.client.cert and flare.misp.client.key (or the 2-way SSL keystore).',
    });
  }
  if (code === 'ENOTFOUND') {
    return new MispNetworkError(`The MISP host ${host} was not found.`, { ...base, maybeProcessed: false });
  }
  const retryable = code === undefined || RETRYABLE_NETWORK_CODES.has(code);
  const notSent = code !== undefined && NOT_SENT_CODES.has(code);
  const what = code === 'ECONNREFUSED' ? `MISP at ${host} refused the connection.` : `The connection to MISP at ${host} failed during ${request}: ${innermostMessage(e)}`;
  const closedByServer = code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
  // With TLS 1.3 a server that wants a client certificate hangs up after the handshake; we only see the hang-up.
  const hint =
    closedByServer && tls.https && !tls.clientCert
      ? 'MISP (or a proxy in front of it) closed the connection. If it requires a client certificate, set flare.misp.client.cert and flare.misp.client.key; otherwise check MISP\'s web server log.'
      : undefined;
  return new MispNetworkError(what, { ...base, retryable, maybeProcessed: !notSent, ...(hint ? { hint } : {}) });
}
