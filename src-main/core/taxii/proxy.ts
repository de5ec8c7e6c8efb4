/**
 * HTTP(S) proxy support for the TAXII transport, on node:http/node:https alone:
 *
 * - https:// TAXII URLs go through a CONNECT tunnel. `TunnelAgent` is an https.Agent whose connections are made
 *   by asking the proxy to CONNECT host:port and then starting TLS over the tunnel with the transport's own secure
 *   context, so the TAXII server's certificate is verified end to end exactly as without a proxy and the client
 *   certificate is presented to the TAXII server, never to the proxy. Tunnels are pooled (keep-alive) like direct
 *   connections.
 * - http:// TAXII URLs are sent to the proxy in absolute form (`POST http://host/path`), as forward proxies expect.
 *
 * Proxy credentials come from the proxy URL (`http://user:pass@proxy:3128`) and go out as Proxy-Authorization
 * (Basic); they are never logged.
 *
 * Which proxy (flare.taxii.proxy, an environment variable, or none) is decided per destination in
 * ../net/env-proxy.ts; a setting remembers where it came from, so its errors say so and how to bypass it.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { proxyBypassHint, proxyUrlProblem, type ProxySource } from '../net/env-proxy';
import { classifySocketError } from './classify';
import { TaxiiCredentialsError, TaxiiTransportError } from './errors';

export const TAXII_PROXY_KEY = 'flare.taxii.proxy';

export interface ProxySetting {
  url: URL;
  /** `Basic …`, when the proxy URL carries credentials. */
  authorization?: string;
  /** For logs and errors: scheme, host and port only. */
  display: string;
  /** Where the proxy came from (the configuration key or an environment variable). */
  source: ProxySource;
  /** `display`, plus its origin when that is the environment: `http://proxy:3128 (from HTTPS_PROXY)`. */
  label: string;
  /** What to check or do when the proxy fails, naming its origin. */
  hint: string;
}

/** The proxy URL `value`; `source` says where it came from (default: flare.taxii.proxy). */
export function parseProxy(value: string, source: ProxySource = { kind: 'config', key: TAXII_PROXY_KEY }): ProxySetting {
  const fromEnv = source.kind === 'env';
  const problem = proxyUrlProblem(value);
  if (problem) {
    throw new TaxiiCredentialsError(
      'taxii_proxy_setting',
      fromEnv ? `The proxy in the ${source.variable} environment variable ${problem}.` : `The TAXII proxy setting (${TAXII_PROXY_KEY}) ${problem}.`,
      fromEnv
        ? `Correct ${source.variable} (e.g. http://proxy.example:3128), or set ${TAXII_PROXY_KEY}=none to connect directly.`
        : `Set ${TAXII_PROXY_KEY} to a URL such as http://proxy.example:3128 (with user:password@ when the proxy needs credentials), or to none.`,
      { proxySource: fromEnv ? source.variable : TAXII_PROXY_KEY },
    );
  }
  const url = new URL(value);
  const display = `${url.protocol}//${url.host}`;
  const setting: ProxySetting = { url, display, source, label: fromEnv ? `${display} (from ${source.variable})` : display, hint: proxyBypassHint(source, TAXII_PROXY_KEY) };
  if (url.username || url.password) {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    setting.authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
  }
  return setting;
}

/** Detail fields for errors through a proxy (never its credentials). */
export function proxyDetail(proxy: ProxySetting): Record<string, unknown> {
  return { proxy: proxy.display, proxySource: proxy.source.kind === 'env' ? proxy.source.variable : TAXII_PROXY_KEY };
}

export function proxyPort(proxy: ProxySetting): number {
  return Number(proxy.url.port || (proxy.url.protocol === 'https:' ? 443 : 80));
}

export interface TunnelOptions {
  proxy: ProxySetting;
  connectTimeoutMs: number;
  lookup?: LookupFunction;
  /** Trust for an https:// proxy itself. */
  proxyCa?: (string | Buffer)[];
}

type ConnectionCallback = (err: Error | null, stream: Duplex) => void;

interface ConnectionOptions {
  host?: string;
  hostname?: string;
  port?: number | string;
  servername?: string;
  secureContext?: tls.SecureContext;
  rejectUnauthorized?: boolean;
}

