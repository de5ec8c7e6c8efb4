/**
 * Checks a MISP event the way MISP (and PyMISP's object checks) would, before it leaves — or, in the MISP test
 * server, when it arrives. Used by the converter (drop what MISP would drop, with a counted warning), the client
 * (never send an event MISP must refuse) and the test server (refuse or drop like MISP, but louder).
 *
 * Event-level problems are fatal: MISP refuses the whole event. Attribute, object, reference and tag problems are
 * not: MISP drops the piece and saves the rest, so `checkEvent` drops it too and says so in `issues`.
 */
import type {
  AttributeDistribution,
  EventDistribution,
  MispAttribute,
  MispEvent,
  MispObject,
  MispObjectReference,
  MispTag,
} from '../model';
import {
  defaultCategory,
  isCategoryAllowed,
  isKnownCategory,
  isKnownType,
  type TypeSupportOptions,
} from './describe-types';
import { templateFor, type ObjectTemplate } from './templates';
import { normalizeValue, valueProblem } from './values';

export type IssueLevel = 'error' | 'warning';

export interface ValidationIssue {
  /** `error`: MISP refuses or drops it (and so do we). `warning`: accepted, but probably not what was meant. */
  level: IssueLevel;
  /** Where, e.g. `Event`, `Event.Attribute[3]`, `Event.Object[1].Attribute[0]`, `Event.Tag[2]`. */
  path: string;
  /** The MISP field at fault (`info`, `value`, `category`, `template_uuid`…). */
  field: string;
  message: string;
  /** uuid of the attribute or object concerned, when it has one. */
  uuid?: string;
}

export interface CheckOptions extends TypeSupportOptions {
  /** Sharing groups usable with distribution 4; when absent any positive id is accepted (the server decides). */
  sharingGroupIds?: ReadonlySet<number>;
}

export interface DroppedCounts {
  attributes: number;
  objects: number;
  references: number;
  tags: number;
}

export interface EventCheck {
  issues: ValidationIssue[];
  /** The event itself is invalid: MISP would refuse it whole. */
  fatal: boolean;
  /**
   * A copy holding only what MISP would keep, values normalised as MISP stores them, default categories filled in.
   * Undefined when fatal.
   */
  event?: MispEvent;
  dropped: DroppedCounts;
}

/**
 * CakePHP's `uuid` rule, which MISP applies to event, attribute and object uuids:
 * `^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[0-5][a-fA-F0-9]{3}-[089aAbB][a-fA-F0-9]{3}-[a-fA-F0-9]{12}$`, checked character
 * by character (every attribute, object and reference has one: the regular expression cost more than the rest of
 * the attribute's check). validate.test.ts holds this to the expression.
 */
export function isMispUuid(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = value.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 0x2d) return false;
    } else if (c > 0x66 || HEX_DIGIT[c] !== 1) return false;
  }
  const version = value.charCodeAt(14);
  if (version < 0x30 || version > 0x35) return false; // [0-5]
  const variant = value.charCodeAt(19); // [089aAbB]
  return variant === 0x30 || variant === 0x38 || variant === 0x39 || variant === 0x61 || variant === 0x41 || variant === 0x62 || variant === 0x42;
}

/** 1 for the codes of [0-9a-fA-F]. */
const HEX_DIGIT = new Uint8Array(0x67);
for (const c of '0123456789abcdefABCDEF') HEX_DIGIT[c.charCodeAt(0)] = 1;

/** `base[index]`, or `base` alone for index -1: paths are only built when an issue is reported. */
function pathOf(base: string, index: number): string {
  return index < 0 ? base : `${base}[${index}]`;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** MISP accepts numbers as numbers or numeric strings. */
function asInteger(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?[0-9]+$/.test(v)) return Number(v);
  return undefined;
}

