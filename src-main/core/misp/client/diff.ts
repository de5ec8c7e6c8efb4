/**
 * Compares the event we want in MISP with the one MISP has, by attribute and object uuid, and builds the edit that
 * brings MISP in line: new and changed pieces sent, vanished ones soft-deleted (`deleted: true`), tags attached or
 * detached. A re-issued package whose PII was removed must lose that PII in MISP.
 *
 * Only fields we set are compared, in MISP's stored form (values normalised, numbers as strings), so an event that
 * did not change compares equal to itself however MISP echoes it back.
 */
import type {
  MispAttribute,
  MispEvent,
  MispObject,
  MispObjectReference,
  MispTag,
  StoredAttribute,
  StoredEvent,
  StoredObject,
  StoredTag,
} from '../model';
import { normalizeValue } from '../validate/values';

export interface EventDiff {
  changed: boolean;
  /** Event-level fields that differ (info, date, distribution…). */
  eventFields: string[];
  attributes: { added: MispAttribute[]; changed: MispAttribute[]; removed: StoredAttribute[] };
  objects: {
    added: MispObject[];
    changed: Array<{ object: MispObject; attributes: MispAttribute[]; removedAttributes: StoredAttribute[]; removedReferences: MispObjectReference[]; headerChanged: boolean; referencesChanged: boolean }>;
    removed: StoredObject[];
  };
  tags: { added: string[]; removed: string[] };
}

export interface ChangeSummary {
  eventFields: string[];
  attributesAdded: number;
  attributesChanged: number;
  attributesDeleted: number;
  objectsAdded: number;
  objectsChanged: number;
  objectsDeleted: number;
  tagsAdded: number;
  tagsRemoved: number;
}

export interface DiffOptions {
  tagPolicy: 'exact' | 'add-only';
}

const num = (v: unknown): number | undefined => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
};
const bool = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true';
const isDeleted = (x: { deleted?: unknown }): boolean => bool(x.deleted);
const text = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** Tag names that count: MISP users' local tags are theirs, not ours. */
function ourTagNames(tags: readonly StoredTag[] | undefined): Set<string> {
  return new Set((tags ?? []).filter((t) => !bool(t.local)).map((t) => t.name));
}
function wantedTagNames(tags: readonly MispTag[] | undefined): Set<string> {
  return new Set((tags ?? []).filter((t) => !t.deleted).map((t) => t.name));
}

function sameTags(wanted: readonly MispTag[] | undefined, stored: readonly StoredTag[] | undefined): boolean {
  const a = wantedTagNames(wanted);
  const b = ourTagNames(stored);
  return a.size === b.size && [...a].every((n) => b.has(n));
}

/** Same attribute as far as the fields we control go. */
function sameAttribute(want: MispAttribute, have: StoredAttribute): boolean {
  if (want.type !== have.type || want.category !== have.category) return false;
  if (want.value !== normalizeValue(want.type, text(have.value))) return false;
  if (want.to_ids !== bool(have.to_ids)) return false;
  if (text(want.comment) !== text(have.comment)) return false;
  if (want.object_relation !== undefined && want.object_relation !== text(have.object_relation)) return false;
  if (want.distribution !== undefined && want.distribution !== num(have.distribution)) return false;
  if (want.distribution === 4 && want.sharing_group_id !== num(have.sharing_group_id)) return false;
  if (want.disable_correlation !== undefined && want.disable_correlation !== bool(have.disable_correlation)) return false;
  if (want.first_seen !== undefined && want.first_seen !== have.first_seen) return false;
  if (want.last_seen !== undefined && want.last_seen !== have.last_seen) return false;
  return sameTags(want.Tag, have.Tag);
}

const referenceKey = (r: { referenced_uuid?: unknown; relationship_type?: unknown }): string =>
  `${text(r.referenced_uuid).toLowerCase()} ${text(r.relationship_type)}`;

function diffAttributes(wanted: readonly MispAttribute[], stored: readonly StoredAttribute[]) {
  const byUuid = new Map(stored.filter((a) => !isDeleted(a) && a.uuid).map((a) => [text(a.uuid).toLowerCase(), a]));
  const added: MispAttribute[] = [];
  const changed: MispAttribute[] = [];
  for (const want of wanted) {
    const have = byUuid.get(want.uuid);
    if (!have) added.push(want);
    else if (!sameAttribute(want, have)) changed.push(want);
    byUuid.delete(want.uuid);
  }
  return { added, changed, removed: [...byUuid.values()] };
}

