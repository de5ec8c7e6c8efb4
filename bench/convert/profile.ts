/**
 * Profiling helper (not a benchmark): converts the corpus and/or the AIS feed N times, for `node --cpu-prof`.
 * Usage: node --cpu-prof --import tsx bench/convert/profile.ts [corpus|feed|both] [passes]
 * Also prints a per-stage breakdown (read / build / JSON) in ms per pass.
 */
import { readFileSync } from 'node:fs';
import { FlareError } from '../../src-main/core/errors';
import { buildEvent } from '../../src-main/core/misp/convert/event/index';
import { readPackages } from '../../src-main/core/stix';
import { CORPUS_DIR, filesUnder } from '../../test/paths';
import { aisFeed } from '../../src-main/simulators/taxii/ais-feed';

const which = process.argv[2] ?? 'both';
const passes = Number(process.argv[3] ?? 10);
const inputs: Buffer[] = [];
if (which !== 'feed') inputs.push(...filesUnder(CORPUS_DIR).map((f) => readFileSync(f)));
if (which !== 'corpus') inputs.push(...aisFeed({ packages: 500, indicatorsPerPackage: 20 }).map((p) => Buffer.from(p.xml)));

const t = { read: [] as number[], build: [] as number[], json: [] as number[] };
for (let i = 0; i < passes; i++) {
  let read = 0;
  let build = 0;
  let json = 0;
  for (const b of inputs) {
    let t0 = performance.now();
    let packages;
    try {
      packages = readPackages(b);
    } catch (e) {
      if (!(e instanceof FlareError)) throw e;
      continue;
    } finally {
      read += performance.now() - t0;
    }
    for (const p of packages) {
      t0 = performance.now();
      let event;
      try {
        event = buildEvent(p).event;
      } catch (e) {
        if (!(e instanceof FlareError)) throw e;
        continue;
      } finally {
        build += performance.now() - t0;
      }
      t0 = performance.now();
      JSON.stringify({ Event: event });
      json += performance.now() - t0;
    }
  }
  t.read.push(read);
  t.build.push(build);
  t.json.push(json);
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!.toFixed(0);
console.log(`${which}: read ${med(t.read)} ms, build ${med(t.build)} ms, json ${med(t.json)} ms (median of ${passes})`);
