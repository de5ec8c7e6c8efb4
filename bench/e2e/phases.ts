/**
 * The poll of bench/e2e with timing around its phases, for finding where a run's time goes: the same FlareService
 * `flare-misp poll` starts (run here from the TypeScript sources through tsx, not the bundle), with the
 * prototypes of Run, BoundedRunner, MispDestination and Tracker wrapped to time: the producer (reading a block's
 * packages, waiting for an upload slot, waiting for the next block from the poll iterator), each upload task
 * (build, tracker appends by outcome, MISP upsert) — and optionally a heap snapshot once a share of the packages is
 * uploaded. main.ts runs it instead of the CLI with FLARE_BENCH_E2E_PHASES=1 (FLARE_BENCH_E2E_HEAP_AT=0.8 for the
 * snapshot). Prints the run record as JSON on stdout like `flare-misp poll --json`; the timings go to
 * FLARE_BENCH_E2E_PHASES_FILE.
 *
 *   node --import tsx bench/e2e/phases.ts --config-dir DIR
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { BoundedRunner } from '../../src-main/core/async/bounded';
import { LogHub } from '../../src-main/core/log/index';
import { MispDestination } from '../../src-main/core/pipeline/destination';
import { Run } from '../../src-main/core/pipeline/run';
import { FlareService } from '../../src-main/core/service';
import { Tracker, type TrackRecord } from '../../src-main/core/tracker/index';

const configDir = process.argv[process.argv.indexOf('--config-dir') + 1]!;
const out = process.env.FLARE_BENCH_E2E_PHASES_FILE;
const heapAt = Number(process.env.FLARE_BENCH_E2E_HEAP_AT ?? 0);
const expected = Number(process.env.FLARE_BENCH_E2E_EXPECTED ?? 0);

/** Total ms and count per phase. */
const phases: Record<string, { ms: number; count: number; maxMs: number }> = {};
const note = (name: string, ms: number) => {
  const p = (phases[name] ??= { ms: 0, count: 0, maxMs: 0 });
  p.ms += ms;
  p.count++;
  p.maxMs = Math.max(p.maxMs, ms);
};

type AnyFn = (...args: never[]) => unknown;
function wrap<T extends object>(proto: T, method: string, name: string | ((args: unknown[]) => string)): void {
  const original = (proto as Record<string, AnyFn>)[method];
  if (typeof original !== 'function') throw new Error(`phases: no method ${method} to wrap`);
  (proto as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
    const label = typeof name === 'function' ? name(args) : name;
    const t = performance.now();
    const r = (original as (...a: unknown[]) => unknown).apply(this, args);
    if (r instanceof Promise) return r.finally(() => note(label, performance.now() - t));
    note(label, performance.now() - t);
    return r;
  };
}

const run = Run.prototype as unknown as Record<string, unknown>;
// The producer: a block (its packages read, each handed to a slot), and the gap until the poll iterator gives the next.
let lastBlockEnd: number | undefined;
const takeBlock = run.takeBlock as AnyFn;
run.takeBlock = async function (this: unknown, ...args: unknown[]) {
  const t = performance.now();
  if (lastBlockEnd !== undefined) note('producer: waiting for the next block (poll iterator: fetch + parse of a part)', t - lastBlockEnd);
  try {
    return await (takeBlock as (...a: unknown[]) => Promise<unknown>).apply(this, args);
  } finally {
    lastBlockEnd = performance.now();
    note('producer: one block (read packages + verdict + wait for a slot)', lastBlockEnd - t);
  }
};
wrap(BoundedRunner.prototype, 'submit', 'producer: waiting for a free upload slot (submit)');
wrap(run, 'upload', 'task: one upload, whole (build → intent → upsert → outcome)');
wrap(MispDestination.prototype, 'build', 'task: build the MISP event (sync)');
wrap(MispDestination.prototype, 'upsert', 'task: MISP upsert (GET + add, 2 × latency)');
wrap(Tracker.prototype, 'append', (args) => `task: tracker append "${(args[0] as TrackRecord).outcome ?? 'batch'}" (group commit + fsync)`);

let uploaded = 0;
let snapshot: string | undefined;
const upsert = MispDestination.prototype.upsert;
MispDestination.prototype.upsert = async function (this: MispDestination, ...args: Parameters<MispDestination['upsert']>) {
  const r = await upsert.apply(this, args);
  uploaded++;
  if (heapAt > 0 && expected > 0 && snapshot === undefined && uploaded >= heapAt * expected) {
    snapshot = path.join(path.dirname(configDir), `e2e-${uploaded}.heapsnapshot`);
    const t = performance.now();
    v8.writeHeapSnapshot(snapshot);
    note('(heap snapshot, not part of the run)', performance.now() - t);
  }
  return r;
};

const hub = new LogHub({ level: 'warn' });
const service = new FlareService({ configDir, mode: 'headless', version: '0.0.0-bench', hub });
service.start();
hub.setLevel('warn');
const t0 = performance.now();
let record;
try {
  record = await service.poll('stixToMisp');
} finally {
  await service.close();
  await hub.close();
}
const wallMs = performance.now() - t0;
if (out) writeFileSync(out, JSON.stringify({ wallMs, phases, ...(snapshot && { snapshot }) }));
process.stdout.write(`${JSON.stringify(record)}\n`);
process.exitCode = record.status === 'Success' ? 0 : 1;
