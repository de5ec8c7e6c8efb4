/**
 * The Emitter: what every CybOX family mapper writes through. It reads property values (lists, patterns,
 * placeholders), and it makes MISP attributes and objects that MISP accepts: known type, a category the type (or
 * the template relation) allows, a normalised and well-formed value, to_ids only for exact values of IDS-worthy
 * types, template relations and requirements met, deterministic uuids. A value that does not fit its intended type
 * is kept as `text` with a comment saying why; an object that misses its template's required relations is
 * emitted as loose attributes instead. So mappers state intent, and the emitter guarantees validity.
 *
 * Uuids (see `derivedUuid`): the first thing a CybOX object produces gets the object's key (its id, or the
 * observable's id when the object has none), so that `Related_Object idref="X"` elsewhere can point at
 * derivedUuid(event, "X") without mapping X again. Later pieces get `key/<suffix>`. Without any id, a piece's key is
 * its own value identity (`v|type=value`), so the same value gives the same uuid and merges.
 */
import type { GenericElement, Observable } from '../../../stix/model/types';
import type { MispAttribute, MispObject, MispTag } from '../../model';
import {
  defaultCategory,
  isCategoryAllowed,
  normalizeValue,
  templateFor,
  valueProblem,
  type ObjectTemplate,
  type TemplateRelation,
} from '../../validate/index';
import { derivedUuid, type MappingContext } from '../contract';
import { isExactCondition, isPlaceholder, isRangeCondition, patternNote, refang, splitList } from '../values';

/** Shared empty results (read-only by convention): most fields are absent, most values carry no note. */
const NO_VALS = Object.freeze([]) as unknown as Val[];
const NO_NOTES = Object.freeze([]) as unknown as string[];
/** The default options (read-only: never written to). */
const NO_OPTIONS: AttrOptions = Object.freeze({});

/** One value read from a CybOX property. */
export interface Val {
  /** Trimmed, as written (not yet normalised for a MISP type). */
  value: string;
  /** False for patterns (condition other than Equals), ranges and negated observables: never to_ids. */
  exact: boolean;
  /** Sentences for the comment (the pattern, the list it came from…). */
  notes: string[];
  /** The CybOX field, for comments and reports (`File_Name`, `Hash MD5`). */
  field: string;
  /** For InclusiveBetween / ExclusiveBetween: the two bounds (`value` is then "a - b"). */
  range?: [string, string];
  condition?: string;
}

/**
 * Types for which an IDS flag makes no sense (descriptions, counts, dates, free text, attachments): MISP's
 * defaults leave them off, and a sensor cannot match them.
 */
export const NON_IDS_TYPES: ReadonlySet<string> = new Set([
  'text', 'comment', 'other', 'link', 'size-in-bytes', 'counter', 'float', 'boolean', 'datetime', 'hex', 'port', 'AS',
  'attachment', 'mime-type', 'http-method', 'process-state', 'cpe', 'whois-registrar', 'whois-creation-date',
  'whois-registrant-name', 'whois-registrant-org', 'whois-registrant-phone',
  'email-header', 'email-body', 'email-mime-boundary', 'email-thread-index', 'email-dst-display-name',
  'email-src-display-name', 'windows-service-displayname', 'pdb',
]);

/** Types whose values may arrive defanged (`hxxp://evil[.]com`) and are refanged before anything else. */
export const NETWORK_TYPES: ReadonlySet<string> = new Set([
  'ip-src', 'ip-dst', 'ip-src|port', 'ip-dst|port', 'domain', 'hostname', 'hostname|port', 'domain|ip', 'url', 'uri',
  'link', 'email', 'email-src', 'email-dst', 'email-reply-to', 'whois-registrant-email', 'mac-address',
]);

export interface AttrOptions {
  /** Preferred category; used when the type (or relation) allows it, else the type's default. */
  category?: string;
  /** Extra comment for this piece. */
  comment?: string;
  /** Key suffix for the uuid (default: type=value). */
  suffix?: string;
  /** Force to_ids off (e.g. context values like a protocol). */
  noIds?: boolean;
  /** Refang even when the type is not a network type (passive-dns names, whois text). */
  refang?: boolean;
}

