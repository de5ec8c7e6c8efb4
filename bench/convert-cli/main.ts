/**
 * Whole-process benchmark: `flare-misp convert FILE --out DIR` of one STIX 1.1.1 package with 10,000 indicators (the
 * synthetic AIS feed's shape, src-main/simulators/taxii/ais-feed.ts), run as a child process the way a user runs it
 * — `node bin/flare-misp.mjs convert …`, whatever that file does to start (a bundle, or the sources) — and timed
 * from spawn to exit. For comparison: misp-stix (MISP's own Python converter) took 15–21 s for such a file on the
 * development machine; the target is 10× faster (≤ 1.5–2.1 s).
 *
 * One unmeasured run first (it may build the CLI bundle, and warms the file cache), then FLARE_BENCH_CLI_RUNS (5)
 * measured runs; prints each, the median and the best, with the machine's load. A run in which bin/flare-misp.mjs
 * rebuilt its bundle (someone changed a source meanwhile: it says so on stderr) is shown but not counted. When
 * /usr/bin/time is there, the child's CPU time (user + system) is printed too: on a shared, loaded machine it varies
 * much less than the wall-clock time. Knobs: FLARE_BENCH_CLI_INDICATORS (10000), FLARE_BENCH_CLI_RUNS.
 * Writes bench/results/convert-cli.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { aisPackage } from '../../src-main/simulators/taxii/ais-feed';
import { envNumber, machine, MB, printMachine, writeResults } from '../lib/measure';

const INDICATORS = envNumber('FLARE_BENCH_CLI_INDICATORS', 10_000);
const RUNS = envNumber('FLARE_BENCH_CLI_RUNS', 5);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'flare-misp.mjs');

const dir = mkdtempSync(path.join(os.tmpdir(), 'flare-bench-cli-'));
try {
  const file = path.join(dir, `ais-${INDICATORS}.xml`);
  writeFileSync(file, aisPackage(0, INDICATORS).xml);
  const bytes = statSync(file).size;

  const TIME = '/usr/bin/time';
  const withTime = existsSync(TIME);
  const run = (): { ms: number; cpuMs?: number; rebuilt: boolean; out: string } => {
    const out = mkdtempSync(path.join(dir, 'out-'));
    const args = [BIN, 'convert', file, '--out', out];
    const t = performance.now();
    const r = withTime
      ? spawnSync(TIME, ['-f', 'CPU %U %S', process.execPath, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 })
      : spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    const ms = performance.now() - t;
    if (r.status !== 0) throw new Error(`flare-misp convert exited with ${r.status}: ${r.stderr || r.stdout}`);
    const cpu = /CPU ([0-9.]+) ([0-9.]+)\s*$/.exec(r.stderr ?? '');
    return { ms, ...(cpu && { cpuMs: (Number(cpu[1]) + Number(cpu[2])) * 1000 }), rebuilt: /building the CLI/.test(r.stderr ?? ''), out };
  };
  const cpuText = (cpuMs: number | undefined) => (cpuMs !== undefined ? `, CPU ${cpuMs.toFixed(0)} ms` : '');

  printMachine();
  console.log(`flare-misp convert of one package with ${INDICATORS} indicators (${(bytes / MB).toFixed(1)} MB), whole process:`);
  const first = run();
  const written = readdirSync(first.out);
  const eventBytes = written.reduce((n, f) => n + statSync(path.join(first.out, f)).size, 0);
  console.log(`  first run${first.rebuilt ? ' (built the CLI bundle)' : ''}: ${first.ms.toFixed(0)} ms${cpuText(first.cpuMs)} → ${written.length} event file(s), ${(eventBytes / MB).toFixed(1)} MB of JSON`);
  const times: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { ms, cpuMs, rebuilt, out } = run();
    rmSync(out, { recursive: true, force: true });
    console.log(`  run ${i + 1}: ${ms.toFixed(0)} ms${cpuText(cpuMs)}${rebuilt ? ' — the CLI was rebuilt (a source changed): not counted' : ''}`);
    if (rebuilt) continue;
    times.push(ms);
    if (cpuMs !== undefined) cpus.push(cpuMs);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const best = (xs: number[]) => Math.min(...xs);
  if (times.length > 0) {
    console.log(
      `  wall: median ${median(times)!.toFixed(0)} ms, best ${best(times).toFixed(0)} ms${cpus.length ? `; CPU: median ${median(cpus)!.toFixed(0)} ms, best ${best(cpus).toFixed(0)} ms` : ''}`,
    );
  }
  console.log('  misp-stix took 15–21 s for such a file on the development machine: 10× faster is 1.5–2.1 s');
  writeResults('convert-cli', { ...machine(), indicators: INDICATORS, bytes, runsMs: times, cpuMs: cpus, medianMs: median(times), bestMs: times.length ? best(times) : undefined, firstRunMs: first.ms, eventBytes });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
