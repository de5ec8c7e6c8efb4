/**
 * STIX reader benchmark: reads the whole corpus and a synthetic AIS-like feed
 * (src-main/simulators/taxii/ais-feed.ts) with the reader — full model (readPackages) and identity + hash + XML only
 * (scanPackages) — and, in the same run, fast-xml-parser's bare parse of the same bytes, the yardstick the
 * conversion target is set against. Prints MB/s and packages/s; writes bench/results/stix.json.
 *
 * Knobs (environment): FLARE_BENCH_STIX_PACKAGES (500), FLARE_BENCH_STIX_INDICATORS (20),
 * FLARE_BENCH_STIX_SECONDS (measuring time per case, 3; the cases run interleaved).
 */
import { readFileSync } from 'node:fs';
import { isStixError, readPackages, scanPackages } from '../../src-main/core/stix';
import { CORPUS_DIR, filesUnder } from '../../test/paths';
import { aisFeed } from '../../src-main/simulators/taxii/ais-feed';
import { bareParsePass, envNumber as env, machine, MB, measure, measureRow, printMachine, writeResults, type Measure } from '../lib/measure';

const PACKAGES = env('FLARE_BENCH_STIX_PACKAGES', 500);
const INDICATORS = env('FLARE_BENCH_STIX_INDICATORS', 20);
const SECONDS = env('FLARE_BENCH_STIX_SECONDS', 3);

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
  const m = measure(bytes, packages, {
    bare: bareParsePass(inputs),
    model: each((b) => readPackages(b)),
    scan: each((b) => scanPackages(b)),
  }, { seconds: SECONDS });
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
  const row = (label: string, m: Measure) => measureRow(label, m, 34);
  console.log(`\n${name}: ${inputs.length} inputs, ${(bytes / MB).toFixed(2)} MB, ${packages} packages, ${refused} refused`);
  console.log(row('readPackages (model + hash + XML)', model));
  console.log(row('scanPackages (hash + XML)', scan));
  console.log(row('fast-xml-parser bare parse', bare));
  console.log(`  reader / bare parse: ${(result.readVsBareParse * 100).toFixed(0)}%`);
  return result;
}

const corpus = filesUnder(CORPUS_DIR).map((f) => readFileSync(f));
const feed = aisFeed({ packages: PACKAGES, indicatorsPerPackage: INDICATORS }).map((p) => Buffer.from(p.xml));

printMachine();
const results = {
  ...machine(),
  corpus: runCase('corpus', corpus),
  syntheticAisFeed: { packagesInFeed: PACKAGES, indicatorsPerPackage: INDICATORS, ...runCase(`synthetic AIS feed (${PACKAGES} × ${INDICATORS} indicators)`, feed) },
};
writeResults('stix', results);
