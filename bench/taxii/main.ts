/**
 * TAXII poll benchmark: poll 20,000 content blocks (~100 MB of STIX) from the strict TAXII test server running in
 * another process (XSD validation of every request included), through the real HTTP transport and poll iterator.
 * Prints blocks/s, MB/s and the peak heap and RSS next to the size of one part: the iterator holds one part at a
 * time, so the peak must track the part size, not the total. Writes bench/results/taxii.json.
 *
 * Knobs (environment): FLARE_BENCH_TAXII_BLOCKS (20000), FLARE_BENCH_TAXII_PART_SIZE (100),
 * FLARE_BENCH_TAXII_INDICATORS (5 ≈ 5.3 KB per block), FLARE_BENCH_TAXII_DELIVER_AS (xml | cdata | escaped).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { CONTENT_BINDING_STIX_111, createHttpTransport, poll, type TaxiiTransport } from '../../src-main/core/taxii';
import type { ChildMessage, ChildServerOptions } from '../../src-main/simulators/taxii/cli';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

const BLOCKS = env('FLARE_BENCH_TAXII_BLOCKS', 20_000);
const PART_SIZE = env('FLARE_BENCH_TAXII_PART_SIZE', 100);
const INDICATORS = env('FLARE_BENCH_TAXII_INDICATORS', 5);
const DELIVER_AS = (process.env.FLARE_BENCH_TAXII_DELIVER_AS ?? 'xml') as ChildServerOptions['deliverAs'];
const MB = 1024 * 1024;

function startServerProcess(options: ChildServerOptions): Promise<{ child: ChildProcess; pollUrl: string; request: (type: 'stats') => Promise<ChildMessage> }> {
  const child = fork(path.join(repo, 'src-main', 'simulators', 'taxii', 'cli.ts'), [], { cwd: repo, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting: ((m: ChildMessage) => void)[] = [];
  child.on('message', (m: ChildMessage) => waiting.shift()?.(m));
  const next = (): Promise<ChildMessage> => new Promise((resolve) => waiting.push(resolve));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the TAXII server process exited early (${code})`)));
    void next().then((m) => {
      if (m.type !== 'ready') return reject(new Error(`TAXII server process: ${m.type === 'error' ? m.message : m.type}`));
      resolve({
        child,
        pollUrl: m.urls.poll,
        request: (type) => {
          const answer = next();
          child.send({ type });
          return answer;
        },
      });
    });
    child.send({ type: 'start', options });
  });
}

/** Wraps a transport to count the bytes of every answer and remember the largest (one part). */
function counting(inner: TaxiiTransport): TaxiiTransport & { bytes: number; largest: number } {
  const counter = {
    bytes: 0,
    largest: 0,
    async post(url: string, xml: string, options?: { signal?: AbortSignal }) {
      const res = await inner.post(url, xml, options);
      const size = Buffer.byteLength(res.body);
      counter.bytes += size;
      counter.largest = Math.max(counter.largest, size);
      return res;
    },
    close: () => inner.close?.(),
  };
  return counter;
}

