/**
 * What the model builders share while they read one package: the warnings they raise, and the small element
 * helpers they all use. Builders never throw on unexpected structure — STIX in the wild bends its schemas —
 * they keep what they do not understand as an extension and, where it matters, say so in a warning.
 */
import { STIX_FAMILY } from '../namespaces';
import { attrValue, type XmlElement } from '../xml/tree';
import { toGeneric } from './generic';
import type { GenericElement } from './types';

export class BuildContext {
  readonly warnings: string[] = [];

  /** Items read while the document was being parsed (see read.ts), by element: their model and their warnings. */
  constructor(readonly prebuilt?: WeakMap<XmlElement, PrebuiltItem>) {}

  warn(message: string): void {
    if (this.warnings.length < 1000) this.warnings.push(message);
  }

  /**
   * `build(el, this)`, or the model read from `el` while it was parsed, its warnings raised here now — in the
   * document's order, as if it had been built here.
   */
  item<T>(el: XmlElement, build: (el: XmlElement, ctx: BuildContext) => T): T {
    const done = this.prebuilt?.get(el);
    if (done === undefined) return build(el, this);
    for (const w of done.warnings) this.warn(w);
    return done.model as T;
  }
}

export interface PrebuiltItem {
  model: unknown;
  warnings: readonly string[];
}

/**
 * Calls `visit` with each child element of a STIX/CybOX namespace; a child of any other namespace, or one the
 * visitor does not handle (it returns false), is kept in `extensions`.
 */
export function eachChild(el: XmlElement, extensions: GenericElement[], visit: (child: XmlElement, local: string) => boolean | void): void {
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    if (!STIX_FAMILY.has(c.ns) || visit(c, c.local) === false) extensions.push(toGeneric(c));
  }
}

/** The element's own text; undefined when it is empty or whitespace only. */
export function textOf(el: XmlElement): string | undefined {
  let text = '';
  for (const c of el.children) if (typeof c === 'string') text += c;
  return /\S/.test(text) ? text : undefined;
}

/** Several Description elements (STIX 1.2 allows it) are joined by a blank line. */
export function joinText(existing: string | undefined, next: string | undefined): string | undefined {
  if (next === undefined) return existing;
  return existing === undefined ? next : `${existing}\n\n${next}`;
}

export function attr(el: XmlElement, local: string): string | undefined {
  return attrValue(el, local);
}

export function boolAttr(el: XmlElement, local: string): boolean | undefined {
  const v = attrValue(el, local)?.trim().toLowerCase();
  if (v === undefined) return undefined;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return undefined;
}

export function intAttr(el: XmlElement, local: string): number | undefined {
  const v = attrValue(el, local);
  if (v === undefined) return undefined;
  const n = Number(v.trim());
  return Number.isInteger(n) ? n : undefined;
}

/** Copies id, idref, timestamp and xsi:type into a new construct. */
export function baseOf(el: XmlElement): { id?: string; idref?: string; timestamp?: string; xsiType?: { ns: string; local: string }; extensions: GenericElement[] } {
  const out: { id?: string; idref?: string; timestamp?: string; xsiType?: { ns: string; local: string }; extensions: GenericElement[] } = { extensions: [] };
  const id = attrValue(el, 'id');
  const idref = attrValue(el, 'idref');
  const timestamp = attrValue(el, 'timestamp');
  if (id !== undefined) out.id = id;
  if (idref !== undefined) out.idref = idref;
  if (timestamp !== undefined) out.timestamp = timestamp;
  if (el.xsiType) out.xsiType = { ns: el.xsiType.ns, local: el.xsiType.local };
  return out;
}

/**
 * Title, Description and Short_Description, which nearly every construct has: stores them on `out` and says
 * whether the child was one of them.
 */
export function describe(out: { title?: string; description?: string; shortDescription?: string }, child: XmlElement, local: string): boolean {
  if (local === 'Title') {
    const t = textOf(child);
    if (t !== undefined) out.title = t;
    return true;
  }
  if (local === 'Description') {
    out.description = joinText(out.description, textOf(child));
    return true;
  }
  if (local === 'Short_Description') {
    out.shortDescription = joinText(out.shortDescription, textOf(child));
    return true;
  }
  return false;
}
