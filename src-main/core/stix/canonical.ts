/**
 * The canonical form of a package and its content hash.
 *
 * The same package reaches us in different clothes: as child XML inside a TAXII message (its namespaces
 * declared on ancestors we cut away), as CDATA or escaped text, pretty-printed or not, with `AddressObj:` in one
 * feed and `addr:` in another. Dedup must see one package, and must see any real change. So the canonical form
 * keeps exactly what a STIX consumer reads and nothing of the clothing:
 * - every namespace gets a generated prefix (n0, n1… by first use in document order), all declared on the root;
 *   `xsi:type` QName values are rewritten with those prefixes, so they compare by namespace, not by spelling;
 * - attributes are sorted by (namespace URI, local name); `xsi:schemaLocation` is dropped (a fetch hint only);
 * - whitespace-only text is dropped (indentation); other text is kept exactly, CDATA and escaped text alike;
 * - comments and processing instructions are dropped; empty elements are written `<a></a>`.
 * Ids and idrefs stay exactly as written: they are the identities dedup and MISP use.
 *
 * `canonicalXml` writes it as a string, in two passes over the tree: the first assigns the prefixes (they must be
 * declared on the root, before any of them is used), the second writes the text. `contentHash` hashes the same
 * bytes without building any string (it runs once per package read, and string building was most of its cost):
 * one pass encodes the canonical form as UTF-8 straight into a reused byte buffer, assigning the prefixes as it
 * goes — in the same order as the first pass would — and the root's declarations, known only at the end, are
 * hashed in their place between the root's name and the rest. canonical.test.ts checks both give the same bytes.
 */
import { createHash } from 'node:crypto';
import { NS } from './namespaces';
import type { XmlAttribute, XmlElement } from './xml/tree';

const CHUNK = 64 * 1024;

/** sha256 (hex) of the canonical form of an element (the UTF-8 bytes of `canonicalXml(el)`). */
export function contentHash(el: XmlElement): string {
  const h = new CanonicalHasher();
  const walk = (e: XmlElement): void => {
    h.open(e);
    const { children } = e;
    for (let i = 0; i < children.length; i++) {
      const c = children[i]!;
      if (typeof c === 'string') h.text(c);
      else walk(c);
    }
    h.close();
  };
  walk(el);
  return h.digest();
}

export function canonicalXml(el: XmlElement): string {
  const chunks: string[] = [];
  writeCanonical(el, (chunk) => chunks.push(chunk));
  return chunks.join('');
}

/** Generated prefixes and the qualified names built with them (cached: the same names recur thousands of times). */
class Prefixes {
  private readonly byUri = new Map<string, string>();
  private readonly names = new Map<string, Map<string, string>>();

  use(uri: string): void {
    if (uri !== '' && uri !== NS.xml && !this.byUri.has(uri)) this.byUri.set(uri, `n${this.byUri.size}`);
  }

  qualified(uri: string, local: string): string {
    if (uri === '') return local;
    let forUri = this.names.get(uri);
    if (forUri === undefined) this.names.set(uri, (forUri = new Map()));
    let name = forUri.get(local);
    if (name === undefined) forUri.set(local, (name = `${uri === NS.xml ? 'xml' : this.byUri.get(uri)}:${local}`));
    return name;
  }

  declarations(): string {
    let out = '';
    for (const [uri, p] of this.byUri) out += ` xmlns:${p}="${escapeAttribute(uri)}"`;
    return out;
  }
}

function isSkipped(a: XmlAttribute): boolean {
  return a.uri === NS.xsi && (a.local === 'schemaLocation' || a.local === 'noNamespaceSchemaLocation');
}

function sortedAttributes(el: XmlElement): readonly XmlAttribute[] {
  const { attrs } = el;
  if (attrs.length < 2) return attrs;
  for (let i = 1; i < attrs.length; i++) {
    if (compareAttributes(attrs[i - 1]!, attrs[i]!) > 0) return [...attrs].sort(compareAttributes);
  }
  return attrs;
}

function compareAttributes(a: XmlAttribute, b: XmlAttribute): number {
  if (a.uri !== b.uri) return a.uri < b.uri ? -1 : 1;
  return a.local < b.local ? -1 : a.local > b.local ? 1 : 0;
}

