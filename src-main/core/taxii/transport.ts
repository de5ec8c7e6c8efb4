/**
 * The one seam between TAXII and the network. Everything above it (message exchange, the poll iterator) only
 * needs "POST this XML to this URL and give me the answer"; everything about sockets — TLS, client certificates,
 * proxies, timeouts — lives in an implementation of this interface (http-transport.ts today, hardened later).
 */
import { HEADER, MESSAGE_BINDING_XML_11, PROTOCOL_HTTP, PROTOCOL_HTTPS, SERVICES_11 } from './constants';

export interface TaxiiHttpResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  /** The whole body, decompressed and decoded as UTF-8. */
  body: string;
}

export interface TaxiiPostOptions {
  signal?: AbortSignal;
}

export interface TaxiiTransport {
  /**
   * POSTs one TAXII XML message with the TAXII HTTP headers and resolves with the complete answer, whatever its
   * HTTP status. Rejects with a `TaxiiTransportError` when no complete answer arrived.
   */
  post(url: string, xml: string, options?: TaxiiPostOptions): Promise<TaxiiHttpResponse>;
  /** Releases pooled connections. */
  close?(): void;
}

/**
 * The headers of a TAXII 1.1 HTTP request (reference/taxii.md §1.5). OpenTAXII refuses a request without
 * Content-Type application/xml, X-TAXII-Content-Type or X-TAXII-Services; X-TAXII-Protocol must match the scheme.
 */
export function taxiiRequestHeaders(url: string): Record<string, string> {
  const https = new URL(url).protocol === 'https:';
  return {
    [HEADER.contentType]: 'application/xml',
    [HEADER.accept]: 'application/xml',
    [HEADER.taxiiContentType]: MESSAGE_BINDING_XML_11,
    [HEADER.taxiiAccept]: MESSAGE_BINDING_XML_11,
    [HEADER.taxiiServices]: SERVICES_11,
    [HEADER.taxiiProtocol]: https ? PROTOCOL_HTTPS : PROTOCOL_HTTP,
  };
}

/** A URL fit for logs and error details: no user name, password or query string (they may hold secrets). */
export function displayUrl(url: string | URL): string {
  try {
    const u = typeof url === 'string' ? new URL(url) : url;
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
