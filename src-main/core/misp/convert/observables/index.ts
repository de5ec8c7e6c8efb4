/**
 * CybOX observables → MISP attributes and objects (issue 6). `mapObservable` implements the contract
 * (`../contract.ts`): one observable — an Object, a CybOX Event's associated objects, an Observable_Composition
 * (its members mapped in turn; the operator is the caller's to express), or an idref followed to its definition —
 * in, valid MISP pieces out, everything dropped/refanged/kept as text said in `ctx.report`.
 *
 * Callers building an event: map every observable, then `mergeMapped(parts, report, { pruneReferences: true })`
 * (the same definition reached twice gives the same uuids; references to undefined objects are dropped).
 * `resolversFor(pkg)` gives the `resolve` / `resolveObject` pair. See README.md for the mapping table.
 */
import type { CyboxEvent, Observable } from '../../../stix/model/types';
import type { MapObservable, Mapped, MappingContext } from '../contract';
import { Emitter } from './emit';
import { mergeMapped } from './merge';
import { countOnce, mapCyboxObject, skip, UNRESOLVED } from './object';

export { mergeMapped, type MergeOptions } from './merge';
export { resolversFor, type Resolvers } from './resolve';
export { MAPPERS } from './object';

/** Coverage type of an observable that holds neither an object, an event nor a composition. */
export const NO_OBJECT = '(observable without object)';

const MAX_NESTING = 32;

/** A copy of the context with other to_ids / comment (methods kept: the context may be a class instance). */
function derive(ctx: MappingContext, toIds: boolean, comment: string | undefined): MappingContext {
  const out: MappingContext = {
    eventUuid: ctx.eventUuid,
    toIds,
    resolve: (id) => ctx.resolve(id),
    report: ctx.report,
  };
  if (comment !== undefined) out.comment = comment;
  if (ctx.tags !== undefined) out.tags = ctx.tags;
  if (ctx.resolveObject) out.resolveObject = (id) => ctx.resolveObject?.(id);
  if (ctx.uuid) out.uuid = (key) => ctx.uuid!(key);
  return out;
}

function mapEvent(event: CyboxEvent, ctx: MappingContext, observable: Observable, key: string | undefined, out: Mapped, depth: number): void {
  if (depth > MAX_NESTING) return;
  event.actions.forEach((action, i) => {
    action.associatedObjects.forEach((o, j) => {
      mapCyboxObject(o, ctx, o.id ?? (key !== undefined ? `${key}/action/${i}/${j}` : undefined), observable, out);
    });
  });
  event.events.forEach((e, i) => mapEvent(e, ctx, observable, key !== undefined ? `${key}/event/${i}` : undefined, out, depth + 1));
}

function mapInto(input: Observable, ctx: MappingContext, out: Mapped, stack: Observable[]): void {
  let obs = input;
  if (obs.idref !== undefined && !obs.object && !obs.event && !obs.composition) {
    const target = ctx.resolve(obs.idref);
    if (!target) {
      skip(ctx, obs, UNRESOLVED, 'unresolved-idref', `Observable ${obs.idref} is referenced but not defined in the package; skipped.`, obs.idref);
      return;
    }
    obs = target;
  }
  if (stack.includes(obs) || stack.length > MAX_NESTING) {
    ctx.report.warn('cycle', `Observable ${obs.id ?? ''} refers to itself through its composition; not followed again.`, obs.id);
    return;
  }
  stack.push(obs);
  let c = ctx;
  if (obs.negate) {
    const note = 'CybOX observable negated (negate="true"): it describes what must NOT be seen';
    c = derive(ctx, false, ctx.comment ? `${ctx.comment} | ${note}` : note);
  }
  let any = false;
  if (obs.object) {
    any = true;
    mapCyboxObject(obs.object, c, obs.object.id ?? obs.id, obs, out);
  }
  if (obs.event) {
    any = true;
    mapEvent(obs.event, c, obs, obs.event.id ?? obs.id, out, 0);
  }
  if (obs.composition) {
    any = true;
    for (const member of obs.composition.observables) mapInto(member, c, out, stack);
  }
  if (!any) {
    const text = obs.description?.trim() || obs.title?.trim();
    const em = new Emitter(c, NO_OBJECT, obs.id, obs.id, obs);
    if (text) {
      em.text(Emitter.val(text, 'Description'), 'CybOX observable without object: its description');
      countOnce(ctx, obs, NO_OBJECT, 'text');
      out.attributes.push(...em.attributes);
    } else skip(ctx, obs, NO_OBJECT, 'skipped', 'no object, event, composition or description; skipped.', obs.id);
  }
  stack.pop();
}

/** Whether one observable's pieces repeat a uuid or a top-level value (rare: a list repeating a value…). */
function hasDuplicates(m: Mapped): boolean {
  if (m.attributes.length + m.objects.length < 2) return false;
  const seen = new Set<string>();
  for (const a of m.attributes) {
    const k = `${a.type}|${a.category}|${a.value}`;
    if (seen.has(a.uuid) || seen.has(k)) return true;
    seen.add(a.uuid).add(k);
  }
  for (const o of m.objects) {
    if (seen.has(o.uuid)) return true;
    seen.add(o.uuid);
  }
  return false;
}

export const mapObservable: MapObservable = (observable, ctx) => {
  const out: Mapped = { attributes: [], objects: [] };
  mapInto(observable, ctx, out, []);
  return hasDuplicates(out) ? mergeMapped([out], ctx.report) : out;
};
