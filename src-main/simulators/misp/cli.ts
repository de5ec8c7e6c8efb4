/**
 * The MISP test server in a process of its own, for benchmarks (and any test that must not share a heap or an
 * event loop with the client). Start it with child_process.fork and `--import tsx`, send it a `start` message,
 * wait for `ready`; `stats` answers with what it served and what it holds; `stop` closes it and exits.
 *
 *   parent → { type: 'start', options: ChildMispOptions }   child → { type: 'ready', url }
 *   parent → { type: 'stats' }                               child → { type: 'stats', … } (ChildMispStats)
 *   parent → { type: 'stop' }                                child exits
 *
 * The child exits when its parent goes away (the IPC channel closes), so a benchmark that dies leaves no server.
 */
import { processUsage, serveOverIpc } from '../ipc-child';
import { startMispServer, type MispServerOptions, type MispTestServer } from './index';

/** The serialisable subset of MispServerOptions. */
export type ChildMispOptions = Omit<MispServerOptions, 'tls' | 'faults'>;

export interface ChildMispStats {
  type: 'stats';
  /** Every request so far. */
  requests: number;
  /** Requests by route (`POST /events/add`, `HEAD /events/view`, …). */
  routes: Record<string, number>;
  /** Answers by status (`200`, `302`, `404`, `reset`, …). */
  statuses: Record<string, number>;
  /** Events stored, and how many distinct uuids they have. */
  events: number;
  distinctEventUuids: number;
  /** Attributes in all events (objects' included). */
  attributes: number;
  /** Pieces the server refused or dropped. */
  rejections: number;
  firstRejections: string[];
  connections: number;
  peakConnections: number;
  /** The server process's own peak RSS (KB) and CPU time (ms). */
  maxRssKB: number;
  cpuMs: number;
}

export type ChildMispMessage = { type: 'ready'; url: string } | ChildMispStats | { type: 'error'; message: string };

let server: MispTestServer | undefined;
// Counted incrementally: a stats request every second over 100,000 logged requests stays cheap.
const routes: Record<string, number> = {};
const statuses: Record<string, number> = {};
let counted = 0;

function stats(s: MispTestServer): ChildMispStats {
  for (; counted < s.requests.length; counted++) {
    const r = s.requests[counted]!;
    routes[r.route] = (routes[r.route] ?? 0) + 1;
  }
  for (const k of Object.keys(statuses)) delete statuses[k];
  for (const r of s.requests) statuses[String(r.status)] = (statuses[String(r.status)] ?? 0) + 1;
  const uuids = new Set<string>();
  let attributes = 0;
  for (const e of s.store.events.values()) {
    uuids.add(e.uuid);
    attributes += e.attributes.length;
    for (const o of e.objects) attributes += o.attributes.length;
  }
  return {
    type: 'stats',
    requests: s.requests.length,
    routes: { ...routes },
    statuses: { ...statuses },
    events: s.store.events.size,
    distinctEventUuids: uuids.size,
    attributes,
    rejections: s.rejections.length,
    firstRejections: s.rejections.slice(0, 5).map((r) => JSON.stringify(r)),
    connections: s.connectionCount(),
    peakConnections: s.peakConnections(),
    ...processUsage(),
  };
}

serveOverIpc<ChildMispOptions>({
  async start(options) {
    server = await startMispServer(options);
    return { url: server.url };
  },
  stats: () => stats(server!),
  close: () => server!.close(),
});
