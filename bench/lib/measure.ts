/**
 * What the throughput benchmarks share: interleaved timing with medians, the machine line, the results file.
 *
 * Timing: every case runs once per round (so a busy neighbour on a shared machine slows all cases alike), after
 * warm-up rounds (the first pass compiles; the second runs on code optimised for all cases), with a full GC
 * before each pass when --expose-gc is on (bench/run.ts passes it), until each case has `minPasses` and the time
 * budget is spent; each case reports its median pass.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';

export const MB = 1024 * 1024;

export interface Measure {
  mbPerSec: number;
  packagesPerSec: number;
  msPerPass: number;
  passes: number;
}

export interface MeasureOptions {
  /** Measuring time per case, in seconds. */
  seconds: number;
  /** At least this many measured passes per case. */
  minPasses?: number;
  /** Unmeasured rounds first. */
  warmUps?: number;
  /** Print every pass's time. */
  debug?: boolean;
}

/** A number from the environment, else the fallback. */
export const envNumber = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Median ms per pass of each case, as MB/s and packages/s of `bytes` and `packages` per pass. */
export function measure(bytes: number, packages: number, passes: Record<string, () => void>, options: MeasureOptions): Record<string, Measure> {
  const { seconds, minPasses = 3, warmUps = 1, debug = false } = options;
  const names = Object.keys(passes);
  const times: Record<string, number[]> = {};
  for (let i = 0; i < warmUps; i++) for (const name of names) passes[name]!();
  for (const name of names) times[name] = [];
  const until = performance.now() + seconds * 1000 * names.length;
  while (times[names[0]!]!.length < minPasses || performance.now() < until) {
    for (const name of names) {
      gc();
      const t = performance.now();
      passes[name]!();
      times[name]!.push(performance.now() - t);
    }
  }
  if (debug) for (const name of names) console.log(`  ${name} passes (ms): ${times[name]!.map((t) => t.toFixed(0)).join(' ')}`);
  const out: Record<string, Measure> = {};
  for (const name of names) {
    const sorted = times[name]!.sort((a, b) => a - b);
    const ms = sorted[Math.floor(sorted.length / 2)]!;
    out[name] = { mbPerSec: bytes / MB / (ms / 1000), packagesPerSec: packages / (ms / 1000), msPerPass: ms, passes: sorted.length };
  }
  return out;
}

/** One printed row: label, MB/s, packages/s, ms per pass. */
export function measureRow(label: string, m: Measure, width = 38): string {
  return `  ${label.padEnd(width)} ${m.mbPerSec.toFixed(1).padStart(7)} MB/s ${m.packagesPerSec.toFixed(0).padStart(8)} packages/s  (${m.msPerPass.toFixed(1)} ms/pass, ${m.passes} passes)`;
}

/** The machine, for the printed header and the results file. */
export function machine(): { date: string; node: string; cpu: string | undefined; cores: number; loadAverage: number | undefined } {
  const cpus = os.cpus();
  return { date: new Date().toISOString(), node: process.version, cpu: cpus[0]?.model, cores: cpus.length, loadAverage: os.loadavg()[0] };
}

export function printMachine(): void {
  const m = machine();
  console.log(`node ${m.node}, ${m.cpu ?? 'cpu'} × ${m.cores}, load ${(m.loadAverage ?? 0).toFixed(2)}`);
}

/** Writes bench/results/<name>.json and says so. */
export function writeResults(name: string, results: unknown): void {
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results', `${name}.json`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote bench/results/${name}.json`);
}

/**
 * A pass of fast-xml-parser's bare parse (attributes kept) over the inputs: the yardstick the reader and the
 * conversion are measured against. The malformed corpus snippets may or may not make it complain; their bytes
 * were scanned either way.
 */
export function bareParsePass(inputs: readonly Buffer[]): () => void {
  const parser = new XMLParser({ ignoreAttributes: false });
  return () => {
    for (const b of inputs) {
      try {
        parser.parse(b);
      } catch {
        /* see above */
      }
    }
  };
}
