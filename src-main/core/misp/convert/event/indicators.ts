/**
 * Indicators → to_ids attributes and objects.
 *
 * - Each indicator definition (top level, inline in a composite indicator, a related indicator, an incident or a
 *   report; idrefs resolved) is converted once, in document order.
 * - Its observable is mapped with to_ids true (the mapper lowers it for patterns); an idref observable is resolved.
 * - Title, types, description, confidence, kill chain phases, indicated TTPs and membership in composite or related
 *   indicators go into the comment of everything made; confidence and Lockheed Martin kill chain phases also become
 *   taxonomy tags (`estimative-language:confidence-in-analytic-judgment="high"`, `kill-chain:Delivery`); the
 *   indicator's markings become attribute tags and may restrict the distribution.
 * - AND/OR observable compositions are kept: every member's comment names its place ("composition: item 2 of 3 in
 *   AND › item 1 of 2 in OR") and one `comment` attribute per composition states the whole expression, e.g.
 *   `(domain evil.example AND (md5 … OR sha1 …))`. Nothing is flattened silently.
 * - YARA and Snort test mechanisms → `yara` / `snort` attributes; other mechanisms are reported, not converted.
 */
import type { Construct, Indicator, KillChainPhaseReference, Observable, Ttp } from '../../../stix/model/types';
import { resolveRef } from '../../../stix/index';
import type { MispTag } from '../../model';
import type { Mapped } from '../contract';
import { brief, commentOf, tagValue, type BuildContext, type Scope } from './context';

const LM_PHASES: Record<string, string> = {
  reconnaissance: 'Reconnaissance',
  weaponization: 'Weaponisation',
  weaponisation: 'Weaponisation',
  delivery: 'Delivery',
  exploitation: 'Exploitation',
  installation: 'Installation',
  'command and control': 'Command and Control',
  'actions on objectives': 'Actions on Objectives',
};

const CONFIDENCE: Record<string, string> = { high: 'high', medium: 'moderate', low: 'low' };

/** Notes about an indicator that come from others: composite parents, related indicators. */
export type Memberships = Map<Indicator, string[]>;

export function label(i: Indicator): string {
  return i.title?.trim() ? `"${brief(i.title, 120)}"` : (i.id ?? 'without id');
}

/** Every indicator definition of the package, once, in document order, with what other indicators say about it. */
export function collectIndicators(ctx: BuildContext, all: readonly Indicator[]): { indicators: Indicator[]; memberships: Memberships } {
  const memberships: Memberships = new Map();
  const note = (child: Indicator | undefined, text: string, where: string) => {
    if (!child) return;
    const def = resolveRef(ctx.index, child);
    if (!def) {
      ctx.report.warn('unresolved-idref', `the indicator ${child.idref} is referenced but not defined in the package`, where);
      return;
    }
    const list = memberships.get(def) ?? [];
    if (!list.includes(text)) list.push(text);
    memberships.set(def, list);
  };
  for (const i of all) {
    if (i.composition) {
      for (const child of i.composition.indicators) note(child, `part of ${i.composition.operator} composite indicator ${label(i)}`, i.id ?? 'indicator');
    }
    for (const r of i.relatedIndicators) {
      note(r.item, `related${r.relationship?.value ? ` (${r.relationship.value})` : ''} to indicator ${label(i)}`, i.id ?? 'indicator');
    }
  }
  return { indicators: [...all], memberships };
}

function phaseName(ctx: BuildContext, p: KillChainPhaseReference): string | undefined {
  if (p.name?.trim()) return p.name.trim();
  if (p.phaseId === undefined) return undefined;
  for (const chain of [...ctx.model.killChains, ...ctx.model.ttps.flatMap((t) => t.killChains)]) {
    const found = chain.phases.find((ph) => ph.phaseId === p.phaseId);
    if (found?.name) return found.name;
  }
  return undefined;
}

/** A name worth a galaxy tag: not empty, not a file hash (variants are often named by their MD5). */
export function isGalaxyName(name: string | undefined): boolean {
  const n = name?.trim() ?? '';
  return n !== '' && !/^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$/i.test(n);
}

/** Galaxy-style tags a TTP stands for (malware and tool names); used on the indicators that indicate it. */
export function ttpGalaxyTags(ttp: Ttp): string[] {
  const tags: string[] = [];
  for (const m of ttp.malware) {
    const name = m.names[0]?.value ?? m.title;
    if (isGalaxyName(name)) tags.push(`misp-galaxy:malpedia="${tagValue(name!)}"`);
  }
  for (const t of ttp.tools) {
    const name = t.name ?? t.title;
    if (isGalaxyName(name)) tags.push(`misp-galaxy:tool="${tagValue(name!)}"`);
  }
  return tags;
}

