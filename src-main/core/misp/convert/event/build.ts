/**
 * One STIX package → one MISP event (issue 7). See README.md beside this file for every decision.
 *
 * Deterministic: the same package and settings give the same event, byte for byte once serialised — uuids are
 * derived (`derivedUuid`) from the event uuid and stable keys, the order is the document's, and the timestamps come
 * from the package, never from the clock.
 */
import type { DistributionPolicy } from '../../../config/config';
import { FlareError } from '../../../errors';
import type { ExtractedPackage } from '../../../stix/index';
import type { ExploitTarget, Observable, StixPackage, TlpColor } from '../../../stix/model/types';
import type { MispEvent, MispTag } from '../../model';
import { checkEvent, type DroppedCounts, type ValidationIssue } from '../../validate/index';
import { ConversionReport, type MapObservable } from '../contract';
import { convertCampaign, convertCourseOfAction, convertExploitTarget, convertIncident, convertReport, convertThreatActor, convertTtp } from './constructs';
import { BuildContext, brief, commentOf, type Scope } from './context';
import { addDecision, addHeader, addMarkingTexts, noteMarkingTexts } from './header';
import { collectIndicators, convertIndicator } from './indicators';
import { decide, policyMarkings, policySettings, type DistributionDecision } from './markings';
import { eventInfo, eventUuidFor, modelHash, parseStixTime, utcDate } from './package-info';

/** The destination settings the event takes (a subset of `MispConfig`). */
export interface EventSettings {
  /** `flare.misp.distribution`: the distribution of shareable data. */
  distribution?: number;
  distributionPolicy?: DistributionPolicy;
  sharingGroup?: string;
  /**
   * The sharing group's numeric id when `sharingGroup` names it by uuid or name: MISP resolved it (the MISP client's
   * `sharingGroup()`); a conversion without a MISP connection has only the text.
   */
  sharingGroupId?: number;
  threatLevel?: number;
  analysis?: number;
  /** Extra tags for every event. */
  tags?: readonly string[];
}

export interface BuildEventOptions {
  misp?: EventSettings;
  /** When the package carries no usable time at all: when it was received (ISO), instead of 1970-01-01. */
  receivedAt?: string;
  /** Collect into this report instead of a new one. */
  report?: ConversionReport;
}

export interface BuiltEvent {
  /** The event as MISP will keep it (checked like MISP checks it: values normalised, invalid pieces left out). */
  event: MispEvent;
  report: ConversionReport;
  distribution: DistributionDecision;
  /** What the MISP-like check said (errors are pieces left out; each is also a warning in the report). */
  issues: ValidationIssue[];
  dropped: DroppedCounts;
}

/** The event could not be built at all (MISP would refuse it whole). */
export class EventBuildError extends FlareError {
  constructor(
    message: string,
    readonly issues: ValidationIssue[],
  ) {
    super('event_invalid', message, { hint: 'The package cannot become a MISP event; it is kept in the quarantine with this reason.' });
    this.name = 'EventBuildError';
  }
}

type Input = ExtractedPackage | StixPackage;

const isExtracted = (i: Input): i is ExtractedPackage => 'model' in i && 'hash' in i;

/** The package's own Observables and those of inline related packages (not observables nested in others). */
function topLevelObservables(model: StixPackage): Observable[] {
  return [...model.observables, ...model.relatedPackages.flatMap((r) => (r.item ? topLevelObservables(r.item) : []))];
}

function eventTime(model: StixPackage, timestamps: readonly string[], timestamp: string | undefined, receivedAt: string | undefined, report: ConversionReport): number | undefined {
  const own = parseStixTime(timestamp);
  if (own !== undefined) return own;
  if (timestamp !== undefined) report.warn('bad-timestamp', `the package timestamp "${timestamp}" is not a date and time`);
  const produced = parseStixTime(model.header?.informationSource?.time?.produced);
  if (produced !== undefined) {
    report.info('timestamp', 'the package has no timestamp: the header Information_Source produced time is used');
    return produced;
  }
  let latest: number | undefined;
  for (const text of timestamps) {
    const t = parseStixTime(text);
    if (t !== undefined && (latest === undefined || t > latest)) latest = t;
  }
  if (latest !== undefined) {
    report.info('timestamp', 'the package has no timestamp: the latest timestamp of its constructs is used');
    return latest;
  }
  const received = parseStixTime(receivedAt);
  if (received !== undefined) {
    report.info('timestamp', 'the package has no time at all: the time it was received is used');
    return received;
  }
  report.warn('no-timestamp', 'the package has no time at all: the event is dated 1970-01-01');
  return undefined;
}

