/**
 * What a conversion did, for people: the preview (AdminApi `previewPackage`, `flare-misp convert --preview`), the
 * CLI summary line and the run log read the ConversionReport through these helpers.
 */
import type { MispEvent } from '../../model';
import type { ConversionReport, ReportEntry } from '../contract';

/** Report codes that mean "this piece of the package is not in the event". */
const DROP_CODES = new Set([
  'dropped',
  'placeholder',
  'unresolved-idref',
  'unsupported-type',
  'invalid-value',
  'skipped',
  'mapping-failed',
  'empty-indicator',
  'empty-test-mechanism',
  'unsupported-test-mechanism',
  'unsupported-vulnerability',
  'threat-actor-unnamed',
  'campaign-unnamed',
  'coa-not-converted',
  'ttp-not-converted',
]);

const isDrop = (e: ReportEntry): boolean => e.level === 'warning' && (DROP_CODES.has(e.code) || e.code.startsWith('dropped') || e.code.startsWith('skip'));

function line(e: ReportEntry): string {
  return e.where !== undefined && !e.message.includes(e.where) ? `${e.message} (${e.where})` : e.message;
}

export interface ReportSummary {
  /** Warnings that are neither drops nor refangs. */
  warnings: string[];
  /** What the event lacks, and why. */
  dropped: string[];
  /** Values that were defanged in the package and restored. */
  refanged: string[];
  /** Informational notes (merges, fallbacks, the policy). */
  notes: string[];
}

export function summarizeReport(report: ConversionReport): ReportSummary {
  const out: ReportSummary = { warnings: [], dropped: [], refanged: [], notes: [] };
  for (const e of report.entries) {
    if (e.code === 'refanged') out.refanged.push(line(e));
    else if (isDrop(e)) out.dropped.push(line(e));
    else if (e.level === 'warning') out.warnings.push(line(e));
    else out.notes.push(line(e));
  }
  return out;
}

export interface EventCounts {
  attributes: number;
  objects: number;
  /** Attributes inside objects. */
  objectAttributes: number;
  tags: number;
  toIds: number;
}

export function countEvent(event: MispEvent): EventCounts {
  const attributes = event.Attribute ?? [];
  const objects = event.Object ?? [];
  const inner = objects.flatMap((o) => o.Attribute);
  return {
    attributes: attributes.length,
    objects: objects.length,
    objectAttributes: inner.length,
    tags: event.Tag?.length ?? 0,
    toIds: [...attributes, ...inner].filter((a) => a.to_ids).length,
  };
}

/** The event as MISP's REST API takes it, serialised the same way every time. */
export function eventJson(event: MispEvent): string {
  return `${JSON.stringify({ Event: event }, null, 2)}\n`;
}