interface Prepared {
  type: string;
  value: string;
  category: string;
  toIds: boolean;
  comment?: string;
}

interface DraftPart extends Prepared {
  relation: string;
}

const joinComment = (parts: ReadonlyArray<string | undefined>): string | undefined => {
  const seen: string[] = [];
  for (const p of parts) if (p !== undefined && p !== '' && !seen.includes(p)) seen.push(p);
  return seen.length > 0 ? seen.join(' | ') : undefined;
};

/** A category the type accepts: the preferred one, else the relation's / type's default. */
export function pickCategory(type: string, preferred: string | undefined, relation?: TemplateRelation): string {
  const fallback = defaultCategory(type) ?? 'Other';
  if (relation?.categories) {
    if (preferred !== undefined && relation.categories.includes(preferred)) return preferred;
    if (relation.categories.includes(fallback)) return fallback;
    return relation.categories[0] ?? fallback;
  }
  if (preferred !== undefined && isCategoryAllowed(type, preferred)) return preferred;
  return fallback;
}

export class Emitter {
  readonly attributes: MispAttribute[] = [];
  readonly objects: MispObject[] = [];
  /** The uuid of the first piece made (what references to this CybOX object point at). */
  primaryUuid?: string;
  /** Set before mapping when the CybOX object has related objects to reference: prefer an object over attributes. */
  wantsObject = false;

  private primaryTaken = false;
  private readonly keys = new Set<string>();
  private readonly topLevel = new Set<string>();
  private readonly consumed = new Set<GenericElement>();
  /** Objects split into alternatives (see emitDraft), by the uuid of each: all of them. */
  private readonly siblings = new Map<string, MispObject[]>();

  constructor(
    readonly ctx: MappingContext,
    /** The CybOX object type (`File`, `WindowsExecutableFile`…), for comments and reports. */
    readonly cyboxType: string,
    /** The uuid key of the CybOX object (its id, else its observable's id), or undefined. */
    readonly baseKey: string | undefined,
    /** Where, for report entries (the STIX/CybOX id). */
    readonly where: string | undefined,
    readonly observable?: Observable,
  ) {}

  // ——— reading ————————————————————————————————————————————————————————————————————————————————

  /** Marks an element as read (its value is used, or deliberately not). */
  touch(el: GenericElement | undefined): void {
    if (el) this.consumed.add(el);
  }

  /** Marks an element and everything below it as read. */
  touchAll(el: GenericElement | undefined): void {
    if (!el) return;
    this.consumed.add(el);
    for (const c of el.children) this.touchAll(c);
  }

  isConsumed(el: GenericElement): boolean {
    return this.consumed.has(el);
  }

  /** The element's trimmed text, without list or pattern handling (for vocabulary fields like a hash type). */
  raw(el: GenericElement | undefined): string | undefined {
    if (!el) return undefined;
    this.consumed.add(el);
    const t = el.text?.trim();
    return t === undefined || t === '' ? undefined : t;
  }

  /** The first child's raw text along a path of local names. */
  rawAt(root: GenericElement | undefined, ...names: string[]): string | undefined {
    let el: GenericElement | undefined = root;
    for (const n of names) {
      el = el?.children.find((c) => c.name === n);
      if (!el) return undefined;
      this.consumed.add(el);
    }
    return this.raw(el);
  }

  /**
   * The values of a property: lists split, placeholders skipped (with a warning), the condition turned into
   * `exact` and a comment. A range (InclusiveBetween) gives one Val with both bounds.
   */
  read(el: GenericElement | undefined, field: string = el?.name ?? ''): Val[] {
    if (!el) return NO_VALS;
    this.consumed.add(el);
    const text = el.text;
    if (text === undefined) return NO_VALS;
    const condition = el.attributes['condition'];
    const apply = el.attributes['apply_condition'];
    const values = splitList(text, apply);
    if (values.length === 0) return NO_VALS;
    const exact = isExactCondition(condition) && !(apply === 'ALL' && values.length > 1);
    if (isRangeCondition(condition) && values.length === 2) {
      const [a, b] = values as [string, string];
      if (isPlaceholder(a) || isPlaceholder(b)) return this.placeholder(field, text);
      return [{ value: `${a} - ${b}`, exact: false, notes: [patternNote(field, condition as string, `${a}`, apply) + ` and "${b}"`], field, range: [a, b], condition }];
    }
    const out: Val[] = [];
    for (const v of values) {
      if (isPlaceholder(v)) {
        this.placeholder(field, v);
        continue;
      }
      let notes: string[] = NO_NOTES;
      if (!isExactCondition(condition)) notes = [patternNote(field, condition as string, v, apply)];
      else if (!exact) notes = [`one of a list that must all match (apply_condition ALL) in ${field}`];
      const val: Val = { value: v, exact, notes, field };
      if (condition !== undefined) val.condition = condition;
      out.push(val);
    }
    return out;
  }

