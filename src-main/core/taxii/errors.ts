/**
 * What can go wrong between us and a TAXII server, below the level of a TAXII Status_Message (those are in
 * status.ts): the connection, the HTTP exchange, and answers that are not the TAXII we asked for. Each error says
 * whether trying the same request again may help (`retryable`), which is all the poll iterator needs to know.
 */
import { FlareError } from '../errors';

export type TaxiiTransportCode =
  | 'taxii_connection_refused'
  | 'taxii_host_not_found'
  | 'taxii_timeout'
  | 'taxii_connection_reset'
  | 'taxii_response_too_large'
  | 'taxii_tls'
  | 'taxii_tls_untrusted'
  | 'taxii_tls_expired'
  | 'taxii_tls_wrong_host'
  | 'taxii_client_cert_rejected'
  | 'taxii_proxy'
  | 'taxii_proxy_auth'
  | 'taxii_aborted'
  | 'taxii_transport';

/** The request did not complete: no connection, a timeout, a connection dropped mid-answer, a TLS failure. */
export class TaxiiTransportError extends FlareError {
  readonly retryable: boolean;
  declare readonly code: TaxiiTransportCode;

  constructor(
    code: TaxiiTransportCode,
    message: string,
    options: { hint?: string; url: string; retryable: boolean; cause?: unknown; detail?: Record<string, unknown> },
  ) {
    super(code, message, {
      hint: options.hint,
      detail: { url: options.url, ...options.detail },
      cause: options.cause,
    });
    this.name = 'TaxiiTransportError';
    this.retryable = options.retryable;
  }
}

/** The server answered with an HTTP status other than 200 and no TAXII message (a proxy page, a 404, a 500). */
export class TaxiiHttpError extends FlareError {
  readonly status: number;
  readonly retryable: boolean;

  /** `body` may be the whole answer: only a short, flattened snippet of it is kept. */
  constructor(url: string, status: number, contentType: string | undefined, body: string) {
    const certRejected = isClientCertRejectionPage(status, body);
    super(
      certRejected ? 'taxii_client_cert_rejected' : 'taxii_http_status',
      certRejected
        ? `The TAXII server (or the TLS proxy in front of it) rejected the client certificate (HTTP ${status}).`
        : `The TAXII server answered HTTP ${status} instead of a TAXII message.`,
      {
        hint: certRejected ? CLIENT_CERT_HINT : hintForStatus(status),
        detail: { url, status, contentType, body: snippet(body) },
      },
    );
    this.name = 'TaxiiHttpError';
    this.status = status;
    this.retryable = status === 429 || status === 502 || status === 503 || status === 504;
  }
}

/** What to do when the server does not accept our client certificate (or got none). */
export const CLIENT_CERT_HINT =
  'Configure the client certificate the feed provider registered (flare.taxii.client.cert + flare.taxii.client.key, or client.ssl.key-store with 2way.ssl.auth=true), check that it has not expired, and that it was issued by a CA the server accepts.';

/**
 * A TLS-terminating proxy (nginx, Apache, a load balancer) that refuses a client certificate answers an HTML 400
 * page instead of a TLS alert: nginx says "No required SSL certificate was sent" or "The SSL certificate error".
 */
function isClientCertRejectionPage(status: number, body: string): boolean {
  if (status !== 400 && status !== 403 && status !== 495 && status !== 496) return false;
  if (status === 495 || status === 496) return true; // nginx's own codes for these two cases
  return /No required SSL certificate was sent|SSL certificate error|client certificate/i.test(body.slice(0, 4096));
}

function snippet(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** A problem with the client certificate, its key, the CA file or the proxy setting, found before any connection. */
export class TaxiiCredentialsError extends FlareError {
  constructor(code: 'taxii_client_credentials' | 'taxii_ca_file' | 'taxii_proxy_setting', message: string, hint: string, detail?: Record<string, unknown>) {
    super(code, message, { hint, ...(detail ? { detail } : {}) });
    this.name = 'TaxiiCredentialsError';
  }
}

export type TaxiiProtocolCode =
  | 'taxii_not_taxii'
  | 'taxii_bad_xml'
  | 'taxii_unsupported_version'
  | 'taxii_unexpected_message'
  | 'taxii_wrong_in_response_to'
  | 'taxii_bad_paging'
  /** The server keeps saying more parts follow (empty parts, or past the part limit): the poll stopped. */
  | 'taxii_endless_paging'
  /** A message over the reader's per-message caps (elements): refused before it is fully read. */
  | 'taxii_message_too_large';

/** The server answered, but not with the TAXII 1.1 message this exchange needs. */
export class TaxiiProtocolError extends FlareError {
  declare readonly code: TaxiiProtocolCode;

  constructor(code: TaxiiProtocolCode, message: string, options: { hint?: string; detail?: Record<string, unknown>; cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'TaxiiProtocolError';
  }
}

/** True for errors where sending the same request again may succeed. */
export function isRetryable(e: unknown): boolean {
  return (e instanceof TaxiiTransportError || e instanceof TaxiiHttpError) && e.retryable;
}

function hintForStatus(status: number): string {
  if (status === 401 || status === 403) return 'Check the feed credentials (client certificate, user name and password).';
  if (status === 404) return 'Check the TAXII URL: it must be the address of the service (for example …/taxii-data), not the site.';
  if (status === 405) return 'The URL answers, but not to TAXII POST requests: check that it is the service address.';
  if (status === 406 || status === 415) return 'The server refused the TAXII 1.1 XML headers: check that it is a TAXII 1.1 server.';
  if (status === 407) return 'A proxy asks for credentials: configure the proxy for the feed.';
  if (status >= 500) return 'The server or a proxy in front of it failed; the next run will try again.';
  return 'Check the TAXII URL and that a proxy is not answering in the server’s place.';
}
