/**
 * STIX reader benchmark: reads the whole corpus and a synthetic AIS-like feed (bench/lib/ais-feed.ts) with the
 * reader — full model (readPackages) and identity + hash + XML only (scanPackages) — and, in the same run,
 * fast-xml-parser's bare parse of the same bytes, the yardstick the conversion target is set against.
 * Prints MB/s and packages/s; writes bench/results/stix.json.
 *
 * Knobs (environment): FLARE_BENCH_STIX_PACKAGES (500), FLARE_BENCH_STIX_INDICATORS (20),
 * FLARE_BENCH_STIX_SECONDS (measuring time per case, 3; the cases run interleaved).
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { isStixError, readPackages, scanPackages } from '../../src-main/core/stix';
import { CORPUS_DIR } from '../../test/paths';
import { aisFeed } from '../lib/ais-feed';

const here = path.dirname(fileURLToPath(import.meta.url));
const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const PACKAGES = env('FLARE_BENCH_STIX_PACKAGES', 500);
const INDICATORS = env('FLARE_BENCH_STIX_INDICATORS', 20);
const SECONDS = env('FLARE_BENCH_STIX_SECONDS', 3);
const MB = 1024 * 1024;

interface Measure {
  mbPerSec: number;
  packagesPerSec: number;
  msPerPass: number;
  passes: number;
}

function listXml(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listXml(full));
    else if (name.endsWith('.xml')) out.push(full);
  }
  return out.sort();
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Runs the passes (each one pass over every input) round-robin until SECONDS have passed and reports each one's
 * median pass. Interleaving makes the comparison fair on a shared machine: a burst of load from elsewhere slows
 * every case alike instead of whichever happened to be running.
 */
function measure(bytes: number, packages: number, passes: Record<string, () => void>): Record<string, Measure> {
  const names = Object.keys(passes);
  const times: Record<string, number[]> = {};
  for (const name of names) {
    passes[name]!(); // warm-up: JIT, caches
    times[name] = [];
  }
  gc();
  const until = performance.now() + SECONDS * 1000 * names.length;
  while (times[names[0]!]!.length < 3 || performance.now() < until) {
    for (const name of names) {
      const t = performance.now();
      passes[name]!();
      times[name]!.push(performance.now() - t);
    }
  }
  const out: Record<string, Measure> = {};
  for (const name of names) {
    const sorted = times[name]!.sort((a, b) => a - b);
    const ms = sorted[Math.floor(sorted.length / 2)]!;
    out[name] = { mbPerSec: bytes / MB / (ms / 1000), packagesPerSec: packages / (ms / 1000), msPerPass: ms, passes: sorted.length };
  }
  return out;
}

function runCase(name: string, inputs: Buffer[]) {
  const bytes = inputs.reduce((n, b) => n + b.length, 0);
  let packages = 0;
  let refused = 0;
  for (const b of inputs) {
    try {
      packages += readPackages(b).length;
    } catch (e) {
      if (!isStixError(e)) throw e;
      refused++;
    }
  }
  const each = (fn: (b: Buffer) => unknown) => () => {
    for (const b of inputs) {
      try {
        fn(b);
      } catch (e) {
        if (!isStixError(e)) throw e;
      }
    }
  };
  const fxp = new XMLParser({ ignoreAttributes: false });
  const m = measure(bytes, packages, {
    bare: () => {
      for (const b of inputs) {
        try {
          fxp.parse(b);
        } catch {
          /* the malformed corpus snippets: fast-xml-parser may or may not complain; the bytes were scanned */
        }
      }
    },
    model: each((b) => readPackages(b)),
    scan: each((b) => scanPackages(b)),
  });
  const { bare, model, scan } = m as Record<'bare' | 'model' | 'scan', Measure>;
  const result = {
    inputs: inputs.length,
    bytes,
    packages,
    refused,
    readPackages: model,
    scanPackages: scan,
    fastXmlParserBareParse: bare,
    readVsBareParse: model.mbPerSec / bare.mbPerSec,
  };
  const row = (label: string, m: Measure) =>
    `  ${label.padEnd(34)} ${m.mbPerSec.toFixed(1).padStart(7)} MB/s ${m.packagesPerSec.toFixed(0).padStart(8)} packages/s  (${m.msPerPass.toFixed(1)} ms/pass, ${m.passes} passes)`;
  console.log(`\n${name}: ${inputs.length} inputs, ${(bytes / MB).toFixed(2)} MB, ${packages} packages, ${refused} refused`);
  console.log(row('readPackages (model + hash + XML)', model));
  console.log(row('scanPackages (hash + XML)', scan));
  console.log(row('fast-xml-parser bare parse', bare));
  console.log(`  reader / bare parse: ${(result.readVsBareParse * 100).toFixed(0)}%`);
  return result;
}

const corpus = listXml(CORPUS_DIR).map((f) => readFileSync(f));
const feed = aisFeed({ packages: PACKAGES, indicatorsPerPackage: INDICATORS }).map((p) => Buffer.from(p.xml));

console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, load ${os.loadavg()[0]!.toFixed(2)}`);
const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model,
  cores: os.cpus().length,
  loadAverage: os.loadavg()[0],
  corpus: runCase('corpus', corpus),
  syntheticAisFeed: { packagesInFeed: PACKAGES, indicatorsPerPackage: INDICATORS, ...runCase(`synthetic AIS feed (${PACKAGES} × ${INDICATORS} indicators)`, feed) },
};
const out = path.join(here, '..', 'results', 'stix.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${path.relative(path.join(here, '..', '..'), out)}`);
