/**
 * End-to-end benchmark: N AIS-like packages (src-main/simulators/taxii/ais-feed.ts, ~8 KB each) from the TAXII test
 * server (1,000 blocks per result part) through one `flare-misp poll --process-type stixToMisp` to the MISP test
 * server answering every request 20 ms late — three processes besides this one: the TAXII server (taxii-child.ts),
 * the MISP server (src-main/simulators/misp/cli.ts) and the poll (bin/flare-misp.mjs, native import mode,
 * concurrency 8), each case on a fresh config folder, tracker and MISP.
 *
 * The poll child's memory: rss-report.mjs is loaded into it with `node --import`; it samples its own RSS every
 * 250 ms and, on exit, writes its peak RSS as the kernel counts it (process.resourceUsage().maxRSS, VmHWM) and its
 * CPU time. The CLI bundle is built (if stale) before the case, so a build never lands in the measured process.
 *
 * Prints packages/s (over the run and over the upload phase, 10%→90% of the events stored), MISP requests per
 * package (the events/* requests; the health checks' counted apart), the bound concurrency ÷ (latency × requests
 * per package), the share of the bound reached, peak RSS, and checks: the run says Success with N uploaded, MISP
 * holds exactly N events (N distinct uuids), the tracker knows N packages. With FLARE_BENCH_E2E_LARGE=1 a second
 * case at 50,000 packages, whose RSS growth over the first is compared with the tracker index's cost per record
 * (bench/results/tracker.json, from bench/tracker). Writes bench/results/e2e.json.
 *
 * Knobs (environment): FLARE_BENCH_E2E_PACKAGES (10000), FLARE_BENCH_E2E_LARGE (unset; 1 adds the large case),
 * FLARE_BENCH_E2E_LARGE_PACKAGES (50000), FLARE_BENCH_E2E_INDICATORS (4 ≈ 7.9 KB per package),
 * FLARE_BENCH_E2E_PART_SIZE (1000), FLARE_BENCH_E2E_LATENCY_MS (20), FLARE_BENCH_E2E_CONCURRENCY (8),
 * FLARE_BENCH_E2E_PROFILE (1: run the poll child with --cpu-prof and print where its time went),
 * FLARE_BENCH_E2E_PHASES (1: run phases.ts — the same service from the sources, with timing around its phases —
 * instead of the CLI), FLARE_BENCH_E2E_HEAP_AT (with PHASES: a heap snapshot once this share is uploaded, e.g. 0.8),
 * FLARE_BENCH_E2E_NODE_FLAGS (node/V8 flags for the poll child only, e.g. "--max-old-space-size=512"),
 * FLARE_BENCH_E2E_TIMEOUT_S (per case; default 120 s + 0.1 s per package), FLARE_BENCH_E2E_KEEP (1: keep the
 * temp folders).
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RunRecord } from '../../shared/api';
import { Tracker } from '../../src-main/core/tracker/index';
import type { ChildMispMessage, ChildMispOptions, ChildMispStats } from '../../src-main/simulators/misp/cli';
import { TEST_MISP_KEY } from '../../src-main/simulators/misp/users';
import { tempConfigDir } from '../../test/support/config-dir';
import { setKeys } from '../../test/support/service';
import { envNumber as env, machine, printMachine, writeResults } from '../lib/measure';
import { printProfile, summarizeProfile, type ProfileSummary } from './profile';
import type { AisServerOptions, TaxiiChildMessage } from './taxii-child';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const BIN = path.join(repo, 'bin', 'flare-misp.mjs');

const PACKAGES = env('FLARE_BENCH_E2E_PACKAGES', 10_000);
const LARGE = process.env.FLARE_BENCH_E2E_LARGE === '1';
const LARGE_PACKAGES = env('FLARE_BENCH_E2E_LARGE_PACKAGES', 50_000);
const INDICATORS = env('FLARE_BENCH_E2E_INDICATORS', 4);
const PART_SIZE = env('FLARE_BENCH_E2E_PART_SIZE', 1000);
const LATENCY_MS = env('FLARE_BENCH_E2E_LATENCY_MS', 20);
const CONCURRENCY = env('FLARE_BENCH_E2E_CONCURRENCY', 8);
const PROFILE = process.env.FLARE_BENCH_E2E_PROFILE === '1';
const PHASES = process.env.FLARE_BENCH_E2E_PHASES === '1';
const KEEP = process.env.FLARE_BENCH_E2E_KEEP === '1';
/** Extra node/V8 flags for the poll child only, to try a heap setting without touching the program. */
const NODE_FLAGS = (process.env.FLARE_BENCH_E2E_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
const TARGETS = { shareOfBoundAtLeast: 0.5, peakRssMBAtMost: 300 };
const MB = 1024 * 1024;

// ── children: every one is killed when this process ends, however it ends ──────────────────────────────────

const children = new Set<ChildProcess>();
/** The cases' temp folders, removed on the way out too (unless FLARE_BENCH_E2E_KEEP=1). */
const tempDirs = new Set<string>();
const killAll = (): void => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  if (!KEEP) for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
};
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The last bytes a child wrote on stderr, for error messages. */
function tail(buffer: { text: string }, stream: NodeJS.ReadableStream | null, echo = false): void {
  stream?.on('data', (d: Buffer) => {
    if (echo) process.stderr.write(d);
    buffer.text = (buffer.text + d.toString()).slice(-4000);
  });
}

