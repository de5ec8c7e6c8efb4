/**
 * A `TaxiiTransport` over node:http and node:https: the TAXII headers, keep-alive connections (a poll sends one
 * request per part to the same server), connect and read timeouts, a bound on the answer's size, and gzip/deflate
 * answers. TLS verification always stays on; a custom CA and a client certificate can be given. Mutual-TLS
 * configuration from PKCS#12 files, proxies and health checks are the next layer's job and plug in here.
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { silentLogger, type Logger } from '../log/types';
import { TaxiiTransportError, type TaxiiTransportCode } from './errors';
import { displayUrl, taxiiRequestHeaders, type TaxiiHttpResponse, type TaxiiPostOptions, type TaxiiTransport } from './transport';

export interface HttpTransportTls {
  /** Trusted CA certificates (PEM). As in Node, giving `ca` replaces the system store for this transport. */
  ca?: string | Buffer | (string | Buffer)[];
  cert?: string | Buffer;
  key?: string | Buffer;
  pfx?: Buffer;
  passphrase?: string;
  servername?: string;
}

export interface HttpTransportOptions {
  /** Time to establish the connection (TCP and TLS). Default 10 s, like the old service's `ctimeout`. */
  connectTimeoutMs?: number;
  /** Longest silence while waiting for or reading the answer. Default 60 s. */
  readTimeoutMs?: number;
  /** Largest answer accepted, after decompression. Default 512 MiB (one poll part). */
  maxResponseBytes?: number;
  userAgent?: string;
  /** Extra headers, e.g. Authorization. Never logged. */
  headers?: Record<string, string>;
  tls?: HttpTransportTls;
  /** Connections kept open per host between parts. Default 2. */
  maxSockets?: number;
  logger?: Logger;
}

const DEFAULTS = {
  connectTimeoutMs: 10_000,
  readTimeoutMs: 60_000,
  maxResponseBytes: 512 * 1024 * 1024,
  userAgent: 'FLARE-MISP (TAXII 1.1 client)',
  maxSockets: 2,
};