function writeCanonical(root: XmlElement, emit: (chunk: string) => void): void {
  const prefixes = new Prefixes();
  const assign = (el: XmlElement): void => {
    prefixes.use(el.ns);
    for (const a of sortedAttributes(el)) if (!isSkipped(a)) prefixes.use(a.uri);
    if (el.xsiType) prefixes.use(el.xsiType.ns);
    for (const c of el.children) if (typeof c !== 'string') assign(c);
  };
  assign(root);

  // Pieces are collected in an array and joined per chunk: one flat copy, instead of the long rope of
  // string concatenations that hashing would otherwise have to flatten piece by piece.
  let parts: string[] = [];
  let size = 0;
  const write = (el: XmlElement, isRoot: boolean): void => {
    const name = prefixes.qualified(el.ns, el.local);
    parts.push('<', name);
    if (isRoot) parts.push(prefixes.declarations());
    for (const a of sortedAttributes(el)) {
      if (isSkipped(a)) continue;
      const value = a.uri === NS.xsi && a.local === 'type' && el.xsiType ? prefixes.qualified(el.xsiType.ns, el.xsiType.local) : a.value;
      parts.push(' ', prefixes.qualified(a.uri, a.local), '="', escapeAttribute(value), '"');
      size += value.length;
    }
    parts.push('>');
    for (const c of el.children) {
      if (typeof c === 'string') {
        if (NON_BLANK.test(c)) {
          parts.push(escapeText(c));
          size += c.length;
        }
      } else write(c, false);
    }
    parts.push('</', name, '>');
    size += 64;
    if (size > CHUNK) {
      emit(parts.join(''));
      parts = [];
      size = 0;
    }
  };
  write(root, true);
  if (parts.length) emit(parts.join(''));
}

const NON_BLANK = /\S/;

export function escapeText(s: string): string {
  if (!/[&<>\r]/.test(s)) return s;
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#xD;'));
}