  /** `read` for every element at a path (`readAt(props, 'Hashes', 'Hash', 'Simple_Hash_Value')`). */
  readAt(root: GenericElement | undefined, field: string | undefined, ...names: string[]): Val[] {
    if (!root) return NO_VALS;
    if (names.length === 1) {
      // The common case (one level): no intermediate arrays.
      const name = names[0];
      let out: Val[] = NO_VALS;
      const { children } = root;
      for (let i = 0; i < children.length; i++) {
        const c = children[i]!;
        if (c.name !== name) continue;
        const vals = this.read(c, field ?? c.name);
        if (vals.length > 0) out = out === NO_VALS ? vals : out.concat(vals);
        else this.consumed.add(c);
      }
      return out;
    }
    let out: Val[] = NO_VALS;
    for (const el of this.pathAll(root, ...names)) {
      const vals = this.read(el, field ?? el.name);
      if (vals.length > 0) out = out === NO_VALS ? vals : out.concat(vals);
    }
    return out;
  }

  /** Every element at a path, each step marked as read. */
  pathAll(root: GenericElement | undefined, ...names: string[]): GenericElement[] {
    if (!root) return [];
    let level: GenericElement[] = [root];
    for (const name of names) {
      const next: GenericElement[] = [];
      for (const e of level) {
        const { children } = e;
        for (let i = 0; i < children.length; i++) {
          const c = children[i]!;
          if (c.name === name) {
            next.push(c);
            this.consumed.add(c);
          }
        }
      }
      if (next.length === 0) return next;
      level = next;
    }
    return level;
  }

  /** The first element at a path in document order (the steps to it marked as read), without building lists. */
  path(root: GenericElement | undefined, ...names: string[]): GenericElement | undefined {
    return root ? this.firstAt(root, names, 0) : undefined;
  }

  private firstAt(el: GenericElement, names: readonly string[], i: number): GenericElement | undefined {
    if (i === names.length) return el;
    const name = names[i];
    const { children } = el;
    for (let j = 0; j < children.length; j++) {
      const c = children[j]!;
      if (c.name !== name) continue;
      const found = this.firstAt(c, names, i + 1);
      if (found) {
        this.consumed.add(c);
        return found;
      }
    }
    return undefined;
  }

  private placeholder(field: string, value: string): Val[] {
    this.ctx.report.warn('placeholder', `${this.cyboxType} ${field}: "${value}" is a placeholder, not a value; skipped.`, this.where);
    return NO_VALS;
  }

  /** A Val for a value the mapper computed (joined paths, a derived name…). */
  static val(value: string, field: string, exact = true, notes: string[] = NO_NOTES): Val {
    return { value, exact, notes, field };
  }

  // ——— building ———————————————————————————————————————————————————————————————————————————————

  /** The derived uuid of a key in this event (through the context's memo when it has one). */
  uuidOf(key: string): string {
    const { ctx } = this;
    return ctx.uuid ? ctx.uuid(key) : derivedUuid(ctx.eventUuid, key);
  }

  private tags(): MispTag[] | undefined {
    const tags = this.ctx.tags;
    return tags && tags.length > 0 ? tags.map((t) => ({ ...t })) : undefined;
  }