/** Error for a failed proxy step (never with the proxy's credentials). */
export function proxyError(proxy: ProxySetting, target: string, status: number): TaxiiTransportError {
  const fromEnv = proxy.source.kind === 'env';
  if (status === 407) {
    return new TaxiiTransportError(
      'taxii_proxy_auth',
      proxy.authorization ? `The proxy ${proxy.label} did not accept its credentials (HTTP 407).` : `The proxy ${proxy.label} asks for credentials (HTTP 407).`,
      {
        url: target,
        retryable: false,
        hint: fromEnv
          ? `Put the proxy user name and password in the proxy URL (http://user:password@proxy:port). ${proxy.hint}`
          : `Put the proxy user name and password in ${TAXII_PROXY_KEY}: http://user:password@proxy:port.`,
        detail: { ...proxyDetail(proxy), status },
      },
    );
  }
  return new TaxiiTransportError('taxii_proxy', `The proxy ${proxy.label} refused to connect to ${target} (HTTP ${status}).`, {
    url: target,
    retryable: status === 502 || status === 503 || status === 504,
    hint: fromEnv
      ? `The proxy may not allow this host or port (CONNECT); ask its administrator. ${proxy.hint}`
      : `The proxy may not allow this host or port (CONNECT); ask its administrator, or check ${TAXII_PROXY_KEY}.`,
    detail: { ...proxyDetail(proxy), status },
  });
}

/** An https.Agent that reaches every host through a CONNECT tunnel of `proxy`. */
export class TunnelAgent extends https.Agent {
  constructor(
    agentOptions: https.AgentOptions,
    private readonly tunnel: TunnelOptions,
  ) {
    super(agentOptions);
  }

  // node:http calls createConnection(options, callback) and accepts a socket handed over later through the
  // callback (when it returns undefined), which is what an asynchronous CONNECT needs.
  override createConnection(requestOptions: https.RequestOptions, callback?: ConnectionCallback): undefined {
    const options = requestOptions as ConnectionOptions;
    const { proxy, connectTimeoutMs, lookup } = this.tunnel;
    const host = options.host ?? options.hostname ?? 'localhost';
    const port = Number(options.port ?? 443);
    const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const targetDisplay = `https://${authority}`;
    let done = false;
    const finish = (err: Error | null, socket?: Socket): void => {
      if (done) {
        socket?.destroy();
        return;
      }
      done = true;
      callback?.(err, socket as Duplex);
    };

    const headers: Record<string, string> = { host: authority };
    if (proxy.authorization) headers['proxy-authorization'] = proxy.authorization;
    const connectOptions: https.RequestOptions = {
      host: proxy.url.hostname.replace(/^\[|\]$/g, ''),
      port: proxyPort(proxy),
      method: 'CONNECT',
      path: authority,
      headers,
      agent: false,
      ...(lookup ? { lookup } : {}),
      ...(this.tunnel.proxyCa ? { ca: this.tunnel.proxyCa } : {}),
    };
    const connectRequest = proxy.url.protocol === 'https:' ? https.request(connectOptions) : http.request(connectOptions);
    const timer = setTimeout(() => {
      connectRequest.destroy();
      finish(
        new TaxiiTransportError('taxii_timeout', `The proxy ${proxy.label} did not open a tunnel to ${authority} within ${connectTimeoutMs / 1000} s.`, {
          url: targetDisplay,
          retryable: true,
          hint: `Check that the proxy can reach the TAXII server. ${proxy.hint}`,
          detail: { phase: 'connect', ...proxyDetail(proxy) },
        }),
      );
    }, connectTimeoutMs);

    connectRequest.once('connect', (res: http.IncomingMessage, socket: Socket, head: Buffer) => {
      clearTimeout(timer);
      if (res.statusCode !== 200) {
        socket.destroy();
        finish(proxyError(proxy, targetDisplay, res.statusCode ?? 0));
        return;
      }
      if (head.length > 0) socket.unshift(head);
      const tlsOptions: tls.ConnectionOptions = {
        socket,
        host,
        rejectUnauthorized: options.rejectUnauthorized !== false,
        ...(options.secureContext ? { secureContext: options.secureContext } : {}),
        // SNI is for host names only; Node's agent passes an empty servername for IP addresses.
        ...(options.servername ? { servername: options.servername } : {}),
      };
      finish(null, tls.connect(tlsOptions));
    });
    connectRequest.once('response', (res: http.IncomingMessage) => {
      // A proxy that answers CONNECT with a normal response (e.g. 407 with a body) ends up here in some Node versions.
      clearTimeout(timer);
      res.resume();
      finish(proxyError(proxy, targetDisplay, res.statusCode ?? 0));
    });
    connectRequest.once('error', (e: Error & { code?: string }) => {
      clearTimeout(timer);
      const mapped = classifySocketError(e, { url: proxy.display, secure: proxy.url.protocol === 'https:', clientCertificate: false, freshConnection: true, answerStarted: false, viaProxy: true, proxy });
      finish(
        new TaxiiTransportError(
          mapped.code === 'taxii_connection_refused' || mapped.code === 'taxii_host_not_found' ? 'taxii_proxy' : mapped.code,
          `The proxy ${proxy.label} could not be used: ${lowerFirst(mapped.message.replace(/TAXII server/g, 'proxy'))}`,
          { url: targetDisplay, retryable: mapped.retryable, cause: e, hint: `Check that the proxy is running. ${proxy.hint}`, detail: { ...proxyDetail(proxy), errorCode: e.code } },
        ),
      );
    });
    connectRequest.end();
    return undefined;
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
