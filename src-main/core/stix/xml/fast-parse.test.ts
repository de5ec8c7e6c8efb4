/**
 * The fast pass (fast-parse.ts) against saxes: on every text it accepts, the very tree saxes' events build
 * (elements, namespaces, attributes, text, offsets, xsi:type, warnings, package hashes); every text saxes refuses,
 * it hands over (so refusals keep their code, line and column). Inputs: the corpus, the TAXII samples, the
 * synthetic AIS feed, hand-written edge cases and thousands of seeded damaged copies.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aisFeed } from '../../../simulators/taxii/ais-feed';
import { CORPUS_DIR, filesUnder, TAXII_MESSAGES_DIR } from '../../../../test/paths';
import { damage, generator } from '../../../../test/support/damage';
import { decodeBytes } from './decode';
import { resolveLimits, type ReadLimits } from '../limits';
import { fastParseXml, packageHash, saxesParseXml, type ParsedXml } from './parse';
import type { XmlElement } from './tree';
import { blankXmlDeclaration, unwrapContent } from './unwrap';

const limits = resolveLimits(undefined);

/** Everything of a parse result, hashes included, as plain data. */
function snapshot(r: ParsedXml): unknown {
  const el = (e: XmlElement): unknown => ({
    ns: e.ns,
    local: e.local,
    prefix: e.prefix,
    attrs: e.attrs.map((a) => ({ name: a.name, prefix: a.prefix, local: a.local, uri: a.uri, value: a.value })),
    nsDecls: e.nsDecls === null ? null : { ...e.nsDecls },
    xsiType: e.xsiType,
    start: e.start,
    end: e.end,
    hash: packageHash(e) ?? null,
    children: e.children.map((c) => (typeof c === 'string' ? c : el(c))),
  });
  return { roots: r.roots.map(el), warnings: r.warnings };
}

type Outcome = { ok: unknown } | { error: string };
function saxes(text: string, l: ReadLimits = limits): Outcome {
  try {
    return { ok: snapshot(saxesParseXml(text, l)) };
  } catch (e) {
    return { error: String(e) };
  }
}

/** Compares the passes on one text; true when the fast pass took it. */
function same(text: string, what: string, l: ReadLimits = limits): boolean {
  let fast: ParsedXml | undefined;
  try {
    fast = fastParseXml(text, l);
  } catch (e) {
    throw new Error(`${what}: the fast pass threw ${String(e)}`);
  }
  if (fast === undefined) return false;
  const reference = saxes(text, l);
  expect('ok' in reference ? reference.ok : reference, what).toEqual(snapshot(fast));
  return true;
}

const prepared = (bytes: Buffer): string | undefined => {
  try {
    return blankXmlDeclaration(unwrapContent(decodeBytes(bytes)));
  } catch {
    return undefined;
  }
};