export function createHttpTransport(options: HttpTransportOptions = {}): TaxiiTransport {
  const settings = { ...DEFAULTS, ...stripUndefined(options) };
  const log = (options.logger ?? silentLogger).child('taxii-http');
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: settings.maxSockets });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: settings.maxSockets, ...options.tls });

  function post(url: string, xml: string, postOptions: TaxiiPostOptions = {}): Promise<TaxiiHttpResponse> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    if (!secure && target.protocol !== 'http:') {
      return Promise.reject(
        new TaxiiTransportError('taxii_transport', `"${target.protocol}" URLs are not supported for TAXII.`, {
          url: displayUrl(target),
          retryable: false,
          hint: 'Use an http:// or https:// address.',
        }),
      );
    }
    const body = Buffer.from(xml, 'utf8');
    const headers: Record<string, string> = {
      ...taxiiRequestHeaders(url),
      'accept-encoding': 'gzip, deflate',
      'user-agent': settings.userAgent,
      'content-length': String(body.length),
      ...options.headers,
    };
    const started = Date.now();
    log.debug(`POST ${displayUrl(target)} (${body.length} bytes)`);

    return new Promise<TaxiiHttpResponse>((resolve, reject) => {
      let settled = false;
      const fail = (code: TaxiiTransportCode, message: string, retryable: boolean, cause?: unknown, hint?: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        req.destroy();
        reject(new TaxiiTransportError(code, message, { url: displayUrl(target), retryable, cause, hint }));
      };

      const req = (secure ? https : http).request(target, {
        method: 'POST',
        headers,
        agent: secure ? httpsAgent : httpAgent,
        signal: postOptions.signal,
      });

      // Connect timeout: only for a new connection; a reused keep-alive socket is already connected.
      const connectTimer = setTimeout(
        () => fail('taxii_timeout', `No connection to ${target.host} within ${settings.connectTimeoutMs / 1000} s.`, true, undefined, 'Check the address, the port and any firewall or proxy in between.'),
        settings.connectTimeoutMs,
      );
      req.on('socket', (socket) => {
        // A new socket is still connecting; a reused keep-alive socket is not and needs no timer.
        if (!socket.connecting) clearTimeout(connectTimer);
        else socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      });
      req.setTimeout(settings.readTimeoutMs, () =>
        fail('taxii_timeout', `The TAXII server sent nothing for ${settings.readTimeoutMs / 1000} s.`, true, undefined, 'The server is slow or the connection stalled; the read timeout is configurable (rtimeout).'),
      );
      req.on('error', (e) => {
        const mapped = mapSocketError(e);
        fail(mapped.code, mapped.message, mapped.retryable, e, mapped.hint);
      });

      req.on('response', (res) => {
        clearTimeout(connectTimer);
        const chunks: Buffer[] = [];
        let size = 0;
        let stream: Readable = res;
        const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
        if (encoding === 'gzip' || encoding === 'x-gzip') stream = res.pipe(zlib.createGunzip());
        else if (encoding === 'deflate') stream = res.pipe(zlib.createInflate());
        else if (encoding === 'br') stream = res.pipe(zlib.createBrotliDecompress());

        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > settings.maxResponseBytes) {
            fail('taxii_response_too_large', `The TAXII answer is larger than ${Math.round(settings.maxResponseBytes / 1048576)} MiB.`, false, undefined, 'Ask the server for smaller parts, or raise the response size limit.');
            return;
          }
          chunks.push(chunk);
        });
        stream.on('error', (e) => fail('taxii_connection_reset', 'The TAXII answer could not be decompressed or was cut off.', true, e));
        res.on('error', (e) => fail('taxii_connection_reset', 'The connection dropped while the TAXII answer was arriving.', true, e));
        res.on('aborted', () => fail('taxii_connection_reset', 'The connection dropped while the TAXII answer was arriving.', true));
        stream.on('end', () => {
          if (settled) return;
          if (!res.complete) {
            fail('taxii_connection_reset', 'The connection dropped while the TAXII answer was arriving.', true);
            return;
          }
          settled = true;
          const responseHeaders: Record<string, string | undefined> = {};
          for (const [k, v] of Object.entries(res.headers)) responseHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
          const text = Buffer.concat(chunks, size).toString('utf8');
          log.debug(`HTTP ${res.statusCode} from ${displayUrl(target)}: ${size} bytes in ${Date.now() - started} ms`);
          resolve({ status: res.statusCode ?? 0, headers: responseHeaders, body: text });
        });
      });

      req.end(body);
    });
  }

  return {
    post,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

function mapSocketError(e: Error & { code?: string }): { code: TaxiiTransportCode; message: string; retryable: boolean; hint?: string } {
  const code = e.code ?? '';
  if (e.name === 'AbortError' || code === 'ABORT_ERR') return { code: 'taxii_aborted', message: 'The TAXII request was cancelled.', retryable: false };
  if (code === 'ECONNREFUSED')
    return { code: 'taxii_connection_refused', message: 'The TAXII server refused the connection.', retryable: true, hint: 'Check the host and port, and that the server is running.' };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { code: 'taxii_host_not_found', message: 'The TAXII server’s host name could not be resolved.', retryable: code === 'EAI_AGAIN', hint: 'Check the host name in the TAXII URL and the DNS settings.' };
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED')
    return { code: 'taxii_connection_reset', message: 'The TAXII server closed the connection before answering.', retryable: true };
  if (code === 'ETIMEDOUT') return { code: 'taxii_timeout', message: 'The connection to the TAXII server timed out.', retryable: true };
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS'))
    return {
      code: 'taxii_tls',
      message: `The TLS connection to the TAXII server failed (${code}).`,
      retryable: false,
      hint: 'If the server’s certificate is not trusted, add its CA under flare.taxii.ca.',
    };
  return { code: 'taxii_transport', message: `The TAXII request failed: ${e.message}`, retryable: false };
}
