/**
 * A `TaxiiTransport` over node:http and node:https: the TAXII headers, keep-alive connections (a poll sends one
 * request per part to the same server), connect and read timeouts, a bound on the answer's size, gzip/deflate
 * answers, mutual TLS (PEM or PKCS#12, legacy PKCS#12 through node-forge: tls-context.ts), an HTTP(S) proxy with
 * credentials (proxy.ts), and errors a person can act on (classify.ts). TLS verification always stays on.
 *
 * Why node:https and not undici (which the MISP client uses): a TAXII answer is one large XML document per part
 * that we want bounded in size and decompressed as it streams, with a connect timeout that covers the TLS handshake
 * and a read timeout on silence; node:https gives us those directly. Telling a rejected client certificate apart
 * from an ordinary dropped connection needs the socket's own story (fresh or reused connection, handshake done,
 * any answer byte yet, the raw OpenSSL error code), which undici's fetch hides behind "fetch failed". A CONNECT
 * tunnel is a small custom https.Agent, so proxies cost no extra dependency, and the one prepared SecureContext is
 * shared by direct and tunnelled connections alike.
 *
 * The proxy is chosen per destination (`proxyFor`: the configuration key, else the HTTPS_PROXY / HTTP_PROXY
 * environment variables with NO_PROXY, ../net/env-proxy.ts), each distinct proxy with its own pooled agents; the
 * choice for each destination is logged once, credentials masked.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import zlib from 'node:zlib';
import { silentLogger, type Logger } from '../log/types';
import { describeProxyChoice, type ProxyChoice, type ProxySource } from '../net/env-proxy';
import { classifySocketError } from './classify';
import { TaxiiTransportError, type TaxiiTransportCode } from './errors';
import { parseProxy, proxyError, proxyPort, TAXII_PROXY_KEY, TunnelAgent, type ProxySetting } from './proxy';
import { prepareTls, type ClientCertificateInfo, type TlsMaterial } from './tls-context';
import { displayUrl, taxiiRequestHeaders, type TaxiiHttpResponse, type TaxiiPostOptions, type TaxiiTransport } from './transport';

export interface HttpTransportTls extends TlsMaterial {
  /** SNI / certificate host name to use instead of the URL's host. */
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
  /** HTTP(S) proxy URL, optionally with `user:password@`, for every request (as flare.taxii.proxy gives it). */
  proxy?: string;
  /**
   * Decides the proxy for each destination (configuration key, environment variables, NO_PROXY: see
   * ../net/env-proxy.ts); used instead of `proxy` when given.
   */
  proxyFor?: (target: URL) => ProxyChoice;
  /** Host name resolution (tests inject one; default: the system resolver). */
  lookup?: LookupFunction;
  logger?: Logger;
}

/** What the transport was set up with, for health checks and logs (no secrets). */
export interface HttpTransportInfo {
  clientCertificate?: ClientCertificateInfo;
  customCaCount: number;
  /** The fixed proxy's (`options.proxy`) scheme, host and port; see `proxyInfo` for a per-destination choice. */
  proxy?: string;
}

/** How requests to one URL go out: through which proxy (scheme, host and port only), and why. */
export interface ProxyRouteInfo {
  proxy?: string;
  source: ProxySource;
}

export interface HttpTransport extends TaxiiTransport {
  readonly info: HttpTransportInfo;
  /**
   * The proxy requests to `url` take (and the one-time log line saying so). Throws a `TaxiiCredentialsError` when
   * that proxy's URL cannot be used.
   */
  proxyInfo(url: string): ProxyRouteInfo;
  close(): void;
}

/** The agents of one way out: direct, or through one proxy. */
interface Route {
  proxy?: ProxySetting;
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
}

const DEFAULTS = {
  connectTimeoutMs: 10_000,
  readTimeoutMs: 60_000,
  // One result part: a run's memory is bounded by about two of them (one being processed, one prefetched).
  maxResponseBytes: 64 * 1024 * 1024,
  userAgent: 'FLARE-MISP (TAXII 1.1 client)',
  maxSockets: 2,
};

/**
 * Creates the transport. Throws a `TaxiiCredentialsError` at once when the CA file, the client certificate, its key
 * or password, or the proxy setting cannot be used.
 */
