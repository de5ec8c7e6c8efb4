/**
 * The TAXII test server in its own process, serving an AIS-like feed (src-main/simulators/taxii/ais-feed.ts)
 * generated on demand — the server never holds the feed, only the labels. Like src-main/simulators/taxii/cli.ts
 * (which serves the smaller fixtures.ts packages): fork it with `--import tsx`, send `start`, wait for `ready`;
 * `stats`; `stop`. It exits when its parent goes away.
 *
 *   parent → { type: 'start', options: AisServerOptions }   child → { type: 'ready', url, urls }
 *   parent → { type: 'stats' }                               child → { type: 'stats', requests, invalid, blocksSent, … }
 *   parent → { type: 'stop' }                                child exits
 */
import { aisPackage } from '../../src-main/simulators/taxii/ais-feed';
import { processUsage, serveOverIpc } from '../../src-main/simulators/ipc-child';
import { startTaxiiServer, type TaxiiTestServer } from '../../src-main/simulators/taxii/server';
import type { BlockSource } from '../../src-main/simulators/taxii/store';

export interface AisServerOptions {
  count: number;
  indicators: number;
  /** Label of package 0 (ISO, whole seconds); package i is labelled `stepMs` × i later. */
  start: string;
  stepMs: number;
  partSize: number;
}

export type TaxiiChildMessage =
  | { type: 'ready'; url: string; urls: TaxiiTestServer['urls'] }
  | { type: 'stats'; requests: number; invalid: number; blocksSent: number; answers: Record<string, number>; maxRssKB: number; cpuMs: number }
  | { type: 'error'; message: string };

let server: TaxiiTestServer | undefined;

export function aisSource(o: AisServerOptions): BlockSource {
  const t0 = Date.parse(o.start);
  const label = (i: number): string => new Date(t0 + i * o.stepMs).toISOString().replace('.000Z', 'Z');
  return {
    count: o.count,
    label,
    binding: () => 'urn:stix.mitre.org:xml:1.1.1',
    at: (i) => ({ content: aisPackage(i, o.indicators).xml, timestampLabel: label(i) }),
  };
}

serveOverIpc<AisServerOptions>({
  async start(options) {
    // Requests are counted, not kept: a long benchmark must not grow the server's heap.
    server = await startTaxiiServer({ collections: [{ name: 'ais', blocks: aisSource(options) }], partSize: options.partSize, recordBodies: false });
    return { url: server.url, urls: server.urls };
  },
  stats() {
    const requests = server!.requests;
    const answers: Record<string, number> = {};
    for (const r of requests) answers[r.answer] = (answers[r.answer] ?? 0) + 1;
    return {
      requests: requests.length,
      invalid: requests.filter((r) => r.xsdValid === false).length,
      blocksSent: requests.reduce((n, r) => n + (r.blocksSent ?? 0), 0),
      answers,
      ...processUsage(),
    };
  },
  close: () => server!.close(),
});