export function convertIndicator(ctx: BuildContext, ind: Indicator, memberships: Memberships): void {
  const where = ind.id ?? `indicator ${label(ind)}`;
  const tags: MispTag[] = [];
  const phases: string[] = [];
  for (const p of ind.killChainPhases) {
    const name = phaseName(ctx, p);
    if (!name) continue;
    phases.push(p.killChainName ? `${name} (${p.killChainName})` : name);
    const lm = LM_PHASES[name.toLowerCase()];
    if (lm) tags.push({ name: `kill-chain:${lm}` });
  }
  const confidence = ind.confidence?.value?.value?.trim();
  const conf = confidence ? CONFIDENCE[confidence.toLowerCase()] : undefined;
  if (conf) tags.push({ name: `estimative-language:confidence-in-analytic-judgment="${conf}"` });
  const ttpNames: string[] = [];
  for (const r of ind.indicatedTTPs) {
    const ttp = r.item ? resolveRef(ctx.index, r.item) : undefined;
    if (!ttp) continue;
    const name = ttp.title?.trim() || ttp.attackPatterns[0]?.title || ttp.attackPatterns[0]?.capecId || ttp.malware[0]?.names[0]?.value;
    if (name) ttpNames.push(`"${brief(name, 120)}"`);
    for (const t of ttpGalaxyTags(ttp)) if (!tags.some((x) => x.name === t)) tags.push({ name: t });
  }
  const types = ind.types.map((t) => t.value.trim()).filter(Boolean);
  const comment = commentOf(
    ind.title?.trim() ? `Indicator: ${brief(ind.title, 300)}` : `Indicator ${ind.id ?? ''}`.trim(),
    types.length > 0 && `type: ${types.join(', ')}`,
    brief(ind.description ?? ind.shortDescription, 1000),
    confidence && `confidence: ${confidence}`,
    phases.length > 0 && `kill chain: ${phases.join(', ')}`,
    ttpNames.length > 0 && `indicates TTP ${ttpNames.join(', ')}`,
    ...(memberships.get(ind) ?? []),
    ind.negate === true && 'negated indicator (NOT): not for detection',
  );
  const scope = ctx.scopeFor(ind, { toIds: ind.negate !== true, where, tags, ...(comment !== undefined && { comment }) });

  let made = 0;
  /** The idref of the indicator's observable when it points at nothing in the package. */
  let dangling: string | undefined;
  if (ind.observable) {
    const def = ctx.resolveObservable(ind.observable, where, false);
    if (def?.composition) made += convertComposition(ctx, ind, def, scope);
    else if (def) made += count(ctx.mapUse(def, scope, ind));
    else {
      dangling = ind.observable.idref ?? ind.observable.object?.idref ?? 'without id';
      ctx.report.warn(
        'dangling-observable',
        `indicator ${label(ind)} names the observable ${dangling}, which is not defined in the package: the indicator's title, description, type, confidence and sightings are kept as a comment attribute, its observable is missing`,
        where,
      );
    }
  }

  for (const tm of ind.testMechanisms) {
    if (tm.mechanism === 'yara' || tm.mechanism === 'snort') {
      const rules = tm.rules.map((r) => r.trim()).filter(Boolean);
      if (rules.length === 0) ctx.report.warn('empty-test-mechanism', `the ${tm.mechanism} test mechanism has no rule`, tm.id ?? where);
      for (const rule of rules) {
        const product = commentOf(tm.productName && `${tm.productName}${tm.version ? ` ${tm.version}` : ''}`);
        ctx.attribute(`test-mechanism|${tm.mechanism}|${rule}`, tm.mechanism, rule, scope, {
          to_ids: scope.toIds,
          ...(product !== undefined && { comment: `${tm.mechanism} rule (${product})` }),
        }, ind);
        made++;
      }
    } else {
      ctx.report.warn('unsupported-test-mechanism', `the ${tm.mechanism === 'other' ? (tm.xsiType?.local ?? 'unknown') : tm.mechanism} test mechanism of indicator ${label(ind)} is not converted (it stays in the STIX package)`, tm.id ?? where);
    }
  }

  // An indicator that carries nothing else is kept as text, so its title and description are not lost.
  if (made === 0 && !ind.observable && !ind.composition && ind.relatedIndicators.length === 0) {
    const text = commentOf(ind.title?.trim() && `Indicator: ${brief(ind.title, 300)}`, brief(ind.description ?? ind.shortDescription, 2000));
    if (text) {
      const { comment: _ignored, ...plain } = scope;
      void _ignored;
      ctx.attribute(`indicator-text|${ind.id ?? text}`, 'comment', text, { ...plain, toIds: false }, {
        comment: commentOf('STIX indicator without observable', types.length > 0 && `type: ${types.join(', ')}`, ...(memberships.get(ind) ?? [])) ?? '',
        disable_correlation: true,
      }, ind);
    } else {
      ctx.report.warn('empty-indicator', `indicator ${label(ind)} has nothing to convert`, where);
    }
  } else if (made === 0 && dangling !== undefined) {
    // Its observable is missing from the package (an idref to nothing): what the indicator says about it is not.
    // One comment attribute holding everything the attributes of its observable would have carried in their comment
    // (title, type, description, confidence, kill chain, indicated TTPs, compositions it belongs to) and its sightings,
    // with the same tags (confidence, kill chain, TTP galaxies, markings) and distribution.
    const { comment: _ignored, ...plain } = scope;
    void _ignored;
    const value = commentOf(ind.title?.trim() ? `Indicator: ${brief(ind.title, 300)}` : `Indicator ${ind.id ?? ''}`.trim(), brief(ind.description ?? ind.shortDescription, 2000))!;
    ctx.attribute(`indicator-text|${ind.id ?? value}`, 'comment', value, { ...plain, toIds: false }, {
      comment: commentOf(
        `STIX indicator whose observable ${dangling} is not in the package`,
        types.length > 0 && `type: ${types.join(', ')}`,
        confidence && `confidence: ${confidence}`,
        sightingsText(ind),
        phases.length > 0 && `kill chain: ${phases.join(', ')}`,
        ttpNames.length > 0 && `indicates TTP ${ttpNames.join(', ')}`,
        ...(memberships.get(ind) ?? []),
        ind.negate === true && 'negated indicator (NOT)',
      ) ?? '',
      disable_correlation: true,
    }, ind);
  }
}

