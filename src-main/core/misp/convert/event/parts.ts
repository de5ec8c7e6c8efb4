/**
 * The event's attributes and objects as they are collected, with MISP's rules applied while collecting:
 * - one top-level attribute per value|type|category (MISP silently keeps only the first): a twin is merged into the
 *   first (comments joined, tags united, to_ids if either, the stricter distribution);
 * - one attribute or object per uuid (the same observable reached twice — from two indicators, or from an indicator
 *   and the top-level Observables — maps to the same uuids): merged the same way;
 * - references to a merged-away attribute are pointed at the one that was kept.
 */
import type { AttributeDistribution, MispAttribute, MispObject, MispTag } from '../../model';
import { normalizeValue } from '../../validate/index';
import type { ConversionReport } from '../contract';
import { stricter } from './markings';

/** Longest comment we build by joining (MISP accepts more; readers do not). */
const MAX_COMMENT = 4000;

export function joinComment(a: string | undefined, b: string | undefined): string | undefined {
  const x = a?.trim() ?? '';
  const y = b?.trim() ?? '';
  if (y === '' || x.includes(y)) return x === '' ? undefined : x;
  if (x === '' || y.includes(x)) return y;
  const joined = `${x}; ${y}`;
  return joined.length <= MAX_COMMENT ? joined : `${joined.slice(0, MAX_COMMENT - 1)}…`;
}

/** `a` with the tags of `b` it lacks (a new array only when something is added). */
export function unionTags(a: readonly MispTag[] | undefined, b: readonly MispTag[] | undefined): MispTag[] | undefined {
  if (!b || b.length === 0) return a as MispTag[] | undefined;
  let out: MispTag[] | undefined;
  for (const t of b) {
    if ((out ?? a ?? []).some((o) => o.name === t.name)) continue;
    out ??= a ? [...a] : [];
    out.push({ ...t });
  }
  return out ?? (a as MispTag[] | undefined);
}

function strictestDistribution(a: AttributeDistribution | undefined, b: AttributeDistribution | undefined): AttributeDistribution | undefined {
  if (a === undefined || a === 5) return b === 5 ? a : b ?? a;
  if (b === undefined || b === 5) return a;
  return stricter(a, b);
}

/** What a use of a piece adds to it: comment, tags, to_ids, distribution. */
export function mergeInto(kept: MispAttribute, extra: Pick<MispAttribute, 'comment' | 'Tag' | 'to_ids' | 'distribution' | 'sharing_group_id'>): void {
  const comment = joinComment(kept.comment, extra.comment);
  if (comment !== undefined) kept.comment = comment;
  const tags = unionTags(kept.Tag, extra.Tag);
  if (tags) kept.Tag = tags;
  if (extra.to_ids) kept.to_ids = true;
  const d = strictestDistribution(kept.distribution, extra.distribution);
  if (d !== undefined) kept.distribution = d;
  if (kept.distribution === 4 && kept.sharing_group_id === undefined && extra.sharing_group_id !== undefined) kept.sharing_group_id = extra.sharing_group_id;
  if (kept.distribution !== 4) delete kept.sharing_group_id;
}

export class EventParts {
  readonly attributes: MispAttribute[] = [];
  readonly objects: MispObject[] = [];
  private readonly byValue = new Map<string, MispAttribute>();
  private readonly attributeByUuid = new Map<string, MispAttribute>();
  private readonly objectByUuid = new Map<string, MispObject>();
  /** uuid of a merged-away attribute → uuid of the one kept. */
  private readonly alias = new Map<string, string>();

  constructor(private readonly report: ConversionReport) {}

  /** Adds a top-level attribute; returns the attribute that stands for it in the event (itself or its twin). */
  addAttribute(a: MispAttribute, where?: string): MispAttribute {
    const uuid = a.uuid.toLowerCase();
    const same = this.attributeByUuid.get(uuid);
    if (same) {
      mergeInto(same, a);
      return same;
    }
    const key = `${normalizeValue(a.type, a.value)}|${a.type}|${a.category}`;
    const twin = this.byValue.get(key);
    if (twin) {
      mergeInto(twin, a);
      this.alias.set(uuid, twin.uuid);
      this.report.info('merged', `${a.type} ${a.value} appears more than once: kept as one attribute (MISP keeps one per value, type and category)`, where);
      return twin;
    }
    this.byValue.set(key, a);
    this.attributeByUuid.set(uuid, a);
    this.attributes.push(a);
    return a;
  }

  /** Adds an object; an object whose uuid is already there only adds its comment and its attributes' tags. */
  addObject(o: MispObject): MispObject {
    const uuid = o.uuid.toLowerCase();
    const same = this.objectByUuid.get(uuid);
    if (same) {
      const comment = joinComment(same.comment, o.comment);
      if (comment !== undefined) same.comment = comment;
      for (const a of o.Attribute) {
        const kept = same.Attribute.find((k) => k.uuid === a.uuid);
        if (kept) mergeInto(kept, a);
      }
      const d = strictestDistribution(same.distribution, o.distribution);
      if (d !== undefined) same.distribution = d;
      for (const r of o.ObjectReference ?? []) {
        if (!(same.ObjectReference ?? []).some((k) => k.referenced_uuid === r.referenced_uuid && k.relationship_type === r.relationship_type)) {
          (same.ObjectReference ??= []).push(r);
        }
      }
      return same;
    }
    this.objectByUuid.set(uuid, o);
    this.objects.push(o);
    return o;
  }

  /** The uuid that stands for `uuid` in the event (after merges). */
  resolveUuid(uuid: string): string {
    return this.alias.get(uuid.toLowerCase()) ?? uuid;
  }

  /**
   * Points every object reference at what was kept, dropping repeats and references to nothing in the event (a
   * related object the package references but never defines, or one that mapped to nothing).
   */
  finishReferences(): void {
    if (!this.objects.some((o) => o.ObjectReference && o.ObjectReference.length > 0)) return;
    const known = new Set<string>([...this.attributeByUuid.keys(), ...this.objectByUuid.keys(), ...this.objects.flatMap((o) => o.Attribute.map((a) => a.uuid.toLowerCase()))]);
    for (const o of this.objects) {
      if (!o.ObjectReference) continue;
      const seen = new Set<string>();
      o.ObjectReference = o.ObjectReference.map((r) => ({ ...r, referenced_uuid: this.resolveUuid(r.referenced_uuid) })).filter((r) => {
        const key = `${r.referenced_uuid} ${r.relationship_type}`;
        if (seen.has(key) || r.referenced_uuid === o.uuid) return false;
        seen.add(key);
        if (!known.has(r.referenced_uuid.toLowerCase())) {
          this.report.info('reference-dropped', `the ${o.name} object's "${r.relationship_type}" reference points at something the package does not define or that was not converted; left out`, o.uuid);
          return false;
        }
        return true;
      });
      if (o.ObjectReference.length === 0) delete o.ObjectReference;
    }
  }
}
