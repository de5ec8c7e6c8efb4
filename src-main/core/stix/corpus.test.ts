/**
 * Every file of the shared corpus is either read into a model or refused with its reason. The negative cases
 * are listed here with the reason we expect, and cross-checked with the corpus's own PROVENANCE notes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, filesUnder } from '../../../test/paths';
import { isStixError, readPackages, scanPackages, summarizePackage, type ExtractedPackage } from './index';
import { resolveLimits } from './limits';
import { BuildContext } from './model/context';
import { stixPackage } from './model/package';
import { decodeBytes } from './xml/decode';
import { parseXml } from './xml/parse';
import { blankXmlDeclaration, unwrapContent } from './xml/unwrap';

const ALL = filesUnder(CORPUS_DIR, '').map((f) => path.relative(CORPUS_DIR, f)).sort();
/** The corpus's own documentation: not STIX content, never handed to the reader. */
const DOCUMENTATION = new Set(['README.md', 'LICENSES.md', 'PROVENANCE.tsv', 'WITHHELD.tsv']);
const STIX_FILES = ALL.filter((f) => !DOCUMENTATION.has(f));

/** The negative cases: file → expected error code and a fragment of the message. */
const REFUSED: Record<string, { code: string; reason: string }> = {
  'STIXProject__schemas/samples/MAEC_CybOX_STIX_Flow_Example/flow_example(1of3)-maec_anubis_output.xml': {
    code: 'stix_not_a_package',
    reason: 'not a STIX package (root: maecPackage:MAEC_Package)',
  },
  'STIXProject__schemas/samples/STIX Use Case Examples content/Phishing/STIX-CybOX_Phishing_CybOX_Pattern.xml': {
    code: 'stix_not_a_package',
    reason: 'not a STIX package (root: cybox:Observables)',
  },
  'STIXProject__schemas/samples/STIX Use Case Examples content/Phishing/STIX-CybOX_Phishing_Email_Structured_Output_Example(with_Attached_File_Artifact_Object_Included_by_Reference).xml':
    { code: 'stix_not_a_package', reason: 'not a STIX package (root: cybox:Observables)' },
  'STIXProject__schemas/samples/STIX Use Case Examples content/Phishing/STIX-Indicator_Multiple_Sightings_Example.xml': {
    code: 'stix_not_a_package',
    reason: 'not a STIX package (root: indicator:Indicator)',
  },
  'STIXProject__schemas/samples/STIX Use Case Examples content/Phishing/STIX-LMCO_KillChain_Specification.xml': {
    code: 'stix_not_a_package',
    reason: 'not a STIX package (root: TTP:TTP)',
  },
  'STIXProject__schemas/samples/STIX_Snippet_Confidence.xml': {
    code: 'stix_malformed',
    reason: 'unbound namespace prefix: "indicator" (line 17,',
  },
  'STIXProject__schemas/samples/STIX_Snippet_Controlled_Vocabulary_Specification.xml': {
    code: 'stix_malformed',
    reason: 'unbound namespace prefix: "xs" (line 16,',
  },
  'STIXProject__schemas/samples/STIX_Snippet_Handling.xml': {
    code: 'stix_malformed',
    reason: 'unbound namespace prefix: "indicator" (line 11,',
  },
  'STIXProject__schemas/samples/STIX_Snippet_XsiType.xml': {
    code: 'stix_malformed',
    reason: 'unbound namespace prefix: "stix" (line 13,',
  },
};

/** PROVENANCE.tsv rows by the file's path in the corpus (`owner__repo/path`). */
function provenance(): Map<string, { version: string; notes: string }> {
  const rows = readFileSync(path.join(CORPUS_DIR, 'PROVENANCE.tsv'), 'utf8').trim().split('\n').slice(1);
  const out = new Map<string, { version: string; notes: string }>();
  for (const row of rows) {
    const [repo, file, , , , version, notes] = row.split('\t');
    out.set(`${repo!.replace('/', '__')}/${file}`, { version: version!, notes: notes ?? '' });
  }
  return out;
}

function read(file: string): ExtractedPackage[] | { code: string; message: string } {
  try {
    return readPackages(readFileSync(path.join(CORPUS_DIR, file)));
  } catch (e) {
    if (isStixError(e)) return { code: e.code, message: e.message };
    throw e;
  }
}

