/**
 * The headless service: the AdminApi over HTTP plus the old service's endpoints and the web UI.
 *   POST /api/<method>   JSON array body = the arguments; 200 with the JSON result, or an error JSON
 *   GET  /api/events     Server-Sent Events: log, run, jobs, status
 *   old endpoints        see legacy.ts
 *   GET  /…              the built renderer (dist-renderer), with a strict CSP
 * Safe by default: it refuses to listen beyond loopback without a bearer token, checks the Host header
 * against DNS rebinding on loopback, and takes API calls only as application/json (no cross-site form posts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ADMIN_EVENTS, ADMIN_METHODS, type AdminApi, type AdminEventName, type AdminEvents } from '../../shared/api';
import { FlareError, toApiError } from '../core/errors';
import { isLoopbackHost as isLoopback } from '../core/net/loopback';
import type { Logger } from '../core/log/types';
import { LEGACY_ROUTES } from './legacy';

export interface EventSource_ {
  on<E extends AdminEventName>(event: E, listener: (payload: AdminEvents[E]) => void): () => void;
}

export interface ServerOptions {
  api: AdminApi;
  events: EventSource_;
  host: string;
  port: number;
  token?: string;
  /** Folder of the built renderer; when absent the UI route explains how to build it. */
  staticDir?: string;
  log: Logger;
  /** Max JSON body size (a previewed STIX package can be large). */
  maxBodyBytes?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

