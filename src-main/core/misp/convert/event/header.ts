/**
 * The package header in the event: the package id (a searchable `text` attribute), the description and intents,
 * the submitter (AIS Information_Source), the marking statements, and the distribution decision.
 *
 * Submitter representation: one `text` attribute per fact (organisation, sector, country, administrative area),
 * category Other, correlation disabled, the comment naming the fact ("AIS submitter sector"). Why not MISP's
 * `ais-info` object: its template is not among the templates FLARE MISP ships and validates against (and a MISP
 * without it would drop the object); attributes are always accepted, searchable (`/attributes/restSearch` by
 * value), and show in the event's list. Person names and e-mail addresses of the CIQ identity are not copied (PII).
 */
import type { Identity, InformationSource, StixPackage } from '../../../stix/model/types';
import type { BuildContext, Scope } from './context';
import { brief, commentOf } from './context';
import type { MarkingFacts } from './markings';
import { isPlaceholderText } from '../values';

export const PACKAGE_ID_COMMENT = 'STIX package id';

/** The identity that submitted the package: AIS puts it in the first contributing source. */
export function submitterOf(model: StixPackage): { identity: Identity; ais: boolean } | undefined {
  const source = model.header?.informationSource;
  const ais = isAis(model);
  const fromSource = (s: InformationSource | undefined): Identity | undefined => s?.contributingSources.find((c) => c.identity)?.identity ?? s?.identity;
  const identity = fromSource(source) ?? model.header?.handling.map((m) => fromSource(m.informationSource)).find((i) => i !== undefined);
  return identity ? { identity, ais } : undefined;
}

function isAis(model: StixPackage): boolean {
  const h = model.header;
  if (!h) return false;
  if (h.handling.some((m) => m.structures.some((s) => s.kind === 'ais'))) return true;
  if (h.profiles.some((p) => /\bAIS\b/.test(p))) return true;
  const tools = [h.informationSource, ...(h.informationSource?.contributingSources ?? [])].flatMap((s) => s?.tools ?? []);
  return tools.some((t) => t.metadata.some((m) => m.value === 'AIS'));
}

export function addHeader(ctx: BuildContext, packageId: string | undefined, base: Scope): void {
  const { model } = ctx;
  const header = model.header;
  if (packageId !== undefined) {
    ctx.attribute('package-id', 'text', packageId, base, { category: 'Internal reference', comment: PACKAGE_ID_COMMENT, disable_correlation: true });
  }
  const intents = header?.packageIntents.map((i) => i.value.trim()).filter(Boolean) ?? [];
  // A description that is only a placeholder ("None", "N/A", "null") is skipped like other placeholders.
  const prose = (field: string, text: string | undefined): string | undefined => {
    const t = text?.trim();
    if (!t) return undefined;
    if (!isPlaceholderText(t)) return t;
    ctx.report.warn('placeholder', `the STIX header ${field} "${brief(t, 60)}" is a placeholder, not a description; skipped.`, packageId);
    return undefined;
  };
  const description = prose('description', header?.description) ?? prose('short description', header?.shortDescription);
  const intentText = intents.length ? `package intent: ${intents.join(', ')}` : undefined;
  if (description) {
    ctx.attribute('header-description', 'comment', description, base, { comment: commentOf('STIX header description', intentText), disable_correlation: true });
  } else if (intentText) {
    ctx.attribute('header-intent', 'comment', `STIX ${intentText}`, base, { comment: 'STIX header package intent', disable_correlation: true });
  }

  const submitter = submitterOf(model);
  if (submitter) {
    const who = submitter.ais ? 'AIS submitter' : 'STIX information source';
    const { identity } = submitter;
    const ciq = identity.ciq;
    const facts: [string, string][] = [];
    const orgs = ciq?.organisationNames.length ? ciq.organisationNames : identity.name ? [identity.name] : [];
    for (const o of orgs) facts.push(['organisation', o]);
    for (const s of ciq?.sectors ?? []) facts.push(['sector', s]);
    for (const c of ciq?.countries ?? []) facts.push(['country', c.code ?? c.name ?? '']);
    for (const a of ciq?.administrativeAreas ?? []) facts.push(['administrative area', a.code ?? a.name ?? '']);
    for (const [what, value] of facts) {
      const v = value.trim();
      if (v === '') continue;
      ctx.attribute(`submitter|${what}|${v}`, 'text', v, base, { comment: `${who} ${what}`, disable_correlation: true });
    }
  }
}

/** The policy decision, visible in MISP as a comment attribute. */
export function addDecision(ctx: BuildContext, base: Scope): void {
  ctx.attribute('distribution-decision', 'comment', `FLARE MISP distribution ${ctx.eventDecision.summary}`, base, {
    category: 'Internal reference',
    comment: 'Distribution chosen by the FLARE MISP policy from the package markings (flare.misp.distribution.policy)',
    disable_correlation: true,
  });
}

/** Terms-of-use and simple marking statements: one comment attribute per distinct text, saying where it applies. */
export function addMarkingTexts(ctx: BuildContext, texts: Map<string, { kind: 'terms-of-use' | 'simple'; text: string; where: string[] }>, base: Scope): void {
  for (const [key, t] of texts) {
    const name = t.kind === 'terms-of-use' ? 'terms of use marking' : 'simple marking';
    const where = t.where.length === 1 ? t.where[0]! : `${t.where.length} constructs (${summariseWhere(t.where)})`;
    ctx.attribute(`marking-text|${key}`, 'comment', t.text, base, { comment: `STIX ${name} on ${where}`, disable_correlation: true });
  }
}

function summariseWhere(where: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const w of where) {
    const kind = w.split(' ')[0]!;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`).join(', ');
}

/** Collects the statements of a construct's markings into the per-text map. */
export function noteMarkingTexts(texts: Map<string, { kind: 'terms-of-use' | 'simple'; text: string; where: string[] }>, facts: MarkingFacts, where: string): void {
  for (const t of facts.texts) {
    const key = `${t.kind}|${t.text}`;
    const entry = texts.get(key) ?? { ...t, where: [] };
    if (!entry.where.includes(where)) entry.where.push(where);
    texts.set(key, entry);
  }
}

export { brief };
