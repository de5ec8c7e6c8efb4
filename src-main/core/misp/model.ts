/**
 * The MISP event JSON that FLARE MISP builds and sends, in MISP's own field names (`misp.md` §2.3).
 *
 * These are the shapes we *send*. MISP answers with the same shapes but every id, enum and timestamp as a string
 * ("12", "4", "1469152451") and adds server fields (id, org_id, Org…); `StoredEvent` below types what we read back.
 * Shared by the converter (which builds events), the validator (which checks them) and the client (which sends them).
 */

/** Event distribution: 0 your organisation, 1 this community, 2 connected communities, 3 all, 4 sharing group. */
export type EventDistribution = 0 | 1 | 2 | 3 | 4;
/** Attribute and object distribution: the event levels plus 5, "inherit the event's". */
export type AttributeDistribution = EventDistribution | 5;

export interface MispTag {
  name: string;
  /** Local tags are never synchronised to other MISP servers. */
  local?: boolean;
  /** In an edit: detach this tag from the event (MISP `EventTag::handleEventTag`). */
  deleted?: boolean;
  colour?: string;
}

export interface MispAttribute {
  uuid: string;
  type: string;
  category: string;
  value: string;
  /** Always a JSON boolean: MISP reads the string "false" as true (`misp.md` §5). */
  to_ids: boolean;
  comment?: string;
  distribution?: AttributeDistribution;
  sharing_group_id?: number;
  disable_correlation?: boolean;
  /** Only on attributes inside an object: the template relation this attribute fills. */
  object_relation?: string;
  timestamp?: number;
  first_seen?: string;
  last_seen?: string;
  /** Base64 content of `attachment` / `malware-sample` attributes. */
  data?: string;
  /** In an edit: soft-delete this attribute. */
  deleted?: boolean;
  Tag?: MispTag[];
}

export interface MispObjectReference {
  referenced_uuid: string;
  relationship_type: string;
  comment?: string;
  uuid?: string;
}

export interface MispObject {
  uuid: string;
  name: string;
  'meta-category': string;
  description?: string;
  template_uuid: string;
  template_version: number | string;
  comment?: string;
  distribution?: AttributeDistribution;
  sharing_group_id?: number;
  timestamp?: number;
  first_seen?: string;
  last_seen?: string;
  deleted?: boolean;
  Attribute: MispAttribute[];
  ObjectReference?: MispObjectReference[];
}

export interface MispEvent {
  uuid: string;
  info: string;
  /** YYYY-MM-DD */
  date: string;
  /** Unix seconds. An edit must carry a timestamp newer than the stored one. */
  timestamp?: number;
  /** 1 high, 2 medium, 3 low, 4 undefined. */
  threat_level_id: 1 | 2 | 3 | 4;
  /** 0 initial, 1 ongoing, 2 completed. */
  analysis: 0 | 1 | 2;
  distribution: EventDistribution;
  sharing_group_id?: number;
  published?: boolean;
  Tag?: MispTag[];
  Attribute?: MispAttribute[];
  Object?: MispObject[];
}

/** What MISP stores and returns: our fields, loosely typed (strings for numbers), plus the server's own. */
export type Loose<T> = {
  [K in keyof T]?: T[K] extends number | undefined
    ? number | string
    : T[K] extends boolean | undefined
      ? boolean | string | number
      : T[K];
};

export interface StoredTag extends MispTag {
  id?: string;
}

export interface StoredAttribute extends Omit<Loose<MispAttribute>, 'Tag'> {
  id?: string;
  event_id?: string;
  object_id?: string;
  Tag?: StoredTag[];
}

export interface StoredObject extends Omit<Loose<MispObject>, 'Attribute' | 'ObjectReference'> {
  id?: string;
  event_id?: string;
  Attribute?: StoredAttribute[];
  ObjectReference?: Array<Loose<MispObjectReference> & { id?: string; object_uuid?: string; source_uuid?: string }>;
}

export interface StoredEvent extends Omit<Loose<MispEvent>, 'Attribute' | 'Object' | 'Tag'> {
  id?: string;
  org_id?: string;
  orgc_id?: string;
  publish_timestamp?: string;
  attribute_count?: string;
  Orgc?: { id?: string; name?: string; uuid?: string };
  Org?: { id?: string; name?: string; uuid?: string };
  Tag?: StoredTag[];
  Attribute?: StoredAttribute[];
  Object?: StoredObject[];
  /** Validation errors of attributes MISP dropped while saving (add answer). */
  errors?: unknown;
}