async function main(): Promise<void> {
  const gc = exposedGc();
  console.log(`TAXII poll: ${BLOCKS} blocks, ${PART_SIZE} per part, ~${INDICATORS} indicators per package, content as ${DELIVER_AS}`);
  const server = await startServerProcess({
    series: { count: BLOCKS, indicators: INDICATORS },
    partSize: PART_SIZE,
    deliverAs: DELIVER_AS,
    validateRequests: process.env.FLARE_BENCH_TAXII_NO_XSD ? false : true,
  });
  const transport = counting(createHttpTransport());
  try {
    gc?.();
    const baseline = process.memoryUsage();
    let peakHeap = baseline.heapUsed;
    let peakRss = baseline.rss;
    const sample = (): void => {
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed);
      peakRss = Math.max(peakRss, m.rss);
    };
    const sampler = setInterval(sample, 5);
    const retained: number[] = [];

    const started = process.hrtime.bigint();
    const stream = poll('ais', { begin: '2015-12-31T00:00:00Z', end: '2099-01-01T00:00:00Z' }, {
      url: server.pollUrl,
      transport,
      contentBindings: [CONTENT_BINDING_STIX_111],
      onProgress: (p) => {
        if (p.type !== 'part') return;
        sample();
        // What the poll really keeps alive: the heap right after a full GC, at every 10th part boundary (the
        // peak above also counts garbage V8 has not collected yet).
        if (gc && p.partNumber % 10 === 1) {
          gc();
          retained.push(process.memoryUsage().heapUsed);
        }
      },
    });
    let blocks = 0;
    let documentChars = 0;
    let invalid = 0;
    for await (const block of stream) {
      blocks++;
      if (block.content.kind === 'xml') documentChars += block.content.documents.reduce((n, d) => n + d.length, 0);
      else invalid++;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    sample();

    const stats = await server.request('stats');
    if (blocks !== BLOCKS || invalid || !stream.summary.complete) {
      throw new Error(`incomplete poll: ${blocks}/${BLOCKS} blocks, ${invalid} unreadable, complete=${stream.summary.complete}`);
    }
    const result = {
      blocks,
      parts: stream.summary.parts,
      partSize: PART_SIZE,
      deliverAs: DELIVER_AS,
      seconds: round(seconds, 2),
      blocksPerSecond: round(blocks / seconds, 0),
      megabytes: round(transport.bytes / MB, 1),
      megabytesPerSecond: round(transport.bytes / MB / seconds, 1),
      contentMegabytes: round(documentChars / MB, 1),
      largestPartMegabytes: round(transport.largest / MB, 2),
      baselineHeapMegabytes: round(baseline.heapUsed / MB, 1),
      peakHeapMegabytes: round(peakHeap / MB, 1),
      peakHeapAboveBaselineMegabytes: round((peakHeap - baseline.heapUsed) / MB, 1),
      peakRssMegabytes: round(peakRss / MB, 1),
      baselineRssMegabytes: round(baseline.rss / MB, 1),
      retainedHeapAfterGcMegabytes: {
        max: round(Math.max(...retained, 0) / MB, 1),
        firstPart: round((retained[0] ?? 0) / MB, 1),
        lastSample: round((retained.at(-1) ?? 0) / MB, 1),
        samples: retained.length,
      },
      server: stats.type === 'stats' ? { requests: stats.requests, xsdInvalid: stats.invalid, blocksSent: stats.blocksSent } : undefined,
      node: process.version,
      date: new Date().toISOString(),
    };
    console.log(`  ${result.blocks} blocks in ${result.parts} parts, ${result.megabytes} MB received in ${result.seconds} s`);
    console.log(`  throughput: ${result.blocksPerSecond} blocks/s, ${result.megabytesPerSecond} MB/s`);
    console.log(`  one part: ${result.largestPartMegabytes} MB`);
    console.log(`  peak heap: ${result.peakHeapMegabytes} MB (${result.peakHeapAboveBaselineMegabytes} MB above the ${result.baselineHeapMegabytes} MB baseline, garbage included)`);
    console.log(`  peak RSS: ${result.peakRssMegabytes} MB (${result.baselineRssMegabytes} MB before polling)`);
    const r = result.retainedHeapAfterGcMegabytes;
    console.log(`  heap kept alive (after GC at part boundaries): max ${r.max} MB, ${r.firstPart} MB at part 1, ${r.lastSample} MB at the last sample`);
    console.log(`  server: ${result.server?.requests} requests, all XSD-validated (${result.server?.xsdInvalid} invalid)`);
    mkdirSync(path.join(here, '..', 'results'), { recursive: true });
    writeFileSync(path.join(here, '..', 'results', 'taxii.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    transport.close?.();
    server.child.removeAllListeners('exit');
    server.child.send({ type: 'stop' });
  }
}

/**
 * `global.gc`. bench/run.ts passes --expose-gc to the tsx launcher, which starts the script in a child Node without
 * it; so when it is missing, turn the flag on now and take `gc` from a fresh context.
 */
function exposedGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
