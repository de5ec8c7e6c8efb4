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
 * It is produced in two passes over the tree: the first assigns the prefixes (they must be declared on the
 * root, before any of them is used), the second writes the text in chunks straight into the hash.
 */
import { createHash } from 'node:crypto';
import { NS } from './namespaces';
import type { XmlAttribute, XmlElement } from './xml/tree';

const CHUNK = 64 * 1024;

/** sha256 (hex) of the canonical form of an element. */
export function contentHash(el: XmlElement): string {
  const hash = createHash('sha256');
  writeCanonical(el, (chunk) => hash.update(chunk, 'utf8'));
  return hash.digest('hex');
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