function isCalendarDate(v: unknown): v is string {
  if (typeof v !== 'string' || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** Collects issues and knows where it is. */
class Reporter {
  readonly issues: ValidationIssue[] = [];
  errors = 0;
  error(path: string, field: string, message: string, uuid?: unknown): void {
    this.add('error', path, field, message, uuid);
  }
  warn(path: string, field: string, message: string, uuid?: unknown): void {
    this.add('warning', path, field, message, uuid);
  }
  private add(level: IssueLevel, path: string, field: string, message: string, uuid: unknown): void {
    const issue: ValidationIssue = { level, path, field, message };
    if (typeof uuid === 'string') issue.uuid = uuid;
    if (level === 'error') this.errors++;
    this.issues.push(issue);
  }
}

interface Context {
  report: Reporter;
  options: CheckOptions;
  dropped: DroppedCounts;
  /** Every attribute and object uuid seen so far in this event: MISP refuses a second one. */
  seenUuids: Set<string>;
}

export function checkEvent(input: unknown, options: CheckOptions = {}): EventCheck {
  const report = new Reporter();
  const dropped: DroppedCounts = { attributes: 0, objects: 0, references: 0, tags: 0 };
  const raw = isObject(input) && isObject(input.Event) ? input.Event : input;
  if (!isObject(raw)) {
    report.error('Event', 'Event', 'No valid event data received.');
    return { issues: report.issues, fatal: true, dropped };
  }

  const header = checkEventFields(raw, report, options);
  if (!header) return { issues: report.issues, fatal: true, dropped };

  const ctx: Context = { report, options, dropped, seenUuids: new Set() };
  const event: MispEvent = { ...header };

  const tags = checkTags(raw.Tag, 'Event', -1, ctx);
  if (tags.length > 0) event.Tag = tags;

  const attributes = checkTopLevelAttributes(raw.Attribute, ctx);
  if (attributes.length > 0) event.Attribute = attributes;

  const objects: MispObject[] = [];
  if (raw.Object !== undefined && !Array.isArray(raw.Object)) report.error('Event', 'Object', 'Object must be a list.');
  if (Array.isArray(raw.Object)) {
    const list: unknown[] = raw.Object;
    for (let i = 0; i < list.length; i++) {
      const checked = checkObject(list[i], 'Event.Object', i, ctx);
      if (checked) objects.push(checked);
      else dropped.objects++;
    }
  }
  checkReferences(objects, event.Attribute ?? [], ctx);
  if (objects.length > 0) event.Object = objects;

  return { issues: report.issues, fatal: false, event, dropped };
}

/** The event's own fields. Undefined when MISP would refuse the event. */
function checkEventFields(raw: Json, report: Reporter, options: CheckOptions): Omit<MispEvent, 'Attribute' | 'Object' | 'Tag'> | undefined {
  const before = report.errors;
  if (!isMispUuid(raw.uuid)) report.error('Event', 'uuid', 'Please provide a valid RFC 4122 UUID');
  if (typeof raw.info !== 'string' || raw.info.trim() === '') report.error('Event', 'info', 'Info cannot be empty.');
  if (!isCalendarDate(raw.date)) report.error('Event', 'date', 'Expected date format: YYYY-MM-DD');

  const threat = asInteger(raw.threat_level_id);
  if (threat === undefined || threat < 1 || threat > 4) {
    report.error('Event', 'threat_level_id', 'Options : 1, 2, 3, 4 (for High, Medium, Low, Undefined)');
  }
  const analysis = asInteger(raw.analysis);
  if (analysis === undefined || analysis < 0 || analysis > 2) {
    report.error('Event', 'analysis', 'Options : 0, 1, 2 (for Initial, Ongoing, Completed)');
  }
  const distribution = asInteger(raw.distribution);
  if (distribution === undefined || distribution < 0 || distribution > 4) {
    report.error('Event', 'distribution', 'Options : Your organisation only, This community only, Connected communities, All communities, Sharing group');
  }
  const sharingGroup = asInteger(raw.sharing_group_id);
  if (distribution === 4) checkSharingGroup(sharingGroup, 'Event', report, options);

  if (raw.published !== undefined && typeof raw.published !== 'boolean') {
    report.error('Event', 'published', 'published must be a JSON boolean.');
  }
  let timestamp: number | undefined;
  if (raw.timestamp !== undefined) {
    timestamp = asInteger(raw.timestamp);
    if (timestamp === undefined || timestamp < 0) report.error('Event', 'timestamp', 'timestamp must be Unix seconds.');
  }
  if (report.errors > before) return undefined;

  const event: Omit<MispEvent, 'Attribute' | 'Object' | 'Tag'> = {
    uuid: (raw.uuid as string).toLowerCase(),
    info: (raw.info as string).trim(),
    date: raw.date as string,
    threat_level_id: threat as MispEvent['threat_level_id'],
    analysis: analysis as MispEvent['analysis'],
    distribution: distribution as EventDistribution,
  };
  if (distribution === 4) event.sharing_group_id = sharingGroup as number;
  if (timestamp !== undefined) event.timestamp = timestamp;
  if (typeof raw.published === 'boolean') event.published = raw.published;
  return event;
}

function checkSharingGroup(id: number | undefined, path: string, report: Reporter, options: CheckOptions, uuid?: unknown): boolean {
  if (id === undefined || id <= 0) {
    report.error(path, 'sharing_group_id', 'If the distribution is set to "Sharing Group", a sharing group has to be selected.', uuid);
    return false;
  }
  if (options.sharingGroupIds && !options.sharingGroupIds.has(id)) {
    report.error(path, 'sharing_group_id', 'Invalid Sharing Group or not authorised.', uuid);
    return false;
  }
  return true;
}

/** The tags of the event (`owner` "Event", index -1) or of the attribute at `owner[index]`. */
function checkTags(raw: unknown, owner: string, index: number, ctx: Context): MispTag[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    ctx.report.error(`${pathOf(owner, index)}.Tag`, 'Tag', 'Tag must be a list.');
    return [];
  }
  const list: unknown[] = raw;
  // Duplicates are looked up in the kept tags themselves; a set only for long lists.
  const names = list.length > 8 ? new Set<string>() : undefined;
  const tags: MispTag[] = [];
  for (let i = 0; i < list.length; i++) {
    const t = list[i];
    const obj = isObject(t) ? t : undefined;
    const name = obj !== undefined && typeof obj.name === 'string' ? obj.name.trim() : '';
    if (name === '' || name.length > 255) {
      ctx.report.error(`${pathOf(owner, index)}.Tag[${i}]`, 'name', 'A tag needs a name of 1 to 255 characters.');
      ctx.dropped.tags++;
      continue;
    }
    if (names !== undefined ? names.has(name) : hasTag(tags, name)) {
      ctx.report.warn(`${pathOf(owner, index)}.Tag[${i}]`, 'name', `Tag "${name}" is listed twice.`);
      continue;
    }
    names?.add(name);
    const tag: MispTag = { name };
    if (obj!.local === true) tag.local = true;
    if (obj!.deleted === true) tag.deleted = true;
    if (typeof obj!.colour === 'string') tag.colour = obj!.colour;
    tags.push(tag);
  }
  return tags;
}

function hasTag(tags: readonly MispTag[], name: string): boolean {
  for (let i = 0; i < tags.length; i++) if (tags[i]!.name === name) return true;
  return false;
}

function checkTopLevelAttributes(raw: unknown, ctx: Context): MispAttribute[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    ctx.report.error('Event', 'Attribute', 'Attribute must be a list.');
    return [];
  }
  // MISP keeps one attribute per value|type|category in an event and drops the others without a word; a dropped
  // twin would look "missing" on every later comparison, so it is an error here.
  const keys = new Set<string>();
  const kept: MispAttribute[] = [];
  const list: unknown[] = raw;
  for (let i = 0; i < list.length; i++) {
    const attribute = checkAttribute(list[i], 'Event.Attribute', i, ctx);
    if (!attribute) {
      ctx.dropped.attributes++;
      continue;
    }
    if (attribute.object_relation !== undefined) {
      ctx.report.warn(`Event.Attribute[${i}]`, 'object_relation', 'object_relation is ignored outside an object.', attribute.uuid);
      delete attribute.object_relation;
    }
    const key = `${attribute.value}|${attribute.type}|${attribute.category}`;
    if (keys.has(key) && !attribute.deleted) {
      ctx.report.error(`Event.Attribute[${i}]`, 'value', `A second ${attribute.type} attribute with the same value and category: MISP keeps only one.`, attribute.uuid);
      ctx.dropped.attributes++;
      continue;
    }
    if (!attribute.deleted) keys.add(key);
    kept.push(attribute);
  }
  return kept;
}

