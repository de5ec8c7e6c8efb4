/**
 * Coverage of the CybOX mapping over packages: every observable of every package — top level, in indicators (also
 * composite ones), TTP infrastructure, COA parameters, incidents, reports, sightings, related packages; idrefs
 * followed — mapped, merged per package, and checked with the MISP validator as one event per package.
 * `flare-misp convert --report` and bench/coverage print `formatCoverage` of it.
 */
import type { Construct, Observable, StixPackage } from '../../../stix/model/types';
import { walkModel, type IdIndex } from '../../../stix/model/walk';
import type { MispEvent } from '../../model';
import { checkEvent, type ValidationIssue } from '../../validate/index';
import { ConversionReport, derivedUuid, FLARE_UUID_NAMESPACE, type Mapped, type MappingContext, type MappingOutcome } from '../contract';
import { mapObservable } from './index';
import { mergeMapped } from './merge';
import { resolversFor } from './resolve';

export interface PackageCoverage {
  id: string;
  observables: number;
  attributes: number;
  objects: number;
  /** Validator errors of the event made of this package's observables (should be none). */
  errors: ValidationIssue[];
  report: ConversionReport;
}

export interface CoverageResult {
  /** All packages' reports merged: coverage per CybOX type, warnings, infos. */
  report: ConversionReport;
  packages: PackageCoverage[];
  totals: { packages: number; observables: number; attributes: number; objects: number; errors: number };
}

export interface PackageObservables {
  /** Every observable not inside another observable, in document order, and whether it sits in an indicator. */
  outermost: { observable: Observable; inIndicator: boolean }[];
  /** The package's id index (built in the same walk). */
  index: IdIndex;
}

/** The outermost observables and the id index of a package, in one walk of the model. */
export function packageObservables(pkg: StixPackage): PackageObservables {
  const outermost: PackageObservables['outermost'] = [];
  const byId = new Map<string, Construct>();
  const duplicates = new Set<string>();
  walkModel(pkg, (c, path) => {
    if (c.id !== undefined) {
      if (byId.has(c.id)) duplicates.add(c.id);
      else byId.set(c.id, c);
    }
    if (c.kind !== 'observable') return;
    let inIndicator = false;
    for (const p of path) {
      if (p.kind === 'observable') return;
      if (p.kind === 'indicator') inIndicator = true;
    }
    outermost.push({ observable: c, inIndicator });
  });
  return { outermost, index: { byId, duplicates: [...duplicates] } };
}

/** Maps one package's observables into one Mapped (merged, references pruned) with its report. */
export function mapPackageObservables(pkg: StixPackage, eventUuid: string, report = new ConversionReport()): { mapped: Mapped; observables: number } {
  const { outermost: list, index } = packageObservables(pkg);
  const resolvers = resolversFor(pkg, index);
  const parts: Mapped[] = [];
  for (const { observable, inIndicator } of list) {
    const ctx: MappingContext = { eventUuid, toIds: inIndicator, resolve: resolvers.resolve, resolveObject: resolvers.resolveObject, report };
    parts.push(mapObservable(observable, ctx));
  }
  return { mapped: mergeMapped(parts, report, { pruneReferences: true }), observables: list.length };
}

/** The coverage of the mapping over packages (e.g. everything `readPackages` gave for a set of files). */
export function coverageOfPackages(packages: Iterable<{ id?: string; model: StixPackage }>): CoverageResult {
  const total = new ConversionReport();
  const result: CoverageResult = { report: total, packages: [], totals: { packages: 0, observables: 0, attributes: 0, objects: 0, errors: 0 } };
  let n = 0;
  for (const pkg of packages) {
    const id = pkg.id ?? pkg.model.id ?? `package-${n}`;
    n++;
    const eventUuid = derivedUuid(FLARE_UUID_NAMESPACE, `coverage|${id}`);
    const report = new ConversionReport();
    const { mapped, observables } = mapPackageObservables(pkg.model, eventUuid, report);
    const event: MispEvent = { uuid: eventUuid, info: `CybOX coverage of ${id}`, date: '2000-01-01', threat_level_id: 4, analysis: 0, distribution: 0 };
    if (mapped.attributes.length > 0) event.Attribute = mapped.attributes;
    if (mapped.objects.length > 0) event.Object = mapped.objects;
    const errors = checkEvent({ Event: event }).issues.filter((i) => i.level === 'error');
    result.packages.push({ id, observables, attributes: mapped.attributes.length, objects: mapped.objects.length, errors, report });
    total.merge(report);
    result.totals.packages++;
    result.totals.observables += observables;
    result.totals.attributes += mapped.attributes.length;
    result.totals.objects += mapped.objects.length;
    result.totals.errors += errors.length;
  }
  return result;
}

/** CybOX types that were "silently lost": skipped at least once, and no warning of the report says so. */
export function silentlyLost(report: ConversionReport): string[] {
  const announced = new Set<string>();
  for (const w of report.warnings) {
    const colon = w.message.indexOf(': ');
    if (colon > 0) announced.add(w.message.slice(0, colon));
  }
  const out: string[] = [];
  for (const [type, c] of report.coverage) if (c.skipped > 0 && !announced.has(type)) out.push(type);
  return out;
}

/** A plain-text table: one line per CybOX type, then the totals. */
export function formatCoverage(result: CoverageResult): string {
  const rows = [...result.report.coverage].sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(14, ...rows.map(([t]) => t.length));
  const pad = (s: string | number, w: number): string => String(s).padStart(w);
  const lines = [`${'CybOX type'.padEnd(width)} ${pad('mapped', 8)} ${pad('text', 8)} ${pad('skipped', 8)}`];
  const sum: Record<MappingOutcome, number> = { mapped: 0, text: 0, skipped: 0 };
  for (const [type, c] of rows) {
    lines.push(`${type.padEnd(width)} ${pad(c.mapped, 8)} ${pad(c.text, 8)} ${pad(c.skipped, 8)}`);
    for (const o of ['mapped', 'text', 'skipped'] as const) sum[o] += c[o];
  }
  lines.push(`${'total'.padEnd(width)} ${pad(sum.mapped, 8)} ${pad(sum.text, 8)} ${pad(sum.skipped, 8)}`);
  const t = result.totals;
  const warnings = result.report.warnings.length;
  lines.push(
    `${t.packages} package(s), ${t.observables} observable(s) → ${t.attributes} attribute(s), ${t.objects} object(s); ${warnings} warning(s); validator errors: ${t.errors}`,
  );
  return lines.join('\n');
}
