/**
 * The headless service: the AdminApi over HTTP(S) plus the old service's endpoints and the web UI.
 *   POST /api/<method>   JSON array body = the arguments (checked by api-schemas.ts); 200 with the JSON result, or an error JSON
 *   GET  /api/events     Server-Sent Events: log, run, jobs, status
 *   GET  /health         for monitoring: 200 / 503 from the last runs of each job (health.ts)
 *   old endpoints        see legacy.ts
 *   GET  /…              the built renderer (dist-renderer), with a strict CSP; other paths 404
 * Safe by default (guard.ts): it refuses to listen beyond loopback unless a bearer token (≥ 32 characters) or
 * client certificates protect it; refuses a Host header that does not name it (DNS rebinding) on every request;
 * refuses calls from other sites' pages (Origin / Sec-Fetch-Site) on the API and the old endpoints; takes the
 * token from the Authorization header only (the event stream also as ?access_token=, which EventSource needs);
 * and takes API calls only as application/json (no cross-site form posts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ADMIN_EVENTS, ADMIN_METHODS, type AdminApi, type AdminEventName, type AdminEvents, type AdminMethod } from '../../shared/api';
import { FlareError, toApiError } from '../core/errors';
import { isLoopbackHost as isLoopback } from '../core/net/loopback';
import type { Logger } from '../core/log/types';
import { LARGE_BODY_METHODS, validateArgs } from './api-schemas';
import { MIN_TOKEN_LENGTH, allowedHosts, bearerOf, crossSiteRefusal, hostRefusal, tokenMatches } from './guard';
import { healthReport } from './health';
import { statusFor } from './http-status';
import { LEGACY_ROUTES } from './legacy';
import type { ServerTls } from './tls';

export { statusFor } from './http-status';

export interface EventSource_ {
  on<E extends AdminEventName>(event: E, listener: (payload: AdminEvents[E]) => void): () => void;
}

export interface ServerOptions {
  api: AdminApi;
  events: EventSource_;
  host: string;
  port: number;
  /** Bearer token, at least 32 characters. */
  token?: string;
  /** HTTPS (and client certificates): tls.ts builds it from server.ssl.* and flare.api.clientAuth. */
  tls?: ServerTls;
  /** More names the Host header may carry (flare.server.names), besides loopback, the bound address and the certificate's names. */
  hostNames?: readonly string[];
  /** Folder of the built renderer; when absent the UI route explains how to build it. */
  staticDir?: string;
  log: Logger;
  /** Max JSON body size of a preview (a STIX package can be large); other calls take at most 1 MB. */
  maxBodyBytes?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

import { CSP } from '../../shared/csp'; // the desktop shell sends the same policy
export { CSP };

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

const METHODS = new Set<string>(ADMIN_METHODS);
/** Calls other than a preview carry a few arguments: this is plenty. */
const SMALL_BODY_BYTES = 1024 * 1024;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.webmanifest': 'application/manifest+json',
};

/** Paths of the service itself, compared without case and trailing slashes: never answered with the UI. */
const SERVICE_PATHS = new Set([...Object.keys(LEGACY_ROUTES), '/health', '/api'].map((p) => p.toLowerCase()));

/**
 * Refuses what would leave the service open: a token shorter than 32 characters, or an address beyond loopback
 * with neither a token nor client certificates. `serve` calls it before the engine starts; startServer again.
 */