export function diffEvent(want: MispEvent, have: StoredEvent, options: DiffOptions): EventDiff {
  const eventFields: string[] = [];
  if (want.info !== text(have.info).trim()) eventFields.push('info');
  if (want.date !== text(have.date)) eventFields.push('date');
  if (want.threat_level_id !== num(have.threat_level_id)) eventFields.push('threat_level_id');
  if (want.analysis !== num(have.analysis)) eventFields.push('analysis');
  if (want.distribution !== num(have.distribution)) eventFields.push('distribution');
  if (want.distribution === 4 && want.sharing_group_id !== num(have.sharing_group_id)) eventFields.push('sharing_group_id');

  const attributes = diffAttributes(want.Attribute ?? [], have.Attribute ?? []);

  const storedObjects = new Map((have.Object ?? []).filter((o) => !isDeleted(o) && o.uuid).map((o) => [text(o.uuid).toLowerCase(), o]));
  const objects: EventDiff['objects'] = { added: [], changed: [], removed: [] };
  for (const object of want.Object ?? []) {
    const stored = storedObjects.get(object.uuid);
    storedObjects.delete(object.uuid);
    if (!stored) {
      objects.added.push(object);
      continue;
    }
    const inner = diffAttributes(object.Attribute, stored.Attribute ?? []);
    const headerChanged =
      object.name !== stored.name ||
      text(object.comment) !== text(stored.comment) ||
      (object.distribution !== undefined && object.distribution !== num(stored.distribution)) ||
      (object.first_seen !== undefined && object.first_seen !== stored.first_seen) ||
      (object.last_seen !== undefined && object.last_seen !== stored.last_seen);
    const wantedRefs = new Set((object.ObjectReference ?? []).map(referenceKey));
    const storedRefs = (stored.ObjectReference ?? []).filter((r) => !isDeleted(r as { deleted?: unknown }));
    const storedRefKeys = new Set(storedRefs.map(referenceKey));
    const removedReferences = storedRefs
      .filter((r) => !wantedRefs.has(referenceKey(r)))
      .map((r) => ({ referenced_uuid: text(r.referenced_uuid), relationship_type: text(r.relationship_type) }));
    const referencesChanged = removedReferences.length > 0 || [...wantedRefs].some((k) => !storedRefKeys.has(k));
    if (headerChanged || referencesChanged || inner.added.length + inner.changed.length + inner.removed.length > 0) {
      objects.changed.push({
        object,
        attributes: [...inner.added, ...inner.changed],
        removedAttributes: inner.removed,
        removedReferences,
        headerChanged,
        referencesChanged,
      });
    }
  }
  objects.removed = [...storedObjects.values()];

  const wantedTags = wantedTagNames(want.Tag);
  const storedTags = ourTagNames(have.Tag);
  const tags = {
    added: [...wantedTags].filter((n) => !storedTags.has(n)),
    removed: options.tagPolicy === 'exact' ? [...storedTags].filter((n) => !wantedTags.has(n)) : [],
  };

  const changed =
    eventFields.length > 0 ||
    attributes.added.length + attributes.changed.length + attributes.removed.length > 0 ||
    objects.added.length + objects.changed.length + objects.removed.length > 0 ||
    tags.added.length + tags.removed.length > 0;
  return { changed, eventFields, attributes, objects, tags };
}

export function summarize(diff: EventDiff): ChangeSummary {
  return {
    eventFields: diff.eventFields,
    attributesAdded: diff.attributes.added.length,
    attributesChanged: diff.attributes.changed.length,
    attributesDeleted: diff.attributes.removed.length,
    objectsAdded: diff.objects.added.length,
    objectsChanged: diff.objects.changed.length,
    objectsDeleted: diff.objects.removed.length,
    tagsAdded: diff.tags.added.length,
    tagsRemoved: diff.tags.removed.length,
  };
}

/**
 * An attribute as sent in an edit: no timestamp, so MISP applies it whatever the stored one (an older timestamp
 * would make MISP skip it silently), and `deleted: false` so one that was soft-deleted earlier comes back.
 */
