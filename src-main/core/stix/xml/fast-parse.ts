/**
 * The fast pass of the XML parser: a scanner for ordinary, well-formed documents that feeds the same tree builder
 * as the saxes pass (parse.ts), several times faster than saxes' character-by-character state machine (profiling
 * the conversion of an AIS-like feed put saxes at 40% of the whole conversion).
 *
 * It never decides that a document is broken: whenever it meets anything outside the plain subset it handles —
 * a DOCTYPE, a processing instruction, an entity other than the five predefined ones and character references, a
 * character XML forbids, a name outside ASCII, an unbound prefix, a
 * duplicate attribute, a comment with `--`, `]]>` in text, a cap reached, a tag that does not match — it gives up
 * (returns false, or throws GIVE_UP from the builder), and saxes parses the document from the start, accepting or
 * refusing it with line and column exactly as before. So the fast pass may only ever accept documents saxes
 * accepts, and must build for them exactly the tree saxes' events build: fast-parse.test.ts compares both on the
 * corpus, the TAXII samples, the synthetic feed and thousands of damaged copies.
 */
import type { ReadLimits } from '../limits';
import { NS } from '../namespaces';
import type { XmlAttribute } from './tree';

/** Thrown (by the builder's fail callback, or here) to hand the document to saxes. */
export const GIVE_UP: unique symbol = Symbol('give up the fast pass');

/** What the fast pass drives (parse.ts's TreeBuilder; `open` copies what it keeps of `attributes`). */
export interface FastSink {
  open(uri: string, local: string, prefix: string, name: string, attributes: readonly XmlAttribute[], nsDecls: Record<string, string> | null, position: number): void;
  close(position: number): void;
  text(t: string): void;
}

/**
 * Characters XML 1.0 forbids (C0 controls but tab, newline and carriage return, U+FFFE/U+FFFF, lone surrogates):
 * any of them and saxes reads the document. Line ends are normalised as saxes does: `\r\n` and a lone `\r` are
 * one `\n` in text (offsets stay those of the original text), one space in attribute values.
 */
const NOT_PLAIN = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const CR_NL = /\r\n?/g;
const ATTRIBUTE_SPACE = /\r\n?|[\n\t]/g;

/** ASCII names, at most one colon between two non-empty parts (anything else: saxes). */
const NAME_START = new Uint8Array(128);
const NAME_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_]/.test(ch)) NAME_START[c] = 1;
  if (/[A-Za-z0-9._-]/.test(ch)) NAME_CHAR[c] = 1;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQ = 0x3d;
const COLON = 0x3a;
const DQUOTE = 0x22;
const SQUOTE = 0x27;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** Text with its references resolved (only the predefined entities and character references). */
function decode(s: string): string {
  let amp = s.indexOf('&');
  if (amp === -1) return s;
  let out = '';
  let from = 0;
  while (amp !== -1) {
    const semi = s.indexOf(';', amp + 1);
    if (semi === -1) throw GIVE_UP;
    const ref = s.slice(amp + 1, semi);
    let value: string | undefined;
    if (ref.charCodeAt(0) === 0x23) {
      const hex = ref.charCodeAt(1) === 0x78;
      const digits = ref.slice(hex ? 2 : 1);
      if (digits === '' || !(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits) || digits.length > 8) throw GIVE_UP;
      const cp = parseInt(digits, hex ? 16 : 10);
      if (!isXmlChar(cp)) throw GIVE_UP;
      value = String.fromCodePoint(cp);
    } else {
      value = PREDEFINED[ref];
      if (value === undefined) throw GIVE_UP;
    }
    out += s.slice(from, amp) + value;
    from = semi + 1;
    amp = s.indexOf('&', from);
  }
  return out + s.slice(from);
}

/** One declaration scope: the declarations of an element, and the scope it sits in. */
interface Scope {
  decls: Record<string, string>;
  parent: Scope | null;
}

const ROOT_SCOPE: Scope = { decls: Object.assign(Object.create(null) as Record<string, string>, { xml: NS.xml, xmlns: NS.xmlns }), parent: null };

function resolve(scope: Scope | null, prefix: string): string | undefined {
  for (let s = scope; s !== null; s = s.parent) {
    const uri = s.decls[prefix];
    if (uri !== undefined) return uri;
  }
  return undefined;
}

/**
 * Qualified names, each split once and kept as one internalized string (names repeat: a document has a few hundred
 * distinct ones), found by a hash computed while scanning the name — no slice, no string hashing per tag.
 */