export function assertProtected(host: string, token: string | undefined, tls: ServerTls | undefined): void {
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new FlareError('server_token_weak', `The access token (flare.server.token) has ${token.length} character${token.length === 1 ? '' : 's'}; at least ${MIN_TOKEN_LENGTH} are required, a shorter one can be guessed.`, {
      hint: 'Set flare.server.token (or FLARE_SERVER_TOKEN) to a long random value, e.g. the output of `openssl rand -hex 32`.',
    });
  }
  if (!isLoopback(host) && !token && !tls?.clientAuth) {
    throw new FlareError('server_insecure', `Refusing to listen on ${host} without an access token or client certificates: anyone who can reach it could run polls and read the configuration.`, {
      hint: 'Set flare.server.token (or FLARE_SERVER_TOKEN) to a long random value (at least 32 characters), or require client certificates (server.ssl.key-store with flare.api.clientAuth=true and flare.server.ca), or keep flare.server.address=127.0.0.1.',
    });
  }
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { api, events, host, token, log, tls } = options;
  assertProtected(host, token, tls);
  if (!isLoopback(host) && !tls) {
    log.warn(`Listening on ${host} over plain HTTP: the access token crosses the network in clear text. Configure server.ssl.key-store for HTTPS.`);
  }
  const scheme = tls ? 'https' : 'http';
  const hostAllowed = allowedHosts(host, [...(options.hostNames ?? []), ...(tls?.names ?? [])]);
  const maxPreviewBody = options.maxBodyBytes ?? 64 * 1024 * 1024;
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

  const sendJson = (res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) => {
    const text = JSON.stringify(body === undefined ? null : body);
    // After a refused oversized body the rest of it is not wanted: close the connection once answered.
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', ...(status === 413 && { connection: 'close' }), ...extra });
    res.end(text);
  };
  const sendText = (res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', ...extra });
    res.end(text);
  };
  /** The error as code, message and hint (never a stack); unexpected ones are logged once, without the arguments. */
  const apiError = (e: unknown, where: string) => {
    const err = toApiError(e);
    if (err.code === 'internal') log.error(`${where}: ${err.message}`);
    return err;
  };
  const sendError = (res: ServerResponse, e: unknown, where: string) => {
    const err = apiError(e, where);
    sendJson(res, statusFor(err.code), { error: err });
  };
  const refuse = (res: ServerResponse, status: number, code: string, message: string, hint?: string) =>
    sendJson(res, status, { error: { code, message, ...(hint && { hint }) } }, status === 401 ? { 'www-authenticate': 'Bearer' } : {});

  const authorised = (req: IncomingMessage, url: URL, allowQueryToken: boolean): boolean => {
    if (!token) return true;
    const presented = bearerOf(req) ?? (allowQueryToken ? (url.searchParams.get('access_token') ?? undefined) : undefined);
    return tokenMatches(presented, token);
  };

  const readBody = (req: IncomingMessage, limit: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const tooLarge = () =>
        new FlareError('too_large', `The request body is larger than ${limit >= 1024 * 1024 ? `${(limit / 1024 / 1024).toFixed(0)} MB` : `${Math.round(limit / 1024)} KB`}, the most this service reads for this call.`, {
          hint: 'Send a smaller package, or split the file; the limit protects the service from exhausting its memory.',
        });
      const declared = Number(req.headers['content-length']);
      let size = 0;
      let chunks: Buffer[] | null = [];
      if (Number.isFinite(declared) && declared > limit) {
        chunks = null;
        reject(tooLarge());
      }
      req.on('data', (c: Buffer) => {
        if (chunks === null) return; // refused already: the rest is read and dropped, so the answer reaches the client
        size += c.length;
        if (size > limit) {
          chunks = null;
          // Answered with 413 and this message; destroying the request instead left the browser with a dropped
          // connection ("the service does not answer") rather than the reason.
          reject(tooLarge());
        } else chunks.push(c);
      });
      req.on('end', () => {
        if (chunks !== null) resolve(Buffer.concat(chunks).toString('utf8'));
      });
      req.on('error', reject);
    });

  const serveStatic = async (req: IncomingMessage, res: ServerResponse, pathname: string) => {
    const dir = options.staticDir;
    const index = dir ? path.join(dir, 'index.html') : undefined;
    const isFile = async (p: string) => (await stat(p).catch(() => undefined))?.isFile() === true;
    if (!dir || !index || !(await isFile(index))) {
      sendText(res, 503, 'The web UI is not built. Run `npm run build:renderer` (npm run serve does it for you), then reload.\nThe API is available under /api/.\n');
      return;
    }
    const rel = pathname.replace(/^\/+/, '');
    let target: string | undefined;
    if (rel === '' || rel === 'index.html') target = index;
    else {
      const file = path.resolve(dir, rel);
      if (file.startsWith(path.resolve(dir) + path.sep) && (await isFile(file))) target = file;
    }
    // A deep link typed into a browser gets the app; scripts, assets and the service's own paths in another
    // spelling (/checkTaxiiStatus/, /CHECKTAXIISTATUS) get 404, never a 200 that looks like an answer.
    const wantsPage = /\btext\/html\b/.test(req.headers.accept ?? '') && !path.extname(rel) && !SERVICE_PATHS.has(('/' + rel).replace(/\/+$/, '').toLowerCase()) && !/^api(\/|$)/i.test(rel);
    if (!target && wantsPage) target = index;
    if (!target) {
      sendText(res, 404, 'Not found\n', { 'content-security-policy': CSP });
      return;
    }
    const body = await readFile(target);
    const headers: Record<string, string> = { ...SECURITY_HEADERS, 'content-type': TYPES[path.extname(target).toLowerCase()] ?? 'application/octet-stream', 'content-security-policy': CSP };
    // Built assets carry a content hash in their name: a browser may keep them, no shared cache may.
    if (target !== index && /^assets\//.test(rel)) headers['cache-control'] = 'private, max-age=31536000, immutable';
    res.writeHead(200, headers);
    res.end(body);
  };

  const callApi = async (req: IncomingMessage, res: ServerResponse, name: AdminMethod) => {
    const text = await readBody(req, LARGE_BODY_METHODS.has(name) ? maxPreviewBody : Math.min(SMALL_BODY_BYTES, maxPreviewBody));
    let args: unknown;
    try {
      args = text.trim() === '' ? [] : JSON.parse(text);
    } catch (e) {
      throw new FlareError('bad_request', `The request body is not JSON: ${(e as Error).message}`, { hint: 'Send the arguments as a JSON array, e.g. ["stixToMisp"].' });
    }
    const valid = validateArgs(name, Array.isArray(args) ? args : [args]);
    const fn = api[name] as (...a: unknown[]) => Promise<unknown>;
    sendJson(res, 200, await fn.apply(api, valid));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const raw = req.url ?? '/';
    if (!raw.startsWith('/')) {
      refuse(res, 400, 'bad_request', 'The request target must be a path (/…).');
      return;
    }
    const refusedHost = hostRefusal(req, hostAllowed);
    if (refusedHost) {
      refuse(res, 403, 'forbidden', refusedHost, 'Reach the service by its own name or address; add other names to flare.server.names.');
      return;
    }
    const url = new URL(`http://service${raw}`);
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
      decodeURIComponent(url.search.replace(/\+/g, ' '));
    } catch {
      refuse(res, 400, 'bad_request', 'The URL has a malformed %-escape.');
      return;
    }
    const legacy = Object.hasOwn(LEGACY_ROUTES, pathname) ? LEGACY_ROUTES[pathname] : undefined;
    const isApi = pathname === '/api' || pathname.startsWith('/api/');
    const isHealth = pathname === '/health';

    if (isApi || legacy) {
      const crossSite = crossSiteRefusal(req, scheme);
      if (crossSite) {
        refuse(res, 403, 'forbidden', crossSite, 'Use the web UI this service serves, or call it from a script.');
        return;
      }
    }
    if (isApi || legacy || isHealth) {
      if (!authorised(req, url, pathname === '/api/events' && method === 'GET')) {
        refuse(res, 401, 'unauthorized', 'A valid bearer token is required.', 'Send Authorization: Bearer <flare.server.token>.');
        return;
      }
    }

    if (pathname === '/api/events' && method === 'GET') {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
      // Without a first write the headers are not flushed and EventSource never opens.
      res.write(': connected\n\n');
      sseClients.add(res);
      req.on('close', () => sseClients.delete(res));
      return;
    }
    if (isApi) {
      const name = pathname.slice('/api/'.length);
      if (!METHODS.has(name)) {
        refuse(res, 404, 'not_found', `No API method ${name.slice(0, 100)}.`);
        return;
      }
      if (method !== 'POST') {
        res.setHeader('allow', 'POST');
        refuse(res, 405, 'bad_request', `Use POST for /api/${name}.`);
        return;
      }
      if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
        refuse(res, 415, 'bad_request', 'API calls take Content-Type: application/json.');
        return;
      }
      try {
        await callApi(req, res, name as AdminMethod);
      } catch (e) {
        sendError(res, e, `API ${name}`);
      }
      return;
    }
    if (legacy) {
      if (!legacy.methods.includes(method)) {
        res.setHeader('allow', legacy.methods.join(', '));
        if (legacy.kind === 'text') sendText(res, 405, `Use ${legacy.methods.join(' or ')} for ${pathname}.\n`);
        else refuse(res, 405, 'bad_request', `Use ${legacy.methods.join(' or ')} for ${pathname}.`);
        return;
      }
      try {
        const out = await legacy.handle(api, url.searchParams);
        if ('json' in out) sendJson(res, out.status, out.json);
        else sendText(res, out.status, out.text);
      } catch (e) {
        if (legacy.kind === 'text') {
          const err = apiError(e, pathname);
          sendText(res, statusFor(err.code), `Error:${err.message}\n`);
        } else sendError(res, e, pathname);
      }
      return;
    }
    if (isHealth) {
      if (method !== 'GET' && method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        refuse(res, 405, 'bad_request', 'Use GET for /health.');
        return;
      }
      try {
        const report = await healthReport(api);
        sendJson(res, report.status === 'ok' ? 200 : 503, report);
      } catch (e) {
        const err = apiError(e, '/health');
        sendJson(res, 503, { status: 'failing', reasons: [err.message] });
      }
      return;
    }
    if (method === 'GET' || method === 'HEAD') {
      await serveStatic(req, res, pathname);
      return;
    }
    refuse(res, 404, 'not_found', `Nothing at ${method} ${pathname.slice(0, 200)}.`);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) sendError(res, e, `${req.method} ${(req.url ?? '').split('?')[0]}`);
      else res.destroy();
    });
  };
  const server: Server = tls ? (createHttpsServer(tls.options, onRequest) as unknown as Server) : createServer(onRequest);
  // A client that gives up in the handshake (no certificate, an unknown CA) is not an error of ours.
  server.on('tlsClientError', (e: Error) => log.debug(`TLS handshake refused: ${e.message}`));
  server.headersTimeout = 20_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new FlareError('server_port_in_use', `Port ${options.port} on ${host} is already in use.`, { hint: 'Stop the other process or choose another port with --port or server.port.' })
          : e.code === 'EADDRNOTAVAIL'
            ? new FlareError('server_address', `${host} is not an address of this machine.`, { hint: 'Set flare.server.address to one of its addresses, 0.0.0.0 for all, or 127.0.0.1.' })
            : e,
      ),
    );
    server.listen(options.port, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${scheme}://${shownHost}:${port}`,
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
