/**
 * Broken input never breaks the engine: real corpus packages, damaged the ways transfers and hand edits damage XML
 * (cut short, a run of characters lost, a chunk pasted elsewhere, an element's text emptied, an element doubled, an
 * attribute value replaced by an odd one), are either read and converted or refused with a FlareError carrying a
 * reason — never a TypeError or RangeError from deep inside, which the pipeline could only report as "internal".
 * The damage is drawn from a fixed seed, so a failure names a reproducible case.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, filesUnder } from '../../../../../test/paths';
import { damage, generator } from '../../../../../test/support/damage';
import { FlareError } from '../../../errors';
import { readPackages } from '../../../stix/index';
import { buildEvent } from './index';

describe('damaged corpus packages', () => {
  it('are converted or refused with a reason, never crash the reader or the converter (600 seeded cases)', () => {
    // The smaller files: many cases in little time; the large ones are the same constructs, more of them.
    const texts = filesUnder(CORPUS_DIR)
      .map((f) => ({ name: path.relative(CORPUS_DIR, f), text: readFileSync(f, 'utf8') }))
      .filter((f) => f.text.length < 200_000);
    const rand = generator(20261128);
    const crashes: string[] = [];
    let converted = 0;
    let refused = 0;
    for (let i = 0; i < 600; i++) {
      const file = texts[Math.floor(rand() * texts.length)]!;
      const { text, what } = damage(file.text, rand);
      const where = `${file.name}, ${what}`;
      let packages;
      try {
        packages = readPackages(text);
      } catch (e) {
        if (e instanceof FlareError && e.message !== '') refused++;
        else crashes.push(`read: ${where}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        continue;
      }
      for (const p of packages) {
        try {
          JSON.stringify(buildEvent(p).event);
          converted++;
        } catch (e) {
          if (e instanceof FlareError && e.message !== '') refused++;
          else crashes.push(`convert: ${where}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        }
      }
    }
    expect(crashes).toEqual([]);
    // Both outcomes happen: the damage is neither always harmless nor always fatal.
    expect(converted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });
});