interface Name {
  /** As written (`stix:Indicator`). */
  name: string;
  prefix: string;
  local: string;
}
const names = new Map<number, Name[]>();
let nameCount = 0;
const MAX_NAMES = 20_000;

function nameAt(text: string, at: number, end: number, hash: number): Name {
  const length = end - at;
  const known = names.get(hash);
  if (known !== undefined) {
    for (let k = 0; k < known.length; k++) {
      const n = known[k]!;
      if (n.name.length === length && text.startsWith(n.name, at)) return n;
    }
  }
  // A property key is internalized by V8: reading it back gives the one shared copy.
  const internalized = (s: string): string => Object.keys({ [s]: 0 })[0] ?? s;
  const name = internalized(text.slice(at, end));
  const colon = name.indexOf(':');
  const n: Name = colon === -1 ? { name, prefix: '', local: name } : { name, prefix: internalized(name.slice(0, colon)), local: internalized(name.slice(colon + 1)) };
  if (nameCount < MAX_NAMES) {
    nameCount++;
    if (known !== undefined) known.push(n);
    else names.set(hash, [n]);
  }
  return n;
}

interface Open {
  name: string;
  scope: Scope | null;
}

/**
 * Parses `text` into `sink`; false (or GIVE_UP thrown) when saxes must read it instead. Nothing it has given the
 * sink is kept then: the caller starts again with a fresh builder.
 */
