/**
 * The other STIX constructs, none of which MISP's own STIX 1 import keeps whole:
 * - TTP: attack patterns → `attack-pattern` objects (CAPEC id, name, summary); malware → `malware` objects plus an
 *   event tag `misp-galaxy:malpedia="<name>"`; tools → `misp-galaxy:tool="<name>"`; infrastructure observables →
 *   attributes (to_ids false); a TTP with none of these but a title → an `attack-pattern` object named after it.
 * - Exploit Target (inside TTPs or top level): CVE → `vulnerability` attribute; CWE → `weakness` attribute; a
 *   vulnerability without CVE but with a title or description → `vulnerability` object.
 * - Course of Action → `course-of-action` object; its parameter observables → attributes it references.
 * - Threat Actor → event tag `misp-galaxy:threat-actor="<name>"` and a `threat-actor` attribute with the details.
 * - Campaign → `campaign-name` attribute (and its other names in the comment).
 * - Incident and Report → a `report` object (title, summary, type) referencing what their indicators and observables
 *   became; incident observables → attributes (to_ids false); `MISP Tag: …` journal entries of MISP's own exports →
 *   event tags again.
 */
import type { Campaign, CourseOfAction, ExploitTarget, Incident, Observable, Report, Statement, ThreatActor, Ttp } from '../../../stix/model/types';
import { resolveRef } from '../../../stix/index';
import type { MispObjectReference } from '../../model';
import { brief, commentOf, tagValue, type BuildContext, type Scope } from './context';
import { isGalaxyName } from './indicators';

const statementText = (s: Statement | undefined): string | undefined => s?.value?.value?.trim() || brief(s?.description, 500);

function refs(ctx: BuildContext, owners: readonly object[]): MispObjectReference[] {
  const out: MispObjectReference[] = [];
  for (const o of owners) {
    for (const uuid of ctx.produced.get(o) ?? []) {
      if (!out.some((r) => r.referenced_uuid === uuid)) out.push({ referenced_uuid: uuid, relationship_type: 'related-to' });
    }
  }
  return out;
}

export function convertTtp(ctx: BuildContext, ttp: Ttp, base: Scope): void {
  const where = ttp.id ?? `TTP ${ttp.title ?? ''}`.trim();
  const title = brief(ttp.title, 300);
  const scope = ctx.scopeFor(ttp, { ...base, where, toIds: false, ...(title !== undefined && { comment: `TTP: ${title}` }) });
  let made = 0;
  ttp.attackPatterns.forEach((ap, i) => {
    const o = ctx.object(`attack-pattern|${ttp.id ?? where}|${ap.id ?? ap.capecId ?? ap.title ?? i}`, 'attack-pattern', [
      ['id', ap.capecId],
      ['name', ap.title ?? (ttp.attackPatterns.length === 1 ? ttp.title : undefined)],
      ['summary', ap.description ?? ap.shortDescription],
    ], scope, {}, ttp);
    if (o) made++;
  });
  ttp.malware.forEach((m, i) => {
    const name = m.names[0]?.value ?? m.title;
    if (isGalaxyName(name)) ctx.addEventTag(`misp-galaxy:malpedia="${tagValue(name!)}"`);
    const o = ctx.object(`malware|${ttp.id ?? where}|${m.id ?? name ?? i}`, 'malware', [
      ['name', name],
      ['is_family', 'false'],
      ...m.types.map((t) => ['malware_type', t.value] as [string, string]),
      ...m.names.slice(1).map((n) => ['alias', n.value] as [string, string]),
      ['description', m.description ?? m.shortDescription],
    ], scope, {}, ttp);
    if (o && name) made++;
  });
  for (const t of ttp.tools) {
    const name = t.name ?? t.title;
    if (isGalaxyName(name)) {
      ctx.addEventTag(`misp-galaxy:tool="${tagValue(name!)}"`);
      made++;
    }
  }
  for (const obs of ttp.infrastructure?.observables ?? []) {
    const def = ctx.resolveObservable(obs, where);
    if (def) made += ctx.mapUse(def, { ...scope, comment: commentOf(scope.comment, 'infrastructure', brief(ttp.infrastructure?.title, 200)) ?? '' }, ttp).attributes.length;
  }
  if (made === 0 && (title || ttp.description)) {
    const o = ctx.object(`attack-pattern|${ttp.id ?? where}|ttp`, 'attack-pattern', [
      ['name', ttp.title],
      ['summary', ttp.description ?? ttp.shortDescription],
      ['id', undefined],
    ], scope, {}, ttp);
    if (!o) ctx.report.warn('ttp-not-converted', `TTP ${where} has no title to name it by`, where);
  } else if (made === 0 && ttp.exploitTargets.length === 0) {
    ctx.report.info('ttp-empty', `TTP ${where} has nothing to convert`, where);
  }
}

