/**
 * STIX data markings → MISP tags, and the distribution policy.
 *
 * Tags: a TLP marking gives `tlp:<colour>`; the AIS marking gives the four `ais-marking:*` machine tags spelled as
 * MISP's ais-marking taxonomy has them (`ais-marking:AISConsent="EVERYONE"`, `ais-marking:TLPMarking="AMBER"`,
 * `ais-marking:AISMarking="Not_Proprietary"`, `ais-marking:CISA_Proprietary="false"`) **and** `tlp:<colour>` from its
 * TLPMarking, which MISP's own importer forgets. Terms-of-use and simple markings are prose: they are kept as
 * comment attributes (one per distinct text), not as tags (MISP tags stop at 255 characters).
 *
 * Distribution: every TLP colour and AIS consent found is looked up in the policy (config `flare.misp.distribution.
 * policy`, safe by default) and the most restrictive level wins. A package with neither is `unmarked`. Markings on
 * an indicator (or another construct) can only make its own attributes more restrictive than the event.
 */
import type { DistributionPolicy, PolicyLevel, PolicyMarking } from '../../../config/config';
import { SAFE_DISTRIBUTION_POLICY } from '../../../config/config';
import type { AisConsent, Marking, TlpColor } from '../../../stix/model/types';
import type { EventDistribution } from '../../model';

/** The markings of one construct (or of the package header), read once. */
export interface MarkingFacts {
  tlp: TlpColor[];
  consent: AisConsent[];
  /** Tag names, in the order the markings were written, without repeats. */
  tags: string[];
  /** Terms-of-use and simple marking statements, in order, without repeats. */
  texts: { kind: 'terms-of-use' | 'simple'; text: string }[];
  /** Marking structures of other models (ISA/EDH…), by their type name. */
  others: string[];
}

const TLP_ORDER: readonly TlpColor[] = ['WHITE', 'GREEN', 'AMBER', 'RED'];

function pushOnce<T>(list: T[], value: T): void {
  if (!list.includes(value)) list.push(value);
}

/** Reads a list of markings into tags, colours, consents and statements. */
export function readMarkings(markings: readonly Marking[]): MarkingFacts {
  const facts: MarkingFacts = { tlp: [], consent: [], tags: [], texts: [], others: [] };
  for (const marking of markings) {
    for (const s of marking.structures) {
      switch (s.kind) {
        case 'tlp':
          if (s.color) {
            pushOnce(facts.tlp, s.color);
            pushOnce(facts.tags, `tlp:${s.color.toLowerCase()}`);
          }
          break;
        case 'ais':
          if (s.color) {
            pushOnce(facts.tlp, s.color);
            pushOnce(facts.tags, `tlp:${s.color.toLowerCase()}`);
          }
          pushOnce(facts.tags, `ais-marking:AISMarking="${s.proprietary ? 'Is_Proprietary' : 'Not_Proprietary'}"`);
          if (s.cisaProprietary !== undefined) pushOnce(facts.tags, `ais-marking:CISA_Proprietary="${s.cisaProprietary ? 'true' : 'false'}"`);
          if (s.consent) {
            pushOnce(facts.consent, s.consent);
            pushOnce(facts.tags, `ais-marking:AISConsent="${s.consent}"`);
          }
          if (s.color) pushOnce(facts.tags, `ais-marking:TLPMarking="${s.color}"`);
          break;
        case 'terms-of-use':
        case 'simple': {
          const text = (s.kind === 'simple' ? s.statement : s.text).trim();
          if (text !== '' && !facts.texts.some((t) => t.kind === s.kind && t.text === text)) facts.texts.push({ kind: s.kind, text });
          break;
        }
        case 'other':
          pushOnce(facts.others, s.xsiType?.local ?? s.content.name);
          break;
      }
    }
  }
  facts.tlp.sort((a, b) => TLP_ORDER.indexOf(a) - TLP_ORDER.indexOf(b));
  return facts;
}

/** The id a marking's Controlled_Structure singles out (`…[@id="x:Indicator-1"]`), when it names exactly one. */
export function targetedId(marking: Marking): string | undefined {
  const cs = marking.controlledStructure;
  if (!cs) return undefined;
  const ids = [...cs.matchAll(/@id\s*=\s*["']([^"']+)["']/g)].map((m) => m[1]!);
  return ids.length === 1 ? ids[0] : undefined;
}

// ——— distribution ——————————————————————————————————————————————————————————————————————————————

const DISTRIBUTION_NAMES: Record<EventDistribution, string> = {
  0: 'your organisation only',
  1: 'this community only',
  2: 'connected communities',
  3: 'all communities',
  4: 'sharing group',
};

