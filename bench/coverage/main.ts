/**
 * CybOX coverage benchmark: maps every observable of the corpus (and of a synthetic AIS-like feed) to MISP
 * attributes and objects, prints the per-CybOX-type table (mapped / text / skipped) with the validator's verdict,
 * and the mapping's cost next to the reader's: read, and read + map + merge, in MB/s (interleaved passes, medians).
 * Writes bench/results/coverage.json.
 *
 * Knobs (environment): FLARE_BENCH_COVERAGE_PACKAGES (300), FLARE_BENCH_COVERAGE_INDICATORS (20),
 * FLARE_BENCH_COVERAGE_SECONDS (measuring time per case, 3).
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConversionReport } from '../../src-main/core/misp/convert/contract';
import { coverageOfPackages, formatCoverage, mapPackageObservables } from '../../src-main/core/misp/convert/observables/coverage';
import { isStixError, readPackages, type ExtractedPackage } from '../../src-main/core/stix';
import { CORPUS_DIR } from '../../test/paths';
import { aisFeed } from '../lib/ais-feed';

const here = path.dirname(fileURLToPath(import.meta.url));
const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const PACKAGES = env('FLARE_BENCH_COVERAGE_PACKAGES', 300);
const INDICATORS = env('FLARE_BENCH_COVERAGE_INDICATORS', 20);
const SECONDS = env('FLARE_BENCH_COVERAGE_SECONDS', 3);
const MB = 1024 * 1024;
const EVENT = '00000000-0000-4000-8000-000000000000';

function listXml(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listXml(full));
    else if (name.endsWith('.xml')) out.push(full);
  }
  return out.sort();
}

function readAll(inputs: Buffer[]): ExtractedPackage[] {
  const out: ExtractedPackage[] = [];
  for (const b of inputs) {
    try {
      out.push(...readPackages(b));
    } catch (e) {
      if (!isStixError(e)) throw e;
    }
  }
  return out;
}

function median(passes: Record<string, () => void>): Record<string, number> {
  const names = Object.keys(passes);
  const times: Record<string, number[]> = {};
  for (const n of names) {
    passes[n]!();
    times[n] = [];
  }
  (globalThis as { gc?: () => void }).gc?.();
  const until = performance.now() + SECONDS * 1000 * names.length;
  while (times[names[0]!]!.length < 3 || performance.now() < until) {
    for (const n of names) {
      const t = performance.now();
      passes[n]!();
      times[n]!.push(performance.now() - t);
    }
  }
  return Object.fromEntries(names.map((n) => [n, times[n]!.sort((a, b) => a - b)[Math.floor(times[n]!.length / 2)]!]));
}

function runCase(name: string, inputs: Buffer[]) {
  const bytes = inputs.reduce((n, b) => n + b.length, 0);
  const packages = readAll(inputs);
  const coverage = coverageOfPackages(packages);
  console.log(`\n${name}: ${inputs.length} inputs, ${(bytes / MB).toFixed(2)} MB, ${packages.length} packages\n`);
  console.log(formatCoverage(coverage));
  const m = median({
    read: () => void readAll(inputs),
    readAndMap: () => {
      for (const p of readAll(inputs)) mapPackageObservables(p.model, EVENT, new ConversionReport());
    },
    mapOnly: () => {
      for (const p of packages) mapPackageObservables(p.model, EVENT, new ConversionReport());
    },
  }) as Record<'read' | 'readAndMap' | 'mapOnly', number>;
  const mbps = (ms: number) => bytes / MB / (ms / 1000);
  console.log(`\n  read                 ${mbps(m.read).toFixed(1).padStart(7)} MB/s  (${m.read.toFixed(1)} ms/pass)`);
  console.log(`  read + map + merge   ${mbps(m.readAndMap).toFixed(1).padStart(7)} MB/s  (${m.readAndMap.toFixed(1)} ms/pass)`);
  console.log(`  map + merge alone    ${m.mapOnly.toFixed(1)} ms/pass = ${((m.mapOnly / m.read) * 100).toFixed(0)}% of the read time`);
  const types = Object.fromEntries([...coverage.report.coverage].sort(([a], [b]) => a.localeCompare(b)));
  return { inputs: inputs.length, bytes, packages: packages.length, totals: coverage.totals, types, ms: m, readMbPerSec: mbps(m.read), readAndMapMbPerSec: mbps(m.readAndMap) };
}

const corpus = listXml(CORPUS_DIR).map((f) => readFileSync(f));
const feed = aisFeed({ packages: PACKAGES, indicatorsPerPackage: INDICATORS }).map((p) => Buffer.from(p.xml));
console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, load ${os.loadavg()[0]!.toFixed(2)}`);
const results = { date: new Date().toISOString(), node: process.version, corpus: runCase('corpus', corpus), aisFeed: runCase(`synthetic AIS feed (${PACKAGES} × ${INDICATORS} indicators)`, feed) };
mkdirSync(path.join(here, '..', 'results'), { recursive: true });
writeFileSync(path.join(here, '..', 'results', 'coverage.json'), `${JSON.stringify(results, null, 2)}\n`);