/**
 * One attribute (at `base[index]`, or `base` for index -1), with the relation's constraints when it sits in an
 * object. Undefined when it must be dropped.
 */
function checkAttribute(raw: unknown, base: string, index: number, ctx: Context, template?: ObjectTemplate): MispAttribute | undefined {
  const { report } = ctx;
  if (!isObject(raw)) {
    report.error(pathOf(base, index), 'Attribute', 'An attribute must be a JSON object.');
    return undefined;
  }
  const uuid = raw.uuid;
  const before = report.errors;

  let lowerUuid = '';
  if (!isMispUuid(uuid)) attributeError(report, base, index, 'uuid', 'Please provide a valid RFC 4122 UUID', uuid);
  else {
    lowerUuid = uuid.toLowerCase();
    if (ctx.seenUuids.has(lowerUuid)) attributeError(report, base, index, 'uuid', 'The UUID provided is not unique', uuid);
  }

  const type = typeof raw.type === 'string' ? raw.type : '';
  const knownType = isKnownType(type, ctx.options);
  if (!knownType) attributeError(report, base, index, 'type', type === '' ? 'The attribute has no type.' : `Unknown attribute type "${type}".`, uuid);

  let category = typeof raw.category === 'string' ? raw.category : undefined;
  if (category === undefined && knownType) {
    category = defaultCategory(type);
    if (category !== undefined) report.warn(pathOf(base, index), 'category', `No category: MISP applies the default "${category}".`, uuid);
  }

  const objectRelation = raw.object_relation;
  const relation = template && typeof objectRelation === 'string' ? template.relations.get(objectRelation) : undefined;
  if (template) {
    if (typeof objectRelation !== 'string' || objectRelation === '') {
      attributeError(report, base, index, 'object_relation', `An attribute of a ${template.name} object needs an object_relation.`, uuid);
    } else if (!relation) {
      attributeError(report, base, index, 'object_relation', `The ${template.name} template has no relation "${objectRelation}".`, uuid);
    } else if (relation.type !== type) {
      attributeError(report, base, index, 'type', `Relation "${objectRelation}" of ${template.name} takes type ${relation.type}, not ${type}.`, uuid);
    }
  }

  if (category === undefined || !isKnownCategory(category)) {
    attributeError(report, base, index, 'category', category === undefined ? 'The attribute has no category.' : `Unknown category "${category}".`, uuid);
  } else if (knownType) {
    const allowed = relation?.categories ? relation.categories.includes(category) : isCategoryAllowed(type, category);
    if (!allowed) attributeError(report, base, index, 'category', `Category "${category}" does not allow type ${type}. Options depend on the selected category.`, uuid);
  }

  let value = '';
  if (typeof raw.value === 'string' || typeof raw.value === 'number') {
    value = normalizeValue(type, String(raw.value));
    const problem = valueProblem(type, value);
    if (problem) attributeError(report, base, index, 'value', problem, uuid);
    if (!problem && relation?.valuesList && !relation.valuesList.includes(value)) {
      attributeError(report, base, index, 'value', `"${value}" is not one of the values allowed for ${objectRelation as string}.`, uuid);
    }
  } else {
    attributeError(report, base, index, 'value', 'The value is missing.', uuid);
  }

  if (raw.to_ids !== undefined && typeof raw.to_ids !== 'boolean') {
    attributeError(report, base, index, 'to_ids', 'to_ids must be a JSON boolean (MISP reads the string "false" as true).', uuid);
  }
  let distribution: number | undefined;
  if (raw.distribution !== undefined) {
    distribution = asInteger(raw.distribution);
    if (distribution === undefined || distribution < 0 || distribution > 5) attributeError(report, base, index, 'distribution', 'Distribution must be 0 to 5.', uuid);
    else if (distribution === 4) checkSharingGroup(asInteger(raw.sharing_group_id), pathOf(base, index), report, ctx.options, uuid);
  }
  if (raw.comment !== undefined && typeof raw.comment !== 'string') attributeError(report, base, index, 'comment', 'comment must be text.', uuid);
  if (raw.data !== undefined && typeof raw.data !== 'string') attributeError(report, base, index, 'data', 'data must be base64 text.', uuid);

  if (report.errors > before) return undefined;

  ctx.seenUuids.add(lowerUuid);
  const attribute: MispAttribute = {
    uuid: lowerUuid,
    type,
    category: category as string,
    value,
    to_ids: raw.to_ids === true,
  };
  if (template) attribute.object_relation = objectRelation as string;
  if (typeof raw.comment === 'string' && raw.comment !== '') attribute.comment = raw.comment;
  if (distribution !== undefined) attribute.distribution = distribution as AttributeDistribution;
  if (distribution === 4) attribute.sharing_group_id = asInteger(raw.sharing_group_id) as number;
  if (typeof raw.disable_correlation === 'boolean') attribute.disable_correlation = raw.disable_correlation;
  const timestamp = asInteger(raw.timestamp);
  if (timestamp !== undefined) attribute.timestamp = timestamp;
  if (typeof raw.first_seen === 'string') attribute.first_seen = raw.first_seen;
  if (typeof raw.last_seen === 'string') attribute.last_seen = raw.last_seen;
  if (typeof raw.data === 'string') attribute.data = raw.data;
  if (raw.deleted === true) attribute.deleted = true;
  if (raw.Tag !== undefined) {
    const tags = checkTags(raw.Tag, base, index, ctx);
    if (tags.length > 0) attribute.Tag = tags;
  }
  return attribute;
}