/** `sightings: 2 (2014-08-06T00:00:00 by MITRE; 2014-08-07T00:00:00)`, or undefined when there are none. */
export function sightingsText(ind: Indicator): string | undefined {
  const n = ind.sightingsCount ?? ind.sightings.length;
  if (n === 0 && ind.sightings.length === 0) return undefined;
  const shown = ind.sightings.slice(0, 10).map((s) => {
    const by = s.source?.identity?.name?.trim() || s.source?.identity?.ciq?.organisationNames[0];
    const confidence = s.confidence?.value?.value?.trim();
    return commentOf(s.timestamp, by && `by ${brief(by, 100)}`, confidence && `confidence ${confidence}`, brief(s.description, 200))?.replace(/ \| /g, ' ');
  }).filter((t): t is string => t !== undefined);
  const more = ind.sightings.length > 10 ? `; ${ind.sightings.length - 10} more` : '';
  return `sightings: ${n}${shown.length > 0 ? ` (${shown.join('; ')}${more})` : ''}`;
}

function count(m: Mapped): number {
  return m.attributes.length + m.objects.length;
}

const ALTERNATIVE = /\balternative (\d+) of \d+ \(OR\): the \S+ template takes one ([^|;]+?)(?:$| \||;)/;

/** What a mapped leaf is, in a few words, for the composition expression. */
function leafText(def: Observable | undefined, m: Mapped, ref: string): string {
  const pieces = m.attributes.map((a) => `${a.type} ${a.value}`);
  let alternatives: string[] = [];
  const flush = () => {
    if (alternatives.length > 0) pieces.push(`(${alternatives.join(' OR ')})`);
    alternatives = [];
  };
  for (const o of m.objects) {
    // Objects split into alternatives (one per value of a single-valued relation, see emit.ts) are an OR.
    const alt = o.comment !== undefined && ALTERNATIVE.exec(o.comment);
    const distinct = o.Attribute.find((a) => alt && a.object_relation !== undefined && alt[2]!.split(', ').includes(a.object_relation)) ?? o.Attribute[0];
    const text = `${o.name} object${distinct ? ` (${distinct.object_relation ?? distinct.type} ${distinct.value})` : ''}`;
    if (alt && alt[1] !== '1') alternatives.push(text);
    else {
      flush();
      if (alt) alternatives.push(text);
      else pieces.push(text);
    }
  }
  flush();
  let text = pieces.length ? pieces.join(' + ') : `[${def?.object?.objectType?.name ?? 'observable'} ${def?.id ?? ref} not mapped]`;
  if (text.length > 240) text = `${text.slice(0, 239)}…`;
  return def?.negate ? `NOT ${text}` : text;
}

/** Converts a composition in an indicator; returns how many pieces it made. */
function convertComposition(ctx: BuildContext, ind: Indicator, root: Observable, scope: Scope): number {
  let made = 0;
  const walk = (obs: Observable, path: string[]): string => {
    const comp = obs.composition!;
    const n = comp.observables.length;
    const items = comp.observables.map((child, i) => {
      const here = [...path, `item ${i + 1} of ${n} in ${comp.operator}`];
      const def = ctx.resolveObservable(child, ind.id ?? 'indicator');
      if (def?.composition) return walk(def, here);
      const childScope: Scope = { ...scope, comment: commentOf(scope.comment, `composition: ${here.join(' › ')}`) ?? '' };
      const m = def ? ctx.mapUse(def, childScope, ind) : { attributes: [], objects: [] };
      made += count(m);
      return leafText(def, m, child.idref ?? `#${i + 1}`);
    });
    return `(${items.join(` ${comp.operator} `)})`;
  };
  const expression = walk(root, []);
  const value = `Observable composition of indicator ${label(ind)}: ${expression}`;
  ctx.attribute(`composition|${ind.id ?? root.id ?? expression}`, 'comment', value.length > 20000 ? `${value.slice(0, 19999)}…` : value, { ...scope, toIds: false, tags: [] }, {
    comment: `AND/OR structure of the indicator's observables, kept as written${scope.comment ? ` | ${scope.comment}` : ''}`,
    disable_correlation: true,
  }, ind as Construct);
  return made + 1;
}