interface ServerChild<M> {
  child: ChildProcess;
  ask: (type: 'stats') => Promise<M>;
  stop: () => Promise<void>;
}

/** Forks a test server (TypeScript, through tsx), sends it `start`, waits for `ready`. */
async function startServerChild<M extends { type: string }>(name: string, script: string, options: unknown): Promise<{ server: ServerChild<M>; ready: M }> {
  const child = fork(script, [], { cwd: repo, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  children.add(child);
  const stderr = { text: '' };
  tail(stderr, child.stderr, true);
  const waiting: { resolve: (m: M) => void; reject: (e: Error) => void }[] = [];
  let exited: Error | undefined;
  child.on('message', (m: M) => waiting.shift()?.resolve(m));
  child.on('exit', (code, signal) => {
    children.delete(child);
    exited = new Error(`the ${name} process exited (${signal ?? `code ${code}`})${stderr.text ? `:\n${stderr.text}` : ''}`);
    for (const w of waiting.splice(0)) w.reject(exited);
  });
  child.on('error', (e) => {
    exited = new Error(`the ${name} process could not start: ${e.message}`);
    for (const w of waiting.splice(0)) w.reject(exited);
  });
  const next = (timeoutMs: number): Promise<M> =>
    new Promise<M>((resolve, reject) => {
      if (exited) return reject(exited);
      const timer = setTimeout(() => reject(new Error(`the ${name} process did not answer within ${timeoutMs / 1000} s${stderr.text ? `:\n${stderr.text}` : ''}`)), timeoutMs);
      waiting.push({
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  const ask = async (type: 'stats'): Promise<M> => {
    const answer = next(30_000);
    child.send({ type });
    const m = await answer;
    if (m.type === 'error') throw new Error(`${name}: ${(m as unknown as { message: string }).message}`);
    return m;
  };
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.send({ type: 'stop' });
    await Promise.race([gone, sleep(5000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  try {
    const answer = next(90_000);
    child.send({ type: 'start', options });
    const ready = await answer;
    if (ready.type !== 'ready') throw new Error(`the ${name} process failed to start: ${ready.type === 'error' ? (ready as unknown as { message: string }).message : ready.type}`);
    return { server: { child, ask, stop }, ready };
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
}

/** Builds the CLI bundle now if the sources are newer, so no build happens inside a measured poll. */
function prebuildCli(): void {
  const r = spawnSync(process.execPath, [BIN, '--version'], { cwd: repo, encoding: 'utf8', env: { ...process.env, FLARE_MISP_HOME: '' } });
  if (r.status !== 0) throw new Error(`flare-misp --version failed (${r.status ?? r.signal}): the CLI cannot start or be built:\n${r.stderr || r.stdout}`);
}

// ── one case ─────────────────────────────────────────────────────────────────────────────────────────────

interface PollReport {
  exitCode: number;
  maxRssKB: number;
  vmHwmKB?: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  wallMs: number;
  sampleEveryMs: number;
  stalls: { count: number; totalMs: number; maxMs: number };
  samples: [ms: number, rssMB: number, heapMB: number, externalMB: number][];
}

interface CaseResult {
  packages: number;
  ok: boolean;
  problems: string[];
  run: { status: string; state: string; detailedStatus: string; durationMs: number; counts: RunRecord['counts'] };
  wallMs: number;
  packagesPerSec: number;
  uploadPhase: { packagesPerSec: number; fromMs: number; toMs: number };
  misp: {
    requests: number;
    eventRequests: number;
    otherRequests: number;
    routes: Record<string, number>;
    statuses: Record<string, number>;
    requestsPerPackage: number;
    requestsPerPackageAll: number;
    events: number;
    distinctEventUuids: number;
    attributes: number;
    rejections: number;
    connections: number;
    peakConnections: number;
    serverCpuMs: number;
    serverMaxRssMB: number;
  };
  taxii: { requests: number; invalid: number; blocksSent: number; answers: Record<string, number>; serverCpuMs: number };
  bound: { packagesPerSec: number; share: number };
  poll: {
    peakRssMB: number;
    vmHwmMB?: number;
    rssAtStartMB: number;
    rssAtEndMB: number;
    maxSampledRssMB: number;
    maxHeapUsedMB: number;
    cpuMs: number;
    cpuMsPerPackage: number;
    /** Event-loop stalls over 100 ms (synchronous work holding every upload up). */
    stalls: PollReport['stalls'];
    rssTimeline: [seconds: number, rssMB: number, heapMB: number][];
  };
  tracker: { records: number; packages: number; bytes: number };
  phases?: unknown;
  profile?: { file: string; top: ProfileSummary['selfByFunction']; topFiles: ProfileSummary['selfByFile']; inclusive: ProfileSummary['inclusiveByFunction'] };
}

async function runCase(n: number): Promise<CaseResult> {
  console.log(`\n── ${n.toLocaleString('en')} packages × ${INDICATORS} indicators, ${PART_SIZE} per part, MISP latency ${LATENCY_MS} ms, concurrency ${CONCURRENCY} ──`);
  const stepMs = 1000;
  // Labelled a second apart, the last 30 s before now: inside the run's window (cursor = start time − 1 h, now].
  const start = new Date(Math.floor((Date.now() - (n + 30) * stepMs) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    prebuildCli();
    const taxiiOptions: AisServerOptions = { count: n, indicators: INDICATORS, start, stepMs, partSize: PART_SIZE };
    const mispOptions: ChildMispOptions = { latencyMs: LATENCY_MS };
    const [taxii, misp] = await Promise.all([
      startServerChild<TaxiiChildMessage>('TAXII test server', path.join(here, 'taxii-child.ts'), taxiiOptions),
      startServerChild<ChildMispMessage>('MISP test server', path.join(repo, 'src-main', 'simulators', 'misp', 'cli.ts'), mispOptions),
    ]);
    cleanups.push(() => taxii.server.stop(), () => misp.server.stop());
    const pollUrl = (taxii.ready as Extract<TaxiiChildMessage, { type: 'ready' }>).urls.poll;
    const mispUrl = (misp.ready as Extract<ChildMispMessage, { type: 'ready' }>).url;

    const configDir = tempConfigDir();
    const base = path.dirname(configDir);
    tempDirs.add(base);
    if (!KEEP) cleanups.push(() => rmSync(base, { recursive: true, force: true }));
    setKeys(configDir, {
      'stixtransclient.poll.baseurl': pollUrl,
      'stixtransclient.source.collection': 'ais',
      'flare.misp.url': mispUrl,
      'misp.authorization.key': TEST_MISP_KEY,
      'flare.misp.import.mode': 'native',
      'flare.misp.concurrency': String(CONCURRENCY),
      'mtc.start.time': new Date(Date.parse(start) - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    });

    const reportFile = path.join(base, 'poll-report.json');
    const profileDir = path.join(base, 'profile');
    const phasesFile = path.join(base, 'phases.json');
    const nodeArgs = [
      ...NODE_FLAGS,
      ...(PROFILE ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
      ...(PHASES ? ['--import', 'tsx'] : []),
      '--import',
      pathToFileURL(path.join(here, 'rss-report.mjs')).href,
      PHASES ? path.join(here, 'phases.ts') : BIN,
    ];
    const args = PHASES ? ['--config-dir', configDir] : ['poll', '--process-type', 'stixToMisp', '--json', '--config-dir', configDir];
    const timeoutMs = env('FLARE_BENCH_E2E_TIMEOUT_S', 120 + n / 10) * 1000;

    const t0 = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, ...args], {
      cwd: repo,
      env: { ...process.env, FLARE_MISP_HOME: '', FLARE_BENCH_E2E_REPORT: reportFile, FLARE_BENCH_E2E_PHASES_FILE: phasesFile, FLARE_BENCH_E2E_EXPECTED: String(n) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    const stderr = { text: '' };
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    tail(stderr, child.stderr, true);
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('error', (e) => reject(new Error(`flare-misp poll could not start: ${e.message}`)));
      child.once('exit', (code, signal) => {
        children.delete(child);
        resolve({ code, signal });
      });
    });
    // MISP's event count over time: the upload phase's rate (10% → 90% of the events), without start-up and tail.
    const timeline: [ms: number, events: number][] = [];
    let polling = true;
    const watcher = (async () => {
      while (polling) {
        await sleep(500);
        if (!polling) break;
        try {
          const s = (await misp.server.ask('stats')) as ChildMispStats;
          const ms = performance.now() - t0;
          timeline.push([ms, s.events]);
          const line = `  ${s.events.toLocaleString('en')} events in MISP after ${(ms / 1000).toFixed(0)} s`;
          if (process.stdout.isTTY) process.stdout.write(`\r\x1b[K${line}`);
          else if (timeline.length % 20 === 0) console.log(line);
        } catch {
          break;
        }
      }
    })();
    const timer = setTimeout(() => {
      console.error(`\n  flare-misp poll did not finish within ${timeoutMs / 1000} s: killing it`);
      child.kill('SIGKILL');
    }, timeoutMs);
    const done = await exit.finally(() => {
      clearTimeout(timer);
      polling = false;
    });
    const wallMs = performance.now() - t0;
    await watcher;
    if (process.stdout.isTTY) process.stdout.write('\r\x1b[K');
    if (done.code !== 0 && !stdout.trim()) throw new Error(`flare-misp poll failed (${done.signal ?? `exit ${done.code}`}):\n${stderr.text}`);

    let run: RunRecord;
    try {
      run = JSON.parse(stdout) as RunRecord;
    } catch {
      throw new Error(`flare-misp poll did not print a run record (${done.signal ?? `exit ${done.code}`}):\n${stdout.slice(0, 2000)}\n${stderr.text}`);
    }
    if (!existsSync(reportFile)) throw new Error(`the poll child wrote no memory report (${reportFile}); was it killed?`);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as PollReport;
    const mispStats = (await misp.server.ask('stats')) as ChildMispStats;
    const taxiiStats = (await taxii.server.ask('stats')) as Extract<TaxiiChildMessage, { type: 'stats' }>;
    const tracker = await Tracker.open(path.join(base, 'data', 'trackers.avro'), { autoCompact: false });
    const trackerStats = tracker.stats();
    await tracker.close();

    // ── the numbers ──
    const eventRequests = Object.entries(mispStats.routes)
      .filter(([route]) => / \/events\//.test(route))
      .reduce((s, [, c]) => s + c, 0);
    const requestsPerPackage = eventRequests / n;
    const boundRate = CONCURRENCY / ((LATENCY_MS / 1000) * requestsPerPackage);
    const packagesPerSec = n / (run.durationMs! / 1000);
    const at = (fraction: number): number | undefined => timeline.find(([, e]) => e >= fraction * n)?.[0];
    const from = at(0.1);
    const to = at(0.9);
    const uploadRate = from !== undefined && to !== undefined && to > from ? (0.8 * n) / ((to - from) / 1000) : Number.NaN;
    const cpuMs = report.cpuUserMs + report.cpuSystemMs;
    const rssTimeline: [number, number, number][] = [];
    const stride = Math.max(1, Math.round(1000 / report.sampleEveryMs));
    for (let i = 0; i < report.samples.length; i += stride) {
      const [ms, rss, heap] = report.samples[i]!;
      rssTimeline.push([+(ms / 1000).toFixed(1), rss, heap]);
    }

    const problems: string[] = [];
    if (run.status !== 'Success') problems.push(`the run says ${run.status}: ${run.detailedStatus}`);
    if (run.counts.uploaded !== n) problems.push(`the run uploaded ${run.counts.uploaded}, not ${n}`);
    if (run.counts.received !== n) problems.push(`the run received ${run.counts.received}, not ${n}`);
    if (mispStats.events !== n) problems.push(`MISP holds ${mispStats.events} events, not ${n}`);
    if (mispStats.distinctEventUuids !== n) problems.push(`MISP's events have ${mispStats.distinctEventUuids} distinct uuids, not ${n}`);
    if (trackerStats.packages !== n) problems.push(`the tracker knows ${trackerStats.packages} packages, not ${n}`);
    if (taxiiStats.blocksSent < n) problems.push(`the TAXII server sent ${taxiiStats.blocksSent} blocks, fewer than ${n}`);
    else if (taxiiStats.blocksSent > n) console.log(`  note: the TAXII server sent ${taxiiStats.blocksSent} blocks for ${n} packages (a part was asked for again)`);
    if (mispStats.rejections) problems.push(`MISP dropped ${mispStats.rejections} pieces: ${mispStats.firstRejections.join('; ')}`);

    const result: CaseResult = {
      packages: n,
      ok: problems.length === 0,
      problems,
      run: { status: run.status, state: run.state, detailedStatus: run.detailedStatus, durationMs: run.durationMs!, counts: run.counts },
      wallMs,
      packagesPerSec,
      uploadPhase: { packagesPerSec: uploadRate, fromMs: from ?? Number.NaN, toMs: to ?? Number.NaN },
      misp: {
        requests: mispStats.requests,
        eventRequests,
        otherRequests: mispStats.requests - eventRequests,
        routes: mispStats.routes,
        statuses: mispStats.statuses,
        requestsPerPackage,
        requestsPerPackageAll: mispStats.requests / n,
        events: mispStats.events,
        distinctEventUuids: mispStats.distinctEventUuids,
        attributes: mispStats.attributes,
        rejections: mispStats.rejections,
        connections: mispStats.connections,
        peakConnections: mispStats.peakConnections,
        serverCpuMs: mispStats.cpuMs,
        serverMaxRssMB: mispStats.maxRssKB / 1024,
      },
      taxii: { requests: taxiiStats.requests, invalid: taxiiStats.invalid, blocksSent: taxiiStats.blocksSent, answers: taxiiStats.answers, serverCpuMs: taxiiStats.cpuMs },
      bound: { packagesPerSec: boundRate, share: packagesPerSec / boundRate },
      poll: {
        peakRssMB: report.maxRssKB / 1024,
        ...(report.vmHwmKB !== undefined && { vmHwmMB: report.vmHwmKB / 1024 }),
        rssAtStartMB: report.samples[0]?.[1] ?? Number.NaN,
        rssAtEndMB: report.samples.at(-1)?.[1] ?? Number.NaN,
        maxSampledRssMB: Math.max(...report.samples.map((s) => s[1])),
        maxHeapUsedMB: Math.max(...report.samples.map((s) => s[2])),
        cpuMs,
        cpuMsPerPackage: cpuMs / n,
        stalls: report.stalls,
        rssTimeline,
      },
      tracker: { records: trackerStats.records, packages: trackerStats.packages, bytes: trackerStats.bytes },
    };

    const f0 = (x: number) => x.toFixed(0);
    const f1 = (x: number) => x.toFixed(1);
    const f2 = (x: number) => x.toFixed(2);
    console.log(`  run: ${run.status} (${run.detailedStatus}), ${run.counts.received} received, ${run.counts.uploaded} uploaded in ${f1(run.durationMs! / 1000)} s (child ${f1(wallMs / 1000)} s)`);
    console.log(`  ${f1(packagesPerSec).padStart(7)} packages/s over the run; ${f1(uploadRate)} packages/s in the upload phase (10%→90% of the events)`);
    console.log(
      `  MISP requests per package: ${f2(requestsPerPackage)} (events/*: ${Object.entries(mispStats.routes)
        .filter(([r]) => / \/events\//.test(r))
        .map(([r, c]) => `${r} ${c}`)
        .join(', ')}); ${f2(result.misp.requestsPerPackageAll)} with the ${result.misp.otherRequests} others (health checks)`,
    );
    console.log(`  bound ${CONCURRENCY} ÷ (${LATENCY_MS} ms × ${f2(requestsPerPackage)}) = ${f1(boundRate)} packages/s → ${(100 * result.bound.share).toFixed(0)}% of the bound (upload phase ${(100 * (uploadRate / boundRate)).toFixed(0)}%)`);
    console.log(
      `  poll child: peak RSS ${f0(result.poll.peakRssMB)} MB (maxRSS; VmHWM ${report.vmHwmKB !== undefined ? f0(report.vmHwmKB / 1024) : '?'} MB), ${f0(result.poll.rssAtStartMB)} MB at start, ${f0(result.poll.rssAtEndMB)} MB at exit, heap ≤ ${f0(result.poll.maxHeapUsedMB)} MB; CPU ${f1(cpuMs / 1000)} s = ${f2(cpuMs / n)} ms/package; event loop stalled ${report.stalls.count}× over 100 ms, ${f1(report.stalls.totalMs / 1000)} s in all (longest ${f0(report.stalls.maxMs)} ms)`,
    );
    console.log(`  servers: MISP CPU ${f1(mispStats.cpuMs / 1000)} s, ${mispStats.connections} connections opened (${(mispStats.connections / n).toFixed(2)} per package), at most ${mispStats.peakConnections} at once; TAXII CPU ${f1(taxiiStats.cpuMs / 1000)} s, ${taxiiStats.requests} requests`);
    console.log(`  MISP holds ${mispStats.events} events (${mispStats.distinctEventUuids} distinct uuids, ${mispStats.attributes} attributes); tracker ${trackerStats.packages} packages in ${trackerStats.records} records`);
    console.log(`  check: ${problems.length ? `FAILED — ${problems.join('; ')}` : 'MISP holds exactly N events, the run says Success with N uploaded'}`);

    if (PHASES && existsSync(phasesFile)) {
      const ph = JSON.parse(readFileSync(phasesFile, 'utf8')) as { wallMs: number; phases: Record<string, { ms: number; count: number; maxMs: number }>; snapshot?: string };
      console.log(`  phases (FLARE_BENCH_E2E_PHASES=1: the sources through tsx, prototypes wrapped; ${f1(ph.wallMs / 1000)} s in the poll):`);
      for (const [name, p] of Object.entries(ph.phases)) {
        console.log(`    ${name.padEnd(82)} ${f1(p.ms / 1000).padStart(7)} s  ${String(p.count).padStart(6)}×  avg ${f2(p.ms / p.count).padStart(8)} ms  max ${f0(p.maxMs).padStart(6)} ms`);
      }
      if (ph.snapshot) console.log(`  heap snapshot: ${ph.snapshot}`);
      result.phases = ph;
    }
    if (PROFILE) {
      const files = existsSync(profileDir) ? readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')) : [];
      const newest = files.map((f) => path.join(profileDir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0];
      if (newest) {
        const keep = path.join(os.tmpdir(), `flare-bench-e2e-${n}-${Date.now()}.cpuprofile`);
        rmSync(keep, { force: true });
        const s = summarizeProfile(newest);
        spawnSync('cp', [newest, keep]);
        console.log(`  CPU profile of the poll child: ${keep}`);
        printProfile(s, 25);
        result.profile = { file: keep, top: s.selfByFunction.slice(0, 40), topFiles: s.selfByFile.slice(0, 20), inclusive: s.inclusiveByFunction.slice(0, 60) };
      } else console.log('  (no CPU profile was written)');
    }
    return result;
  } finally {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  }
}

// ── the cases ────────────────────────────────────────────────────────────────────────────────────────────

/** The tracker index's RSS per record, from bench/tracker's last results (open + index of 1M records). */
function trackerIndexCost(): { bytesPerRecord: number; from: string } {
  const file = path.join(here, '..', 'results', 'tracker.json');
  try {
    const t = JSON.parse(readFileSync(file, 'utf8')) as { records: number; open: { peakRssMB: number; rssBeforeMB: number } };
    return { bytesPerRecord: ((t.open.peakRssMB - t.open.rssBeforeMB) * MB) / t.records, from: 'bench/results/tracker.json' };
  } catch {
    // bench/tracker not run here yet: its last recorded figure (214 − 81 MB for 1,000,000 records).
    return { bytesPerRecord: (133 * MB) / 1_000_000, from: 'default (run npm run bench tracker)' };
  }
}

printMachine();
console.log(`uptime: ${spawnSync('uptime', { encoding: 'utf8' }).stdout.trim()}`);
const cases: CaseResult[] = [];
let failure: unknown;
try {
  for (const n of LARGE ? [PACKAGES, LARGE_PACKAGES] : [PACKAGES]) cases.push(await runCase(n));
} catch (e) {
  failure = e;
  console.error(`\nbench/e2e: ${e instanceof Error ? e.message : String(e)}`);
}

const small = cases.find((c) => c.packages === PACKAGES);
const large = LARGE ? cases.find((c) => c.packages === LARGE_PACKAGES) : undefined;
let growth: Record<string, unknown> | undefined;
if (small && large) {
  const cost = trackerIndexCost();
  const rssGrowthMB = large.poll.peakRssMB - small.poll.peakRssMB;
  const indexGrowthMB = ((large.tracker.records - small.tracker.records) * cost.bytesPerRecord) / MB;
  growth = {
    rssGrowthMB,
    extraPackages: large.packages - small.packages,
    rssBytesPerExtraPackage: (rssGrowthMB * MB) / (large.packages - small.packages),
    trackerIndexBytesPerRecord: cost.bytesPerRecord,
    trackerIndexCostFrom: cost.from,
    trackerIndexGrowthMB: indexGrowthMB,
    met: rssGrowthMB <= indexGrowthMB,
  };
  console.log(
    `\nRSS growth ${PACKAGES.toLocaleString('en')} → ${LARGE_PACKAGES.toLocaleString('en')}: ${rssGrowthMB.toFixed(1)} MB (${((rssGrowthMB * MB) / (large.packages - small.packages)).toFixed(0)} bytes per extra package); ` +
      `the tracker index for the ${(large.tracker.records - small.tracker.records).toLocaleString('en')} extra records: ${indexGrowthMB.toFixed(1)} MB at ${cost.bytesPerRecord.toFixed(0)} bytes/record (${cost.from}) → ${growth.met ? 'met' : 'NOT met'}`,
  );
}
const targets = {
  ...TARGETS,
  share: small ? small.bound.share >= TARGETS.shareOfBoundAtLeast : false,
  peakRss: small ? small.poll.peakRssMB <= TARGETS.peakRssMBAtMost : false,
  ...(growth && { rssGrowthWithinTrackerIndex: growth.met }),
};
if (small) {
  console.log(
    `\ntargets at ${PACKAGES.toLocaleString('en')}: share of the bound ≥ 50%: ${targets.share ? 'met' : 'NOT met'} (${(100 * small.bound.share).toFixed(0)}%); peak RSS ≤ 300 MB: ${targets.peakRss ? 'met' : 'NOT met'} (${small.poll.peakRssMB.toFixed(0)} MB)`,
  );
}
writeResults('e2e', {
  machine: machine(),
  uptime: spawnSync('uptime', { encoding: 'utf8' }).stdout.trim(),
  settings: { indicatorsPerPackage: INDICATORS, partSize: PART_SIZE, latencyMs: LATENCY_MS, concurrency: CONCURRENCY, importMode: 'native', rssMeasured: 'poll child: process.resourceUsage().maxRSS at exit (rss-report.mjs via --import)' },
  cases,
  ...(growth && { growth }),
  targets,
  ...(failure !== undefined && { error: failure instanceof Error ? failure.message : String(failure) }),
});
process.exitCode = failure !== undefined || cases.some((c) => !c.ok) ? 1 : 0;