function attributeError(report: Reporter, base: string, index: number, field: string, message: string, uuid: unknown): void {
  report.error(pathOf(base, index), field, message, uuid);
}

/** One object (at `base[index]`, or `base` for index -1) against its template. Undefined when it must be dropped. */
function checkObject(raw: unknown, base: string, index: number, ctx: Context): MispObject | undefined {
  const { report } = ctx;
  if (!isObject(raw)) {
    report.error(pathOf(base, index), 'Object', 'An object must be a JSON object.');
    return undefined;
  }
  const uuid = raw.uuid;
  if (!isMispUuid(uuid)) return objectError(report, base, index, 'uuid', 'Please provide a valid RFC 4122 UUID', uuid);
  const lowerUuid = uuid.toLowerCase();
  if (ctx.seenUuids.has(lowerUuid)) return objectError(report, base, index, 'uuid', 'The UUID provided is not unique', uuid);
  const name = typeof raw.name === 'string' ? raw.name : '';
  const template = templateFor(name);
  if (!template) return objectError(report, base, index, 'name', name === '' ? 'The object has no name.' : `No object template named "${name}".`, uuid);
  if (raw['meta-category'] !== template.metaCategory) {
    return objectError(report, base, index, 'meta-category', `The ${name} template's meta-category is "${template.metaCategory}".`, uuid);
  }
  if (typeof raw.template_uuid !== 'string' || raw.template_uuid.toLowerCase() !== template.uuid) {
    return objectError(report, base, index, 'template_uuid', `The ${name} template's uuid is ${template.uuid}.`, uuid);
  }
  if (asInteger(raw.template_version) !== template.version) {
    return objectError(report, base, index, 'template_version', `The ${name} template's version is ${template.version}.`, uuid);
  }
  let distribution: number | undefined;
  if (raw.distribution !== undefined) {
    distribution = asInteger(raw.distribution);
    if (distribution === undefined || distribution < 0 || distribution > 5) return objectError(report, base, index, 'distribution', 'Distribution must be 0 to 5.', uuid);
    if (distribution === 4 && !checkSharingGroup(asInteger(raw.sharing_group_id), pathOf(base, index), report, ctx.options, uuid)) return undefined;
  }
  if (!Array.isArray(raw.Attribute)) return objectError(report, base, index, 'Attribute', 'An object needs a list of attributes.', uuid);
  ctx.seenUuids.add(lowerUuid);

  const path = pathOf(base, index);
  const attributeBase = `${path}.Attribute`;
  const attributes: MispAttribute[] = [];
  const relationCount = new Map<string, number>();
  const list: unknown[] = raw.Attribute;
  for (let i = 0; i < list.length; i++) {
    const attribute = checkAttribute(list[i], attributeBase, i, ctx, template);
    if (!attribute) {
      ctx.dropped.attributes++;
      continue;
    }
    const relation = attribute.object_relation as string;
    relationCount.set(relation, (relationCount.get(relation) ?? 0) + 1);
    attributes.push(attribute);
  }
  for (const [relation, count] of relationCount) {
    if (count > 1 && !template.relations.get(relation)?.multiple) {
      report.warn(path, relation, `Relation "${relation}" appears ${count} times but the ${name} template expects one.`, uuid);
    }
  }
  const missing = template.required.filter((r) => !relationCount.has(r));
  if (missing.length > 0) return objectError(report, base, index, 'Attribute', `The ${name} object lacks required relation(s): ${missing.join(', ')}.`, uuid);
  if (template.requiredOneOf.length > 0 && !template.requiredOneOf.some((r) => relationCount.has(r))) {
    return objectError(report, base, index, 'Attribute', `The ${name} object needs at least one of: ${template.requiredOneOf.join(', ')}.`, uuid);
  }

  const object: MispObject = {
    uuid: lowerUuid,
    name,
    'meta-category': template.metaCategory,
    template_uuid: template.uuid,
    template_version: template.version,
    Attribute: attributes,
  };
  if (typeof raw.description === 'string') object.description = raw.description;
  if (typeof raw.comment === 'string' && raw.comment !== '') object.comment = raw.comment;
  if (distribution !== undefined) object.distribution = distribution as AttributeDistribution;
  if (distribution === 4) object.sharing_group_id = asInteger(raw.sharing_group_id) as number;
  const timestamp = asInteger(raw.timestamp);
  if (timestamp !== undefined) object.timestamp = timestamp;
  if (typeof raw.first_seen === 'string') object.first_seen = raw.first_seen;
  if (typeof raw.last_seen === 'string') object.last_seen = raw.last_seen;
  if (raw.deleted === true) object.deleted = true;
  if (Array.isArray(raw.ObjectReference) && raw.ObjectReference.length > 0) {
    object.ObjectReference = raw.ObjectReference as MispObjectReference[]; // checked once every uuid is known
  }
  return object;
}