const METHODS = new Set<string>(ADMIN_METHODS);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** HTTP status for an error code: the caller's fault, not ours, where that is known. */
function statusFor(code: string): number {
  if (code === 'not_available') return 501;
  if (code === 'bad_request' || code.startsWith('config_')) return 400;
  if (code === 'unauthorized') return 401;
  if (code === 'forbidden') return 403;
  if (code === 'not_found' || code.endsWith('_not_found')) return 404;
  if (code === 'busy') return 409;
  if (code === 'too_large') return 413;
  // The content was read and refused (not STIX, malformed, over a reader limit): the request was understood.
  if (code.startsWith('stix_')) return 422;
  return 500;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { api, events, host, token, log } = options;
  if (!isLoopback(host) && !token) {
    throw new FlareError('server_insecure', `Refusing to listen on ${host} without an access token: anyone who can reach it could run polls and read the configuration.`, {
      hint: 'Set flare.server.token (or FLARE_SERVER_TOKEN) to a long random value, or keep flare.server.address=127.0.0.1.',
    });
  }
  const maxBody = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const sseClients = new Set<ServerResponse>();

  const offs = ADMIN_EVENTS.map((event) =>
    events.on(event, (payload) => {
      const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
      for (const res of sseClients) res.write(frame);
    }),
  );
  const heartbeat = setInterval(() => {
    for (const res of sseClients) res.write(': keep-alive\n\n');
  }, 25_000);
  heartbeat.unref();

  const sendJson = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body === undefined ? null : body);
    // After a refused oversized body the rest of it is not wanted: close the connection once answered.
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', ...(status === 413 && { connection: 'close' }) });
    res.end(text);
  };
  const sendError = (res: ServerResponse, e: unknown) => {
    const err = toApiError(e);
    if (err.code === 'internal') log.error(`API error: ${err.message}`);
    sendJson(res, statusFor(err.code), { error: err });
  };

  const authorised = (req: IncomingMessage, url: URL): boolean => {
    if (!token) return true;
    const header = req.headers.authorization ?? '';
    return header === `Bearer ${token}` || url.searchParams.get('access_token') === token;
  };

  const hostAllowed = (req: IncomingMessage): boolean => {
    if (!isLoopback(host)) return true;
    const h = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    return isLoopback(h);
  };

  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      let size = 0;
      let chunks: Buffer[] | null = [];
      req.on('data', (c: Buffer) => {
        if (chunks === null) return; // refused already: the rest is read and dropped, so the answer reaches the client
        size += c.length;
        if (size > maxBody) {
          chunks = null;
          // Answered with 413 and this message; destroying the request instead left the browser with a dropped
          // connection ("the service does not answer") rather than the reason.
          reject(
            new FlareError('too_large', `The request body is larger than ${(maxBody / 1024 / 1024).toFixed(0)} MB, the most this service reads.`, {
              hint: 'Send a smaller package, or split the file; the limit protects the service from exhausting its memory.',
            }),
          );
        } else chunks.push(c);
      });
      req.on('end', () => {
        if (chunks !== null) resolve(Buffer.concat(chunks).toString('utf8'));
      });
      req.on('error', reject);
    });

  const serveStatic = async (res: ServerResponse, pathname: string) => {
    const dir = options.staticDir;
    if (!dir || !existsSync(path.join(dir, 'index.html'))) {
      res.writeHead(503, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
      res.end('The web UI is not built. Run `npm run build:renderer` (npm run serve does it for you), then reload.\nThe API is available under /api/.\n');
      return;
    }
    const rel = decodeURIComponent(pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.resolve(dir, rel);
    const inside = file.startsWith(path.resolve(dir) + path.sep);
    let body: Buffer;
    let target = file;
    try {
      body = await readFile(inside ? file : path.join(dir, 'index.html'));
    } catch {
      // Unknown paths get the app (it has one page); missing assets get a 404.
      if (path.extname(rel)) {
        res.writeHead(404, { ...SECURITY_HEADERS, 'content-type': 'text/plain' });
        res.end('Not found\n');
        return;
      }
      target = path.join(dir, 'index.html');
      body = await readFile(target);
    }
    const headers: Record<string, string> = { ...SECURITY_HEADERS, 'content-type': TYPES[path.extname(target)] ?? 'application/octet-stream' };
    if (target.endsWith('.html')) headers['content-security-policy'] = CSP;
    else headers['cache-control'] = 'public, max-age=3600';
    res.writeHead(200, headers);
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    if (!hostAllowed(req)) {
      sendJson(res, 421, { error: { code: 'forbidden', message: 'Unexpected Host header.' } });
      return;
    }
    const legacy = LEGACY_ROUTES[url.pathname];
    const isApi = url.pathname.startsWith('/api/');
    if ((isApi || legacy) && !authorised(req, url)) {
      res.setHeader('www-authenticate', 'Bearer');
      sendJson(res, 401, { error: { code: 'unauthorized', message: 'A bearer token is required.', hint: 'Send Authorization: Bearer <flare.server.token>.' } });
      return;
    }
    if (url.pathname === '/api/events' && method === 'GET') {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
      // Without a first write the headers are not flushed and EventSource never opens.
      res.write(': connected\n\n');
      sseClients.add(res);
      req.on('close', () => sseClients.delete(res));
      return;
    }
    if (isApi) {
      const name = url.pathname.slice('/api/'.length);
      if (!METHODS.has(name)) {
        sendJson(res, 404, { error: { code: 'not_found', message: `No API method ${name}.` } });
        return;
      }
      if (method !== 'POST') {
        res.setHeader('allow', 'POST');
        sendJson(res, 405, { error: { code: 'bad_request', message: `Use POST for /api/${name}.` } });
        return;
      }
      if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
        sendJson(res, 415, { error: { code: 'bad_request', message: 'API calls take Content-Type: application/json.' } });
        return;
      }
      try {
        const text = await readBody(req);
        let args: unknown = text.trim() === '' ? [] : JSON.parse(text);
        if (!Array.isArray(args)) args = [args];
        const fn = api[name as keyof AdminApi] as (...a: unknown[]) => Promise<unknown>;
        sendJson(res, 200, await fn.apply(api, args as unknown[]));
      } catch (e) {
        sendError(res, e instanceof SyntaxError ? new FlareError('bad_request', `The request body is not JSON: ${e.message}`) : e);
      }
      return;
    }
    if (legacy) {
      if (!legacy.methods.includes(method)) {
        res.setHeader('allow', legacy.methods.join(', '));
        sendJson(res, 405, { error: { code: 'bad_request', message: `Use ${legacy.methods.join(' or ')} for ${url.pathname}.` } });
        return;
      }
      try {
        const out = await legacy.handle(api, url.searchParams);
        if ('json' in out) sendJson(res, out.status, out.json);
        else {
          res.writeHead(out.status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
          res.end(out.text);
        }
      } catch (e) {
        sendError(res, e);
      }
      return;
    }
    if (method === 'GET' || method === 'HEAD') {
      await serveStatic(res, url.pathname);
      return;
    }
    sendJson(res, 404, { error: { code: 'not_found', message: `Nothing at ${method} ${url.pathname}.` } });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) sendError(res, e);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new FlareError('server_port_in_use', `Port ${options.port} on ${host} is already in use.`, { hint: 'Stop the other process or choose another port with --port or server.port.' })
          : e,
      ),
    );
    server.listen(options.port, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    server,
    close: async () => {
      clearInterval(heartbeat);
      offs.forEach((off) => off());
      for (const res of sseClients) res.end();
      sseClients.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
