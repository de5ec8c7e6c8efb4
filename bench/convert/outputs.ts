/**
 * Helper (not a benchmark): converts every corpus package (and a slice of the AIS feed) and writes each event's JSON
 * and report summary to a folder, plus one sha256 per input, so that a speed change can be checked to leave the
 * outputs byte-identical (`diff -r before after`).
 * Usage: node --import tsx bench/convert/outputs.ts OUT_DIR [CORPUS_DIR]
 * (the corpus folder defaults to test/paths.ts's CORPUS_DIR; give one folder for all the runs you compare).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FlareError } from '../../src-main/core/errors';
import { buildEvent, eventJson, summarizeReport } from '../../src-main/core/misp/convert/event/index';
import { readPackages } from '../../src-main/core/stix';
import { CORPUS_DIR, filesUnder } from '../../test/paths';
import { aisFeed } from '../../src-main/simulators/taxii/ais-feed';

const out = process.argv[2];
const corpus = process.argv[3] ?? CORPUS_DIR;
if (!out) throw new Error('usage: outputs.ts OUT_DIR');
mkdirSync(out, { recursive: true });
const inputs: [name: string, bytes: Buffer][] = [
  ...filesUnder(corpus).map((f) => [path.relative(corpus, f), readFileSync(f)] as [string, Buffer]),
  ...aisFeed({ packages: 25, indicatorsPerPackage: 20 }).map((p, i) => [`feed/${i}.xml`, Buffer.from(p.xml)] as [string, Buffer]),
];
const lines: string[] = [];
for (const [name, bytes] of inputs) {
  let text: string;
  try {
    const packages = readPackages(bytes);
    text = packages
      .map((p) => {
        try {
          const built = buildEvent(p, { misp: { distribution: 1 } });
          return `${eventJson(built.event)}\n${JSON.stringify(summarizeReport(built.report), null, 1)}\n`;
        } catch (e) {
          if (!(e instanceof FlareError)) throw e;
          return `build refused: ${e.message}\n`;
        }
      })
      .join('');
  } catch (e) {
    if (!(e instanceof FlareError)) throw e;
    text = `read refused: ${e.message}\n`;
  }
  const file = path.join(out, `${name.replace(/[\\/]/g, '__')}.txt`);
  writeFileSync(file, text);
  lines.push(`${createHash('sha256').update(text).digest('hex')}  ${name}`);
}
writeFileSync(path.join(out, 'SHA256SUMS'), `${lines.join('\n')}\n`);
console.log(`${inputs.length} inputs → ${out}`);
