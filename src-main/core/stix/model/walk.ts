/**
 * Visiting every construct of a package — at any depth: inside compositions, related objects, relationship
 * wrappers, TTP infrastructure, incidents, reports, related packages — and indexing them by id so that idrefs
 * can be resolved. The model is plain data and every construct carries a `kind`, so one generic walk serves all.
 */
import type { Construct, ConstructKind, GenericElement, StixPackage } from './types';

const CONSTRUCT_KINDS: ReadonlySet<string> = new Set<ConstructKind>([
  'package',
  'observable',
  'object',
  'event',
  'indicator',
  'ttp',
  'exploit-target',
  'course-of-action',
  'threat-actor',
  'campaign',
  'incident',
  'report',
  'identity',
]);

function isGenericElement(v: object): v is GenericElement {
  return 'attributes' in v && 'children' in v && 'ns' in v && 'name' in v;
}

/**
 * Calls `visit` for every construct under (and including) `root`, parents before children, in document order.
 * `path` holds the constructs that enclose the current one (outermost first).
 */
export function walkModel(root: Construct, visit: (c: Construct, path: readonly Construct[]) => void): void {
  const path: Construct[] = [];
  const go = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) go(v);
      return;
    }
    if (isGenericElement(value)) return; // properties and extensions hold no constructs
    const kind = (value as { kind?: unknown }).kind;
    const isConstruct = typeof kind === 'string' && CONSTRUCT_KINDS.has(kind);
    if (isConstruct) {
      visit(value as Construct, path);
      path.push(value as Construct);
    }
    for (const key in value) {
      if (key === 'kind') continue;
      go((value as Record<string, unknown>)[key]);
    }
    if (isConstruct) path.pop();
  };
  go(root);
}

export interface IdIndex {
  /** Each id's first definition. */
  byId: Map<string, Construct>;
  /** Ids defined more than once (the first definition wins). */
  duplicates: string[];
}

/** Maps every construct id to its definition, for resolving idrefs. */
export function indexIds(pkg: StixPackage): IdIndex {
  const byId = new Map<string, Construct>();
  const duplicates = new Set<string>();
  walkModel(pkg, (c) => {
    if (c.id === undefined) return;
    if (byId.has(c.id)) duplicates.add(c.id);
    else byId.set(c.id, c);
  });
  return { byId, duplicates: [...duplicates] };
}

/** Follows an idref stub to its definition; a construct that is not a stub is returned as it is. */
export function resolveRef<T extends Construct>(index: IdIndex, c: T): T | undefined {
  if (c.idref === undefined) return c;
  const target = index.byId.get(c.idref);
  return target && target.kind === c.kind ? (target as T) : undefined;
}

/**
 * Calls `visit` for every extension kept whole anywhere in the model (every element of every `extensions`
 * list, at any depth), e.g. to look for content the model does not interpret.
 */
export function forEachExtension(root: Construct, visit: (e: GenericElement) => void): void {
  const go = (value: unknown, key: string): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) go(v, key);
      return;
    }
    if (isGenericElement(value)) {
      if (key === 'extensions') visit(value);
      return;
    }
    for (const k in value) go((value as Record<string, unknown>)[k], k);
  };
  go(root, '');
}