describe('the corpus', () => {
  it('is where test/paths.ts says, and every file in it is documented', () => {
    expect(STIX_FILES.length).toBeGreaterThan(80);
    const documented = provenance();
    for (const f of STIX_FILES) expect(documented.has(f), f).toBe(true);
    expect(documented.size).toBe(STIX_FILES.length);
    for (const f of Object.keys(REFUSED)) expect(STIX_FILES, f).toContain(f);
  });

  it('has every negative case of PROVENANCE.tsv in the refused list, and nothing else', () => {
    const negatives = [...provenance()].filter(([, p]) => /NOT (a STIX_Package|well-formed)/.test(p.notes)).map(([f]) => f);
    expect(negatives.sort()).toEqual(Object.keys(REFUSED).sort());
  });

  describe.each(STIX_FILES)('%s', (file) => {
    const expected = REFUSED[file];
    if (expected) {
      it(`is refused: ${expected.reason}`, () => {
        const r = read(file);
        expect(Array.isArray(r)).toBe(false);
        const { code, message } = r as { code: string; message: string };
        expect(code).toBe(expected.code);
        expect(message).toContain(expected.reason);
      });
      return;
    }
    it('is read into a model that survives its own standalone XML', () => {
      const r = read(file);
      if (!Array.isArray(r)) throw new Error(`refused: ${r.code}: ${r.message}`);
      expect(r).toHaveLength(1);
      const p = r[0]!;
      const documented = provenance().get(file)!;
      // The version attribute is what PROVENANCE calls the STIX version ("none" when the sample has none).
      expect(p.version ?? 'none').toBe(documented.version);
      expect(p.model.kind).toBe('package');
      expect(p.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(p.xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
      // Reading the standalone XML again gives the same package: same hash, same model.
      const again = readPackages(p.xml);
      expect(again[0]!.hash).toBe(p.hash);
      expect(again[0]!.model).toEqual(p.model);
      // The model is plain data.
      expect(JSON.parse(JSON.stringify(p.model)).kind).toBe('package');
      // The reader reads each construct of the package's lists as soon as it is parsed: the model and warnings
      // are those of the whole package read from a complete tree.
      const tree = parseXml(blankXmlDeclaration(unwrapContent(decodeBytes(readFileSync(path.join(CORPUS_DIR, file))))), resolveLimits());
      const ctx = new BuildContext();
      expect(p.model).toEqual(stixPackage(tree.roots[0]!, ctx));
      expect(p.warnings.slice(p.warnings.length - ctx.warnings.length)).toEqual(ctx.warnings);
      // Hashed on demand (read again from its standalone XML) it is the same hash as hashed while parsing.
      const onDemand = readPackages(readFileSync(path.join(CORPUS_DIR, file)), { hashOnDemand: true });
      expect(onDemand[0]!.model).toEqual(p.model);
      expect(onDemand[0]!.hash).toBe(p.hash);
      // scanPackages (no model) agrees on identity and hash.
      const [scanned] = scanPackages(p.xml);
      expect(scanned!.hash).toBe(p.hash);
      expect(scanned!.id).toBe(p.id);
      expect(scanned!.timestamp).toBe(p.timestamp);
    });
  });

  it('reads the CybOX types PROVENANCE lists for each package', () => {
    for (const file of STIX_FILES) {
      if (REFUSED[file]) continue;
      const listed = /cybox=([A-Za-z,]+)/.exec(provenance().get(file)!.notes)?.[1]?.split(',') ?? [];
      const r = read(file) as ExtractedPackage[];
      // An object type may also appear typed inside another object (SocketAddress/Port, EmailMessage/From) or
      // inside an extension kept whole (MAEC).
      const s = summarizePackage(r[0]!);
      const found = [...Object.keys(s.cyboxTypes), ...Object.keys(s.embeddedTypes), ...Object.keys(s.typesInExtensions)];
      for (const type of listed) expect(found, `${file}: ${type}`).toContain(type);
    }
  });

  it('finds the AIS and TLP markings PROVENANCE lists', () => {
    for (const file of STIX_FILES) {
      if (REFUSED[file]) continue;
      const notes = provenance().get(file)!.notes;
      const s = summarizePackage((read(file) as ExtractedPackage[])[0]!);
      const all = [...s.markings, ...Object.keys(s.innerMarkings)];
      const ais = /AIS TLP (WHITE|GREEN|AMBER|RED)/.exec(notes)?.[1];
      if (ais) expect(s.markings, file).toContain(`AIS TLP:${ais}`);
      const tlp = /TLP marking ([A-Z/]+)/.exec(notes)?.[1];
      if (tlp) for (const c of tlp.split('/')) expect(all, file).toContain(`TLP:${c}`);
      if (/ToU marking/.test(notes)) expect(all, file).toContain('terms of use');
      if (/simple marking/.test(notes)) expect(all, file).toContain('simple marking');
    }
  });
});
