/**
 * A small HTTP proxy for tests: CONNECT tunnels (for https:// targets) and absolute-form forwarding (for http://
 * targets), optionally demanding Basic proxy credentials (407 otherwise). It only connects to loopback addresses
 * (anything else gets 403), and records what it was asked, for tests to assert on.
 *
 * `hosts` gives the proxy its own name resolution, as a corporate proxy has: `{ 'taxii.corp.test': '127.0.0.1' }`
 * lets a test address a server by a name that is not loopback (so environment-proxy rules treat it as remote) while
 * the proxy still reaches it on this machine.
 */
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';

export interface ConnectProxyOptions {
  auth?: { username: string; password: string };
  /** Key and certificate: the proxy itself then speaks HTTPS (an https:// proxy URL). */
  tls?: { key: string; cert: string };
  /** Names the proxy resolves itself, to loopback addresses only. */
  hosts?: Record<string, string>;
}

export interface ConnectProxy {
  url: string;
  /** `url` with the credentials in it (when `auth` was given). */
  urlWithAuth: string;
  port: number;
  /** Authorities asked for with CONNECT, e.g. `127.0.0.1:41234`. */
  connects: string[];
  /** Absolute URLs of forwarded plain-HTTP requests. */
  forwarded: string[];
  /** Requests refused with 407. */
  refusedAuth: number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const expected = options.auth ? `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}` : undefined;
  const connects: string[] = [];
  const forwarded: string[] = [];
  const sockets = new Set<net.Socket>();
  let refusedAuth = 0;
  /** The loopback address to dial for a target host, or undefined when the proxy may not go there. */
  const resolve = (host: string): string | undefined => {
    const mapped = options.hosts?.[host.toLowerCase()];
    if (mapped !== undefined) return LOOPBACK.has(mapped) ? mapped : undefined;
    return LOOPBACK.has(host) ? host : undefined;
  };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (expected && req.headers['proxy-authorization'] !== expected) {
      refusedAuth++;
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test-proxy"', 'content-type': 'text/plain' }).end('Proxy Authentication Required');
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URL required');
      return;
    }
    const address = resolve(target.hostname);
    if (address === undefined) {
      res.writeHead(403).end('only loopback targets');
      return;
    }
    forwarded.push(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = http.request({ host: address.replace(/^\[|\]$/g, ''), port: target.port, path: target.pathname + target.search, method: req.method, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end('bad gateway'));
    req.pipe(upstream);
  };
  const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (expected && req.headers['proxy-authorization'] !== expected) {
      refusedAuth++;
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test-proxy"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const authority = req.url ?? '';
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(authority);
    const address = m ? resolve(m[1]!) : undefined;
    if (!m || address === undefined) {
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    connects.push(authority);
    const upstream = net.connect(Number(m[2]), address.replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n'));
    client.on('close', () => upstream.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const scheme = options.tls ? 'https' : 'http';
  const url = `${scheme}://127.0.0.1:${port}`;
  return {
    url,
    urlWithAuth: options.auth ? `${scheme}://${encodeURIComponent(options.auth.username)}:${encodeURIComponent(options.auth.password)}@127.0.0.1:${port}` : url,
    port,
    connects,
    forwarded,
    get refusedAuth() {
      return refusedAuth;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