function objectError(report: Reporter, base: string, index: number, field: string, message: string, uuid: unknown): undefined {
  report.error(pathOf(base, index), field, message, uuid);
  return undefined;
}

/** References must point at an attribute or object of this event, with a relationship name. */
function checkReferences(objects: MispObject[], attributes: MispAttribute[], ctx: Context): void {
  if (!objects.some((o) => o.ObjectReference !== undefined)) return;
  const known = new Set<string>();
  for (const a of attributes) known.add(a.uuid);
  for (const o of objects) {
    known.add(o.uuid);
    for (const a of o.Attribute) known.add(a.uuid);
  }
  objects.forEach((object, oi) => {
    if (!object.ObjectReference) return;
    const kept: MispObjectReference[] = [];
    const seen = new Set<string>();
    (object.ObjectReference as unknown[]).forEach((r, ri) => {
      const where = `Event.Object[${oi}].ObjectReference[${ri}]`;
      const ref = isObject(r) ? r : {};
      const target = typeof ref.referenced_uuid === 'string' ? ref.referenced_uuid.toLowerCase() : '';
      const relationship = typeof ref.relationship_type === 'string' ? ref.relationship_type.trim() : '';
      let problem: string | undefined;
      if (!isMispUuid(target)) problem = 'referenced_uuid must be a uuid.';
      else if (!known.has(target)) problem = `referenced_uuid ${target} is not an attribute or object of this event.`;
      else if (relationship === '') problem = 'A reference needs a relationship_type.';
      if (problem) {
        ctx.report.error(where, 'referenced_uuid', problem, object.uuid);
        ctx.dropped.references++;
        return;
      }
      const key = `${target} ${relationship}`;
      if (seen.has(key)) return;
      seen.add(key);
      const reference: MispObjectReference = { referenced_uuid: target, relationship_type: relationship };
      if (typeof ref.comment === 'string' && ref.comment !== '') reference.comment = ref.comment;
      if (isMispUuid(ref.uuid)) reference.uuid = ref.uuid.toLowerCase();
      kept.push(reference);
    });
    if (kept.length > 0) object.ObjectReference = kept;
    else delete object.ObjectReference;
  });
}