export function createHttpTransport(options: HttpTransportOptions = {}): HttpTransport {
  const settings = { ...DEFAULTS, ...stripUndefined(options) };
  const log = (options.logger ?? silentLogger).child('taxii-http');
  const { servername, ...material } = options.tls ?? {};
  const prepared = options.tls ? prepareTls(material, log) : undefined;
  const hasClientCert = prepared?.clientCertificate !== undefined;
  const lookup = options.lookup ? { lookup: options.lookup } : {};
  const agentOptions: https.AgentOptions = {
    keepAlive: true,
    maxSockets: settings.maxSockets,
    ...lookup,
    ...(prepared ? { secureContext: prepared.secureContext } : {}),
    ...(servername ? { servername } : {}),
  };
  // Through a proxy, http:// requests go to the proxy itself (absolute form); https:// ones through CONNECT tunnels.
  // An https:// proxy is verified with the same trust (never presented our client certificate).
  const proxyCa = prepared?.ca ? { ca: prepared.ca } : {};
  const makeRoute = (proxy: ProxySetting | undefined): Route => ({
    ...(proxy ? { proxy } : {}),
    httpAgent:
      proxy?.url.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, maxSockets: settings.maxSockets, ...lookup, ...proxyCa })
        : new http.Agent({ keepAlive: true, maxSockets: settings.maxSockets, ...lookup }),
    httpsAgent: proxy
      ? new TunnelAgent(agentOptions, { proxy, connectTimeoutMs: settings.connectTimeoutMs, ...lookup, ...(prepared?.ca ? { proxyCa: prepared.ca } : {}) })
      : new https.Agent(agentOptions),
  });
  /** The ways out by proxy URL ('' = direct), each made when first needed. */
  const routes = new Map<string, Route>();
  const fixed: ProxyChoice = options.proxy ? { proxy: options.proxy, source: { kind: 'config', key: TAXII_PROXY_KEY } } : { source: { kind: 'none' } };
  // A fixed proxy setting is checked now, so a wrong one fails before any request.
  if (!options.proxyFor && options.proxy) routes.set(options.proxy, makeRoute(parseProxy(options.proxy)));
  const announced = new Set<string>();

  /** The way out to a destination; the choice is logged the first time it is made for that destination. */
  function routeFor(target: URL): { route: Route; source: ProxySource } {
    const choice = options.proxyFor ? options.proxyFor(target) : fixed;
    const key = choice.proxy ?? '';
    let route = routes.get(key);
    if (!route) {
      route = makeRoute(choice.proxy !== undefined ? parseProxy(choice.proxy, choice.source) : undefined);
      routes.set(key, route);
    }
    const said = describeProxyChoice(choice, 'TAXII', target);
    if (!announced.has(said.message)) {
      announced.add(said.message);
      log[said.level](said.message);
    }
    return { route, source: choice.source };
  }

  const fixedProxy = options.proxyFor ? undefined : routes.get(options.proxy ?? '')?.proxy;
  const info: HttpTransportInfo = {
    customCaCount: prepared?.customCaCount ?? 0,
    ...(prepared?.clientCertificate ? { clientCertificate: prepared.clientCertificate } : {}),
    ...(fixedProxy ? { proxy: fixedProxy.display } : {}),
  };

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
    let routed: { route: Route; source: ProxySource };
    try {
      routed = routeFor(target);
    } catch (e) {
      return Promise.reject(e);
    }
    const { route } = routed;
    const proxy = route.proxy;
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
      let freshConnection = false;
      let answerStarted = false;
      const failWith = (error: TaxiiTransportError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        req.destroy();
        reject(error);
      };
      const fail = (code: TaxiiTransportCode, message: string, retryable: boolean, cause?: unknown, hint?: string, detail?: Record<string, unknown>): void =>
        failWith(new TaxiiTransportError(code, message, { url: displayUrl(target), retryable, cause, hint, ...(detail ? { detail } : {}) }));

      const viaHttpProxy = proxy !== undefined && !secure;
      const req = viaHttpProxy
        ? (proxy.url.protocol === 'https:' ? https : http).request({
            host: proxy.url.hostname.replace(/^\[|\]$/g, ''),
            port: proxyPort(proxy),
            method: 'POST',
            // Absolute form, without any user:password of the TAXII URL (that goes in Authorization, if anywhere).
            path: `${target.protocol}//${target.host}${target.pathname}${target.search}`,
            headers: { ...headers, host: target.host, ...(proxy.authorization ? { 'proxy-authorization': proxy.authorization } : {}) },
            agent: route.httpAgent,
            signal: postOptions.signal,
          })
        : (secure ? https : http).request(target, {
            method: 'POST',
            headers,
            agent: secure ? route.httpsAgent : route.httpAgent,
            signal: postOptions.signal,
          });

      // Connect timeout: TCP, the proxy tunnel and the TLS handshake of a new connection. A reused keep-alive
      // socket is already connected and needs no timer.
      const connectTimer = setTimeout(
        () =>
          fail(
            'taxii_timeout',
            `No connection to ${target.host}${proxy ? ` through the proxy ${proxy.label}` : ''} within ${settings.connectTimeoutMs / 1000} s.`,
            true,
            undefined,
            'Check the address, the port and any firewall or proxy in between; the connect timeout is configurable (ctimeout).',
            { phase: 'connect' },
          ),
        settings.connectTimeoutMs,
      );
      req.on('socket', (socket) => {
        if (req.reusedSocket) {
          clearTimeout(connectTimer);
          return;
        }
        freshConnection = true;
        const tlsSocket = socket as TLSSocket;
        const handshaking = secure && !viaHttpProxy;
        if (handshaking ? tlsSocket.encrypted && tlsSocket.authorized : !socket.connecting) clearTimeout(connectTimer);
        else socket.once(handshaking ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      });
      req.setTimeout(settings.readTimeoutMs, () =>
        fail(
          'taxii_timeout',
          `The TAXII server sent nothing for ${settings.readTimeoutMs / 1000} s.`,
          true,
          undefined,
          'The server is slow or the connection stalled; the read timeout is configurable (rtimeout).',
          { phase: 'read' },
        ),
      );
      req.on('error', (e: Error & { code?: string }) => {
        if (e instanceof TaxiiTransportError) {
          failWith(e);
          return;
        }
        failWith(
          classifySocketError(e, {
            url: displayUrl(target),
            secure,
            clientCertificate: hasClientCert,
            freshConnection,
            answerStarted,
            viaProxy: proxy !== undefined,
            ...(proxy ? { proxy } : {}),
          }),
        );
      });

      req.on('response', (res) => {
        clearTimeout(connectTimer);
        answerStarted = true;
        if (viaHttpProxy && res.statusCode === 407) {
          // The forward proxy's own answer, not the TAXII server's: the same error as a refused CONNECT.
          res.resume();
          failWith(proxyError(proxy, displayUrl(target), 407));
          return;
        }
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
    info,
    proxyInfo(url: string): ProxyRouteInfo {
      const { route, source } = routeFor(new URL(url));
      return { ...(route.proxy ? { proxy: route.proxy.display } : {}), source };
    },
    close() {
      for (const route of routes.values()) {
        route.httpAgent.destroy();
        route.httpsAgent.destroy();
      }
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
