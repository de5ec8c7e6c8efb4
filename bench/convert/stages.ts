/**
 * Profiling helper (not a benchmark): ms per pass of each stage of a conversion, measured separately on the same
 * inputs — decode+parse, canonical hash, model, buildEvent without/with checkEvent, JSON.
 * Usage: node --expose-gc --import tsx bench/convert/stages.ts [corpus|feed] [passes]
 */
import { readFileSync } from 'node:fs';
import { FlareError } from '../../src-main/core/errors';
import { buildEvent } from '../../src-main/core/misp/convert/event/index';
import { checkEvent } from '../../src-main/core/misp/validate/index';
import { readPackages } from '../../src-main/core/stix';
import { contentHash } from '../../src-main/core/stix/canonical';
import { resolveLimits } from '../../src-main/core/stix/limits';
import { BuildContext } from '../../src-main/core/stix/model/context';
import { stixPackage } from '../../src-main/core/stix/model/package';
import { decodeBytes } from '../../src-main/core/stix/xml/decode';
import { parseXml } from '../../src-main/core/stix/xml/parse';
import { blankXmlDeclaration, unwrapContent } from '../../src-main/core/stix/xml/unwrap';
import { CORPUS_DIR, filesUnder } from '../../test/paths';
import { aisFeed } from '../../src-main/simulators/taxii/ais-feed';

const which = process.argv[2] ?? 'feed';
const passes = Number(process.argv[3] ?? 7);
const inputs: Buffer[] =
  which === 'corpus' ? filesUnder(CORPUS_DIR).map((f) => readFileSync(f)) : aisFeed({ packages: 500, indicatorsPerPackage: 20 }).map((p) => Buffer.from(p.xml));
const limits = resolveLimits(undefined);
const ok = inputs.filter((b) => {
  try {
    readPackages(b);
    return true;
  } catch (e) {
    if (!(e instanceof FlareError)) throw e;
    return false;
  }
});
const texts = ok.map((b) => blankXmlDeclaration(unwrapContent(decodeBytes(b))));
const trees = texts.map((t) => parseXml(t, limits).roots[0]!);
const pkgs = ok.flatMap((b) => readPackages(b));
const unchecked: unknown[] = [];

const stages: Record<string, () => void> = {
  'decode+parse': () => {
    for (const b of ok) parseXml(blankXmlDeclaration(unwrapContent(decodeBytes(b))), limits);
  },
  'canonical hash (root els)': () => {
    for (const t of trees) if (t.local === 'STIX_Package') contentHash(t);
  },
  'model (stixPackage)': () => {
    for (const t of trees) if (t.local === 'STIX_Package') stixPackage(t, new BuildContext());
  },
  readPackages: () => {
    for (const b of ok) readPackages(b);
  },
  buildEvent: () => {
    for (const p of pkgs) {
      try {
        buildEvent(p);
      } catch (e) {
        if (!(e instanceof FlareError)) throw e;
      }
    }
  },
  checkEvent: () => {
    for (const e of unchecked) checkEvent(e);
  },
};
// Events as they are before the check: checkEvent of an already-checked event does the same work.
for (const p of pkgs) {
  try {
    unchecked.push(structuredClone(buildEvent(p).event));
  } catch (e) {
    if (!(e instanceof FlareError)) throw e;
  }
}
const times: Record<string, number[]> = {};
for (const k in stages) {
  stages[k]!();
  times[k] = [];
}
for (let i = 0; i < passes; i++) {
  for (const k in stages) {
    (globalThis as { gc?: () => void }).gc?.();
    const t = performance.now();
    stages[k]!();
    times[k]!.push(performance.now() - t);
  }
}
for (const k in stages) {
  const s = times[k]!.sort((a, b) => a - b);
  console.log(`${which} ${k.padEnd(28)} ${s[Math.floor(s.length / 2)]!.toFixed(1).padStart(8)} ms`);
}