  /**
   * The piece as MISP takes it, or, when the value does not fit the type: `invalid` (in an object) or a `text`
   * fallback (standalone).
   */
  private prepare(type: string, val: Val, opts: AttrOptions, relation: TemplateRelation | undefined, inObject: boolean): Prepared | { invalid: string } {
    let value = val.value;
    let notes = val.notes;
    if (opts.refang || NETWORK_TYPES.has(type)) {
      const fixed = refang(value);
      if (fixed !== value) {
        notes = [...notes, `refanged from "${value}"`];
        this.ctx.report.info('refanged', `${this.cyboxType} ${val.field}: "${value}" refanged to "${fixed}".`, this.where);
        value = fixed;
      }
    }
    let normalized = normalizeValue(type, value);
    let problem = val.range && type !== 'text' ? 'a range, not a single value' : valueProblem(type, normalized);
    if (problem === undefined && relation?.valuesList && !relation.valuesList.includes(normalized)) problem = `not one of ${relation.valuesList.join(', ')}`;
    let finalType = type;
    if (problem !== undefined) {
      if (inObject) return { invalid: problem };
      finalType = 'text';
      normalized = value;
      notes = [...notes, `${val.field}: kept as text, not a valid ${type} (${problem})`];
      this.ctx.report.info('as-text', `${this.cyboxType} ${val.field}: "${value}" is not a valid ${type} (${problem}); kept as text.`, this.where);
    }
    // A value kept as text stays in the category of what it was meant to be (a network pattern: Network activity).
    const category = finalType === type ? pickCategory(type, opts.category, relation) : pickCategory(finalType, opts.category ?? defaultCategory(type));
    const toIds = this.ctx.toIds && val.exact && !opts.noIds && !NON_IDS_TYPES.has(finalType);
    let comment: string | undefined;
    if (notes.length === 0 && opts.comment === undefined) {
      // The common case: the context's comment alone (joinComment of one part, without its arrays).
      const c = this.ctx.comment;
      comment = c === undefined || c === '' ? undefined : c;
    } else comment = joinComment([this.ctx.comment, ...notes, opts.comment]);
    const out: Prepared = { type: finalType, value: normalized, category, toIds };
    if (comment !== undefined) out.comment = comment;
    return out;
  }

  /** A key for the next piece (undefined when a value-identity key was already used: the piece is a duplicate). */
  private allocKey(identity: string, suffix: string | undefined): string | undefined {
    if (this.baseKey !== undefined) {
      let key: string;
      if (!this.primaryTaken) {
        this.primaryTaken = true;
        key = this.baseKey;
      } else key = `${this.baseKey}/${suffix ?? identity}`;
      if (this.keys.has(key)) {
        let n = 2;
        while (this.keys.has(`${key}#${n}`)) n++;
        key = `${key}#${n}`;
      }
      this.keys.add(key);
      return key;
    }
    const key = `v|${identity}`;
    if (this.keys.has(key)) return undefined;
    this.keys.add(key);
    return key;
  }

  private pushAttribute(p: Prepared, suffix: string | undefined): MispAttribute | undefined {
    const identity = `${p.type}|${p.category}|${p.value}`;
    if (this.topLevel.has(identity)) return undefined; // MISP keeps one per value, type and category
    const key = this.allocKey(`${p.type}=${p.value}`, suffix);
    if (key === undefined) return undefined;
    this.topLevel.add(identity);
    const a: MispAttribute = { uuid: this.uuidOf(key), type: p.type, category: p.category, value: p.value, to_ids: p.toIds };
    if (p.comment !== undefined) a.comment = p.comment;
    const tags = this.tags();
    if (tags) a.Tag = tags;
    this.attributes.push(a);
    this.primaryUuid ??= a.uuid;
    return a;
  }

  /** One standalone attribute (falls back to `text` when the value does not fit the type). */
  attribute(type: string, val: Val, opts: AttrOptions = NO_OPTIONS): MispAttribute | undefined {
    const p = this.prepare(type, val, opts, undefined, false);
    if ('invalid' in p) return undefined; // not reached: standalone pieces fall back to text
    return this.pushAttribute(p, opts.suffix);
  }

  /** Each value as a standalone attribute. */
  attributeEach(type: string, vals: readonly Val[], opts: AttrOptions = NO_OPTIONS): void {
    for (const v of vals) this.attribute(type, v, opts);
  }

