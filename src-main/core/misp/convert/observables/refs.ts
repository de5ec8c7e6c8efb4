/**
 * Following references between CybOX objects. A reference becomes a MISP object reference to the uuid the target
 * gets where it is defined — derivedUuid(event, its key) — so the target is never mapped twice. The key of a CybOX
 * object is its id, else its observable's id (see emit.ts).
 */
import type { CyboxObject, Observable } from '../../../stix/model/types';
import type { MappingContext } from '../contract';

export interface RefTarget {
  /** The key whose derived uuid the target's first MISP piece carries. */
  key: string;
  /** The target's definition, when it could be resolved. */
  object?: CyboxObject;
}

/**
 * Where an idref (to an Object, or to an Observable holding one) lands. Undefined when resolvers are available and
 * say the id is not defined in the package (a dangling reference would be dropped later anyway).
 */
export function refTarget(ctx: MappingContext, idref: string): RefTarget | undefined {
  const object = ctx.resolveObject?.(idref);
  if (object) return { key: object.id ?? idref, object };
  const observable: Observable | undefined = ctx.resolve(idref);
  if (observable) {
    const inner = observable.object?.idref !== undefined && !observable.object.properties ? ctx.resolveObject?.(observable.object.idref) : observable.object;
    if (inner?.id !== undefined) return { key: inner.id, object: inner };
    if (observable.id !== undefined) return inner ? { key: observable.id, object: inner } : { key: observable.id };
  }
  return ctx.resolveObject ? undefined : { key: idref };
}

/** MISP relationship name for a CybOX relationship (`Connected_To` → `connected-to`). */
export function relationshipName(cybox: string | undefined): string {
  const v = (cybox ?? '').trim();
  return v === '' ? 'related-to' : v.toLowerCase().replace(/[_\s]+/g, '-');
}
