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
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { classifySocketError } from './classify';
import { TaxiiCredentialsError, TaxiiTransportError } from './errors';

export interface ProxySetting {
  url: URL;
  /** `Basic …`, when the proxy URL carries credentials. */
  authorization?: string;
  /** For logs and errors: scheme, host and port only. */
  display: string;
}

export function parseProxy(value: string): ProxySetting {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TaxiiCredentialsError('taxii_proxy_setting', 'The TAXII proxy setting is not a URL.', 'Set flare.taxii.proxy to a URL such as http://proxy.example:3128 (with user:password@ when the proxy needs credentials).');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TaxiiCredentialsError('taxii_proxy_setting', `The TAXII proxy must be an http:// or https:// URL, not ${url.protocol}//.`, 'Set flare.taxii.proxy to a URL such as http://proxy.example:3128.');
  }
  const display = `${url.protocol}//${url.host}`;
  if (url.username || url.password) {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    return { url, display, authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` };
  }
  return { url, display };
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
  if (status === 407) {
    return new TaxiiTransportError(
      'taxii_proxy_auth',
      proxy.authorization ? `The proxy ${proxy.display} did not accept its credentials (HTTP 407).` : `The proxy ${proxy.display} asks for credentials (HTTP 407).`,
      { url: target, retryable: false, hint: 'Put the proxy user name and password in flare.taxii.proxy: http://user:password@proxy:port.', detail: { proxy: proxy.display, status } },
    );
  }
  return new TaxiiTransportError('taxii_proxy', `The proxy ${proxy.display} refused to connect to ${target} (HTTP ${status}).`, {
    url: target,
    retryable: status === 502 || status === 503 || status === 504,
    hint: 'The proxy may not allow this host or port (CONNECT); ask its administrator, or check flare.taxii.proxy.',
    detail: { proxy: proxy.display, status },
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
        new TaxiiTransportError('taxii_timeout', `The proxy ${proxy.display} did not open a tunnel to ${authority} within ${connectTimeoutMs / 1000} s.`, {
          url: targetDisplay,
          retryable: true,
          hint: 'Check flare.taxii.proxy and that the proxy can reach the TAXII server.',
          detail: { phase: 'connect', proxy: proxy.display },
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
      const mapped = classifySocketError(e, { url: proxy.display, secure: proxy.url.protocol === 'https:', clientCertificate: false, freshConnection: true, answerStarted: false, viaProxy: true });
      finish(
        new TaxiiTransportError(
          mapped.code === 'taxii_connection_refused' || mapped.code === 'taxii_host_not_found' ? 'taxii_proxy' : mapped.code,
          `The proxy ${proxy.display} could not be used: ${lowerFirst(mapped.message.replace(/TAXII server/g, 'proxy'))}`,
          { url: targetDisplay, retryable: mapped.retryable, cause: e, hint: 'Check flare.taxii.proxy (host and port) and that the proxy is running.', detail: { proxy: proxy.display, errorCode: e.code } },
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
