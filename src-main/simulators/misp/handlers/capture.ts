/**
 * Saving validated pieces like MISP's capture/edit functions do: attributes and objects whose uuid exists elsewhere
 * are dropped, an edit applies only when it is newer (or carries no timestamp), tags are created only by roles
 * with perm_tag_editor.
 */
import type { MispAttribute, MispObject, MispObjectReference, MispTag } from '../../../core/misp/model';
import { checkSingleAttribute, checkSingleObject, describeIssues, isMispUuid } from '../../../core/misp/validate/index';
import { randomUUID } from 'node:crypto';
import { nowSeconds, type AttributeRecord, type EventRecord, type ObjectRecord, type ReferenceRecord } from '../store';
import { isObject, type Json, type RequestContext } from './context';

const validation = (ctx: RequestContext) => ({ sharingGroupIds: ctx.settings.sharingGroups });

/** The tag's id, creating the tag when the role may; undefined when MISP would silently skip it. */
export function captureTag(ctx: RequestContext, tag: MispTag): number | undefined {
  const existing = ctx.store.tagByName(tag.name);
  if (existing) return existing.id;
  if (!ctx.user.role.perm_tag_editor) {
    ctx.reject({ what: 'tag', reason: `Tag "${tag.name}" does not exist and the role lacks perm_tag_editor: skipped.` });
    return undefined;
  }
  return ctx.store.createTag(tag.name, tag.colour).id;
}

export function attachTags(ctx: RequestContext, target: Array<{ tagId: number; local: boolean }>, tags: readonly MispTag[]): boolean {
  let changed = false;
  for (const tag of tags) {
    if (tag.deleted) {
      const known = ctx.store.tagByName(tag.name);
      const index = known ? target.findIndex((t) => t.tagId === known.id) : -1;
      if (index >= 0) {
        target.splice(index, 1);
        changed = true;
      }
      continue;
    }
    const id = captureTag(ctx, tag);
    if (id !== undefined && !target.some((t) => t.tagId === id)) {
      target.push({ tagId: id, local: tag.local === true });
      changed = true;
    }
  }
  return changed;
}

export function newAttributeRecord(ctx: RequestContext, a: MispAttribute, eventId: number, objectId: number, timestamp: number): AttributeRecord {
  const record: AttributeRecord = {
    id: ctx.store.id('attribute'),
    uuid: a.uuid,
    eventId,
    objectId,
    type: a.type,
    category: a.category,
    value: a.value,
    toIds: a.to_ids,
    comment: a.comment ?? '',
    distribution: a.distribution ?? 5,
    sharingGroupId: a.sharing_group_id ?? 0,
    timestamp: a.timestamp ?? timestamp,
    deleted: a.deleted === true,
    disableCorrelation: a.disable_correlation === true,
    tags: [],
  };
  if (a.object_relation !== undefined) record.objectRelation = a.object_relation;
  if (a.first_seen !== undefined) record.firstSeen = a.first_seen;
  if (a.last_seen !== undefined) record.lastSeen = a.last_seen;
  if (a.data !== undefined) record.data = a.data;
  if (a.Tag) attachTags(ctx, record.tags, a.Tag);
  return record;
}

/** Adds a validated attribute to a new event, unless its uuid is taken: MISP drops it then. */
export function captureAttribute(ctx: RequestContext, a: MispAttribute, event: EventRecord, objectId: number): AttributeRecord | undefined {
  if (ctx.store.attributeByUuid.has(a.uuid) || ctx.store.objectByUuid.has(a.uuid)) {
    ctx.reject({ what: 'attribute', uuid: a.uuid, reason: 'An attribute with this uuid already exists: dropped (Duplicate UUID).' });
    return undefined;
  }
  const record = newAttributeRecord(ctx, a, event.id, objectId, event.timestamp);
  ctx.store.attributeByUuid.set(record.uuid, record);
  return record;
}

export function newReference(ctx: RequestContext, r: MispObjectReference, timestamp: number): ReferenceRecord {
  return {
    id: ctx.store.id('reference'),
    uuid: r.uuid ?? randomUUID(),
    referencedUuid: r.referenced_uuid,
    relationshipType: r.relationship_type,
    comment: r.comment ?? '',
    deleted: false,
    timestamp,
  };
}

/** References may point at any attribute or object MISP has. */
function referenceTargetExists(ctx: RequestContext, uuid: string): boolean {
  return ctx.store.attributeByUuid.has(uuid) || ctx.store.objectByUuid.has(uuid);
}

