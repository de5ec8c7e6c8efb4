/**
 * A TAXII content block carries its STIX either as child XML or as text: escaped (`&lt;stix:STIX_Package…`) or
 * in a CDATA section. The TAXII side hands us the block's content as a string; this module turns any of those
 * forms into the XML text of the package(s), so the rest of the reader sees one form only.
 */
import { StixError } from '../errors';

const CDATA_OPEN = '<![CDATA[';
const CDATA_CLOSE = ']]>';

/** The XML text inside a content string, whatever its delivery form. */
export function unwrapContent(content: string): string {
  let text = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  // Two rounds at most: CDATA holding escaped text is odd but seen; deeper nesting is not content.
  for (let round = 0; round < 3; round++) {
    const first = firstNonSpace(text);
    if (first < 0) throw new StixError('stix_empty', 'the content is empty');
    if (text.startsWith(CDATA_OPEN, first)) {
      text = joinCdataSections(text, first);
      continue;
    }
    if (text.startsWith('&lt;', first)) {
      text = unescapeText(text);
      continue;
    }
    if (text.charCodeAt(first) === 0x3c /* < */) return text;
    throw new StixError('stix_not_xml', `the content is not XML (it starts with ${JSON.stringify(text.slice(first, first + 20))})`);
  }
  throw new StixError('stix_not_xml', 'the content is wrapped in text or CDATA more than twice');
}

/**
 * The XML declaration, if the text has one, replaced by spaces of the same length: the parser then reads the
 * rest as a fragment (several top-level elements are allowed in a TAXII Content), and every line and column
 * it reports still points into the original text.
 */
export function blankXmlDeclaration(text: string): string {
  const first = firstNonSpace(text);
  if (first < 0 || !text.startsWith('<?xml', first)) return text;
  const after = text.charCodeAt(first + 5);
  if (!(after === 0x20 || after === 0x09 || after === 0x0a || after === 0x0d)) return text; // <?xml-stylesheet…
  const end = text.indexOf('?>', first);
  if (end < 0) return text; // let the parser report it
  const decl = text.slice(first, end + 2);
  return text.slice(0, first) + decl.replace(/[^\n]/g, ' ') + text.slice(end + 2);
}

function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0xfeff) return i;
  }
  return -1;
}

/** `<![CDATA[a]]><![CDATA[b]]>` → `ab`: producers split a `]]>` inside the content across two sections. */
function joinCdataSections(text: string, from: number): string {
  let out = '';
  let i = from;
  for (;;) {
    const close = text.indexOf(CDATA_CLOSE, i + CDATA_OPEN.length);
    if (close < 0) throw new StixError('stix_malformed', 'a CDATA section in the content is not closed');
    out += text.slice(i + CDATA_OPEN.length, close);
    i = close + CDATA_CLOSE.length;
    const next = firstNonSpace(text.slice(i));
    if (next < 0) return out;
    if (!text.startsWith(CDATA_OPEN, i + next)) {
      throw new StixError('stix_malformed', 'text follows the CDATA section of the content');
    }
    i += next;
  }
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Reverses XML escaping of a whole text: the five predefined entities and character references only. */
export function unescapeText(text: string): string {
  return text.replace(/&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([a-z]{2,4}));/g, (whole, hexCode: string, decCode: string, name: string) => {
    if (name !== undefined) return NAMED[name] ?? whole;
    const cp = hexCode !== undefined ? parseInt(hexCode, 16) : parseInt(decCode, 10);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
  });
}