export function fastPass(text: string, limits: ReadLimits, sink: FastSink): boolean {
  if (NOT_PLAIN.test(text) || text.charCodeAt(0) === 0xfeff) return false;
  const cr = text.includes('\r');
  const n = text.length;
  const longestRun = Math.max(limits.maxTextLength, limits.maxAttributeLength);
  const stack: Open[] = [];
  let scope: Scope | null = ROOT_SCOPE;
  let sawRoot = false;
  let i = 0;
  /** Text of the current run not yet given to the sink (a run ends at any markup). */
  let pending = '';
  // Where the last tag or text event happened. saxes refuses a run of text, attribute or comment longer than the
  // longest cap between two of them (checked every megabyte); here any such distance gives up.
  let mark = 0;

  /** The hash of the name nameEnd scanned last. */
  let nameHash = 0;
  /** A name starting at `at` (ASCII, at most one inner colon): its end, or -1 (its hash in nameHash). */
  const nameEnd = (at: number): number => {
    let c = text.charCodeAt(at);
    if (!(c < 128 && NAME_START[c])) return -1;
    let h = c;
    let j = at + 1;
    let colon = -1;
    for (; j < n; j++) {
      c = text.charCodeAt(j);
      if (c < 128 && NAME_CHAR[c]) {
        h = (Math.imul(h, 31) + c) | 0;
        continue;
      }
      if (c === COLON && colon === -1) {
        const next = text.charCodeAt(j + 1);
        if (!(next < 128 && NAME_START[next])) return -1;
        colon = j;
        h = (Math.imul(h, 31) + c) | 0;
        continue;
      }
      break;
    }
    // A name running into a character we do not know (non-ASCII, or a second colon): saxes decides.
    if (c >= 128 || c === COLON) return -1;
    nameHash = h;
    return j;
  };

  const flush = (at: number): void => {
    if (at - mark > longestRun) throw GIVE_UP;
    if (pending.length === 0) return;
    mark = at;
    const t = pending;
    pending = '';
    sink.text(t);
  };

  /** Text between markup (raw): checked for `]]>`, references resolved. */
  const addText = (from: number, to: number): void => {
    if (to <= from) return;
    let raw = text.slice(from, to);
    if (raw.includes(']]>')) throw GIVE_UP;
    if (cr && raw.includes('\r')) raw = raw.replace(CR_NL, '\n');
    pending += decode(raw);
  };

  const attributes: XmlAttribute[] = [];
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt === -1) {
      addText(i, n);
      i = n;
      break;
    }
    addText(i, lt);
    const c1 = text.charCodeAt(lt + 1);
    if (c1 === BANG) {
      if (text.startsWith('<!--', lt)) {
        const end = text.indexOf('-->', lt + 4);
        if (end === -1 || end - lt > longestRun) return false;
        const body = text.slice(lt + 4, end);
        if (body.includes('--') || body.endsWith('-')) return false;
        // A comment ends the text run: what came before is one text event, what follows another.
        flush(lt);
        i = end + 3;
        continue;
      }
      if (text.startsWith('<![CDATA[', lt)) {
        if (stack.length === 0) return false;
        const end = text.indexOf(']]>', lt + 9);
        if (end === -1) return false;
        flush(lt);
        pending = text.slice(lt + 9, end);
        if (cr && pending.includes('\r')) pending = pending.replace(CR_NL, '\n');
        flush(end + 3);
        i = end + 3;
        continue;
      }
      return false; // DOCTYPE and the like
    }
    if (c1 === QUESTION) return false; // processing instructions (the XML declaration was blanked)
    flush(lt);
    if (c1 === SLASH) {
      const end = nameEnd(lt + 2);
      if (end === -1) return false;
      let j = end;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) !== GT) return false;
      const top = stack.pop();
      if (top === undefined || top.name.length !== end - lt - 2 || !text.startsWith(top.name, lt + 2)) return false;
      scope = top.scope;
      i = j + 1;
      if (i - mark > longestRun) return false;
      mark = i;
      sink.close(i);
      continue;
    }
    // A start tag.
    const end = nameEnd(lt + 1);
    if (end === -1) return false;
    const tagName = nameAt(text, lt + 1, end, nameHash);
    let j = end;
    attributes.length = 0;
    let decls: Record<string, string> | null = null;
    let selfClosing = false;
    let sawSpace = false;
    for (;;) {
      const c = text.charCodeAt(j);
      if (isSpace(c)) {
        sawSpace = true;
        j++;
        continue;
      }
      if (c === GT) {
        j++;
        break;
      }
      if (c === SLASH) {
        if (text.charCodeAt(j + 1) !== GT) return false;
        selfClosing = true;
        j += 2;
        break;
      }
      if (!sawSpace) return false; // no whitespace before an attribute, or the end of the text
      const aEnd = nameEnd(j);
      if (aEnd === -1) return false;
      const { name: aName, prefix, local } = nameAt(text, j, aEnd, nameHash);
      j = aEnd;
      while (isSpace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) !== EQ) return false;
      j++;
      while (isSpace(text.charCodeAt(j))) j++;
      const q = text.charCodeAt(j);
      if (q !== DQUOTE && q !== SQUOTE) return false;
      const close = text.indexOf(q === DQUOTE ? '"' : "'", j + 1);
      if (close === -1) return false;
      let raw = text.slice(j + 1, close);
      if (raw.includes('<')) return false;
      if (raw.includes('\n') || raw.includes('\t') || (cr && raw.includes('\r'))) raw = raw.replace(ATTRIBUTE_SPACE, ' ');
      const value = decode(raw);
      if (value.length > limits.maxAttributeLength) return false;
      j = close + 1;
      sawSpace = false;
      if (prefix === 'xmlns' || aName === 'xmlns') {
        const uri = value.trim();
        const declared = prefix === 'xmlns' ? local : '';
        // Undeclaring a prefix (XML 1.0), and the reserved xml/xmlns bindings: saxes decides.
        if ((declared !== '' && uri === '') || declared === 'xml' || declared === 'xmlns' || uri === NS.xml || uri === NS.xmlns) return false;
        decls ??= Object.create(null) as Record<string, string>;
        if (declared in decls) return false; // a duplicate declaration
        decls[declared] = uri;
        continue;
      }
      attributes.push({ name: aName, prefix, local, value, uri: '' } as XmlAttribute);
    }
    const tagScope: Scope | null = decls !== null ? { decls, parent: scope } : scope;
    const { name, prefix, local } = tagName;
    let uri: string;
    if (prefix === '') uri = resolve(tagScope, '') ?? '';
    else {
      if (prefix === 'xmlns') return false;
      const u = resolve(tagScope, prefix);
      if (u === undefined || u === '') return false;
      uri = u;
    }
    // Attribute namespaces (never the default one) and duplicates, as saxes checks them.
    for (let k = 0; k < attributes.length; k++) {
      const a = attributes[k]!;
      if (a.prefix !== '') {
        const u = resolve(tagScope, a.prefix);
        if (u === undefined) return false;
        a.uri = u;
      }
      for (let m = 0; m < k; m++) {
        const b = attributes[m]!;
        if (b.local === a.local && b.uri === a.uri && (b.prefix === '') === (a.prefix === '')) return false;
      }
    }
    sawRoot = true;
    if (j - mark > longestRun) return false;
    mark = j;
    sink.open(uri, local, prefix, name, attributes, decls, j);
    i = j;
    if (selfClosing) sink.close(j);
    else {
      stack.push({ name, scope });
      scope = tagScope;
    }
  }
  flush(n);
  return stack.length === 0 && sawRoot;
}
