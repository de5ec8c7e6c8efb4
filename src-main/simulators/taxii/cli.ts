/**
 * The TAXII test server in a process of its own, for benchmarks (and any test that must not share a heap or an
 * event loop with the client). Start it with child_process.fork and `--import tsx`, send it a `start` message,
 * wait for `ready`; `stats` answers with what it served; `stop` closes it and exits.
 *
 *   parent → { type: 'start', options: ChildServerOptions }    child → { type: 'ready', url, urls }
 *   parent → { type: 'stats' }                                  child → { type: 'stats', requests, invalid, blocksSent }
 *   parent → { type: 'stop' }                                   child exits
 */
import { blockSeries, type SeriesOptions } from './fixtures';
import { serveOverIpc } from '../ipc-child';
import { startTaxiiServer, type TaxiiServerOptions, type TaxiiTestServer } from './server';

/** The serialisable subset of TaxiiServerOptions, with blocks described by a synthetic series. */
export interface ChildServerOptions extends Omit<TaxiiServerOptions, 'blocks' | 'collections' | 'tls'> {
  series: { count: number } & SeriesOptions;
}

export type ChildMessage =
  | { type: 'ready'; url: string; urls: TaxiiTestServer['urls'] }
  | { type: 'stats'; requests: number; invalid: number; blocksSent: number }
  | { type: 'error'; message: string };

let server: TaxiiTestServer | undefined;

serveOverIpc<ChildServerOptions>({
  async start({ series, ...options }) {
    // Requests are counted, not kept: a long benchmark must not grow the server's heap.
    server = await startTaxiiServer({ ...options, recordBodies: false, blocks: blockSeries(series.count, series) });
    return { url: server.url, urls: server.urls };
  },
  stats() {
    const requests = server!.requests;
    return { requests: requests.length, invalid: requests.filter((r) => r.xsdValid === false).length, blocksSent: requests.reduce((n, r) => n + (r.blocksSent ?? 0), 0) };
  },
  close: () => server!.close(),
});
