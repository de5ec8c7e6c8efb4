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

  constructor(url: string, status: number, contentType: string | undefined, bodySnippet: string) {
    super('taxii_http_status', `The TAXII server answered HTTP ${status} instead of a TAXII message.`, {
      hint: hintForStatus(status),
      detail: { url, status, contentType, body: bodySnippet },
    });
    this.name = 'TaxiiHttpError';
    this.status = status;
    this.retryable = status === 429 || status === 502 || status === 503 || status === 504;
  }
}

export type TaxiiProtocolCode =
  | 'taxii_not_taxii'
  | 'taxii_bad_xml'
  | 'taxii_unsupported_version'
  | 'taxii_unexpected_message'
  | 'taxii_wrong_in_response_to'
  | 'taxii_bad_paging';

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
