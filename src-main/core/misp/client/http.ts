/**
 * The one place that talks HTTP to MISP: a bounded connection pool (undici Agent, or ProxyAgent through a proxy),
 * TLS verification always on with the configured CA and client certificate — never the process-wide CA variables —,
 * MISP's API headers on every request, a deadline per request, and typed errors.
 *
 * The proxy is decided before (flare.misp.proxy, else HTTPS_PROXY / HTTP_PROXY with NO_PROXY: from-config.ts and
 * ../../net/env-proxy.ts); each client logs once which proxy it uses and where it came from, credentials masked.
 */
import { Agent, ProxyAgent, fetch, type Dispatcher } from 'undici';
import type { ConnectionOptions } from 'node:tls';
import { describeProxyChoice } from '../../net/env-proxy';
import { mispProxyInfo, type MispProxyInfo, type ResolvedMispOptions } from './options';
import { errorFromReply, errorFromThrown, type MispReply } from './classify';
import { MispProtocolError } from './errors';

export type { MispReply } from './classify';

export interface MispRequest {
  method: 'GET' | 'HEAD' | 'POST';
  /** Relative to the MISP root, e.g. `events/add` or `events/upload_stix/1`. */
  path: string;
  /** A JSON body (sent with Content-Type: application/json). */
  json?: unknown;
  /** A raw XML body (sent with Content-Type: application/xml, as upload_stix expects). */
  xml?: string | Buffer;
}

function tlsOptions(options: ResolvedMispOptions): ConnectionOptions {
  const source = options.source;
  const tls: ConnectionOptions = { rejectUnauthorized: true };
  if (source.ca !== undefined) tls.ca = source.ca;
  if (source.clientCert !== undefined) tls.cert = source.clientCert;
  if (source.clientKey !== undefined) tls.key = source.clientKey;
  if (source.clientKeyPassphrase !== undefined) tls.passphrase = source.clientKeyPassphrase;
  if (source.pfx !== undefined) tls.pfx = source.pfx;
  if (source.pfxPassphrase !== undefined) tls.passphrase = source.pfxPassphrase;
  return tls;
}

export function createDispatcher(options: ResolvedMispOptions): Dispatcher {
  const tls = tlsOptions(options);
  const pool = {
    connections: options.maxConnections,
    pipelining: 1,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  };
  const proxy = options.proxy.proxy;
  if (proxy !== undefined) {
    // undici sends the URL's credentials only when both user and password are there; a user name alone counts too.
    const url = new URL(proxy);
    const token = url.username ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`, 'utf8').toString('base64')}` : undefined;
    return new ProxyAgent({ uri: proxy, ...(token ? { token } : {}), requestTls: { ...tls, timeout: options.connectTimeoutMs }, ...pool });
  }
  const lookup = options.source.lookup ? { lookup: options.source.lookup } : {};
  return new Agent({ ...pool, connect: { ...tls, ...lookup, timeout: options.connectTimeoutMs } });
}

/** `POST /events/add` — how requests are named in logs and errors (never with the key, never with the host). */
export function requestName(method: string, path: string): string {
  return `${method} /${path.replace(/^\/+/, '')}`;
}

export class MispHttp {
  private readonly dispatcher: Dispatcher;
  readonly options: ResolvedMispOptions;
  /** Requests sent so far (for run statistics and tests). */
  requestCount = 0;

  /** The proxy requests go through, as errors name it. */
  private readonly proxy?: MispProxyInfo;

  constructor(options: ResolvedMispOptions, dispatcher?: Dispatcher) {
    this.options = options;
    this.dispatcher = dispatcher ?? createDispatcher(options);
    const proxy = mispProxyInfo(options.proxy);
    if (proxy) this.proxy = proxy;
    const said = describeProxyChoice(options.proxy, 'MISP', options.baseUrl);
    options.logger[said.level](said.message);
  }

  get host(): string {
    return this.options.baseUrl.host;
  }

  /**
   * Sends one request and returns MISP's answer, whatever its status. Throws only when there is no answer
   * (network, TLS, timeout). Redirects are not followed: MISP's "Event already exists" and its login redirect are
   * answers we need to see.
   */
  async send(request: MispRequest): Promise<MispReply> {
    const name = requestName(request.method, request.path);
    const url = new URL(request.path.replace(/^\/+/, ''), this.options.baseUrl);
    const headers: Record<string, string> = {
      Authorization: this.options.key,
      Accept: 'application/json',
      'User-Agent': 'FLARE-MISP',
    };
    let body: string | Buffer | undefined;
    if (request.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.xml !== undefined) {
      headers['Content-Type'] = 'application/xml';
      body = request.xml;
    }

    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    const started = this.options.now();
    this.requestCount++;
    try {
      const response = await fetch(url, {
        method: request.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        redirect: 'manual',
        signal: deadline,
        dispatcher: this.dispatcher,
      });
      const text = request.method === 'HEAD' ? '' : await response.text();
      const contentType = response.headers.get('content-type') ?? '';
      const reply: MispReply = { status: response.status, body: parseJson(text, contentType), text, contentType };
      const location = response.headers.get('location');
      if (location) reply.location = location;
      const retryAfter = response.headers.get('retry-after');
      if (retryAfter) reply.retryAfter = retryAfter;
      this.options.logger.debug(`${name} → ${response.status} (${this.options.now() - started} ms)`);
      return reply;
    } catch (e) {
      const error = errorFromThrown(
        e,
        name,
        this.host,
        deadline.aborted,
        {
          https: this.options.baseUrl.protocol === 'https:',
          clientCert: this.options.source.clientCert !== undefined || this.options.source.pfx !== undefined,
        },
        this.proxy,
      );
      this.options.logger.debug(`${name} → ${error.code} (${this.options.now() - started} ms)`);
      throw error;
    }
  }

  /** Sends and insists on a 2xx answer, else throws the typed error. */
  async call(request: MispRequest): Promise<MispReply> {
    const reply = await this.send(request);
    if (reply.status < 200 || reply.status >= 300) throw errorFromReply(reply, requestName(request.method, request.path));
    return reply;
  }

  /** Like call, and the answer must be a JSON object. */
  async callJson(request: MispRequest): Promise<Record<string, unknown>> {
    const reply = await this.call(request);
    if (typeof reply.body !== 'object' || reply.body === null || Array.isArray(reply.body)) {
      throw new MispProtocolError(`MISP answered ${requestName(request.method, request.path)} with something that is not a JSON object.`, {
        status: reply.status,
        request: requestName(request.method, request.path),
        detail: { contentType: reply.contentType, start: reply.text.slice(0, 200) },
      });
    }
    return reply.body as Record<string, unknown>;
  }

  private closed?: Promise<void>;

  /** Closes the pool once; later calls wait for the same close. */
  close(): Promise<void> {
    this.closed ??= this.dispatcher.close();
    return this.closed;
  }
}

function parseJson(text: string, contentType: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  // MISP's JSON answers usually say application/json, but error pages rendered early sometimes do not.
  if (!/json/i.test(contentType) && !trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}