export function convertExploitTarget(ctx: BuildContext, et: ExploitTarget, base: Scope, usedBy: readonly string[]): void {
  const where = et.id ?? `exploit target ${et.title ?? ''}`.trim();
  const scope = ctx.scopeFor(et, {
    ...base,
    where,
    toIds: false,
    ...(commentOf(et.title && `Exploit target: ${brief(et.title, 300)}`, usedBy.length > 0 && `exploited by ${usedBy.join(', ')}`) !== undefined && {
      comment: commentOf(et.title && `Exploit target: ${brief(et.title, 300)}`, usedBy.length > 0 && `exploited by ${usedBy.join(', ')}`)!,
    }),
  });
  et.vulnerabilities.forEach((v, i) => {
    const cvss = v.cvss?.baseScore ?? v.cvss?.overallScore;
    const cve = v.cveId?.trim();
    if (cve) {
      if (!/^CVE-[0-9]{4}-[0-9]{4,}$/i.test(cve)) ctx.report.warn('invalid-value', `"${cve}" is not a CVE id`, where);
      else {
        ctx.attribute(`vulnerability|${cve.toUpperCase()}`, 'vulnerability', cve.toUpperCase(), scope, {
          comment: commentOf(brief(v.title, 300), brief(v.description ?? v.shortDescription, 1000), cvss && `CVSS base score ${cvss}`) ?? '',
        }, et);
        return;
      }
    }
    if (v.title || v.description || v.shortDescription) {
      const score = cvss && Number.isFinite(Number(cvss)) ? cvss : undefined;
      ctx.object(`vulnerability-object|${et.id ?? where}|${i}`, 'vulnerability', [
        ['summary', v.title ?? v.shortDescription],
        ['description', v.description],
        ['cvss-score', score],
        ['cvss-string', v.cvss?.baseVector],
        ['published', v.published],
        ...v.references.filter((r) => /^https?:\/\/\S+$/.test(r.trim())).map((r) => ['references', r] as [string, string]),
      ], scope, {}, et);
    } else if (v.osvdbId) {
      ctx.report.warn('unsupported-vulnerability', `OSVDB ${v.osvdbId} has no MISP attribute type: kept in the STIX package only`, where);
    }
  });
  for (const w of et.weaknesses) {
    const cwe = w.cweId?.trim().toUpperCase();
    if (cwe && /^CWE-[0-9]+$/.test(cwe)) ctx.attribute(`weakness|${cwe}`, 'weakness', cwe, scope, { comment: brief(w.description, 1000) ?? '' }, et);
  }
}