export function captureReferences(ctx: RequestContext, object: ObjectRecord, refs: readonly unknown[], timestamp: number): boolean {
  let changed = false;
  for (const raw of refs) {
    const r = isObject(raw) ? raw : {};
    const target = typeof r.referenced_uuid === 'string' ? r.referenced_uuid.toLowerCase() : '';
    const relationship = typeof r.relationship_type === 'string' ? r.relationship_type : '';
    const existing = object.references.find((x) => x.referencedUuid === target && x.relationshipType === relationship);
    if (r.deleted === true) {
      if (existing && !existing.deleted) {
        existing.deleted = true;
        changed = true;
      }
      continue;
    }
    if (!isMispUuid(target) || relationship === '' || !referenceTargetExists(ctx, target)) {
      ctx.reject({ what: 'reference', uuid: object.uuid, reason: `Invalid reference to ${target || '(none)'} (${relationship || 'no relationship'}): dropped.` });
      continue;
    }
    if (existing) {
      if (existing.deleted) {
        existing.deleted = false;
        changed = true;
      }
      continue;
    }
    const reference: MispObjectReference = { referenced_uuid: target, relationship_type: relationship };
    if (typeof r.comment === 'string') reference.comment = r.comment;
    if (isMispUuid(r.uuid)) reference.uuid = r.uuid;
    object.references.push(newReference(ctx, reference, timestamp));
    changed = true;
  }
  return changed;
}

export function newObjectRecord(ctx: RequestContext, o: MispObject, eventId: number, timestamp: number): ObjectRecord {
  const record: ObjectRecord = {
    id: ctx.store.id('object'),
    uuid: o.uuid,
    eventId,
    name: o.name,
    metaCategory: o['meta-category'],
    description: o.description ?? '',
    templateUuid: o.template_uuid,
    templateVersion: String(o.template_version),
    comment: o.comment ?? '',
    distribution: o.distribution ?? 5,
    sharingGroupId: o.sharing_group_id ?? 0,
    timestamp: o.timestamp ?? timestamp,
    deleted: o.deleted === true,
    attributes: [],
    references: [],
  };
  if (o.first_seen !== undefined) record.firstSeen = o.first_seen;
  if (o.last_seen !== undefined) record.lastSeen = o.last_seen;
  return record;
}

/** Adds a validated object (and its attributes) to an event, unless its uuid is taken. */
export function captureObject(ctx: RequestContext, o: MispObject, event: EventRecord): ObjectRecord | undefined {
  if (ctx.store.objectByUuid.has(o.uuid) || ctx.store.attributeByUuid.has(o.uuid)) {
    ctx.reject({ what: 'object', uuid: o.uuid, reason: 'An object with this uuid already exists: dropped (Duplicate UUID).' });
    return undefined;
  }
  const record = newObjectRecord(ctx, o, event.id, event.timestamp);
  ctx.store.objectByUuid.set(record.uuid, record);
  for (const a of o.Attribute) {
    const attribute = captureAttribute(ctx, a, event, record.id);
    if (attribute) record.attributes.push(attribute);
  }
  return record;
}