function freshContext(options: CheckOptions): Context {
  return { report: new Reporter(), options, dropped: { attributes: 0, objects: 0, references: 0, tags: 0 }, seenUuids: new Set() };
}

/**
 * One attribute on its own, as MISP checks `/attributes/add` and each attribute of an edit. With `objectName`, also
 * against that object template's relation (type, categories, values list) — but not the object's required relations.
 */
export function checkSingleAttribute(raw: unknown, options: CheckOptions = {}, objectName?: string): { attribute?: MispAttribute; issues: ValidationIssue[] } {
  const ctx = freshContext(options);
  const template = objectName === undefined ? undefined : templateFor(objectName);
  if (objectName !== undefined && !template) {
    ctx.report.error('Attribute', 'object_relation', `No object template named "${objectName}".`);
    return { issues: ctx.report.issues };
  }
  const attribute = checkAttribute(raw, 'Attribute', -1, ctx, template);
  return attribute ? { attribute, issues: ctx.report.issues } : { issues: ctx.report.issues };
}

/** One object on its own, against its template. Its references are passed through unchecked. */
export function checkSingleObject(raw: unknown, options: CheckOptions = {}): { object?: MispObject; issues: ValidationIssue[] } {
  const ctx = freshContext(options);
  const object = checkObject(raw, 'Object', -1, ctx);
  return object ? { object, issues: ctx.report.issues } : { issues: ctx.report.issues };
}

/** One line per issue, for logs and error details. */
export function describeIssues(issues: readonly ValidationIssue[]): string[] {
  return issues.map((i) => `${i.level}: ${i.path}${i.uuid ? ` (${i.uuid})` : ''} ${i.field}: ${i.message}`);
}