export function convertCourseOfAction(ctx: BuildContext, coa: CourseOfAction, base: Scope): void {
  const where = coa.id ?? `course of action ${coa.title ?? ''}`.trim();
  const scope = ctx.scopeFor(coa, { ...base, where, toIds: false });
  const paramScope: Scope = { ...scope, comment: commentOf(`parameter of course of action ${coa.title ? `"${brief(coa.title, 200)}"` : where}`) ?? '' };
  const params = coa.parameterObservables.map((o) => ctx.resolveObservable(o, where)).filter((o): o is Observable => o !== undefined);
  const references: MispObjectReference[] = [];
  for (const p of params) {
    const m = ctx.mapUse(p, paramScope, coa);
    for (const x of [...m.attributes, ...m.objects]) references.push({ referenced_uuid: x.uuid, relationship_type: 'related-to' });
  }
  const name = coa.title ?? (coa.coaType ? undefined : (brief(coa.description ?? coa.shortDescription, 120) ?? coa.id));
  const o = ctx.object(`course-of-action|${coa.id ?? where}`, 'course-of-action', [
    ['name', name],
    ['type', coa.coaType?.value],
    ['stage', coa.stage?.value],
    ['description', coa.description ?? coa.shortDescription],
    ['objective', coa.objective?.description ?? coa.objective?.shortDescription],
    ['impact', statementText(coa.impact)],
    ['cost', statementText(coa.cost)],
    ['efficacy', statementText(coa.efficacy)],
  ], scope, { references }, coa);
  if (!o) ctx.report.warn('coa-not-converted', `course of action ${where} has neither a title nor a type`, where);
}

export function threatActorName(ta: ThreatActor): string | undefined {
  const n = ta.title?.trim() || ta.identity?.name?.trim() || ta.identity?.ciq?.organisationNames[0] || ta.identity?.ciq?.personNames[0];
  return n ? n.replace(/\s+/g, ' ') : undefined;
}

export function convertThreatActor(ctx: BuildContext, ta: ThreatActor, base: Scope): void {
  const where = ta.id ?? 'threat actor';
  const name = threatActorName(ta);
  if (!name) {
    ctx.report.warn('threat-actor-unnamed', 'a threat actor without title or identity name is not converted', where);
    return;
  }
  ctx.addEventTag(`misp-galaxy:threat-actor="${tagValue(name)}"`);
  const scope = ctx.scopeFor(ta, { ...base, where, toIds: false });
  const list = (label: string, xs: readonly (Statement | undefined)[]) => {
    const v = xs.map(statementText).filter((x): x is string => !!x);
    return v.length > 0 ? `${label}: ${v.join(', ')}` : undefined;
  };
  ctx.attribute(`threat-actor|${name}`, 'threat-actor', name, scope, {
    comment: commentOf(
      'STIX threat actor',
      brief(ta.description ?? ta.shortDescription, 1000),
      list('type', ta.types),
      list('motivation', ta.motivations),
      list('sophistication', ta.sophistications),
      list('intended effect', ta.intendedEffects),
    ) ?? '',
  }, ta);
}

export function convertCampaign(ctx: BuildContext, c: Campaign, base: Scope): void {
  const where = c.id ?? 'campaign';
  const names = [c.title, ...c.names.map((n) => n.value)].map((n) => n?.trim()).filter((n): n is string => !!n);
  const name = names[0];
  if (!name) {
    ctx.report.warn('campaign-unnamed', 'a campaign without title or name is not converted', where);
    return;
  }
  const scope = ctx.scopeFor(c, { ...base, where, toIds: false });
  const aka = [...new Set(names.slice(1))].filter((n) => n !== name);
  const actors = c.attribution.flat().map((r) => (r.item ? resolveRef(ctx.index, r.item) : undefined)).map((t) => (t ? threatActorName(t) : undefined)).filter((n): n is string => !!n);
  const ttps = c.relatedTTPs.map((r) => (r.item ? resolveRef(ctx.index, r.item) : undefined)).map((t) => t?.title?.trim()).filter((n): n is string => !!n);
  ctx.attribute(`campaign|${name}`, 'campaign-name', name.replace(/\s+/g, ' '), scope, {
    comment: commentOf(
      'STIX campaign',
      aka.length > 0 && `also known as ${aka.join(', ')}`,
      brief(c.description ?? c.shortDescription, 1000),
      c.status?.value && `status: ${c.status.value}`,
      actors.length > 0 && `attributed to ${[...new Set(actors)].join(', ')}`,
      ttps.length > 0 && `TTP ${[...new Set(ttps)].map((t) => `"${brief(t, 120)}"`).join(', ')}`,
      c.intendedEffects.length > 0 && `intended effect: ${c.intendedEffects.map(statementText).filter(Boolean).join(', ')}`,
    ) ?? '',
  }, c);
}