/** `MispAttribute::editAttribute`: apply one attribute of an edit. Returns whether something changed. */
export function editAttribute(ctx: RequestContext, raw: unknown, event: EventRecord, object: ObjectRecord | undefined): boolean {
  const list = object ? object.attributes : event.attributes;
  const objectId = object ? object.id : 0;
  const incoming = isObject(raw) ? raw : {};
  const uuid = typeof incoming.uuid === 'string' ? incoming.uuid.toLowerCase() : randomUUID();
  const existing = ctx.store.attributeByUuid.get(uuid);
  if (existing && (existing.eventId !== event.id || existing.objectId !== objectId)) {
    ctx.reject({ what: 'attribute', uuid, reason: 'An attribute with this uuid exists in another event or object: dropped (Duplicate UUID).' });
    return false;
  }
  const timestamp = incoming.timestamp === undefined ? undefined : Number(incoming.timestamp);
  if (existing && timestamp !== undefined && timestamp <= existing.timestamp) return false; // not newer: MISP keeps its copy

  // Fields the edit leaves out keep their stored values (MISP's "recover fields").
  const merged: Json = existing
    ? {
        uuid, type: existing.type, category: existing.category, value: existing.value, to_ids: existing.toIds, comment: existing.comment,
        distribution: existing.distribution, sharing_group_id: existing.sharingGroupId, disable_correlation: existing.disableCorrelation,
        deleted: existing.deleted, ...(existing.objectRelation !== undefined ? { object_relation: existing.objectRelation } : {}),
        ...incoming,
      }
    : { ...incoming, uuid };
  delete merged.timestamp;
  delete merged.Tag;
  const check = checkSingleAttribute(merged, validation(ctx), object?.name);
  if (!check.attribute) {
    ctx.reject({ what: 'attribute', uuid, reason: describeIssues(check.issues.filter((i) => i.level === 'error')).join('; ') });
    return false;
  }
  const a = check.attribute;
  const now = timestamp ?? nowSeconds();
  if (!existing) {
    // MISP's uniqueValue rule: one live attribute per value|type|category at event level.
    if (!object && !a.deleted && list.some((x) => !x.deleted && x.value === a.value && x.type === a.type && x.category === a.category)) {
      ctx.reject({ what: 'attribute', uuid, reason: 'A similar attribute already exists for this event: dropped.' });
      return false;
    }
    const record = newAttributeRecord(ctx, { ...a, timestamp: now }, event.id, objectId, now);
    if (Array.isArray(incoming.Tag)) attachTags(ctx, record.tags, incoming.Tag as MispTag[]);
    list.push(record);
    ctx.store.attributeByUuid.set(uuid, record);
    return true;
  }
  existing.type = a.type;
  existing.category = a.category;
  existing.value = a.value;
  existing.toIds = a.to_ids;
  existing.comment = a.comment ?? '';
  existing.distribution = a.distribution ?? existing.distribution;
  existing.sharingGroupId = a.sharing_group_id ?? 0;
  existing.disableCorrelation = a.disable_correlation ?? existing.disableCorrelation;
  existing.deleted = a.deleted === true;
  if (a.object_relation !== undefined) existing.objectRelation = a.object_relation;
  if (a.first_seen !== undefined) existing.firstSeen = a.first_seen;
  if (a.last_seen !== undefined) existing.lastSeen = a.last_seen;
  existing.timestamp = now;
  if (Array.isArray(incoming.Tag)) {
    const wanted = (incoming.Tag as MispTag[]).filter((t) => !t.deleted).map((t) => t.name);
    const stale = existing.tags
      .map((t) => ctx.store.tagById(t.tagId)?.name)
      .filter((n): n is string => n !== undefined && !wanted.includes(n))
      .map((name) => ({ name, deleted: true }));
    attachTags(ctx, existing.tags, [...(incoming.Tag as MispTag[]), ...stale]);
  }
  return true;
}

/** `MispObject::editObject`: apply one object of an edit. Returns whether something changed. */
export function editObject(ctx: RequestContext, raw: unknown, event: EventRecord): boolean {
  const incoming = isObject(raw) ? raw : {};
  const uuid = typeof incoming.uuid === 'string' ? incoming.uuid.toLowerCase() : '';
  const existing = ctx.store.objectByUuid.get(uuid);
  if (existing && existing.eventId !== event.id) {
    ctx.reject({ what: 'object', uuid, reason: 'An object with this uuid exists in another event: dropped (Duplicate UUID).' });
    return false;
  }
  const now = incoming.timestamp === undefined ? nowSeconds() : Number(incoming.timestamp);
  if (!existing) {
    const check = checkSingleObject(incoming, validation(ctx));
    if (!check.object) {
      ctx.reject({ what: 'object', uuid, reason: describeIssues(check.issues.filter((i) => i.level === 'error')).join('; ') });
      return false;
    }
    const record = newObjectRecord(ctx, { ...check.object, timestamp: now }, event.id, now);
    ctx.store.objectByUuid.set(record.uuid, record);
    event.objects.push(record);
    for (const a of Array.isArray(incoming.Attribute) ? incoming.Attribute : []) editAttribute(ctx, a, event, record);
    if (Array.isArray(incoming.ObjectReference)) captureReferences(ctx, record, incoming.ObjectReference, now);
    return true;
  }
  if (incoming.timestamp !== undefined && now <= existing.timestamp) return false;
  let changed = false;
  if (typeof incoming.comment === 'string' && incoming.comment !== existing.comment) {
    existing.comment = incoming.comment;
    changed = true;
  }
  if (incoming.distribution !== undefined && Number(incoming.distribution) !== existing.distribution) {
    existing.distribution = Number(incoming.distribution);
    changed = true;
  }
  if (typeof incoming.deleted === 'boolean' && incoming.deleted !== existing.deleted) {
    existing.deleted = incoming.deleted;
    if (existing.deleted) for (const a of existing.attributes) a.deleted = true;
    changed = true;
  }
  for (const a of Array.isArray(incoming.Attribute) ? incoming.Attribute : []) {
    if (editAttribute(ctx, a, event, existing)) changed = true;
  }
  if (Array.isArray(incoming.ObjectReference) && captureReferences(ctx, existing, incoming.ObjectReference, now)) changed = true;
  if (changed) existing.timestamp = now;
  return changed;
}
