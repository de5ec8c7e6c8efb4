const KINDS: ReadonlySet<string> = new Set<Construct['kind']>(['package', 'observable', 'object', 'event', 'indicator', 'ttp', 'exploit-target', 'course-of-action', 'threat-actor', 'campaign', 'incident', 'report']);

/**
 * Fields that never hold a construct the converter looks for (identities aside: they are read where they sit, never
 * through an idref). Skipping them is what makes this walk several times cheaper than the generic `walkModel` on
 * real packages: CybOX properties, markings, information sources, vocabularies and kept extensions are most of a
 * model's bulk. corpus.test.ts checks that both walks find the same constructs in every corpus file.
 */
const SKIP: ReadonlySet<string> = new Set([
  'kind', 'extensions', 'properties', 'domainSpecific', 'handling', 'informationSource', 'producer', 'source', 'reporter',
  'responders', 'coordinators', 'contacts', 'identity', 'victims', 'personas', 'types', 'names', 'intents', 'packageIntents',
  'categories', 'killChainPhases', 'killChains', 'confidence', 'time', 'structuredCOA', 'testMechanisms', 'xsiType', 'vocab',
  'relationship', 'state', 'validTimePositions', 'likelyImpact', 'impact', 'cost', 'efficacy', 'objective', 'intendedEffects',
  'motivations', 'sophistications', 'planningAndOperationalSupport', 'status', 'keywords', 'sources', 'specification',
  'relatedIdentities', 'impactAssessment', 'discoveryMethods', 'securityCompromise', 'externalIds', 'alternativeIds',
  'profiles', 'weaknesses', 'configurations', 'cvss', 'references', 'associationType',
]);

/** Constructs that carry markings of their own (a nested package and a report in their header). */
const MARKABLE: ReadonlySet<string> = new Set<Construct['kind']>(['package', 'indicator', 'ttp', 'exploit-target', 'course-of-action', 'threat-actor', 'campaign', 'incident', 'report']);

/**
 * Visits every construct (parents first, document order) except identities, skipping construct-free fields; with
 * the nearest enclosing markable construct written inside another (undefined at the top of the package).
 */
function fastWalk(root: Construct, visit: (c: Construct, parent: Construct | undefined) => void): void {
  const go = (value: unknown, parent: Construct | undefined): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) go(v, parent);
      return;
    }
    const obj = value as Record<string, unknown>;
    const kind = obj.kind;
    let inner = parent;
    if (typeof kind === 'string') {
      if (kind === 'identity') return;
      if (KINDS.has(kind)) {
        visit(value as Construct, parent);
        if (MARKABLE.has(kind) && obj.idref === undefined) inner = value as Construct;
      }
    }
    for (const key in obj) {
      if (SKIP.has(key)) continue;
      const v = obj[key];
      if (v !== null && typeof v === 'object') go(v, inner);
    }
  };
  go(root, undefined);
}

/**
 * One pass over the package model collecting what the builder needs: the id index (first definition wins, as
 * `indexIds` does), every definition by kind in document order, the constructs that carry markings, and the latest
 * construct timestamp. Walking a large package once instead of once per question matters (bench/convert).
 */
import type { IdIndex } from '../../../stix/index';
import type { Construct, Marking, StixPackage } from '../../../stix/model/types';

export type Definitions = { [K in Construct['kind']]: Extract<Construct, { kind: K }>[] };

export interface ModelScan {
  index: IdIndex;
  definitions: Definitions;
  /** Constructs (not the package) with their markings, in document order. */
  marked: { construct: Construct; handling: Marking[] }[];
  /** The latest `timestamp` of any construct, as written. */
  timestamps: string[];
  /**
   * Markable constructs written inside another one (a COA inside an indicator, an exploit target inside a TTP, the
   * content of a report or of a related package): the nearest enclosing markable construct, whose markings they
   * inherit. Not the package itself (its markings are the event's).
   */
  parents: Map<Construct, Construct>;
}

/** The markings a construct holds (a package's and a report's are in their header). */
export function handlingOf(c: Construct): Marking[] {
  if (c.kind === 'package' || c.kind === 'report') return c.header?.handling ?? [];
  return 'handling' in c && Array.isArray(c.handling) ? c.handling : [];
}

export function scanModel(model: StixPackage): ModelScan {
  const byId = new Map<string, Construct>();
  const duplicates = new Set<string>();
  const definitions: Definitions = {
    package: [],
    observable: [],
    object: [],
    event: [],
    indicator: [],
    ttp: [],
    'exploit-target': [],
    'course-of-action': [],
    'threat-actor': [],
    campaign: [],
    incident: [],
    report: [],
    identity: [],
  };
  const marked: ModelScan['marked'] = [];
  const timestamps: string[] = [];
  const parents = new Map<Construct, Construct>();
  fastWalk(model, (c, parent) => {
    if (parent !== undefined && parent !== model && c.idref === undefined && MARKABLE.has(c.kind)) parents.set(c, parent);
    if (c.id !== undefined) {
      if (byId.has(c.id)) duplicates.add(c.id);
      else byId.set(c.id, c);
    }
    if (c.idref !== undefined) return;
    if (c.id === undefined || byId.get(c.id) === c) (definitions[c.kind] as Construct[]).push(c);
    const handling = handlingOf(c);
    if (handling.length > 0) marked.push({ construct: c, handling });
    const ts = (c as { timestamp?: string }).timestamp;
    if (ts !== undefined) timestamps.push(ts);
  });
  return { index: { byId, duplicates: [...duplicates] }, definitions, marked, timestamps, parents };
}