function forEdit(a: MispAttribute): MispAttribute {
  const { timestamp: _ignored, ...rest } = a;
  return { ...rest, deleted: false };
}

/** A stored attribute, soft-deleted. The whole attribute is sent so MISP need not fill gaps. */
function deletion(a: StoredAttribute): Record<string, unknown> {
  const out: Record<string, unknown> = {
    uuid: a.uuid,
    type: a.type,
    category: a.category,
    value: a.value,
    to_ids: bool(a.to_ids),
    deleted: true,
  };
  if (a.object_relation) out.object_relation = a.object_relation;
  return out;
}

function objectHeader(o: MispObject): Record<string, unknown> {
  const { Attribute: _a, ObjectReference: _r, timestamp: _t, ...header } = o;
  return header;
}

/**
 * The body of `POST /events/edit/{uuid}`: the event's fields, a timestamp newer than MISP's (MISP refuses an edit
 * that is not newer), `published: false` (an edit unpublishes anyway; publishing is a separate, explicit step), and
 * only the pieces that change.
 */
export function buildEdit(want: MispEvent, diff: EventDiff, timestamp: number): { Event: Record<string, unknown> } {
  const event: Record<string, unknown> = {
    uuid: want.uuid,
    info: want.info,
    date: want.date,
    threat_level_id: want.threat_level_id,
    analysis: want.analysis,
    distribution: want.distribution,
    timestamp,
    published: false,
  };
  if (want.distribution === 4) event.sharing_group_id = want.sharing_group_id;

  const attributes = [
    ...diff.attributes.added.map(forEdit),
    ...diff.attributes.changed.map(forEdit),
    ...diff.attributes.removed.map(deletion),
  ];
  if (attributes.length > 0) event.Attribute = attributes;

  const objects: Record<string, unknown>[] = [
    ...diff.objects.added.map((o) => ({ ...objectHeader(o), deleted: false, Attribute: o.Attribute.map(forEdit), ...(o.ObjectReference ? { ObjectReference: o.ObjectReference } : {}) })),
    ...diff.objects.changed.map((c) => {
      const out: Record<string, unknown> = {
        ...objectHeader(c.object),
        deleted: false,
        Attribute: [...c.attributes.map(forEdit), ...c.removedAttributes.map(deletion)],
      };
      if (c.referencesChanged) {
        out.ObjectReference = [
          ...(c.object.ObjectReference ?? []),
          ...c.removedReferences.map((r) => ({ ...r, deleted: true })),
        ];
      }
      return out;
    }),
    ...diff.objects.removed.map((o) => ({
      uuid: o.uuid,
      name: o.name,
      'meta-category': o['meta-category'],
      template_uuid: o.template_uuid,
      template_version: o.template_version,
      deleted: true,
      Attribute: (o.Attribute ?? []).filter((a) => !isDeleted(a)).map(deletion),
    })),
  ];
  if (objects.length > 0) event.Object = objects;

  // All wanted tags (attaching one that is there already changes nothing) plus the ones to detach.
  const tags: MispTag[] = [...(want.Tag ?? []).filter((t) => !t.deleted), ...diff.tags.removed.map((name) => ({ name, deleted: true }))];
  if (tags.length > 0) event.Tag = tags;
  return { Event: event };
}

/** uuids of everything we asked MISP to keep (not deleted), to check MISP's answer against. */
export function wantedUuids(event: MispEvent): Set<string> {
  const out = new Set<string>();
  for (const a of event.Attribute ?? []) if (!a.deleted) out.add(a.uuid);
  for (const o of event.Object ?? []) {
    if (o.deleted) continue;
    out.add(o.uuid);
    for (const a of o.Attribute) if (!a.deleted) out.add(a.uuid);
  }
  return out;
}

/** uuids of the live attributes and objects in a stored event. */
export function storedUuids(event: StoredEvent): Set<string> {
  const out = new Set<string>();
  for (const a of event.Attribute ?? []) if (!isDeleted(a) && a.uuid) out.add(text(a.uuid).toLowerCase());
  for (const o of event.Object ?? []) {
    if (isDeleted(o) || !o.uuid) continue;
    out.add(text(o.uuid).toLowerCase());
    for (const a of o.Attribute ?? []) if (!isDeleted(a) && a.uuid) out.add(text(a.uuid).toLowerCase());
  }
  return out;
}

export { bool as mispBool, num as mispNumber };