const clamp = (v: number | undefined, min: number, max: number, fallback: number): number =>
  v !== undefined && Number.isInteger(v) && v >= min && v <= max ? v : fallback;

/** Builds the event with the given CybOX mapper (the issue-6 `mapObservable`, or a stand-in in tests). */
export function buildEventWith(map: MapObservable, input: Input, options: BuildEventOptions = {}): BuiltEvent {
  const model = isExtracted(input) ? input.model : input;
  const packageId = (isExtracted(input) ? input.id : undefined) ?? model.id;
  const timestamp = (isExtracted(input) ? input.timestamp : undefined) ?? model.timestamp;
  const report = options.report ?? new ConversionReport();
  // The content hash only when there is no id to take the uuid from (a reader may compute it on demand).
  const eventUuid = eventUuidFor(packageId, () => (isExtracted(input) ? input.hash : modelHash(model)));
  const settings = policySettings(options.misp);
  const ctx = new BuildContext(model, eventUuid, report, settings, map);
  const where = packageId ?? 'package';

  // Markings of the header (and TLP tags carried in MISP's own exports) → event tags and the distribution.
  const headerFacts = ctx.markingsOf({ handling: model.header?.handling ?? [] });
  for (const inc of ctx.scan.definitions.incident) {
    for (const h of inc.history) {
      const m = h.journalEntry ? /^\s*MISP Tag:\s*tlp:(white|green|amber|red)\s*$/i.exec(h.journalEntry.text) : null;
      const colour = m?.[1]?.toUpperCase() as TlpColor | undefined;
      if (colour && !headerFacts.tlp.includes(colour)) headerFacts.tlp.push(colour);
    }
  }
  const decision = decide(policyMarkings(headerFacts, true), settings)!;
  ctx.eventDecision = decision;
  report.info('distribution', `distribution ${decision.summary}`, where);
  for (const other of headerFacts.others) report.info('marking-not-mapped', `the ${other} marking has no MISP tag; it stays in the STIX package`, where);

  const base: Scope = { toIds: false, tags: [], where };
  addHeader(ctx, packageId, base);
  addDecision(ctx, base);

  const texts = new Map<string, { kind: 'terms-of-use' | 'simple'; text: string; where: string[] }>();
  noteMarkingTexts(texts, headerFacts, 'the package');
  for (const { construct: c, handling } of ctx.scan.marked) {
    if (c === model) continue;
    const facts = ctx.markingsOf({ ...(c.id !== undefined && { id: c.id }), handling });
    noteMarkingTexts(texts, facts, `${c.kind} ${c.id ?? ''}`.trim());
    for (const other of facts.others) report.info('marking-not-mapped', `the ${other} marking has no MISP tag; it stays in the STIX package`, c.id);
  }
  addMarkingTexts(ctx, texts, base);

  // Indicators, then the package's own observables (to_ids false), then everything else.
  const { indicators, memberships } = collectIndicators(ctx, ctx.scan.definitions.indicator);
  for (const ind of indicators) convertIndicator(ctx, ind, memberships);

  for (const obs of topLevelObservables(model)) {
    const def = ctx.resolveObservable(obs, obs.id ?? where);
    if (!def) continue;
    const comment = commentOf(brief(def.description, 500));
    const scope: Scope = { ...base, where: def.id ?? where, ...(comment !== undefined && { comment }) };
    if (def.composition) mapComposition(ctx, def, scope, []);
    else ctx.mapUse(def, scope);
  }

  const defs = ctx.scan.definitions;
  const ttps = defs.ttp;
  const usedBy = new Map<ExploitTarget, string[]>();
  for (const ttp of ttps) {
    // Exploit targets are related to a TTP, or (AIS samples) named as its exploits by idref.
    const targets = [...ttp.exploitTargets.map((r) => r.item), ...ttp.exploits.map((x) => (x.idref !== undefined ? { idref: x.idref } : undefined))];
    for (const item of targets) {
      const et = item ? (item.idref !== undefined ? (ctx.index.byId.get(item.idref) as ExploitTarget | undefined) : (item as ExploitTarget)) : undefined;
      if (et?.kind !== 'exploit-target') continue;
      const list = usedBy.get(et) ?? [];
      list.push(`TTP ${ttp.title ? `"${brief(ttp.title, 120)}"` : (ttp.id ?? '')}`.trim());
      usedBy.set(et, list);
    }
  }
  for (const ttp of ttps) convertTtp(ctx, ttp, base);
  for (const et of defs['exploit-target']) convertExploitTarget(ctx, et, base, usedBy.get(et) ?? []);
  for (const coa of defs['course-of-action']) convertCourseOfAction(ctx, coa, base);
  for (const ta of defs['threat-actor']) convertThreatActor(ctx, ta, base);
  for (const c of defs.campaign) convertCampaign(ctx, c, base);
  for (const inc of defs.incident) convertIncident(ctx, inc, base);
  for (const r of defs.report) convertReport(ctx, r, base);
  ctx.parts.finishReferences();

  const tags: MispTag[] = [];
  for (const name of [...headerFacts.tags, ...ctx.eventTags.map((t) => t.name), ...(options.misp?.tags ?? [])]) {
    const n = name.trim();
    if (n !== '' && !tags.some((t) => t.name === n)) tags.push({ name: n });
  }

  const when = eventTime(model, ctx.scan.timestamps, timestamp, options.receivedAt, report);
  const event: MispEvent = {
    uuid: eventUuid,
    info: eventInfo(model, packageId, indicators),
    date: when !== undefined ? utcDate(when) : '1970-01-01',
    ...(when !== undefined && { timestamp: Math.floor(when / 1000) }),
    threat_level_id: clamp(options.misp?.threatLevel, 1, 4, 4) as MispEvent['threat_level_id'],
    analysis: clamp(options.misp?.analysis, 0, 2, 0) as MispEvent['analysis'],
    distribution: decision.distribution,
    ...(decision.sharingGroupId !== undefined && { sharing_group_id: decision.sharingGroupId }),
    ...(tags.length > 0 && { Tag: tags }),
    ...(ctx.parts.attributes.length > 0 && { Attribute: ctx.parts.attributes }),
    ...(ctx.parts.objects.length > 0 && { Object: ctx.parts.objects }),
  };

  const check = checkEvent(event);
  for (const issue of check.issues) {
    const what = `${issue.path} ${issue.field}: ${issue.message}`;
    if (issue.level === 'error') report.warn('dropped', `left out, as MISP would drop it: ${what}`, issue.uuid);
    else report.info('validator', what, issue.uuid);
  }
  if (check.fatal || !check.event) {
    throw new EventBuildError(`the event for ${where} is invalid: ${check.issues.filter((i) => i.level === 'error').map((i) => `${i.field}: ${i.message}`).join('; ')}`, check.issues);
  }
  return { event: check.event, report, distribution: decision, issues: check.issues, dropped: check.dropped };
}

/** A composition among the package's own observables: every member mapped, its place in the comment. */
function mapComposition(ctx: BuildContext, obs: Observable, scope: Scope, path: string[]): void {
  const comp = obs.composition!;
  const n = comp.observables.length;
  comp.observables.forEach((child, i) => {
    const here = [...path, `item ${i + 1} of ${n} in ${comp.operator}`];
    const def = ctx.resolveObservable(child, obs.id ?? scope.where);
    if (!def) return;
    if (def.composition) mapComposition(ctx, def, scope, here);
    else ctx.mapUse(def, { ...scope, comment: commentOf(scope.comment, `composition${obs.id ? ` ${obs.id}` : ''}: ${here.join(' › ')}`) ?? '' });
  });
}
