/**
 * Putting mapped pieces together: the same CybOX definition reached twice (a top-level observable and an
 * indicator's idref to it) gives the same uuids, and MISP refuses a second attribute with the same uuid — or with
 * the same value, type and category. `mergeMapped` keeps one of each (the IDS one when they differ), points
 * references at the one kept, and — for a whole package — drops references to things the package never defined.
 */
import type { MispAttribute, MispObject, MispObjectReference } from '../../model';
import type { ConversionReport, Mapped } from '../contract';

export interface MergeOptions {
  /**
   * Drop object references whose target is not among the merged pieces (a related object the package references
   * but never defines, or one that mapped to nothing). Only for a whole event: a single observable's references
   * legitimately point at other observables.
   */
  pruneReferences?: boolean;
}

const hasIds = (o: MispObject): boolean => o.Attribute.some((a) => a.to_ids);

/** One Mapped from many, without duplicate uuids or duplicate top-level values. Inputs are not modified. */
export function mergeMapped(parts: Iterable<Mapped>, report?: ConversionReport, options: MergeOptions = {}): Mapped {
  const attributes: MispAttribute[] = [];
  const byUuid = new Map<string, number>();
  const byValue = new Map<string, number>();
  const redirect = new Map<string, string>();
  const objects: MispObject[] = [];
  const objectByUuid = new Map<string, number>();
  const extraRefs = new Map<number, MispObjectReference[]>();

  for (const part of parts) {
    for (const a of part.attributes) {
      const i = byUuid.get(a.uuid);
      if (i !== undefined) {
        if (a.to_ids && !attributes[i]!.to_ids) attributes[i] = a;
        continue;
      }
      const key = `${a.type}|${a.category}|${a.value}`;
      const j = byValue.get(key);
      if (j !== undefined) {
        const kept = attributes[j]!;
        redirect.set(a.uuid, kept.uuid);
        if (a.to_ids && !kept.to_ids) attributes[j] = { ...a, uuid: kept.uuid };
        report?.info('duplicate', `${a.type} "${a.value.length > 80 ? `${a.value.slice(0, 80)}…` : a.value}" appears more than once; kept once.`);
        continue;
      }
      byUuid.set(a.uuid, attributes.length);
      byValue.set(key, attributes.length);
      attributes.push(a);
    }
    for (const o of part.objects) {
      const i = objectByUuid.get(o.uuid);
      if (i !== undefined) {
        const refs = extraRefs.get(i) ?? [];
        refs.push(...(objects[i]!.ObjectReference ?? []), ...(o.ObjectReference ?? []));
        extraRefs.set(i, refs);
        if (hasIds(o) && !hasIds(objects[i]!)) objects[i] = o;
        continue;
      }
      objectByUuid.set(o.uuid, objects.length);
      objects.push(o);
    }
  }

  const known = new Set<string>();
  if (options.pruneReferences) {
    for (const a of attributes) known.add(a.uuid);
    for (const o of objects) {
      known.add(o.uuid);
      for (const a of o.Attribute) known.add(a.uuid);
    }
  }
  let pruned = 0;
  const finalObjects = objects.map((o, i) => {
    const refs = extraRefs.get(i) ?? o.ObjectReference;
    if (!refs || refs.length === 0) return o;
    const seen = new Set<string>();
    const kept: MispObjectReference[] = [];
    for (const r of refs) {
      const target = redirect.get(r.referenced_uuid) ?? r.referenced_uuid;
      if (options.pruneReferences && !known.has(target)) {
        pruned++;
        continue;
      }
      const k = `${target}|${r.relationship_type}`;
      if (seen.has(k) || target === o.uuid) continue;
      seen.add(k);
      kept.push(target === r.referenced_uuid ? r : { ...r, referenced_uuid: target });
    }
    const same = kept.length === o.ObjectReference?.length && kept.every((r, n) => r === o.ObjectReference?.[n]);
    if (same) return o;
    const copy: MispObject = { ...o };
    if (kept.length > 0) copy.ObjectReference = kept;
    else delete copy.ObjectReference;
    return copy;
  });
  if (pruned > 0) report?.info('reference-dropped', `${pruned} object reference(s) point at CybOX objects the package does not define or that gave nothing to map; dropped.`);
  return { attributes, objects: finalObjects };
}