/** From most to least restrictive: organisation, sharing group, community, connected, all. */
const STRICTNESS: Record<EventDistribution, number> = { 0: 0, 4: 1, 1: 2, 2: 3, 3: 4 };

export function stricter(a: EventDistribution, b: EventDistribution): EventDistribution {
  return STRICTNESS[a] <= STRICTNESS[b] ? a : b;
}

export function distributionName(d: EventDistribution): string {
  return DISTRIBUTION_NAMES[d];
}

export interface PolicySettings {
  /** `flare.misp.distribution`: what `default` means. */
  distribution: EventDistribution;
  policy: DistributionPolicy;
  /** `flare.misp.sharing-group`, needed when the decision is 4: numeric id, uuid or name. */
  sharingGroup?: string;
  /** Its numeric id, when MISP resolved a uuid or name. */
  sharingGroupId?: number;
}

export interface PolicyReason {
  marking: PolicyMarking;
  /** What the policy says for it, as configured. */
  level: PolicyLevel;
  /** The level it stands for. */
  distribution: EventDistribution;
}

/** What the policy decided and why: shown in the event (a comment attribute), the preview and the CLI. */
export interface DistributionDecision {
  distribution: EventDistribution;
  sharingGroupId?: number;
  reasons: PolicyReason[];
  /** One sentence, e.g. `0 (your organisation only): tlp:amber → 0; ais:everyone → default (3)`. */
  summary: string;
}

export function policySettings(misp: { distribution?: number; distributionPolicy?: DistributionPolicy; sharingGroup?: string; sharingGroupId?: number } = {}): PolicySettings {
  const d = misp.distribution;
  const settings: PolicySettings = {
    distribution: d === 1 || d === 2 || d === 3 || d === 4 ? d : 0,
    policy: { ...SAFE_DISTRIBUTION_POLICY, ...(misp.distributionPolicy ?? {}) },
  };
  if (misp.sharingGroup !== undefined && misp.sharingGroup !== '') settings.sharingGroup = misp.sharingGroup;
  if (misp.sharingGroupId !== undefined && Number.isInteger(misp.sharingGroupId) && misp.sharingGroupId > 0) settings.sharingGroupId = misp.sharingGroupId;
  return settings;
}

/** The policy markings a set of marking facts raises; `unmarked` only when asked to (package level). */
export function policyMarkings(facts: MarkingFacts, unmarkedWhenNone: boolean): PolicyMarking[] {
  const out: PolicyMarking[] = [
    ...facts.tlp.map((c) => `tlp:${c.toLowerCase()}` as PolicyMarking),
    ...facts.consent.map((c) => `ais:${c.toLowerCase()}` as PolicyMarking),
  ];
  if (out.length === 0 && unmarkedWhenNone) out.push('unmarked');
  return out;
}

/**
 * Applies the policy to the given markings. Without any marking (construct level) the answer is undefined: the
 * construct simply follows the event.
 */
export function decide(markings: readonly PolicyMarking[], settings: PolicySettings): DistributionDecision | undefined {
  if (markings.length === 0) return undefined;
  const reasons: PolicyReason[] = markings.map((marking) => {
    const level = settings.policy[marking];
    return { marking, level, distribution: level === 'default' ? settings.distribution : level };
  });
  let distribution = reasons.map((r) => r.distribution).reduce(stricter);
  const decision: DistributionDecision = { distribution, reasons, summary: '' };
  let note = '';
  if (distribution === 4) {
    const written = settings.sharingGroup;
    const id = settings.sharingGroupId ?? (written !== undefined && /^[0-9]+$/.test(written) ? Number(written) : undefined);
    if (id !== undefined && id > 0) decision.sharingGroupId = id;
    else {
      // Never wider than asked: without a group id MISP would refuse the event, so it stays in the organisation.
      distribution = 0;
      decision.distribution = 0;
      note =
        written === undefined || written === ''
          ? '; no sharing group is configured (flare.misp.sharing-group), so the event stays in your organisation'
          : `; the sharing group "${written}" is looked up in MISP only when uploading (this conversion had no MISP connection; its numeric id works offline too), so here the event stays in your organisation`;
    }
  }
  const why = reasons.map((r) => `${r.marking} → ${r.level === 'default' ? `default (${r.distribution})` : r.level}`).join('; ');
  const sg = decision.sharingGroupId !== undefined ? ` ${decision.sharingGroupId}` : '';
  decision.summary = `${distribution} (${distributionName(distribution)}${sg}): ${why}${note}`;
  return decision;
}
