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
import { FlareError } from '../../../errors';
import { readPackages } from '../../../stix/index';
import { buildEvent } from './index';

/** A small deterministic generator (a linear congruential one: quality does not matter here, repeatability does). */
function generator(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const ODD_VALUES = ['', 'x', '::', 'NCCIC:Observable-1', '-1', '99999999999999999999', 'true', '&amp;', 'tlp:amber'];

/** One kind of damage at a random place; returns the damaged text and a description for the failure message. */
function damage(text: string, rand: () => number): { text: string; what: string } {
  const at = Math.floor(rand() * text.length);
  const len = Math.floor(rand() * 200);
  switch (Math.floor(rand() * 6)) {
    case 0:
      return { text: text.slice(0, at), what: `cut at ${at}` };
    case 1:
      return { text: text.slice(0, at) + text.slice(at + len), what: `${len} characters lost at ${at}` };
    case 2: {
      const from = Math.floor(rand() * text.length);
      return { text: text.slice(0, at) + text.slice(from, from + len) + text.slice(at), what: `${len} characters from ${from} pasted at ${at}` };
    }
    case 3: {
      const open = text.indexOf('>', at);
      const next = text.indexOf('<', open);
      return open > 0 && next > open ? { text: text.slice(0, open + 1) + text.slice(next), what: `text emptied after ${open}` } : { text, what: 'unchanged' };
    }
    case 4: {
      const start = text.indexOf('<', at);
      const close = text.indexOf('</', start);
      const end = close > start ? text.indexOf('>', close) : -1;
      return end > 0 ? { text: text.slice(0, end + 1) + text.slice(start, end + 1) + text.slice(end + 1), what: `chunk ${start}–${end} doubled` } : { text, what: 'unchanged' };
    }
    default: {
      const q = text.indexOf('="', at);
      const endQ = text.indexOf('"', q + 2);
      const odd = ODD_VALUES[Math.floor(rand() * ODD_VALUES.length)]!;
      return q > 0 && endQ > q ? { text: text.slice(0, q + 2) + odd + text.slice(endQ), what: `attribute value at ${q} set to "${odd}"` } : { text, what: 'unchanged' };
    }
  }
}

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
