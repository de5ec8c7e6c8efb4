/**
 * From a socket or TLS error (what node:net, node:tls and OpenSSL throw) to a `TaxiiTransportError` a person can
 * act on: DNS failure, refused connection, timeout, the server's certificate untrusted / expired / for another host,
 * our client certificate rejected, a dropped connection.
 *
 * Client-certificate rejection shows up in three ways, depending on the server:
 * - a TLS alert received from the server (TLS 1.3 `certificate required` when none was sent; `unknown ca`,
 *   `bad certificate`, `certificate unknown`, `access denied`… when it does not like the one we sent; TLS 1.2
 *   servers often just send `handshake failure`);
 * - a reset of a fresh connection during or right after the handshake, before any answer (Node servers and some
 *   load balancers drop the connection instead of sending an alert): reported as a rejection when we presented a
 *   certificate, otherwise as a reset whose hint mentions client certificates;
 * - an HTML 400 page from a TLS-terminating proxy (handled where HTTP answers are read: `TaxiiHttpError`).
 */
import { CLIENT_CERT_HINT, TaxiiTransportError, type TaxiiTransportCode } from './errors';
import type { ProxySetting } from './proxy';

export interface SocketErrorContext {
  url: string;
  /** The URL is https. */
  secure: boolean;
  /** A client certificate is configured. */
  clientCertificate: boolean;
  /** The request went out on a new connection (not a reused keep-alive one). */
  freshConnection: boolean;
  /** Any byte of the answer had arrived. */
  answerStarted: boolean;
  /** A proxy is configured (for hints). */
  viaProxy: boolean;
  /** That proxy, when known: the hints then say where it came from (configuration or environment). */
  proxy?: ProxySetting;
}

interface Mapped {
  code: TaxiiTransportCode;
  message: string;
  retryable: boolean;
  hint?: string;
}

const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
  'INVALID_CA',
]);

/** TLS alerts a server sends about the client's certificate (OpenSSL names, lower case, spaces). */
const CLIENT_CERT_ALERTS = new Set([
  'certificate required',
  'bad certificate',
  'unsupported certificate',
  'certificate revoked',
  'certificate expired',
  'certificate unknown',
  'unknown ca',
  'access denied',
  'handshake failure',
]);

/** The alert named in an OpenSSL error: from the code (`ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED`) or the message (`… sslv3 alert handshake failure …`). */
export function receivedTlsAlert(e: { code?: string; message?: string }): string | undefined {
  const fromCode = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z_]+)$/.exec(e.code ?? '');
  if (fromCode?.[1]) return fromCode[1].toLowerCase().replace(/_/g, ' ');
  const fromMessage = /(?:sslv3|tlsv1|tlsv13) alert ([a-z ]+?)(?::|$)/i.exec(e.message ?? '');
  return fromMessage?.[1]?.toLowerCase().trim();
}

export function classifySocketError(e: Error & { code?: string }, ctx: SocketErrorContext): TaxiiTransportError {
  const mapped = map(e, ctx);
  return new TaxiiTransportError(mapped.code, mapped.message, {
    url: ctx.url,
    retryable: mapped.retryable,
    cause: e,
    ...(mapped.hint !== undefined ? { hint: mapped.hint } : {}),
    detail: { errorCode: e.code, error: e.message },
  });
}