describe('the fast XML pass', () => {
  it('builds the tree saxes builds for every corpus file, TAXII sample and feed package it takes, and takes most', { timeout: 120_000 }, () => {
    const texts = [
      ...filesUnder(CORPUS_DIR).map((f) => [f, prepared(readFileSync(f))] as const),
      ...filesUnder(TAXII_MESSAGES_DIR).map((f) => [f, prepared(readFileSync(f))] as const),
      ...aisFeed({ packages: 20, indicatorsPerPackage: 20 }).map((p) => [p.id, p.xml] as const),
    ].filter((t): t is readonly [string, string] => t[1] !== undefined);
    let taken = 0;
    for (const [name, text] of texts) if (same(text, name)) taken++;
    expect(taken / texts.length).toBeGreaterThan(0.8);
  });

  it('hands every damaged copy it cannot be sure of to saxes, and agrees on the others (3,000 seeded cases)', { timeout: 120_000 }, () => {
    const files = filesUnder(CORPUS_DIR)
      .map((f) => prepared(readFileSync(f)))
      .filter((t): t is string => t !== undefined && t.length < 200_000);
    const rand = generator(20261202);
    let taken = 0;
    for (let i = 0; i < 3000; i++) {
      const { text, what } = damage(files[Math.floor(rand() * files.length)]!, rand);
      if (same(text, `case ${i}: ${what}`)) taken++;
    }
    expect(taken).toBeGreaterThan(0);
  });

  const pkg = (body: string, attrs = '') => `<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" id="x:1" version="1.1.1"${attrs}>${body}</stix:STIX_Package>`;

  it.each([
    ['entities and character references', pkg('<stix:T a="&lt;&#x41;&#66;&quot;">a &amp; b &#x1F600; &apos;</stix:T>')],
    ['tabs and newlines in attribute values become spaces (not those from references)', pkg('<stix:T a="x\ty\nz&#10;w"/>')],
    ['CDATA, comments and blank runs', pkg('<stix:T> a <!-- c --> b <![CDATA[<x>]]> </stix:T>\n  <!--x--><stix:U>\n  </stix:U>')],
    ['default and prefixed namespaces, redeclared, xml:lang', `<a xmlns="urn:a" xmlns:p="urn:p"><b xmlns="urn:b" p:x="1" xml:lang="en"><p:c xmlns:p="urn:q" p:y="2"/></b></a>`],
    ['xsi:type through a declaration in scope', pkg('<stix:T xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:o="urn:o" xsi:type="o:T"/>')],
    ['several roots and blank text around them', ' <a/>\n<b>t</b> '],
    ['spaces inside tags', pkg('<stix:T  a = "1"   b=\'2\' ></stix:T  ><stix:U/>')],
    ['duplicate ids', pkg('<stix:T id="d"/><stix:T id="d"/>')],
    ['carriage returns: CRLF and lone CR in text, CDATA and attribute values', pkg('<stix:T a="x\r\ny\rz">a\r\nb\rc<![CDATA[d\r\ne]]>\r\n</stix:T>\r\n')],
  ])('agrees with saxes: %s', (_what, text) => {
    expect(same(text, _what)).toBe(true);
  });

  it.each([
    ['a DOCTYPE', `<!DOCTYPE x [<!ENTITY a "b">]>${pkg('&a;')}`],
    ['an undefined entity', pkg('<stix:T>&nbsp;</stix:T>')],
    ['a bare ampersand', pkg('<stix:T>a & b</stix:T>')],
    ['an invalid character reference', pkg('<stix:T>&#0;</stix:T>')],
    ['an unbound prefix', '<x:a/>'],
    ['an unbound attribute prefix', '<a x:b="1"/>'],
    ['a duplicate attribute', '<a b="1" b="2"/>'],
    ['the same attribute through two prefixes', '<a xmlns:p="urn:x" xmlns:q="urn:x" p:b="1" q:b="2"/>'],
    ['a mismatched end tag', '<a><b></a></b>'],
    ['an unclosed element', '<a><b></b>'],
    ['text outside the root', '<a/>text'],
    ['"]]>" in text', '<a>]]></a>'],
    ['"--" in a comment', '<a><!-- a -- b --></a>'],
    ['a processing instruction', '<a><?pi x?></a>'],
    ['a form feed', '<a>\f</a>'],
    ['a control character', '<a>\u0001</a>'],
    ['a non-ASCII name', '<é/>'],
    ['a name with two colons', '<a:b:c xmlns:a="urn:a"/>'],
    ['no space between attributes', '<a b="1"c="2"/>'],
    ['an unquoted attribute', '<a b=1/>'],
    ['"<" in an attribute value', '<a b="<"/>'],
    ['undeclaring a prefix', '<a xmlns:p=""/>'],
    ['binding the xml prefix', '<a xmlns:xml="urn:x"/>'],
  ])('hands %s to saxes', (_what, text) => {
    expect(fastParseXml(text, limits)).toBeUndefined();
  });

  it('hands a document over a cap to saxes, which refuses it as before', () => {
    const l = { ...limits, maxElements: 3, maxDepth: 2, maxTextLength: 10, maxAttributeLength: 5 };
    for (const text of ['<a><b/><b/><b/></a>', '<a><b><c/></b></a>', '<a>01234567890</a>', '<a b="123456"/>']) {
      expect(fastParseXml(text, l), text).toBeUndefined();
      expect(saxes(text, l), text).toHaveProperty('error');
    }
  });
});
