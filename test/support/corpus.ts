/**
 * Tests that need a corpus file withheld from the repository (third-party copyright, see
 * test/fixtures/corpus/README.md) run where the file is found and are skipped with the reason everywhere else.
 */
import { it } from 'vitest';
import { corpusFile } from '../paths';

const told = new Set<string>();

/** `it` when every file is present; otherwise an `it` that registers the test as skipped, naming why. */
export function itWithCorpus(...files: string[]): typeof it {
  const missing = files.filter((f) => corpusFile(f) === undefined);
  if (missing.length === 0) return it;
  const reason = `needs ${missing.join(', ')}: withheld from the repository (third-party copyright); set FLARE_EXTRA_CORPUS to a copy of the full corpus to run it`;
  if (!told.has(reason)) {
    told.add(reason);
    console.log(`skipped: ${reason}`);
  }
  const skipped = ((name: string, fn?: () => unknown) => it.skip(`${name} [skipped: ${reason}]`, fn)) as unknown as typeof it;
  return skipped;
}