/** Incidents: their observables, then a report object pointing at everything they stand for. */
export function convertIncident(ctx: BuildContext, inc: Incident, base: Scope): void {
  const where = inc.id ?? 'incident';
  const title = inc.title?.trim();
  const scope = ctx.scopeFor(inc, { ...base, where, toIds: false, ...(title && { comment: `Incident: ${brief(title, 300)}` }) });
  for (const r of inc.relatedObservables) {
    const def = r.item ? ctx.resolveObservable(r.item, where) : undefined;
    if (def) ctx.mapUse(def, scope, inc);
  }
  for (const h of inc.history) {
    const m = h.journalEntry ? /^\s*MISP Tag:\s*(.+?)\s*$/.exec(h.journalEntry.text) : null;
    if (m?.[1]) ctx.addEventTag(m[1]);
  }
  const owners: object[] = [inc];
  for (const r of inc.relatedIndicators) {
    const def = r.item ? resolveRef(ctx.index, r.item) : undefined;
    if (def) owners.push(def);
  }
  for (const r of [...inc.leveragedTTPs, ...inc.attributedThreatActors]) {
    const def = r.item ? resolveRef(ctx.index, r.item as never) : undefined;
    if (def) owners.push(def as object);
  }
  for (const c of [...inc.coaTaken, ...inc.coaRequested]) if (c.courseOfAction) owners.push(resolveRef(ctx.index, c.courseOfAction) ?? c.courseOfAction);
  const categories = inc.categories.map((c) => c.value.trim()).filter(Boolean);
  ctx.object(`report|${inc.id ?? title ?? where}`, 'report', [
    ['title', inc.title],
    ['summary', inc.description ?? inc.shortDescription],
    ['type', `STIX incident${categories.length ? ` (${categories.join(', ')})` : ''}${inc.status?.value ? `, status ${inc.status.value}` : ''}`],
    ['case-number', inc.externalIds[0]?.value],
    ['link', inc.url && /^https?:\/\/\S+$/.test(inc.url.trim()) ? inc.url : undefined],
  ], scope, { references: refs(ctx, owners) });
}

/** STIX 1.2 reports: a report object pointing at what their content became. */
export function convertReport(ctx: BuildContext, r: Report, base: Scope): void {
  const where = r.id ?? 'report';
  const scope = ctx.scopeFor({ ...(r.id !== undefined && { id: r.id }), handling: r.header?.handling ?? [] }, { ...base, where, toIds: false });
  for (const o of r.observables) {
    const def = ctx.resolveObservable(o, where);
    if (def) ctx.mapUse(def, { ...scope, comment: r.header?.title ? `Report: ${brief(r.header.title, 300)}` : '' }, r);
  }
  const owners: object[] = [r];
  for (const list of [r.indicators, r.ttps, r.exploitTargets, r.incidents, r.coursesOfAction, r.campaigns, r.threatActors] as const) {
    for (const c of list) {
      const def = resolveRef(ctx.index, c as never);
      if (def) owners.push(def as object);
    }
  }
  const intents = r.header?.intents.map((i) => i.value).filter(Boolean) ?? [];
  const o = ctx.object(`report|${r.id ?? r.header?.title ?? where}`, 'report', [
    ['title', r.header?.title],
    ['summary', r.header?.description ?? r.header?.shortDescription],
    ['type', `STIX report${intents.length ? ` (${intents.join(', ')})` : ''}`],
  ], scope, { references: refs(ctx, owners) });
  if (!o) ctx.report.info('report-untitled', 'a report without title or description: its content is converted, the report itself is not', where);
}