  /**
   * Standalone attributes, or — when the CybOX object has related objects to reference (`wantsObject`) and a
   * template can hold the values — one object (references need an object to hang on).
   */
  attributesOrObject(type: string, vals: readonly Val[], promote: { object: string; relation: string } | undefined, opts: AttrOptions = NO_OPTIONS): void {
    if (vals.length === 0) return;
    if (this.wantsObject && promote) {
      const draft = this.object(promote.object);
      draft.addAll(promote.relation, vals, opts);
      draft.emit(); // an incomplete object falls back to loose attributes itself
      return;
    }
    this.attributeEach(type, vals, opts);
  }

  /** A free-text attribute (`text`, never to_ids) carrying a value that has no closer MISP type. */
  text(val: Val, comment: string, opts: AttrOptions = {}): MispAttribute | undefined {
    return this.attribute('text', val, { ...opts, comment: joinComment([comment, opts.comment]) as string, noIds: true });
  }

  /** Starts a MISP object of a template (must be one of the shipped templates). */
  object(name: string): ObjectDraft {
    const template = templateFor(name);
    if (!template) throw new Error(`No object template named "${name}" is shipped.`);
    return new ObjectDraft(this, template);
  }

  /** @internal used by ObjectDraft */
  preparePart(draft: ObjectDraft, relation: string, val: Val, opts: AttrOptions): DraftPart | { invalid: string } {
    const rel = draft.template.relations.get(relation);
    if (!rel) throw new Error(`The ${draft.template.name} template has no relation "${relation}".`);
    const p = this.prepare(rel.type, val, opts, rel, true);
    if ('invalid' in p) return p;
    // Spelled out: an object spread of a piece that may or may not have a comment was a slow, generic copy.
    return p.comment === undefined
      ? { type: p.type, value: p.value, category: p.category, toIds: p.toIds, relation }
      : { type: p.type, value: p.value, category: p.category, toIds: p.toIds, comment: p.comment, relation };
  }

  /** @internal used by ObjectDraft */
  emitDraft(draft: ObjectDraft, opts: { suffix?: string; comment?: string; fallback?: 'attributes' | 'drop' }): MispObject | undefined {
    const { template, parts } = draft;
    const present = new Set(parts.map((p) => p.relation));
    const complete =
      template.required.every((r) => present.has(r)) && (template.requiredOneOf.length === 0 || template.requiredOneOf.some((r) => present.has(r)));
    if (!complete || parts.length === 0) {
      if ((opts.fallback ?? 'attributes') === 'attributes') {
        for (const p of parts) {
          const category = pickCategory(p.type, p.category);
          this.pushAttribute({ ...p, category, comment: joinComment([p.comment, `${template.name} ${p.relation}`]) as string }, `${p.type}=${p.value}`);
        }
        this.invalidToText(draft);
      }
      return undefined;
    }
    const identity = `${template.name}:${parts.map((p) => `${p.relation}=${p.value}`).join('|')}`;
    const key = this.allocKey(identity, opts.suffix ?? template.name);
    if (key === undefined) return undefined;
    const alternatives = alternativesOf(template, parts);
    if (alternatives === undefined) {
      const object = this.buildObject(template, parts, key, joinComment([this.ctx.comment, opts.comment]));
      this.invalidToText(draft);
      return object;
    }
    // Several values under a relation the template takes once (a `##comma##` list, two MD5s of one file): the CybOX
    // values are alternatives (OR), so one object per combination of them, each saying so. Too many combinations:
    // the first one as the object, the other values as loose attributes.
    const { combos } = alternatives;
    const rels = alternatives.relations.join(', ');
    if (combos.length > MAX_ALTERNATIVES) {
      const first = combos[0]!;
      const object = this.buildObject(template, first, key, joinComment([this.ctx.comment, opts.comment, `the first of several alternatives (OR) for ${rels}; the others are attributes beside it`]));
      for (const p of parts) {
        if (first.includes(p)) continue;
        this.pushAttribute({ ...p, category: pickCategory(p.type, p.category), comment: joinComment([p.comment, `alternative ${template.name} ${p.relation} (OR)`]) as string }, `${p.type}=${p.value}`);
      }
      this.invalidToText(draft);
      return object;
    }
    const siblings: MispObject[] = [];
    combos.forEach((combo, i) => {
      const k = i === 0 ? key : `${key}#or${i + 1}`;
      this.keys.add(k);
      const note = `alternative ${i + 1} of ${combos.length} (OR): the ${template.name} template takes one ${rels}`;
      siblings.push(this.buildObject(template, combo, k, joinComment([this.ctx.comment, opts.comment, note])));
    });
    for (const o of siblings) this.siblings.set(o.uuid, siblings);
    this.invalidToText(draft);
    return siblings[0];
  }

