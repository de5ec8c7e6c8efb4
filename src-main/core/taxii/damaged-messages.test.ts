/**
 * Damaged TAXII messages never break the message reader: the real exchanges of the reference folder, damaged from a
 * fixed seed (test/support/damage.ts), are either read or refused with a FlareError carrying a reason — never a
 * TypeError or RangeError, which the poller could only report as "internal".
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, TAXII_MESSAGES_DIR } from '../../../test/paths';
import { damage, generator } from '../../../test/support/damage';
import { FlareError } from '../errors';
import { parseTaxiiMessage } from './parse-messages';

describe('damaged TAXII messages', () => {
  it('are read or refused with a reason, never crash the reader (1,000 seeded cases)', () => {
    const messages = filesUnder(TAXII_MESSAGES_DIR).map((f) => ({ name: path.relative(TAXII_MESSAGES_DIR, f), text: readFileSync(f, 'utf8') }));
    const rand = generator(1128);
    const crashes: string[] = [];
    let read = 0;
    let refused = 0;
    for (let i = 0; i < 1000; i++) {
      const message = messages[Math.floor(rand() * messages.length)]!;
      const { text, what } = damage(message.text, rand);
      try {
        parseTaxiiMessage(text);
        read++;
      } catch (e) {
        if (e instanceof FlareError && e.message !== '') refused++;
        else crashes.push(`${message.name}, ${what}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      }
    }
    expect(crashes).toEqual([]);
    expect(read).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });
});