export function escapeAttribute(s: string): string {
  if (!/[&<"\t\n\r]/.test(s)) return s;
  return s.replace(/[&<"\t\n\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '"' ? '&quot;' : c === '\t' ? '&#x9;' : c === '\n' ? '&#xA;' : '&#xD;',
  );
}

// ——— the streaming hasher behind contentHash ————————————————————————————————————————————————————————

/** One buffer reused by hasher after hasher (packages are read one after the other); not kept past KEEP. */
let scratch: Buffer | undefined = Buffer.allocUnsafe(256 * 1024);
const KEEP = 4 * 1024 * 1024;

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const SPACE = 0x20;
const EQ = 0x3d;
const QUOTE = 0x22;

/** Values up to this length are copied as ASCII by hand when they are ASCII (see `value`). */
const SHORT = 96;

/** What keeps a value from being written as it is: a character to escape. */
const ESCAPED_IN_TEXT = /[&<>\r]/;
const ESCAPED_IN_ATTR = /[&<"\t\n\r]/;

/**
 * UTF-8 bytes of element and attribute names, by name. The parser interns names (xml/parse.ts), so the lookup is
 * a pointer comparison, and copying bytes from a Uint8Array is much cheaper than reading a string's characters
 * (which, across the many shapes V8 gives strings, is slow). Bounded like the parser's own table.
 */
const nameBytes = new Map<string, Uint8Array>();
const MAX_NAMES = 20_000;

function encodedName(name: string): Uint8Array {
  let bytes = nameBytes.get(name);
  if (bytes === undefined) {
    bytes = Buffer.from(name, 'utf8');
    if (nameBytes.size < MAX_NAMES) nameBytes.set(name, bytes);
  }
  return bytes;
}

/**
 * Hashes the canonical form of one package as its elements are given — `open` (start tag), `text`, `close`, in
 * document order — without ever building it as a string: the UTF-8 bytes are written straight into a reused
 * buffer. The parser feeds one while it reads (xml/parse.ts: the package is hashed while its strings are fresh),
 * `contentHash` walks a tree into one. Prefixes are assigned on entering each element in canonicalXml's first-pass
 * order — its namespace, its attributes' (sorted), its xsi:type's — which, the walk being in document order too,
 * gives every namespace the same prefix; the root's declarations, known only at the end, are hashed in their place
 * between the root's name and the rest. Names are copied from their cached bytes; values and text are escaped as
 * `escapeText` / `escapeAttribute` do and encoded by Buffer.write (as `hash.update(s, 'utf8')` would: a lone
 * surrogate becomes U+FFFD) — no character is read in JavaScript. canonical.test.ts holds it to canonicalXml.
 */
export class CanonicalHasher {
  private buf: Buffer;
  private pos = 0;
  private readonly prefixes = new GeneratedPrefixes();
  /** Where the root's namespace declarations belong (right after its name). */
  private declAt = -1;
  /** For each open element: where its qualified name was written, and its length in bytes (for the end tag). */
  private readonly names: number[] = [];

  constructor() {
    if (scratch !== undefined) {
      this.buf = scratch;
      scratch = undefined; // in use (a nested hasher gets its own)
    } else this.buf = Buffer.allocUnsafe(64 * 1024);
  }

  /** The start tag of the next element (the first one is the root). */
  open(el: XmlElement): void {
    const attrs = sortedAttributes(el);
    const prefixes = this.prefixes;
    prefixes.use(el.ns);
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i]!;
      if (a.uri !== '' && !isSkipped(a)) prefixes.use(a.uri);
    }
    const xsiType = el.xsiType;
    if (xsiType) prefixes.use(xsiType.ns);

    this.byte(LT);
    const nameAt = this.pos;
    this.name(el.ns, el.local);
    this.names.push(nameAt, this.pos - nameAt);
    if (this.declAt < 0) this.declAt = this.pos;
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i]!;
      if (isSkipped(a)) continue;
      this.byte(SPACE);
      this.name(a.uri, a.local);
      this.byte(EQ);
      this.byte(QUOTE);
      if (xsiType && a.uri === NS.xsi && a.local === 'type') {
        // The QName value, rewritten with the generated prefix.
        if (xsiType.ns !== '') this.bytes(prefixes.colon(xsiType.ns));
        this.value(xsiType.local, ESCAPED_IN_ATTR);
      } else this.value(a.value, ESCAPED_IN_ATTR);
      this.byte(QUOTE);
    }
    this.byte(GT);
  }

  /** A text child of the element open last (whitespace-only text is not part of the canonical form). */
  text(s: string): void {
    if (NON_BLANK.test(s)) this.value(s, ESCAPED_IN_TEXT);
  }

  /** The end tag of the element open last. */
  close(): void {
    const length = this.names.pop()!;
    const from = this.names.pop()!;
    this.byte(LT);
    this.byte(SLASH);
    // The name again, copied from the start tag.
    if (this.pos + length > this.buf.length) this.grow(length);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < length; i++) buf[pos++] = buf[from + i]!;
    this.pos = pos;
    this.byte(GT);
  }

  /** sha256 (hex) of everything given, once the root is closed. The hasher cannot be used after. */
  digest(): string {
    const hash = createHash('sha256');
    hash.update(this.buf.subarray(0, this.declAt));
    let decls = '';
    for (const [uri, p] of this.prefixes.byUri) decls += ` xmlns:${p}="${escapeAttribute(uri)}"`;
    hash.update(decls, 'utf8');
    hash.update(this.buf.subarray(this.declAt, this.pos));
    this.release();
    return hash.digest('hex');
  }

  /** Gives the buffer back for the next hasher (also when a parse fails half-way). */
  release(): void {
    if (this.buf.length <= KEEP) scratch = this.buf;
    this.pos = 0;
  }

  private grow(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  private byte(b: number): void {
    if (this.pos >= this.buf.length) this.grow(1);
    this.buf[this.pos++] = b;
  }

  private bytes(b: Uint8Array): void {
    const n = b.length;
    if (this.pos + n > this.buf.length) this.grow(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos++] = b[i]!;
    this.pos = pos;
  }

  /** `prefix:local` (`local` alone for no namespace, `xml:local` for the xml namespace). */
  private name(uri: string, local: string): void {
    if (uri !== '') this.bytes(this.prefixes.colon(uri));
    this.bytes(encodedName(local));
  }

  /** A value or text, escaped when `escaped` finds a character to escape. */
  private value(s: string, escaped: RegExp): void {
    const t = escaped.test(s) ? (escaped === ESCAPED_IN_TEXT ? escapeText(s) : escapeAttribute(s)) : s;
    const length = t.length;
    const max = length * 3; // UTF-8 needs at most 3 bytes per UTF-16 unit
    if (this.pos + max > this.buf.length) this.grow(max);
    const buf = this.buf;
    if (length <= SHORT) {
      // Short ASCII values (most of them: ids, names, hashes, addresses) are copied here; a call into Buffer.write
      // costs more than the copy. Anything else (a character past U+007F) is left to Buffer.write whole.
      let pos = this.pos;
      let i = 0;
      for (; i < length; i++) {
        const c = t.charCodeAt(i);
        if (c >= 0x80) break;
        buf[pos++] = c;
      }
      if (i === length) {
        this.pos = pos;
        return;
      }
    }
    this.pos += buf.write(t, this.pos, 'utf8');
  }
}

/** Generated prefixes for the hasher (`n0`…, by namespace), with the bytes of `n0:` — the last one remembered. */
class GeneratedPrefixes {
  readonly byUri = new Map<string, string>();
  private readonly colons = new Map<string, Uint8Array>();
  private lastUri = '';
  private lastColon: Uint8Array = XML_COLON;

  /** Assigns the next generated prefix to a namespace not seen yet (as `Prefixes.use`). */
  use(uri: string): void {
    if (uri === '' || uri === this.lastUri || uri === NS.xml || this.byUri.has(uri)) return;
    const p = `n${this.byUri.size}`;
    this.byUri.set(uri, p);
    this.colons.set(uri, Buffer.from(`${p}:`, 'latin1'));
  }

  /** The bytes of `n3:` (or `xml:`) for a namespace already assigned. */
  colon(uri: string): Uint8Array {
    if (uri === this.lastUri) return this.lastColon;
    const p = uri === NS.xml ? XML_COLON : this.colons.get(uri)!;
    this.lastUri = uri;
    this.lastColon = p;
    return p;
  }
}

const XML_COLON = Buffer.from('xml:', 'latin1');
