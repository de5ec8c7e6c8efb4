/**
 * What the MISP test server holds: events with their attributes, objects and tags, the global uuid indexes MISP
 * enforces (an attribute or object uuid exists once in the whole database), tags, and the event blocklist that
 * deleting an event fills. Rendering turns records into MISP's JSON (ids, enums and timestamps as strings).
 */
import type { TestOrg } from './users';

export interface TagRecord {
  id: number;
  name: string;
  colour: string;
  exportable: boolean;
}

export interface AttributeRecord {
  id: number;
  uuid: string;
  eventId: number;
  objectId: number;
  objectRelation?: string;
  type: string;
  category: string;
  value: string;
  toIds: boolean;
  comment: string;
  distribution: number;
  sharingGroupId: number;
  timestamp: number;
  deleted: boolean;
  disableCorrelation: boolean;
  firstSeen?: string;
  lastSeen?: string;
  data?: string;
  tags: Array<{ tagId: number; local: boolean }>;
}

export interface ReferenceRecord {
  id: number;
  uuid: string;
  referencedUuid: string;
  relationshipType: string;
  comment: string;
  deleted: boolean;
  timestamp: number;
}

export interface ObjectRecord {
  id: number;
  uuid: string;
  eventId: number;
  name: string;
  metaCategory: string;
  description: string;
  templateUuid: string;
  templateVersion: string;
  comment: string;
  distribution: number;
  sharingGroupId: number;
  timestamp: number;
  deleted: boolean;
  firstSeen?: string;
  lastSeen?: string;
  attributes: AttributeRecord[];
  references: ReferenceRecord[];
}

export interface EventRecord {
  id: number;
  uuid: string;
  info: string;
  date: string;
  threatLevelId: number;
  analysis: number;
  distribution: number;
  sharingGroupId: number;
  published: boolean;
  timestamp: number;
  publishTimestamp: number;
  org: TestOrg;
  orgc: TestOrg;
  creatorEmail: string;
  attributes: AttributeRecord[];
  objects: ObjectRecord[];
  tags: Array<{ tagId: number; local: boolean }>;
  /** How many times it was published (tests check "published once"). */
  publishCount: number;
  /** Created by upload_stix (MISP's STIX importer) rather than /events/add. */
  fromStix: boolean;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export class MispStore {
  readonly events = new Map<number, EventRecord>();
  private readonly eventIdByUuid = new Map<string, number>();
  /** Attribute uuid → record, across all events (MISP's `uuid isUnique`). */
  readonly attributeByUuid = new Map<string, AttributeRecord>();
  readonly objectByUuid = new Map<string, ObjectRecord>();
  readonly tags = new Map<string, TagRecord>();
  /** uuids of deleted events: MISP refuses to add them again (MISP.enableEventBlocklisting, on by default). */
  readonly blocklist = new Set<string>();
  private nextId = { event: 1, attribute: 1, object: 1, reference: 1, tag: 1 };

  id(kind: keyof MispStore['nextId']): number {
    return this.nextId[kind]++;
  }

  findEvent(idOrUuid: string): EventRecord | undefined {
    if (/^[0-9]+$/.test(idOrUuid)) return this.events.get(Number(idOrUuid));
    const id = this.eventIdByUuid.get(idOrUuid.toLowerCase());
    return id === undefined ? undefined : this.events.get(id);
  }

  insertEvent(event: EventRecord): void {
    this.events.set(event.id, event);
    this.eventIdByUuid.set(event.uuid, event.id);
    for (const a of event.attributes) this.attributeByUuid.set(a.uuid, a);
    for (const o of event.objects) {
      this.objectByUuid.set(o.uuid, o);
      for (const a of o.attributes) this.attributeByUuid.set(a.uuid, a);
    }
  }

  /** MISP deletes events for good (attributes included) and blocklists the uuid. */
  deleteEvent(event: EventRecord): void {
    this.events.delete(event.id);
    this.eventIdByUuid.delete(event.uuid);
    for (const a of event.attributes) this.attributeByUuid.delete(a.uuid);
    for (const o of event.objects) {
      this.objectByUuid.delete(o.uuid);
      for (const a of o.attributes) this.attributeByUuid.delete(a.uuid);
    }
    this.blocklist.add(event.uuid);
  }

  tagByName(name: string): TagRecord | undefined {
    return this.tags.get(name);
  }

  createTag(name: string, colour?: string): TagRecord {
    const tag: TagRecord = { id: this.id('tag'), name, colour: colour ?? colourFor(name), exportable: true };
    this.tags.set(name, tag);
    return tag;
  }

  tagById(id: number): TagRecord | undefined {
    for (const t of this.tags.values()) if (t.id === id) return t;
    return undefined;
  }
}

function colourFor(name: string): string {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `#${(h & 0xffffff).toString(16).padStart(6, '0')}`;
}

// ---- rendering as MISP's JSON ----------------------------------------------------------------------------------

const s = (n: number): string => String(n);

function renderTags(store: MispStore, tags: EventRecord['tags']): Record<string, unknown>[] {
  return tags.flatMap(({ tagId, local }) => {
    const tag = store.tagById(tagId);
    if (!tag) return [];
    return [{
      id: s(tag.id), name: tag.name, colour: tag.colour, exportable: tag.exportable, user_id: '0', hide_tag: false,
      numerical_value: null, is_galaxy: false, is_custom_galaxy: false, local_only: false, local: local ? 1 : 0, relationship_type: null,
    }];
  });
}

export function renderAttribute(store: MispStore, a: AttributeRecord, options: { includeAttachments?: boolean } = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: s(a.id), type: a.type, category: a.category, to_ids: a.toIds, uuid: a.uuid, event_id: s(a.eventId),
    distribution: s(a.distribution), timestamp: s(a.timestamp), comment: a.comment, sharing_group_id: s(a.sharingGroupId),
    deleted: a.deleted, disable_correlation: a.disableCorrelation, object_id: s(a.objectId),
    object_relation: a.objectRelation ?? null, first_seen: a.firstSeen ?? null, last_seen: a.lastSeen ?? null,
    value: a.value, Galaxy: [], ShadowAttribute: [],
  };
  // The file itself, base64, only where MISP includes attachments (REST event views do by default).
  if (options.includeAttachments && a.data !== undefined) out.data = a.data;
  if (a.tags.length > 0) out.Tag = renderTags(store, a.tags);
  return out;
}

