/**
 * The state of one package's conversion: the id index, the policy, the collected parts, and the helpers every
 * construct handler uses — scopes (comment, tags, distribution for what a construct makes), mapping an observable
 * through the issue-6 mapper, and building attributes and objects with derived uuids.
 */
import type { Construct, CyboxObject, Marking, Observable, StixPackage } from '../../../stix/model/types';
import { resolveRef, type IdIndex } from '../../../stix/index';
import { handlingOf, scanModel, type ModelScan } from './scan';
import type { EventDistribution, MispAttribute, MispObject, MispObjectReference, MispTag } from '../../model';
import { defaultCategory, templateFor } from '../../validate/index';
import { ConversionReport, derivedUuid, type MapObservable, type Mapped, type MappingContext } from '../contract';
import { decide, policyMarkings, readMarkings, stricter, targetedId, type DistributionDecision, type MarkingFacts, type PolicySettings } from './markings';
import { EventParts, joinComment, unionTags } from './parts';

/** What everything made for one construct carries. */
export interface Scope {
  /** Comment for every attribute and object made. */
  comment?: string;
  /** Tags for every attribute made (construct markings, kill chain, confidence, TTP galaxies). */
  tags: MispTag[];
  /** Set only when the construct's markings are stricter than the event's. */
  distribution?: EventDistribution;
  sharingGroupId?: number;
  toIds: boolean;
  /** The STIX id or path, for the report. */
  where: string;
}

/** Whitespace that `oneLine` would change: a run of two, or any whitespace character other than a space. */
const NOT_ONE_LINE = /\s\s|[^\S ]/;

function oneLine(s: string): string {
  // Most titles and descriptions are one line already: a test instead of a replace (and its copy).
  return (NOT_ONE_LINE.test(s) ? s.replace(/\s+/g, ' ') : s).trim();
}

