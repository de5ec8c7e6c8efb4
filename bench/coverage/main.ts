/**
 * CybOX coverage benchmark: maps every observable of the corpus (and of a synthetic AIS-like feed) to MISP
 * attributes and objects, prints the per-CybOX-type table (mapped / text / skipped) with the validator's verdict,
 * and the mapping's cost next to the reader's: read, and read + map + merge, in MB/s (interleaved passes, medians).
 * Writes bench/results/coverage.json.
 *
 * Knobs (environment): FLARE_BENCH_COVERAGE_PACKAGES (300), FLARE_BENCH_COVERAGE_INDICATORS (20),
 * FLARE_BENCH_COVERAGE_SECONDS (measuring time per case, 3).
 */
import { readFileSync } from 'node:fs';
import { ConversionReport } from '../../src-main/core/misp/convert/contract';
import { coverageOfPackages, formatCoverage, mapPackageObservables } from '../../src-main/core/misp/convert/observables/coverage';
import { isStixError, readPackages, type ExtractedPackage } from '../../src-main/core/stix';
import { CORPUS_DIR, filesUnder } from '../../test/paths';
import { aisFeed } from '../../src-main/simulators/taxii/ais-feed';
import { envNumber as env, machine, MB, measure, printMachine, writeResults } from '../lib/measure';

const PACKAGES = env('FLARE_BENCH_COVERAGE_PACKAGES', 300);
const INDICATORS = env('FLARE_BENCH_COVERAGE_INDICATORS', 20);
const SECONDS = env('FLARE_BENCH_COVERAGE_SECONDS', 3);
const EVENT = '00000000-0000-4000-8000-000000000000';

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

function runCase(name: string, inputs: Buffer[]) {
  const bytes = inputs.reduce((n, b) => n + b.length, 0);
  const packages = readAll(inputs);
  const coverage = coverageOfPackages(packages);
  console.log(`\n${name}: ${inputs.length} inputs, ${(bytes / MB).toFixed(2)} MB, ${packages.length} packages\n`);
  console.log(formatCoverage(coverage));
  const measured = measure(bytes, packages.length, {
    read: () => void readAll(inputs),
    readAndMap: () => {
      for (const p of readAll(inputs)) mapPackageObservables(p.model, EVENT, new ConversionReport());
    },
    mapOnly: () => {
      for (const p of packages) mapPackageObservables(p.model, EVENT, new ConversionReport());
    },
  }, { seconds: SECONDS });
  const m = { read: measured.read!.msPerPass, readAndMap: measured.readAndMap!.msPerPass, mapOnly: measured.mapOnly!.msPerPass };
  const mbps = (ms: number) => bytes / MB / (ms / 1000);
  console.log(`\n  read                 ${mbps(m.read).toFixed(1).padStart(7)} MB/s  (${m.read.toFixed(1)} ms/pass)`);
  console.log(`  read + map + merge   ${mbps(m.readAndMap).toFixed(1).padStart(7)} MB/s  (${m.readAndMap.toFixed(1)} ms/pass)`);
  console.log(`  map + merge alone    ${m.mapOnly.toFixed(1)} ms/pass = ${((m.mapOnly / m.read) * 100).toFixed(0)}% of the read time`);
  const types = Object.fromEntries([...coverage.report.coverage].sort(([a], [b]) => a.localeCompare(b)));
  return { inputs: inputs.length, bytes, packages: packages.length, totals: coverage.totals, types, ms: m, readMbPerSec: mbps(m.read), readAndMapMbPerSec: mbps(m.readAndMap) };
}

const corpus = filesUnder(CORPUS_DIR).map((f) => readFileSync(f));
const feed = aisFeed({ packages: PACKAGES, indicatorsPerPackage: INDICATORS }).map((p) => Buffer.from(p.xml));
printMachine();
const results = { ...machine(), corpus: runCase('corpus', corpus), aisFeed: runCase(`synthetic AIS feed (${PACKAGES} × ${INDICATORS} indicators)`, feed) };
writeResults('coverage', results);