function map(e: Error & { code?: string }, ctx: SocketErrorContext): Mapped {
  const code = e.code ?? '';
  const source = ctx.proxy?.source;
  const proxyHint = !ctx.viaProxy
    ? ''
    : source?.kind === 'env'
      ? ` The requests go through a proxy from the ${source.variable} environment variable: check it too, or set flare.taxii.proxy=none to bypass it.`
      : ' A proxy is configured (flare.taxii.proxy): check it too.';
  if (e.name === 'AbortError' || code === 'ABORT_ERR') return { code: 'taxii_aborted', message: 'The TAXII request was cancelled.', retryable: false };
  if (code === 'ECONNREFUSED')
    return { code: 'taxii_connection_refused', message: 'The TAXII server refused the connection.', retryable: true, hint: 'Check the host and port in the TAXII URL, and that the server is running.' };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL')
    return {
      code: 'taxii_host_not_found',
      message: 'The TAXII server’s host name could not be resolved (DNS).',
      retryable: code === 'EAI_AGAIN',
      hint: 'Check the host name in the TAXII URL and this machine’s DNS settings.',
    };
  if (code === 'ETIMEDOUT') return { code: 'taxii_timeout', message: 'The connection to the TAXII server timed out.', retryable: true, hint: `Check the address, the port and any firewall in between.${proxyHint}` };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return { code: 'taxii_connection_refused', message: 'The TAXII server cannot be reached from this machine (no route to it).', retryable: true, hint: `Check the address and the network.${proxyHint}` };

  // Our verification of the server's certificate.
  if (code === 'CERT_HAS_EXPIRED')
    return {
      code: 'taxii_tls_expired',
      message: 'The TAXII server’s certificate has expired.',
      retryable: false,
      hint: 'The feed provider must renew the server certificate; check this machine’s clock too.',
    };
  if (code === 'CERT_NOT_YET_VALID')
    return { code: 'taxii_tls_expired', message: 'The TAXII server’s certificate is not valid yet.', retryable: false, hint: 'Check this machine’s clock (date and time zone).' };
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return {
      code: 'taxii_tls_wrong_host',
      message: 'The TAXII server’s certificate was issued for another host name than the one in the TAXII URL.',
      retryable: false,
      hint: 'Use the host name the certificate names (the feed provider’s documented URL), not an IP address or alias.',
    };
  if (UNTRUSTED.has(code))
    return {
      code: 'taxii_tls_untrusted',
      message: `The TAXII server’s certificate is not trusted (${code}).`,
      retryable: false,
      hint: 'Add the CA that signed the server certificate (PEM) under flare.taxii.ca.',
    };

  // Alerts the server sent us.
  const alert = receivedTlsAlert(e);
  if (alert !== undefined && CLIENT_CERT_ALERTS.has(alert)) {
    return {
      code: 'taxii_client_cert_rejected',
      message:
        alert === 'certificate required'
          ? 'The TAXII server requires a client certificate, and none was sent.'
          : ctx.clientCertificate
            ? `The TAXII server rejected the client certificate (TLS alert: ${alert}).`
            : `The TAXII server refused the TLS handshake (TLS alert: ${alert}); it most likely requires a client certificate.`,
      retryable: false,
      hint: CLIENT_CERT_HINT,
    };
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(e.message))
    return {
      code: 'taxii_tls',
      message: 'The TAXII server does not speak TLS on this port.',
      retryable: false,
      hint: 'Check the scheme and port of the TAXII URL (https:// for TLS ports, http:// otherwise).',
    };

  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') {
    if (ctx.secure && ctx.freshConnection && !ctx.answerStarted && ctx.clientCertificate) {
      return {
        code: 'taxii_client_cert_rejected',
        message: 'The TAXII server closed the connection during the TLS handshake, before answering: it did not accept the client certificate.',
        retryable: false,
        hint: CLIENT_CERT_HINT,
      };
    }
    return {
      code: 'taxii_connection_reset',
      message: 'The TAXII server closed the connection before answering.',
      retryable: true,
      ...(ctx.secure && ctx.freshConnection && !ctx.answerStarted
        ? { hint: `If the server requires a client certificate, configure one (flare.taxii.client.cert + flare.taxii.client.key, or client.ssl.key-store).${proxyHint}` }
        : {}),
    };
  }
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || code === 'EPROTO' || alert !== undefined)
    return {
      code: 'taxii_tls',
      message: `The TLS connection to the TAXII server failed (${alert !== undefined ? `TLS alert: ${alert}` : code}).`,
      retryable: false,
      hint: 'Check the TAXII URL, flare.taxii.ca and the client certificate; the log has the TLS error.',
    };
  return { code: 'taxii_transport', message: `The TAXII request failed: ${e.message}`, retryable: false };
}