  /** The object of a template holding these parts, added to the output. */
  private buildObject(template: ObjectTemplate, parts: readonly DraftPart[], key: string, comment: string | undefined): MispObject {
    const tags = this.tags();
    const attrKeys = new Set<string>();
    const attributes: MispAttribute[] = parts.map((p) => {
      let k = `${key}/${p.relation}=${p.value}`;
      if (attrKeys.has(k)) {
        let n = 2;
        while (attrKeys.has(`${k}#${n}`)) n++;
        k = `${k}#${n}`;
      }
      attrKeys.add(k);
      const a: MispAttribute = {
        uuid: this.uuidOf(k),
        object_relation: p.relation,
        type: p.type,
        category: p.category,
        value: p.value,
        to_ids: p.toIds,
      };
      if (p.comment !== undefined) a.comment = p.comment;
      if (tags) a.Tag = tags.map((t) => ({ ...t }));
      return a;
    });
    const object: MispObject = {
      uuid: this.uuidOf(key),
      name: template.name,
      'meta-category': template.metaCategory,
      template_uuid: template.uuid,
      template_version: template.version,
      Attribute: attributes,
    };
    if (comment !== undefined) object.comment = comment;
    this.objects.push(object);
    this.primaryUuid ??= object.uuid;
    return object;
  }

  private invalidToText(draft: ObjectDraft): void {
    for (const { relation, val, problem } of draft.invalid) {
      const rel = draft.template.relations.get(relation);
      const type = rel?.type ?? 'text';
      // Kept in the category of what it was meant to be (an e-mail sender pattern: Payload delivery).
      const category = rel?.categories?.[0] ?? defaultCategory(type);
      this.text(val, `${draft.template.name} ${relation}: not a valid ${type} (${problem})`, category !== undefined ? { category } : {});
    }
  }

  /** An object reference from `from` to a uuid (no self references, no duplicates). */
  reference(from: MispObject, toUuid: string, relationship: string, comment?: string): void {
    if (this.siblings.size > 0 && (this.siblings.has(from.uuid) || this.siblings.has(toUuid))) {
      // An object split into alternatives: every alternative holds the reference, to every alternative.
      const targets = this.siblings.get(toUuid)?.map((o) => o.uuid) ?? [toUuid];
      for (const f of this.siblings.get(from.uuid) ?? [from]) for (const t of targets) this.addReference(f, t, relationship, comment);
      return;
    }
    this.addReference(from, toUuid, relationship, comment);
  }

  private addReference(from: MispObject, toUuid: string, relationship: string, comment?: string): void {
    if (toUuid === from.uuid) return;
    const refs = (from.ObjectReference ??= []);
    if (refs.some((r) => r.referenced_uuid === toUuid && r.relationship_type === relationship)) return;
    const ref = { uuid: this.uuidOf(`ref|${from.uuid}|${relationship}|${toUuid}`), referenced_uuid: toUuid, relationship_type: relationship };
    refs.push(comment === undefined ? ref : { ...ref, comment });
  }

  /** Everything under `root` that has text and was never read, as paths (`Headers/File_Header/Machine`). */
  unreadFields(root: GenericElement | undefined): string[] {
    if (!root) return NO_NOTES;
    const out: string[] = [];
    this.collectUnread(root, '', out);
    return out.length > 1 ? [...new Set(out)] : out;
  }

