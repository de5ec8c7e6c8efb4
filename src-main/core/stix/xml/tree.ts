/**
 * The reader's in-memory XML tree: what one pass of the namespace-aware parser leaves behind. Every name is
 * already resolved to its namespace URI, and `xsi:type` is resolved to a (namespace, local name) pair through
 * the declarations in scope where it was written — so `AddressObj:`, `addr:` or a default namespace all read
 * the same. Prefixes and offsets are kept only for messages and for cutting a package out of the original text.
 */

/** A qualified name resolved to its namespace URI. `ns` is '' for no namespace (or an unbound prefix). */
export interface QName {
  ns: string;
  local: string;
}

/** An attribute, as saxes reports it (kept as is: copying every attribute would only feed the GC). */
export interface XmlAttribute {
  /** The qualified name as written. */
  name: string;
  prefix: string;
  local: string;
  /** The attribute's namespace URI ('' for an unprefixed attribute: namespaces never default to attributes). */
  uri: string;
  value: string;
}

export interface XmlElement {
  ns: string;
  local: string;
  prefix: string;
  /** Attributes, without the namespace declarations (those are in `nsDecls`). */
  attrs: XmlAttribute[];
  /** The namespace declarations written on this element ('' is the default namespace), or null. */
  nsDecls: Record<string, string> | null;
  /** The resolved `xsi:type`, when the element has one. */
  xsiType: QName | null;
  /**
   * Element children and text. Adjacent text and CDATA are merged into one string; comments and processing
   * instructions are dropped; whitespace-only text beside child elements is dropped (it is indentation).
   */
  children: XmlNode[];
  /** Offsets of the element's first and past-last character in the parsed text. */
  start: number;
  end: number;
}

export type XmlNode = XmlElement | string;

export function isElement(node: XmlNode): node is XmlElement {
  return typeof node !== 'string';
}

/** The qualified name as written, for messages: `stix:STIX_Package`. */
export function writtenName(el: XmlElement): string {
  return el.prefix ? `${el.prefix}:${el.local}` : el.local;
}

/** `{namespace}local`, the unambiguous form used in messages and attribute keys. */
export function clarkName(ns: string, local: string): string {
  return ns ? `{${ns}}${local}` : local;
}

/** The element's own text (its string children joined), or '' when it has none. */
export function ownText(el: XmlElement): string {
  const { children } = el;
  if (children.length === 1) {
    const only = children[0];
    return typeof only === 'string' ? only : '';
  }
  let out = '';
  for (const c of children) if (typeof c === 'string') out += c;
  return out;
}

/** The value of an attribute, by namespace and local name (unprefixed attributes have namespace ''). */
export function attrValue(el: XmlElement, local: string, ns = ''): string | undefined {
  for (const a of el.attrs) if (a.local === local && a.uri === ns) return a.value;
  return undefined;
}

export function elementChildren(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) if (typeof c !== 'string') out.push(c);
  return out;
}
