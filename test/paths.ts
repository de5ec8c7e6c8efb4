import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root (this file sits in test/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The real STIX files the tests read, with their provenance and licences (test/fixtures/corpus/README.md). */
export const CORPUS_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'corpus');
/** TAXII 1.1 exchanges recorded against OpenTAXII (test/fixtures/taxii/README.md). */
export const TAXII_FIXTURES_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'taxii');
export const TAXII_MESSAGES_DIR = path.join(TAXII_FIXTURES_DIR, 'messages');

/**
 * Where the corpus files withheld from the repository (WITHHELD.tsv) may be found: only where FLARE_EXTRA_CORPUS
 * says. Nothing beside the checkout is read: a user's clone has nothing there.
 */
export const EXTRA_CORPUS_DIR: string | undefined = process.env.FLARE_EXTRA_CORPUS || undefined;

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

/**
 * The full path of a corpus file given relative to the corpus (`owner__repo/path`): in the repository's corpus,
 * else among the withheld files in EXTRA_CORPUS_DIR; undefined when it is in neither.
 */
export function corpusFile(rel: string): string | undefined {
  for (const dir of EXTRA_CORPUS_DIR ? [CORPUS_DIR, EXTRA_CORPUS_DIR] : [CORPUS_DIR]) {
    const full = path.join(dir, rel);
    if (existsSync(full)) return full;
  }
  return undefined;
}

/** The withheld corpus files that are present in EXTRA_CORPUS_DIR (for corpus-wide tests and benchmarks). */
export function extraCorpusFiles(): string[] {
  const dir = EXTRA_CORPUS_DIR;
  return dir ? WITHHELD.map((rel) => path.join(dir, rel)).filter((f) => existsSync(f)) : [];
}

/** The corpus paths of the files withheld from the repository (third-party copyright; WITHHELD.tsv). */
export const WITHHELD: readonly string[] = [
  'STIXProject__schemas/samples/APT1/Appendix_D_FQDNs.xml',
  'STIXProject__schemas/samples/APT1/Appendix_E_MD5s.xml',
  'STIXProject__schemas/samples/APT1/Appendix_G_IOCs_Full.xml',
  'STIXProject__schemas/samples/APT1/Appendix_G_IOCs_No_Observables.xml',
  'STIXProject__schemas/samples/APT1/Mandiant_APT1_Report.xml',
  'STIXProject__schemas/samples/Poison Ivy/fireeye-pivy-indicators.xml',
  'STIXProject__schemas/samples/Poison Ivy/fireeye-pivy-report-with-indicators.xml',
  'STIXProject__schemas/samples/Poison Ivy/fireeye-pivy-report.xml',
];

/**
 * The STIX files of the corpus as `{ rel, file }` (rel = `owner__repo/path`): the repository's, then the withheld
 * ones found in EXTRA_CORPUS_DIR — what the corpus-wide tests and benchmarks go through.
 */
export function allCorpusFiles(suffix = '.xml'): { rel: string; file: string }[] {
  const own = filesUnder(CORPUS_DIR, suffix).map((file) => ({ rel: path.relative(CORPUS_DIR, file), file }));
  const extra = extraCorpusFiles().map((file) => ({ rel: path.relative(EXTRA_CORPUS_DIR!, file), file }));
  return [...own, ...extra];
}
