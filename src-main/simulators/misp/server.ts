/**
 * A strict MISP test server over real sockets (HTTP or HTTPS, optionally mutual TLS) on 127.0.0.1.
 *
 * It answers like MISP 2.5.1 where a client can tell (MISP's REST API, https://www.misp-project.org/openapi/): API keys in the
 * Authorization header, a login redirect for requests without `Accept: application/json`, MISP's 403 bodies for a
 * wrong key and for a role without the permission, validation of events against the shipped describeTypes and
 * object templates, MISP's duplicate-uuid behaviour, upload_stix ignoring distribution. It is stricter than MISP
 * where MISP is silent: everything it drops is recorded in `rejections`, so tests can insist on none.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { FaultInjector, type Fault, type FaultRule } from './faults';
import { addAttribute, deleteAttribute, restSearchAttributes } from './handlers/attributes';
import { errorReply, type Rejection, type Reply, type RequestContext, type ServerSettings } from './handlers/context';
import { addEvent, deleteEvent, editEvent, publishEvent, restSearchEvents, viewEvent } from './handlers/events';
import { addTag, getVersion, viewMe } from './handlers/misc';
import { indexSharingGroups, makeSharingGroups, visibleSharingGroupIds, type TestSharingGroupInit } from './handlers/sharing-groups';
import { uploadStix } from './handlers/upload-stix';
import { eventIndexPage, eventViewPage, loginPage, type Page } from './pages';
import { MispStore, renderEvent, type EventRecord } from './store';
import { makeUsers, type TestRole, type TestUser, type TestUserInit } from './users';

type Permission = keyof Omit<TestRole, 'name'>;

interface Route {
  methods: readonly string[];
  /** The role flag MISP's ACL wants for it; undefined = any role. */
  acl?: Permission;
  handle: (ctx: RequestContext) => Reply;
}

/** controller/action → route, with MISP's ACL (`ACLComponent::ACL_LIST`). */
const ROUTES: Readonly<Record<string, Route>> = {
  'events/add': { methods: ['POST'], acl: 'perm_add', handle: addEvent },
  'events/edit': { methods: ['POST', 'PUT'], acl: 'perm_add', handle: editEvent },
  'events/view': { methods: ['GET', 'HEAD'], handle: viewEvent },
  'events/publish': { methods: ['POST', 'PUT', 'GET'], acl: 'perm_publish', handle: publishEvent },
  'events/delete': { methods: ['POST', 'DELETE'], acl: 'perm_add', handle: deleteEvent },
  'events/upload_stix': { methods: ['POST'], acl: 'perm_modify', handle: uploadStix },
  'events/restSearch': { methods: ['POST'], handle: restSearchEvents },
  'attributes/add': { methods: ['POST'], acl: 'perm_add', handle: addAttribute },
  'attributes/delete': { methods: ['POST', 'DELETE'], acl: 'perm_add', handle: deleteAttribute },
  'attributes/restSearch': { methods: ['POST'], handle: restSearchAttributes },
  'tags/add': { methods: ['POST'], acl: 'perm_tag_editor', handle: addTag },
  'servers/getVersion': { methods: ['GET'], acl: 'perm_auth', handle: getVersion },
  'users/view': { methods: ['GET'], handle: viewMe },
  // CakePHP routes the controller under both spellings; MISP's menus use the first, PyMISP the second.
  'sharing_groups/index': { methods: ['GET'], handle: indexSharingGroups },
  'sharingGroups/index': { methods: ['GET'], handle: indexSharingGroups },
};

const AUTH_FAILED = 'Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.';
const NO_PERMISSION = 'You do not have permission to use this functionality.';
const MAX_BODY = 50 * 1024 * 1024;

export interface MispServerOptions {
  /** API users; default: one Org Admin with TEST_MISP_KEY. */
  users?: TestUserInit[];
  /** Serve HTTPS with this certificate; `requestCert` makes it mutual TLS (clients need a cert signed by `ca`). */
  tls?: { cert: string | Buffer; key: string | Buffer; ca?: string | Buffer; requestCert?: boolean };
  faults?: FaultRule[];
  /** Added before every answer. */
  latencyMs?: number;
  /** MISP.default_event_distribution: used when an add leaves it out, and always by upload_stix. Default 1. */
  defaultEventDistribution?: number;
  /**
   * The instance's sharing groups. A bare id is a group every organisation belongs to (named "Sharing group <id>",
   * uuid `sharingGroupUuid(id)`); give `members` to restrict it. A user may use (and list) only the groups their
   * organisation belongs to. Default [1].
   */
  sharingGroups?: Array<number | TestSharingGroupInit>;
  version?: string;
  /** The status the "Event already exists" answer arrives with (MISP's varies, see misp.md §2.3). Default 302. */
  duplicateStatus?: 200 | 302 | 404;
  /**
   * Whether `GET /events/view` carries attachment files (base64 `data`) when not told otherwise. MISP does; false
   * stands for an instance that cannot (e.g. the file is missing from its attachment store). Default true.
   */
  attachmentsInView?: boolean;
  /**
   * Demo mode: a browser (a request that does not ask for JSON) gets the read-only pages `GET /events/index` and
   * `GET /events/view/<id>` without a session (pages.ts), `/` leads there; every other browser request still goes
   * to the login page, and the API still wants its key. Default false: like MISP, every browser request without
   * a session is redirected to /users/login.
   */
  demo?: boolean;
  /** The port to listen on (127.0.0.1). Default 0: a free one. */
  port?: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  /** `POST /events/add` — the route without its arguments. */
  route: string;
  status: number | 'reset' | 'timeout';
}

