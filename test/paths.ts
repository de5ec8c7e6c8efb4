import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root (this file sits in test/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The workplace's shared folder: it sits beside the checkout, in development and in CI. */
export const SHARED_DIR = process.env.FLARE_SHARED_DIR ?? path.resolve(REPO_ROOT, '..', 'shared');
export const REFERENCE_DIR = path.join(SHARED_DIR, 'reference');
export const CORPUS_DIR = path.join(SHARED_DIR, 'corpus');
export const TAXII_MESSAGES_DIR = path.join(REFERENCE_DIR, 'taxii-messages');
export const MISP_DATA_DIR = path.join(REFERENCE_DIR, 'misp-data');

/**
 * Every file below `dir` (recursively) whose name ends with `suffix` (case-insensitive; '' for all files), as full
 * paths in sorted order — the one walk over the corpus and sample folders that tests and benchmarks share.
 */
export function filesUnder(dir: string, suffix = '.xml'): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.toLowerCase().endsWith(suffix)) out.push(full);
    }
  };
  walk(dir);
  return out.sort();
}
