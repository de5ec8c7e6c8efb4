/**
 * `GenericElement`: the prefix-free copy of an XML element used for CybOX object properties and for every
 * extension the model does not interpret, plus the small helpers converters use to read it.
 */
import { escapeAttribute, escapeText } from '../canonical';
import { NS } from '../namespaces';
import type { XmlElement } from '../xml/tree';
import type { GenericElement } from './types';

/** Shared by every element without attributes or children: the model is read-only, and most leaves have none. */
const NO_ATTRIBUTES: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NO_CHILDREN: GenericElement[] = Object.freeze([]) as unknown as GenericElement[];

export function toGeneric(el: XmlElement): GenericElement {
  let attributes = NO_ATTRIBUTES;
  for (const a of el.attrs) {
    if (a.uri === NS.xsi && (a.local === 'type' || a.local === 'schemaLocation' || a.local === 'noNamespaceSchemaLocation')) continue;
    if (attributes === NO_ATTRIBUTES) attributes = {};
    const key = a.uri ? `{${a.uri}}${a.local}` : a.local;
    // A plain object is ~6× cheaper to build than a null-prototype one; an attribute really named
    // "__proto__" is defined as an own property so that it can never touch the prototype.
    if (key === '__proto__') Object.defineProperty(attributes, key, { value: a.value, enumerable: true, writable: true, configurable: true });
    else attributes[key] = a.value;
  }
  let children = NO_CHILDREN;
  let text = '';
  for (const c of el.children) {
    if (typeof c === 'string') text += c;
    else {
      if (children === NO_CHILDREN) children = [];
      children.push(toGeneric(c));
    }
  }
  const out: GenericElement = { ns: el.ns, name: el.local, attributes, children };
  if (el.xsiType) out.xsiType = { ns: el.xsiType.ns, local: el.xsiType.local };
  if (/\S/.test(text)) out.text = text;
  return out;
}

/** The first child with this local name (and namespace, when given). */
export function childNamed(el: GenericElement | undefined, name: string, ns?: string): GenericElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) if (c.name === name && (ns === undefined || c.ns === ns)) return c;
  return undefined;
}

export function childrenNamed(el: GenericElement | undefined, name: string, ns?: string): GenericElement[] {
  if (!el) return [];
  return el.children.filter((c) => c.name === name && (ns === undefined || c.ns === ns));
}

/**
 * Follows local names down the tree: `findPath(props, 'Header', 'From', 'Address_Value')`. Returns every
 * element at the end of the path (a path may fan out over repeated children).
 */
export function findPath(el: GenericElement | undefined, ...names: string[]): GenericElement[] {
  let level: GenericElement[] = el ? [el] : [];
  for (const name of names) {
    const next: GenericElement[] = [];
    for (const e of level) for (const c of e.children) if (c.name === name) next.push(c);
    level = next;
  }
  return level;
}

/** The text at a path, e.g. `textAt(props, 'Address_Value')`. */
export function textAt(el: GenericElement | undefined, ...names: string[]): string | undefined {
  return findPath(el, ...names)[0]?.text;
}

/** The CybOX pattern condition of a property (`Equals`, `Contains`, …), if any. */
export function conditionOf(el: GenericElement | undefined): string | undefined {
  return el?.attributes['condition'];
}

/**
 * The element as standalone XML. Prefixes are generated (n0, n1…) and declared on the element, `xsi:type`
 * written with them: the model no longer knows the producer's prefixes, and this form is the same for every
 * delivery of the same content.
 */
export function toXml(el: GenericElement): string {
  const prefixes = new Map<string, string>();
  const prefixOf = (uri: string): string => {
    if (uri === NS.xml) return 'xml';
    let p = prefixes.get(uri);
    if (p === undefined) prefixes.set(uri, (p = `n${prefixes.size}`));
    return p;
  };
  const q = (uri: string, local: string): string => (uri ? `${prefixOf(uri)}:${local}` : local);
  const out: string[] = [];
  let slot = -1;
  const write = (e: GenericElement): void => {
    const name = q(e.ns, e.name);
    out.push('<', name);
    if (slot < 0) slot = out.push('') - 1;
    if (e.xsiType) out.push(' ', q(NS.xsi, 'type'), '="', escapeAttribute(q(e.xsiType.ns, e.xsiType.local)), '"');
    for (const key of Object.keys(e.attributes).sort()) {
      const m = /^\{(.*)\}(.*)$/.exec(key);
      const attrName = m ? q(m[1]!, m[2]!) : key;
      out.push(' ', attrName, '="', escapeAttribute(e.attributes[key]!), '"');
    }
    if (e.text === undefined && e.children.length === 0) {
      out.push('/>');
      return;
    }
    out.push('>');
    if (e.text !== undefined) out.push(escapeText(e.text));
    for (const c of e.children) write(c);
    out.push('</', name, '>');
  };
  write(el);
  let decls = '';
  for (const [uri, p] of prefixes) decls += ` xmlns:${p}="${escapeAttribute(uri)}"`;
  out[slot] = decls;
  return out.join('');
}