export interface MispTestServer {
  /** `http(s)://127.0.0.1:<port>/` — the MISP root. */
  url: string;
  store: MispStore;
  /** Every request, in arrival order. */
  requests: RequestLogEntry[];
  /** Pieces the server refused or dropped, with MISP's reason. */
  rejections: Rejection[];
  /** Connections accepted so far. */
  connectionCount(): number;
  /** The most connections that were open at the same time (a bounded client pool keeps this at its size). */
  peakConnections(): number;
  /** How many requests reached this route (`'POST /events/add'`), or all requests without a route. */
  count(route?: string): number;
  resetCounters(): void;
  setFaults(rules: FaultRule[]): void;
  setLatency(ms: number): void;
  /** Every event, as MISP would render it, deleted attributes included (with `deleted: true`). */
  events(): Array<Record<string, unknown>>;
  /** One event by id or uuid, rendered; undefined if absent. */
  event(idOrUuid: string, options?: { includeDeleted?: boolean }): Record<string, unknown> | undefined;
  /** The raw record (for published/publishCount/fromStix checks). */
  record(idOrUuid: string): EventRecord | undefined;
  close(): Promise<void>;
}

function routeOf(path: string): { key: string; args: string[]; named: Record<string, string> } {
  const segments = path.split('/').filter((s) => s !== '');
  const last = segments.length - 1;
  if (last >= 0) segments[last] = (segments[last] ?? '').replace(/\.json$/, '');
  const [controller = '', action = 'index', ...rest] = segments;
  const named: Record<string, string> = {};
  const args: string[] = [];
  for (const segment of rest) {
    const colon = segment.indexOf(':');
    if (colon > 0) named[decodeURIComponent(segment.slice(0, colon))] = decodeURIComponent(segment.slice(colon + 1));
    else args.push(decodeURIComponent(segment));
  }
  return { key: `${controller}/${action}`, args, named };
}

/** MISP only treats a request as an API call when it asks for JSON (IndexFilterComponent::isRest). */
function isRest(req: IncomingMessage, path: string): boolean {
  const accept = (req.headers.accept ?? '').split(';')[0]?.trim().toLowerCase();
  return accept === 'application/json' || path.endsWith('.json');
}

