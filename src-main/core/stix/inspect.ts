/**
 * What `flare-misp stix inspect` and previews show about a package: identity, title, markings, and how many of
 * each construct and CybOX object type it holds (definitions at any depth; idref stubs are counted apart).
 */
import { cyboxType } from './model/cybox';
import type { GenericElement, Marking, MarkingStructure, StixPackage } from './model/types';
import { forEachExtension, walkModel } from './model/walk';
import type { ExtractedPackage } from './read';

export interface PackageSummary {
  id?: string;
  version?: string;
  timestamp?: string;
  title?: string;
  hash: string;
  /** Package-level markings, e.g. `TLP:AMBER`, `AIS consent:EVERYONE`, `terms of use`. */
  markings: string[];
  /** Markings on constructs inside the package (indicators, TTPs…), by label, with counts. */
  innerMarkings: Record<string, number>;
  /** Definitions by construct: observables, objects, indicators, ttps, … */
  counts: Record<string, number>;
  /** References by idref, by construct. */
  references: Record<string, number>;
  /** CybOX objects by type (`Address`, `File`, …); objects without a typed Properties are `(untyped)`. */
  cyboxTypes: Record<string, number>;
  /** Typed elements inside object properties (`EmailMessage/From` as Address, `SocketAddress/Port` as Port). */
  embeddedTypes: Record<string, number>;
  /** CybOX object types found inside extensions the model keeps whole (e.g. a MAEC malware analysis). */
  typesInExtensions: Record<string, number>;
  /** Observable compositions and composite indicators, by operator. */
  compositions: Record<string, number>;
  warnings: string[];
}

const COUNT_NAMES: Record<string, string> = {
  observable: 'observables',
  object: 'objects',
  event: 'events',
  indicator: 'indicators',
  ttp: 'ttps',
  'exploit-target': 'exploitTargets',
  'course-of-action': 'coursesOfAction',
  'threat-actor': 'threatActors',
  campaign: 'campaigns',
  incident: 'incidents',
  report: 'reports',
  package: 'relatedPackages',
};

export function summarizePackage(p: ExtractedPackage): PackageSummary {
  const model = p.model;
  const out: PackageSummary = {
    hash: p.hash,
    markings: markingLabels(model.header?.handling ?? []),
    innerMarkings: {},
    counts: {},
    references: {},
    cyboxTypes: {},
    embeddedTypes: {},
    typesInExtensions: {},
    compositions: {},
    warnings: p.warnings,
  };
  if (p.id !== undefined) out.id = p.id;
  if (p.version !== undefined) out.version = p.version;
  if (p.timestamp !== undefined) out.timestamp = p.timestamp;
  if (model.header?.title !== undefined) out.title = model.header.title;

  walkModel(model, (c) => {
    if (c === model || c.kind === 'identity') return;
    const name = COUNT_NAMES[c.kind] ?? c.kind;
    if (c.idref !== undefined) {
      bump(out.references, name);
      return;
    }
    bump(out.counts, name);
    if (c.kind === 'object') {
      bump(out.cyboxTypes, c.objectType?.name ?? '(untyped)');
      if (c.properties) countEmbedded(c.properties.children, out.embeddedTypes);
    }
    if (c.kind === 'observable' && c.composition) bump(out.compositions, `observable ${c.composition.operator || '?'}`);
    if (c.kind === 'indicator' && c.composition) bump(out.compositions, `indicator ${c.composition.operator || '?'}`);
    if ('handling' in c && Array.isArray(c.handling)) for (const label of markingLabels(c.handling as Marking[])) bump(out.innerMarkings, label);
  });
  forEachExtension(model, (e) => countEmbedded([e], out.typesInExtensions));
  return out;
}

/** Short human labels for markings: `TLP:AMBER`, `AIS consent:EVERYONE`, `AIS TLP:GREEN`, `terms of use`… */
export function markingLabels(markings: readonly Marking[]): string[] {
  const labels: string[] = [];
  for (const m of markings) for (const s of m.structures) labels.push(...structureLabels(s));
  return [...new Set(labels)];
}

function structureLabels(s: MarkingStructure): string[] {
  switch (s.kind) {
    case 'tlp':
      return [`TLP:${s.color ?? '?'}`];
    case 'ais': {
      const out = [`AIS consent:${s.consent ?? '?'}`];
      if (s.color) out.push(`AIS TLP:${s.color}`);
      out.push(s.proprietary ? 'AIS proprietary' : 'AIS not proprietary');
      return out;
    }
    case 'terms-of-use':
      return ['terms of use'];
    case 'simple':
      return ['simple marking'];
    case 'other':
      return [`marking ${s.xsiType ? s.xsiType.local : s.content.name}`];
  }
}

function countEmbedded(fields: readonly GenericElement[], into: Record<string, number>): void {
  for (const f of fields) {
    if (f.xsiType && /ObjectType$/.test(f.xsiType.local)) bump(into, cyboxType(f.xsiType.ns, f.xsiType.local).name);
    countEmbedded(f.children, into);
  }
}

function bump(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

/** Every package of a content block, summarised. */
export function summarizePackages(packages: readonly ExtractedPackage[]): PackageSummary[] {
  return packages.map(summarizePackage);
}

export type { StixPackage };