  /** The unread fields under `el` (whose path is `path`) into `out`; a path is only built where it is needed. */
  private collectUnread(el: GenericElement, path: string, out: string[]): void {
    const { children } = el;
    for (let i = 0; i < children.length; i++) {
      const c = children[i]!;
      const unread = c.text !== undefined && !this.consumed.has(c);
      if (!unread && c.children.length === 0) continue;
      const p = path === '' ? c.name : `${path}/${c.name}`;
      if (unread) out.push(p);
      this.collectUnread(c, p, out);
    }
  }
}

/** A MISP object being filled; `emit()` checks it against its template and adds it (or its parts) to the output. */
export class ObjectDraft {
  readonly parts: DraftPart[] = [];
  readonly invalid: { relation: string; val: Val; problem: string }[] = [];

  constructor(
    private readonly em: Emitter,
    readonly template: ObjectTemplate,
  ) {}

  /** Adds a value under a relation (its type is the relation's). False when the value does not fit the type. */
  add(relation: string, val: Val | undefined, opts: AttrOptions = NO_OPTIONS): boolean {
    if (!val) return false;
    const p = this.em.preparePart(this, relation, val, opts);
    if ('invalid' in p) {
      this.invalid.push({ relation, val, problem: p.invalid });
      return false;
    }
    if (this.parts.some((q) => q.relation === p.relation && q.value === p.value)) return true;
    this.parts.push(p);
    return true;
  }

  addAll(relation: string, vals: readonly Val[], opts: AttrOptions = NO_OPTIONS): void {
    for (const v of vals) this.add(relation, v, opts);
  }

  has(relation: string): boolean {
    return this.parts.some((p) => p.relation === relation);
  }

  get size(): number {
    return this.parts.length + this.invalid.length;
  }

  /**
   * Adds the object when its template's requirements are met; otherwise its parts become loose attributes
   * (`fallback: 'attributes'`, the default) or nothing (`'drop'`).
   */
  emit(opts: { suffix?: string; comment?: string; fallback?: 'attributes' | 'drop' } = {}): MispObject | undefined {
    return this.em.emitDraft(this, opts);
  }
}

/** At most this many objects for the alternatives of one CybOX object (the product of its lists' lengths). */
export const MAX_ALTERNATIVES = 16;

/**
 * The combinations of alternatives when several parts share a relation the template takes once (`multiple` not
 * set): each combination takes one value of every such relation and every other part, in the parts' order.
 * Undefined when no such relation repeats (one object holds them all). The first combination holds the first values.
 */
export function alternativesOf<P extends { relation: string }>(template: ObjectTemplate, parts: readonly P[]): { combos: P[][]; relations: string[] } | undefined {
  let groups: Map<string, P[]> | undefined;
  for (let i = 0; i < parts.length; i++) {
    const r = parts[i]!.relation;
    for (let j = 0; j < i; j++) {
      if (parts[j]!.relation !== r) continue;
      if (template.relations.get(r)?.multiple) break;
      groups ??= new Map();
      if (!groups.has(r)) groups.set(r, parts.filter((p) => p.relation === r));
      break;
    }
  }
  if (!groups) return undefined;
  let combos: Map<string, P>[] = [new Map()];
  for (const [r, values] of groups) {
    const next: Map<string, P>[] = [];
    for (const c of combos) {
      for (const v of values) next.push(new Map(c).set(r, v));
      if (next.length > MAX_ALTERNATIVES * 4) break;
    }
    combos = next;
  }
  return { combos: combos.map((chosen) => parts.filter((p) => !groups!.has(p.relation) || chosen.get(p.relation) === p)), relations: [...groups.keys()] };
}

/** Maps the `Properties` of one CybOX object type through an Emitter. */
export type Mapper = (props: GenericElement, em: Emitter) => void;

/** `Label: value`, or `Label Contains "value"` for a pattern: one line of a free-text description. */
export function describeVal(label: string, val: Val): string {
  if (val.range) return `${label} ${val.condition ?? 'between'} ${val.range[0]} and ${val.range[1]}`;
  if (val.condition !== undefined && val.condition !== 'Equals') return `${label} ${val.condition} "${val.value}"`;
  return `${label}: ${val.value}`;
}