function findUser(req: IncomingMessage, users: readonly TestUser[]): TestUser | undefined {
  const header = String(req.headers.authorization ?? req.headers['x-misp-auth'] ?? '');
  for (const key of header.split(',').map((k) => k.trim())) {
    if (!/^[a-zA-Z0-9]{40}$/.test(key)) continue;
    const user = users.find((u) => u.key === key);
    if (user) return user;
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startMispServer(options: MispServerOptions = {}): Promise<MispTestServer> {
  const users = makeUsers(options.users);
  const store = new MispStore();
  const faults = new FaultInjector();
  faults.set(options.faults ?? []);
  let latencyMs = options.latencyMs ?? 0;
  const sharingGroups = makeSharingGroups(options.sharingGroups ?? [1]);
  const settings: ServerSettings = {
    version: options.version ?? '2.5.1',
    defaultEventDistribution: options.defaultEventDistribution ?? 1,
    sharingGroups: new Set(sharingGroups.map((g) => g.id)),
    duplicateStatus: options.duplicateStatus ?? 302,
    attachmentsInView: options.attachmentsInView ?? true,
  };
  const requests: RequestLogEntry[] = [];
  const rejections: Rejection[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let peak = 0;
  let closing = false;

  const send = (req: IncomingMessage, res: ServerResponse, reply: Reply): void => {
    const headers: Record<string, string> = { ...reply.headers };
    let body = '';
    if (reply.json !== undefined && req.method !== 'HEAD') {
      headers['Content-Type'] = 'application/json; charset=UTF-8';
      body = JSON.stringify(reply.json);
    }
    headers['Content-Length'] = String(Buffer.byteLength(body));
    res.writeHead(reply.status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  /** The demo's pages; undefined for every other path (which then redirects like MISP). */
  const browserPage = (key: string, args: string[]): Page | undefined => {
    if (key === 'events/index' && args.length === 0) return eventIndexPage(store);
    if (key === 'events/view' && args.length === 1) return eventViewPage(store, args[0], sharingGroups);
    if (key === 'users/login') return loginPage();
    return undefined;
  };

  /** Applies a fault; true when the request is finished (answered, hung up or hanging). */
  const apply = async (fault: Fault | undefined, req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry): Promise<boolean> => {
    if (!fault) return false;
    switch (fault.kind) {
      case 'slow':
        await sleep(fault.delayMs);
        return false;
      case 'timeout':
        entry.status = 'timeout';
        return true; // never answer; close() hangs up
      case 'reset':
        entry.status = 'reset';
        req.socket.destroy();
        return true;
      case 'status': {
        const sentence = fault.status >= 500 ? 'An Internal Error Has Occurred.' : `Error ${fault.status}`;
        const reply: Reply = { status: fault.status, json: fault.json ?? { name: sentence, message: sentence, url: entry.path } };
        if (fault.retryAfter !== undefined) reply.headers = { 'Retry-After': fault.retryAfter };
        entry.status = fault.status;
        send(req, res, reply);
        return true;
      }
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const { key, args, named } = routeOf(path);
    const entry: RequestLogEntry = { method, path, route: `${method} /${key}`, status: 0 };
    requests.push(entry);
    const body = await readBody(req);
    if (latencyMs > 0) await sleep(latencyMs);
    if (await apply(faults.take(method, path, 'before'), req, res, entry)) return;

    let reply: Reply;
    const route = ROUTES[key];
    if (!isRest(req, path)) {
      const page = options.demo && (method === 'GET' || method === 'HEAD') ? browserPage(key, args) : undefined;
      if (page) {
        entry.status = page.status;
        res.writeHead(page.status, { ...page.headers, 'Content-Length': String(Buffer.byteLength(page.body)) });
        res.end(method === 'HEAD' ? undefined : page.body);
        return;
      }
      reply = { status: 302, headers: { Location: path === '/' && options.demo ? '/events/index' : '/users/login' } };
    } else {
      const user = findUser(req, users);
      if (!user || !user.role.perm_auth) {
        reply = errorReply(403, AUTH_FAILED, path);
      } else if (user.disabled) {
        reply = errorReply(403, 'Authentication failed. Your user account has been disabled.', path);
      } else if (!route) {
        reply = errorReply(404, 'Not Found', path);
      } else if (route.acl && !user.role[route.acl] && !user.role.perm_site_admin) {
        reply = errorReply(403, NO_PERMISSION, path);
      } else if (!route.methods.includes(method)) {
        reply = errorReply(405, 'Method Not Allowed', path);
      } else {
        const ctx: RequestContext = {
          method, path, args, named, body, user, store, sharingGroups,
          settings: { ...settings, sharingGroups: visibleSharingGroupIds(user, sharingGroups) },
          contentType: String(req.headers['content-type'] ?? ''),
          reject: (r) => rejections.push({ route: entry.route, ...r }),
        };
        reply = route.handle(ctx);
      }
    }
    if (await apply(faults.take(method, path, 'after'), req, res, entry)) return;
    entry.status = reply.status;
    send(req, res, reply);
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent || closing) return;
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ name: 'An Internal Error Has Occurred.', message: String(e), url: req.url }));
    });
  };

  const server = options.tls
    ? https.createServer(
        {
          cert: options.tls.cert,
          key: options.tls.key,
          ...(options.tls.ca !== undefined ? { ca: options.tls.ca } : {}),
          requestCert: options.tls.requestCert === true,
          rejectUnauthorized: options.tls.requestCert === true,
        },
        listener,
      )
    : http.createServer(listener);
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    peak = Math.max(peak, sockets.size);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Socket-level failures (a client hanging up mid-request, a TLS handshake refused) are not test-server errors.
  server.on('clientError', (_e, socket: Socket) => socket.destroy());
  server.on('tlsClientError', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/`,
    store,
    requests,
    rejections,
    connectionCount: () => connections,
    peakConnections: () => peak,
    count: (route) => (route === undefined ? requests.length : requests.filter((r) => r.route === route).length),
    resetCounters: () => {
      requests.length = 0;
      rejections.length = 0;
    },
    setFaults: (rules) => faults.set(rules),
    setLatency: (ms) => {
      latencyMs = ms;
    },
    events: () => [...store.events.values()].sort((a, b) => a.id - b.id).map((e) => renderEvent(store, e, { includeDeleted: true })),
    event: (idOrUuid, opts = {}) => {
      const record = store.findEvent(idOrUuid);
      return record ? renderEvent(store, record, opts) : undefined;
    },
    record: (idOrUuid) => store.findEvent(idOrUuid),
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