export interface RenderOptions {
  includeDeleted?: boolean;
  metadata?: boolean;
  /** Attachment and malware-sample attributes carry their file as base64 `data` (EventsController::view, REST). */
  includeAttachments?: boolean;
}

export function renderEvent(store: MispStore, e: EventRecord, options: RenderOptions = {}): Record<string, unknown> {
  const live = <T extends { deleted: boolean }>(list: T[]): T[] => (options.includeDeleted ? list : list.filter((x) => !x.deleted));
  const org = (o: TestOrg): Record<string, unknown> => ({ id: s(o.id), name: o.name, uuid: o.uuid, local: true });
  const attributes = live(e.attributes);
  const event: Record<string, unknown> = {
    id: s(e.id), orgc_id: s(e.orgc.id), org_id: s(e.org.id), date: e.date, threat_level_id: s(e.threatLevelId), info: e.info,
    published: e.published, uuid: e.uuid, attribute_count: s(attributes.length + live(e.objects).reduce((n, o) => n + live(o.attributes).length, 0)),
    analysis: s(e.analysis), timestamp: s(e.timestamp), distribution: s(e.distribution), proposal_email_lock: false, locked: false,
    publish_timestamp: s(e.publishTimestamp), sharing_group_id: s(e.sharingGroupId), disable_correlation: false, extends_uuid: '',
    protected: null, event_creator_email: e.creatorEmail, Org: org(e.org), Orgc: org(e.orgc),
  };
  if (!options.metadata) {
    const attachments = { includeAttachments: options.includeAttachments === true };
    event.Attribute = attributes.map((a) => renderAttribute(store, a, attachments));
    event.ShadowAttribute = [];
    event.RelatedEvent = [];
    event.Galaxy = [];
    event.Object = live(e.objects).map((o) => ({
      id: s(o.id), name: o.name, 'meta-category': o.metaCategory, description: o.description, template_uuid: o.templateUuid,
      template_version: o.templateVersion, event_id: s(o.eventId), uuid: o.uuid, timestamp: s(o.timestamp),
      distribution: s(o.distribution), sharing_group_id: s(o.sharingGroupId), comment: o.comment, deleted: o.deleted,
      first_seen: o.firstSeen ?? null, last_seen: o.lastSeen ?? null,
      ObjectReference: live(o.references).map((r) => ({
        id: s(r.id), uuid: r.uuid, timestamp: s(r.timestamp), object_id: s(o.id), referenced_uuid: r.referencedUuid,
        relationship_type: r.relationshipType, comment: r.comment, deleted: r.deleted, event_id: s(o.eventId), source_uuid: o.uuid,
      })),
      Attribute: live(o.attributes).map((a) => renderAttribute(store, a, attachments)),
    }));
    event.EventReport = [];
    event.CryptographicKey = [];
  }
  event.Tag = renderTags(store, e.tags);
  return event;
}