/** Readable text for comments: one line, at most `max` characters. */
export function brief(s: string | undefined, max = 1000): string | undefined {
  if (s === undefined) return undefined;
  const t = oneLine(s);
  if (t === '') return undefined;
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

/** Parts of a comment joined with " | ", empty ones left out. */
export function commentOf(...parts: (string | undefined | false)[]): string | undefined {
  const kept = parts.filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  return kept.length ? kept.join(' | ') : undefined;
}

/** A tag value as MISP machine tags take it: no double quotes inside, one line. */
export function tagValue(s: string): string {
  return oneLine(s).replace(/"/g, "'").slice(0, 200);
}

export class BuildContext {
  readonly parts: EventParts;
  readonly index: IdIndex;
  /** Markings whose Controlled_Structure names one construct by id, by that id. */
  private readonly targeted = new Map<string, Marking[]>();
  /** Stand-ins built for references (one per target, so a repeat is recognised as a repeat). */
  private readonly wrappers = new Map<object, Observable>();
  /** Observable definitions mapped once already (a repeat use only merges, it does not count twice). */
  /** What the first use of each observable gave (see mapUse); null when its mapping failed. */
  private readonly mappedObservables = new Map<Observable, Mapped | null>();
  /** Event tags, in order. */
  readonly eventTags: MispTag[] = [];
  /**
   * What each construct produced (uuids of kept attributes and objects), for the references of the report objects
   * of incidents and reports: kept only when the package has any (a set per construct is a cost to every other).
   */
  readonly produced = new Map<object, string[]>();
  private readonly tracksProduced: boolean;

  constructor(
    readonly model: StixPackage,
    readonly eventUuid: string,
    readonly report: ConversionReport,
    readonly settings: PolicySettings,
    private readonly map: MapObservable,
  ) {
    this.parts = new EventParts(report);
    this.scan = scanModel(model);
    this.index = this.scan.index;
    this.tracksProduced = this.scan.definitions.incident.length > 0 || this.scan.definitions.report.length > 0;
    for (const dup of this.index.duplicates) report.warn('duplicate-id', `the id ${dup} is defined more than once; references use the first definition`, dup);
    for (const { construct, handling } of this.scan.marked) {
      for (const m of handling) {
        const target = targetedId(m);
        if (target !== undefined && target !== construct.id) {
          const list = this.targeted.get(target) ?? [];
          list.push(m);
          this.targeted.set(target, list);
        }
      }
    }
  }

  /** The resolvers handed to the mapper, made once per package. */
  private readonly resolveFn = (idref: string): Observable | undefined => this.resolveId(idref);
  private readonly resolveObjectFn = (idref: string): CyboxObject | undefined => this.resolveObjectId(idref);

  /** Definitions by kind, marked constructs, timestamps: the package read once. */
  readonly scan: ModelScan;

  /** The event-level decision, set by the builder once the header was read. */
  eventDecision!: DistributionDecision;

  /**
   * derivedUuid(event uuid, key). Not remembered: since a repeat use of an observable that adds nothing is no longer
   * mapped again (mapUse), a key seldom comes twice (15 of 1,936 on the corpus, none in an AIS feed), and a map of
   * every key cost more than deriving the few repeats again, and kept every key alive.
   */
  uuid(key: string): string {
    return derivedUuid(this.eventUuid, key);
  }
  private readonly uuidFn = (key: string): string => this.uuid(key);

  addEventTag(name: string): void {
    const n = name.trim();
    if (n !== '' && !this.eventTags.some((t) => t.name === n)) this.eventTags.push({ name: n });
  }

  // ——— markings and scopes ———————————————————————————————————————————————————————————————————

  /** The markings that apply to a construct: its own (those not aimed at another construct) and those aimed at it. */
  markingsOf(c: { id?: string; handling?: Marking[] }): MarkingFacts {
    const own = (c.handling ?? []).filter((m) => {
      const t = targetedId(m);
      return t === undefined || t === c.id;
    });
    const aimed = c.id !== undefined ? (this.targeted.get(c.id) ?? []) : [];
    return readMarkings([...own, ...aimed]);
  }

  /**
   * The markings a construct written inside other constructs inherits from them (a COA inside an indicator, an
   * exploit target inside a TTP…): those of each enclosing construct whose Controlled_Structure reaches its
   * descendants, outermost first. The package header's are the event's, not inherited here.
   */
  inheritedMarkings(c: object): MarkingFacts[] {
    const levels: MarkingFacts[] = [];
    for (let p = this.scan.parents.get(c as Construct); p !== undefined; p = this.scan.parents.get(p)) {
      const own = handlingOf(p).filter((m) => {
        const t = targetedId(m);
        return (t === undefined || t === p!.id) && reachesDescendants(m);
      });
      const aimed = p.id !== undefined ? (this.targeted.get(p.id) ?? []).filter(reachesDescendants) : [];
      if (own.length > 0 || aimed.length > 0) levels.unshift(readMarkings([...own, ...aimed]));
    }
    return levels;
  }

  /** Tags and (when stricter than the event) distribution from a construct's markings and those it inherits. */
  scopeFor(c: { id?: string; handling?: Marking[] }, base: Omit<Scope, 'tags'> & { tags?: MispTag[] }): Scope {
    const inherited = this.scan.parents.has(c as Construct) ? this.inheritedMarkings(c) : [];
    if ((c.handling === undefined || c.handling.length === 0) && (c.id === undefined || !this.targeted.has(c.id)) && inherited.length === 0) return { ...base, tags: base.tags ?? [] };
    const own = this.markingsOf(c);
    // Tags: the nearest marking of a kind wins (a COA's own TLP over its indicator's), as MISP takes one tlp tag.
    let names: string[] = [];
    for (const level of [...inherited, own]) names = overlayTags(names, level.tags);
    const facts: MarkingFacts = { ...own, tlp: [...new Set([...inherited.flatMap((l) => l.tlp), ...own.tlp])], consent: [...new Set([...inherited.flatMap((l) => l.consent), ...own.consent])] };
    const scope: Scope = { ...base, tags: unionTags(base.tags, names.map((name) => ({ name }))) ?? [] };
    const decision = decide(policyMarkings(facts, false), this.settings);
    if (decision) {
      const d = stricter(decision.distribution, this.eventDecision.distribution);
      if (d !== this.eventDecision.distribution) {
        scope.distribution = stricter(d, scope.distribution ?? d);
        if (d === 4 && decision.sharingGroupId !== undefined) scope.sharingGroupId = decision.sharingGroupId;
        this.report.info('distribution', `${c.id ?? base.where}: its markings restrict it to distribution ${decision.summary}`, c.id ?? base.where);
      }
    }
    return scope;
  }

  /** Applies a scope to an attribute made outside the mapper. */
  private applyScope(a: MispAttribute, scope: Scope): void {
    if (scope.comment !== undefined && a.comment !== scope.comment) {
      const comment = joinComment(a.comment, scope.comment);
      if (comment !== undefined) a.comment = comment;
    }
    if (scope.tags.length > 0) {
      const tags = unionTags(a.Tag, scope.tags);
      if (tags) a.Tag = tags;
    }
    if (!scope.toIds) a.to_ids = false;
    if (scope.distribution !== undefined) {
      a.distribution = a.distribution === undefined || a.distribution === 5 ? scope.distribution : stricter(a.distribution, scope.distribution);
      if (a.distribution === 4 && scope.sharingGroupId !== undefined) a.sharing_group_id = scope.sharingGroupId;
    }
  }

  private applyObjectScope(o: MispObject, scope: Scope): void {
    const comment = joinComment(o.comment, scope.comment);
    if (comment !== undefined) o.comment = comment;
    if (scope.distribution !== undefined) {
      o.distribution = o.distribution === undefined || o.distribution === 5 ? scope.distribution : stricter(o.distribution, scope.distribution);
      if (o.distribution === 4 && scope.sharingGroupId !== undefined) o.sharing_group_id = scope.sharingGroupId;
    }
    for (const a of o.Attribute) {
      if (scope.tags.length > 0) {
        const tags = unionTags(a.Tag, scope.tags);
        if (tags) a.Tag = tags;
      }
      if (!scope.toIds) a.to_ids = false;
    }
  }

  /** Notes that `owner` produced the piece with this uuid (once, in order). */
  private remember(owner: object | undefined, uuid: string): void {
    if (!owner || !this.tracksProduced) return;
    let set = this.producedSets.get(owner);
    if (!set) {
      this.producedSets.set(owner, (set = new Set()));
      this.produced.set(owner, []);
    }
    if (set.has(uuid)) return;
    set.add(uuid);
    this.produced.get(owner)!.push(uuid);
  }
  private readonly producedSets = new Map<object, Set<string>>();

  // ——— observables ——————————————————————————————————————————————————————————————————————————

  /** Follows an idref to an observable; an idref to a CybOX object gives an observable wrapping that object. */
  resolveId(idref: string, depth = 0): Observable | undefined {
    const target = this.index.byId.get(idref);
    if (!target || depth > 8) return undefined;
    if (target.kind === 'observable') return target.idref !== undefined ? this.resolveId(target.idref, depth + 1) : target;
    if (target.kind === 'object') return this.wrapper(target, () => wrapObject(target));
    return undefined;
  }

  /** Follows an idref to a CybOX object (or to the object of the observable it names). */
  resolveObjectId(idref: string, depth = 0): CyboxObject | undefined {
    const target = this.index.byId.get(idref);
    if (!target || depth > 8) return undefined;
    if (target.kind === 'object') return target.idref !== undefined ? this.resolveObjectId(target.idref, depth + 1) : target;
    if (target.kind === 'observable') {
      if (target.idref !== undefined) return this.resolveObjectId(target.idref, depth + 1);
      return target.object?.idref !== undefined ? this.resolveObjectId(target.object.idref, depth + 1) : target.object;
    }
    return undefined;
  }

  private wrapper(key: object, make: () => Observable): Observable {
    let w = this.wrappers.get(key);
    if (!w) this.wrappers.set(key, (w = make()));
    return w;
  }

  /**
   * The definition of an observable (itself, or what its idref points at); undefined when the idref dangles, with an
   * `unresolved-idref` warning unless `warn` is false (the caller reports it its own way).
   */
  resolveObservable(o: Observable, where: string, warn = true): Observable | undefined {
    if (o.idref === undefined) {
      if (o.object?.idref !== undefined && o.object.properties === undefined) {
        const target = resolveRef(this.index, o.object);
        if (target) return this.wrapper(o, () => ({ ...o, object: target }));
        if (warn) this.report.warn('unresolved-idref', `the object ${o.object.idref} is referenced but not defined in the package: dropped`, where);
        return undefined;
      }
      return o;
    }
    const def = this.resolveId(o.idref);
    if (!def && warn) this.report.warn('unresolved-idref', `the observable ${o.idref} is referenced but not defined in the package: dropped`, where);
    return def;
  }

  /**
   * Maps one observable (resolved) with the issue-6 mapper in a scope, adds what it made to the event and returns the
   * kept pieces. A repeat of an observable already mapped merges into the first (same derived uuids).
   */
  mapUse(def: Observable, scope: Scope, owner?: object): Mapped {
    const first = this.mappedObservables.get(def);
    const repeat = first !== undefined;
    if (!repeat) this.mappedObservables.set(def, null);
    const comment = commentOf(scope.comment, def.negate === true && 'negated observable (NOT)', def.title && `observable: ${brief(def.title, 200)}`);
    if (first && comment === undefined && !scope.toIds && scope.tags.length === 0 && scope.distribution === undefined) {
      // A repeat that adds nothing — no comment, tag or distribution, to_ids false (typically the package's own
      // Observables, already reached through the indicators naming them): mapping it again would only merge the
      // same pieces into themselves. In the big corpus packages this was a third of the building time.
      if (owner) for (const p of [...first.attributes, ...first.objects]) this.remember(owner, p.uuid);
      return first;
    }
    const ctx: MappingContext = {
      eventUuid: this.eventUuid,
      toIds: scope.toIds && def.negate !== true,
      tags: scope.tags,
      resolve: this.resolveFn,
      resolveObject: this.resolveObjectFn,
      uuid: this.uuidFn,
      report: repeat ? new ConversionReport() : this.report,
    };
    if (comment !== undefined) ctx.comment = comment;
    let mapped: Mapped;
    try {
      mapped = this.map(def, ctx);
    } catch (e) {
      this.report.warn('mapping-failed', `the observable could not be mapped: ${e instanceof Error ? e.message : String(e)}`, def.id ?? scope.where);
      return { attributes: [], objects: [] };
    }
    // The scope with the mapping's to_ids and comment (spelled out: spreading a scope was a slow generic copy).
    const full: Scope = {
      comment: comment ?? scope.comment,
      tags: scope.tags,
      distribution: scope.distribution,
      sharingGroupId: scope.sharingGroupId,
      toIds: ctx.toIds,
      where: scope.where,
    };
    const where = def.id ?? scope.where;
    const attributes: MispAttribute[] = [];
    for (const a of mapped.attributes) {
      this.applyScope(a, full);
      attributes.push(this.parts.addAttribute(a, where));
    }
    const objects: MispObject[] = [];
    for (const o of mapped.objects) {
      this.applyObjectScope(o, full);
      objects.push(this.parts.addObject(o));
    }
    if (owner) {
      for (const a of attributes) this.remember(owner, a.uuid);
      for (const o of objects) this.remember(owner, o.uuid);
    }
    if (!repeat) this.mappedObservables.set(def, { attributes, objects });
    return { attributes, objects };
  }

  // ——— pieces made here ——————————————————————————————————————————————————————————————————————

  /** An attribute of our own (not from CybOX), uuid derived from `key`, category the type's default. */
  attribute(key: string, type: string, value: string, scope: Scope, extra: Partial<MispAttribute> = {}, owner?: object): MispAttribute {
    const a: MispAttribute = {
      uuid: this.uuid(key),
      type,
      category: extra.category ?? defaultCategory(type) ?? 'Other',
      value,
      to_ids: extra.to_ids ?? false,
      ...extra,
    };
    if (a.comment === undefined || a.comment === '') delete a.comment;
    this.applyScope(a, scope);
    const kept = this.parts.addAttribute(a, scope.where);
    this.remember(owner, kept.uuid);
    return kept;
  }

  /**
   * An object of our own from its template: relations with empty values are left out; undefined (nothing added) when
   * the template's required relations are not met.
   */
  object(
    key: string,
    name: string,
    relations: [relation: string, value: string | undefined][],
    scope: Scope,
    extra: { comment?: string; references?: MispObjectReference[] } = {},
    owner?: object,
  ): MispObject | undefined {
    const template = templateFor(name);
    if (!template) throw new Error(`no object template named ${name}`);
    const uuid = this.uuid(key);
    const attributes: MispAttribute[] = [];
    for (const [relation, raw] of relations) {
      const value = raw?.trim();
      const spec = template.relations.get(relation);
      if (!spec || value === undefined || value === '') continue;
      const def = defaultCategory(spec.type) ?? 'Other';
      const category = spec.categories && !spec.categories.includes(def) ? spec.categories[0]! : def;
      attributes.push({
        uuid: derivedUuid(uuid, `${relation}|${attributes.filter((a) => a.object_relation === relation).length}`),
        object_relation: relation,
        type: spec.type,
        category,
        value,
        to_ids: false,
        ...(spec.disableCorrelation ? { disable_correlation: true } : {}),
      });
    }
    const present = (r: string) => attributes.some((a) => a.object_relation === r);
    if (!template.required.every(present) || (template.requiredOneOf.length > 0 && !template.requiredOneOf.some(present))) return undefined;
    const o: MispObject = {
      uuid,
      name,
      'meta-category': template.metaCategory,
      description: template.description,
      template_uuid: template.uuid,
      template_version: template.version,
      Attribute: attributes,
    };
    if (extra.comment) o.comment = extra.comment;
    if (extra.references && extra.references.length) o.ObjectReference = extra.references;
    this.applyObjectScope(o, scope);
    const kept = this.parts.addObject(o);
    this.remember(owner, kept.uuid);
    return kept;
  }

}

/**
 * Whether a marking reaches the descendants of the construct holding it: its Controlled_Structure selects them
 * (`../../../descendant-or-self::node()`, `//node()`, `…//node()`), or it has none.
 */
function reachesDescendants(m: Marking): boolean {
  const cs = m.controlledStructure?.trim();
  return cs === undefined || cs === '' || /descendant|\/\/|node\(\)|\*/.test(cs);
}

/** What a tag is about: `tlp`, `ais-marking:AISConsent`… (the machine tag's namespace and predicate). */
function tagKind(tag: string): string {
  const eq = tag.indexOf('=');
  if (eq !== -1) return tag.slice(0, eq);
  const colon = tag.indexOf(':');
  return colon !== -1 ? tag.slice(0, colon) : tag;
}

/** `outer` with the tags of `inner`, an inner tag replacing the outer ones of its kind. */
function overlayTags(outer: readonly string[], inner: readonly string[]): string[] {
  if (outer.length === 0) return [...inner];
  const kinds = new Set(inner.map(tagKind));
  const out = outer.filter((t) => !kinds.has(tagKind(t)));
  for (const t of inner) if (!out.includes(t)) out.push(t);
  return out;
}

/** An observable standing for a CybOX object referenced directly (`<cybox:Object idref=…>`). */
function wrapObject(object: CyboxObject): Observable {
  return { kind: 'observable', keywords: [], sources: [], object, extensions: [] };
}
