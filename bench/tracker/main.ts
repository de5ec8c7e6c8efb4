/**
 * Tracker benchmark: appends a million records the way a run does (several workers, batches of packages, each
 * append group-committed with one fsync), then opens the file in a fresh process (open.ts) so the time and
 * peak RSS are those of opening and indexing alone. Also measures single-record appends from eight workers
 * (fsync-bound) and a compaction. Writes bench/results/tracker.json.
 *
 * Knobs (environment): FLARE_BENCH_TRACKER_RECORDS (1,000,000), FLARE_BENCH_TRACKER_BATCH (500 records per
 * append), FLARE_BENCH_TRACKER_WORKERS (4), FLARE_BENCH_TRACKER_DIR (a temp folder; removed afterwards).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tracker, type TrackRecord } from '../../src-main/core/tracker';
import { envNumber as env, machine, MB, printMachine, writeResults } from '../lib/measure';

const RECORDS = env('FLARE_BENCH_TRACKER_RECORDS', 1_000_000);
const BATCH = env('FLARE_BENCH_TRACKER_BATCH', 500);
const WORKERS = env('FLARE_BENCH_TRACKER_WORKERS', 4);
const here = path.dirname(fileURLToPath(import.meta.url));

/** Record i: ~90% new packages, ~10% updates of an earlier one (a new hash). */
function makeRecord(i: number, ids: string[], uuids: string[]): TrackRecord {
  const update = ids.length > 100 && i % 10 === 9;
  let packageId: string;
  let uuid: string;
  if (update) {
    const k = (i * 7919) % ids.length;
    packageId = ids[k]!;
    uuid = uuids[k]!;
  } else {
    uuid = randomUUID();
    packageId = `NCCIC:STIX_Package-${uuid}`;
    ids.push(packageId);
    uuids.push(uuid);
  }
  return {
    packageId,
    contentHash: randomBytes(32).toString('hex'),
    feed: 'ais',
    collection: 'system.Default',
    processType: 'stixToMisp',
    outcome: update ? 'updated' : 'uploaded',
    mispEventId: String(100000 + (i % 900000)),
    mispEventUuid: uuid,
    published: true,
    packageTimestamp: '2024-03-01T12:34:56.123456+00:00',
    runId: 1 + Math.floor(i / 5000),
  };
}

async function appendMillion(file: string) {
  const t = await Tracker.open(file, { autoCompact: false });
  const ids: string[] = [];
  const uuids: string[] = [];
  let next = 0;
  let buildMs = 0;
  let waitMs = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < RECORDS) {
      const b0 = performance.now();
      const batch: TrackRecord[] = [];
      while (batch.length < BATCH && next < RECORDS) batch.push(makeRecord(next++, ids, uuids));
      const b1 = performance.now();
      buildMs += b1 - b0;
      await t.append(batch);
      waitMs += performance.now() - b1;
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  const ms = performance.now() - start;
  const stats = t.stats();
  await t.close();
  return { ms, buildMs, stats, sample: ids.slice(0, 1000) };
}

async function singleAppends(file: string, count: number) {
  const t = await Tracker.open(file);
  let next = 0;
  const ids: string[] = [];
  const uuids: string[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) await t.append(makeRecord(next++, ids, uuids));
    }),
  );
  const ms = performance.now() - start;
  await t.close();
  return { appends: count, appendsPerSec: count / (ms / 1000), ms };
}

function openInChild(file: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'open.ts'), file], { cwd: path.join(here, '..', '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`open.ts failed: ${r.status}`);
  return JSON.parse(r.stdout) as { openMs: number; openCpuMs: number; rssBeforeMB: number; peakRssMB: number; heapUsedMB: number; records: number; packages: number; verdictsPerSec: number };
}

printMachine();
const dir = process.env.FLARE_BENCH_TRACKER_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'flare-bench-tracker-'));
const file = path.join(dir, 'trackers.avro');
try {
  console.log(`\nappending ${RECORDS.toLocaleString('en')} records: ${WORKERS} workers, ${BATCH} records per append …`);
  const a = await appendMillion(file);
  const bytes = statSync(file).size;
  const appendRate = RECORDS / (a.ms / 1000);
  console.log(`  ${appendRate.toFixed(0)} records/s (${(a.ms / 1000).toFixed(1)} s, of which ${(a.buildMs / 1000).toFixed(1)} s making the records)`);
  console.log(`  file ${(bytes / MB).toFixed(1)} MB, ${(bytes / RECORDS).toFixed(0)} bytes/record, ${a.stats.packages.toLocaleString('en')} packages, ${a.stats.superseded.toLocaleString('en')} superseded`);

  console.log('\nopening in a fresh process …');
  const o = openInChild(file);
  console.log(`  open + index ${o.openMs.toFixed(0)} ms (${o.openCpuMs.toFixed(0)} ms CPU), peak RSS ${o.peakRssMB.toFixed(0)} MB (${o.rssBeforeMB.toFixed(0)} MB before opening), heap ${o.heapUsedMB.toFixed(0)} MB`);
  console.log(`  ${o.verdictsPerSec.toFixed(0)} verdicts/s (each reads its records back from the file)`);
  const targets = { openMsBelow: 2000, peakRssMBBelow: 300 };
  const met = o.openMs < targets.openMsBelow && o.peakRssMB < targets.peakRssMBBelow;
  console.log(`  target (< ${targets.openMsBelow} ms, < ${targets.peakRssMBBelow} MB): ${met ? 'met' : 'NOT met'}`);

  console.log('\nsingle-record appends from 8 workers (one fsync per group) …');
  const s = await singleAppends(path.join(dir, 'single.avro'), 3000);
  console.log(`  ${s.appendsPerSec.toFixed(0)} appends/s`);

  console.log('\ncompacting …');
  const t = await Tracker.open(file, { autoCompact: false });
  const c0 = performance.now();
  const c = await t.compact();
  const compactMs = performance.now() - c0;
  await t.close();
  console.log(`  ${(compactMs / 1000).toFixed(1)} s: ${c.before.records.toLocaleString('en')} → ${c.after.records.toLocaleString('en')} records, ${(c.before.bytes / MB).toFixed(1)} → ${(c.after.bytes / MB).toFixed(1)} MB`);

  writeResults('tracker', {
    machine: machine(),
    records: RECORDS,
    batch: BATCH,
    workers: WORKERS,
    append: { recordsPerSec: appendRate, ms: a.ms, makingRecordsMs: a.buildMs },
    file: { bytes, bytesPerRecord: bytes / RECORDS, packages: a.stats.packages, superseded: a.stats.superseded },
    open: o,
    targets: { ...targets, met },
    singleAppends: s,
    compact: { ms: compactMs, ...c },
  });
} finally {
  if (!process.env.FLARE_BENCH_TRACKER_DIR) rmSync(dir, { recursive: true, force: true });
}
