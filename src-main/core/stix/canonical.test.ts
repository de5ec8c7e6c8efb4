/**
 * contentHash hashes the canonical form without building it (canonical.ts): it must hash exactly the UTF-8 bytes of
 * canonicalXml — for every package of the corpus and of the TAXII samples, and for the corners of the form: escapes
 * in text and attributes, non-ASCII and astral characters, CDATA, comments inside text, whitespace-only text, prefix
 * order across attributes and xsi:type, xml: attributes, undeclared xsi:type prefixes, nested packages, and packages
 * large enough to outgrow the reused buffer.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, filesUnder, TAXII_MESSAGES_DIR } from '../../../test/paths';
import { canonicalXml, contentHash } from './canonical';
import { resolveLimits } from './limits';
import { decodeBytes } from './xml/decode';
import { parseXml } from './xml/parse';
import type { XmlElement } from './xml/tree';
import { blankXmlDeclaration, unwrapContent } from './xml/unwrap';

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/** Every element of a parsed document named STIX_Package (outermost ones: a nested package is part of its parent). */
function packagesOf(text: string): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (el: XmlElement): void => {
    if (el.local === 'STIX_Package') found.push(el);
    else for (const c of el.children) if (typeof c !== 'string') visit(c);
  };
  for (const root of parseXml(blankXmlDeclaration(unwrapContent(text)), resolveLimits()).roots) visit(root);
  return found;
}

const NS = 'xmlns:stix="http://stix.mitre.org/stix-1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

function expectSameAsString(xml: string): void {
  const packages = packagesOf(xml);
  expect(packages.length).toBeGreaterThan(0);
  for (const p of packages) expect(contentHash(p)).toBe(sha256(canonicalXml(p)));
}

describe('contentHash', () => {
  it('is the sha256 of canonicalXml for every package of the corpus and of the TAXII samples', () => {
    let count = 0;
    for (const file of [...filesUnder(CORPUS_DIR), ...filesUnder(TAXII_MESSAGES_DIR)]) {
      let packages: XmlElement[];
      try {
        packages = packagesOf(decodeBytes(readFileSync(file)));
      } catch {
        continue; // the malformed and hostile samples: nothing to hash
      }
      for (const p of packages) {
        expect(contentHash(p), file).toBe(sha256(canonicalXml(p)));
        count++;
      }
    }
    expect(count).toBeGreaterThan(100);
  });

  it('escapes and encodes text and attribute values as the string form does', () => {
    const long = 'x'.repeat(300);
    expectSameAsString(
      `<stix:STIX_Package ${NS} id="a&amp;b&lt;c&quot;d&#x9;e&#xA;f&#xD;g" title="quote ' &gt; ${long}" v="é😀€">` +
        `<stix:Title>T &amp; &lt;x&gt; &#xD; é ü 😀 € ${long}</stix:Title>` +
        `<stix:Description>  a <!-- c --> b <![CDATA[ <raw> & ]]> c  </stix:Description>` +
        `<stix:Short_Description>&#x10000;&#xFFFD;&#x7FF;&#x80;</stix:Short_Description>` +
        `<stix:Empty/><stix:Blank>   \n\t  </stix:Blank>` +
        // Each escaped character alone (short and long), so that each must be found by itself.
        ['&amp;', '&lt;', '&gt;', '&#xD;', '"', '&#x9;', '&#xA;'].map((c, i) => `<stix:E${i} a="${c === '"' ? '&quot;' : c}">a ${c} b</stix:E${i}><stix:F${i} a="${long}${c === '"' ? '&quot;' : c}">${long}${c}</stix:F${i}>`).join('') +
        `</stix:STIX_Package>`,
    );
  });

  it('numbers prefixes in the first pass order: element, sorted attributes, then xsi:type', () => {
    expectSameAsString(
      `<p:STIX_Package xmlns:p="http://stix.mitre.org/stix-1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
        `xmlns:z="urn:z" xmlns:a="urn:a" xmlns:t="urn:t" xmlns="urn:default" z:k="1" a:k="2" xsi:type="t:T" ` +
        `xsi:schemaLocation="urn:x x.xsd" xml:lang="en" id="x">` +
        `<child xmlns:q="urn:q" q:b="1" q:a="2" xsi:type="q:Q"><u:x xmlns:u="urn:u" xsi:type="nope:X"/></child>` +
        `<p:STIX_Package id="nested"><p:Title>inner</p:Title></p:STIX_Package>` +
        `</p:STIX_Package>`,
    );
  });

  it('gives the same hash again and for a package that outgrows the reused buffer', () => {
    const indicator = (i: number): string =>
      `<stix:Indicator id="x:Indicator-${i}" timestamp="2016-01-01T00:00:00Z"><stix:Title>Indicator ${i} é</stix:Title></stix:Indicator>`;
    const big = `<stix:STIX_Package ${NS} id="x:big">${Array.from({ length: 60_000 }, (_, i) => indicator(i)).join('')}</stix:STIX_Package>`;
    const small = `<stix:STIX_Package ${NS} id="x:small">${indicator(1)}</stix:STIX_Package>`;
    const [bigPackage] = packagesOf(big);
    const [smallPackage] = packagesOf(small);
    const first = contentHash(smallPackage!);
    expect(contentHash(bigPackage!)).toBe(sha256(canonicalXml(bigPackage!)));
    expect(contentHash(smallPackage!)).toBe(first);
    expect(first).toBe(sha256(canonicalXml(smallPackage!)));
  });
});
