/**
 * The contract between the two halves of STIX → MISP conversion:
 *   - observables/ (CybOX objects → MISP attributes and objects; issue 6) implements `mapObservable`;
 *   - event/ (the whole package → one MISP event: indicators, markings, TTPs…; issue 7) calls it.
 * Both report what they dropped, refanged, skipped or kept as text through one `ConversionReport`, which the
 * preview, the CLI's `--report` and the run log show. Attribute and object uuids are derived, never reused
 * from CybOX ids (a re-issued package would collide): see `derivedUuid`.
 */
import crypto from 'node:crypto';
import type { CyboxObject, Observable } from '../../stix/model/types';
import type { MispAttribute, MispObject, MispTag } from '../model';

/** Fixed namespace for every uuid FLARE MISP derives (UUIDv5). Never change it: uuids would all move. */
export const FLARE_UUID_NAMESPACE = '6f2d4a4e-5b1c-4f0e-9a57-3c1d2e8b7a90';

/**
 * A uuid that is the same every time for the same event and the same thing inside it: UUIDv5 of the event
 * uuid and a stable key (the CybOX id plus a path, or the value's own identity when there is no id).
 */
export function derivedUuid(eventUuid: string, key: string): string {
  // RFC 4122 UUIDv5, byte-identical to uuid's v5(`${eventUuid}|${key}`, FLARE_UUID_NAMESPACE) (tested), computed
  // with the namespace bytes prepared once: conversion derives one uuid per attribute, so this is a hot path.
  const name = `${eventUuid}|${key}`;
  const input = Buffer.allocUnsafe(16 + Buffer.byteLength(name, 'utf8'));
  NAMESPACE_BYTES.copy(input, 0);
  input.write(name, 16, 'utf8');
  const h = crypto.hash ? crypto.hash('sha1', input, 'buffer') : crypto.createHash('sha1').update(input).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = HEX;
  return (
    x[h[0]!]! + x[h[1]!]! + x[h[2]!]! + x[h[3]!]! + '-' + x[h[4]!]! + x[h[5]!]! + '-' + x[h[6]!]! + x[h[7]!]! + '-' +
    x[h[8]!]! + x[h[9]!]! + '-' + x[h[10]!]! + x[h[11]!]! + x[h[12]!]! + x[h[13]!]! + x[h[14]!]! + x[h[15]!]!
  );
}

const NAMESPACE_BYTES = Buffer.from(FLARE_UUID_NAMESPACE.replaceAll('-', ''), 'hex');
const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => (i + 0x100).toString(16).slice(1));

/** What happened to one CybOX object, for the coverage report. */
export type MappingOutcome = 'mapped' | 'text' | 'skipped';

export interface ReportEntry {
  level: 'warning' | 'info';
  /** Stable machine code: placeholder, refanged, pattern, unsupported-type, invalid-value, dropped… */
  code: string;
  message: string;
  /** The STIX id or path the entry is about. */
  where?: string;
}

/** Collects everything the user should know about a conversion. One per package. */
export class ConversionReport {
  readonly entries: ReportEntry[] = [];
  /** Per CybOX object type (e.g. "Address", "WindowsFile"): how many were mapped, kept as text, skipped. */
  readonly coverage = new Map<string, Record<MappingOutcome, number>>();

  warn(code: string, message: string, where?: string): void {
    this.entries.push({ level: 'warning', code, message, ...(where !== undefined && { where }) });
  }

  info(code: string, message: string, where?: string): void {
    this.entries.push({ level: 'info', code, message, ...(where !== undefined && { where }) });
  }

  count(cyboxType: string, outcome: MappingOutcome): void {
    let c = this.coverage.get(cyboxType);
    if (!c) this.coverage.set(cyboxType, (c = { mapped: 0, text: 0, skipped: 0 }));
    c[outcome]++;
  }

  /** Adds another report's coverage (for corpus-wide totals). */
  merge(other: ConversionReport): void {
    this.entries.push(...other.entries);
    for (const [type, c] of other.coverage) for (const o of ['mapped', 'text', 'skipped'] as const) for (let i = 0; i < c[o]; i++) this.count(type, o);
  }

  get warnings(): ReportEntry[] {
    return this.entries.filter((e) => e.level === 'warning');
  }
}

/** Where an observable sits, and what the caller wants on everything made from it. */
export interface MappingContext {
  /** The event's uuid: the seed of every derived uuid. */
  eventUuid: string;
  /** True for observables of an indicator (and only when their condition is Equals), false for top-level ones. */
  toIds: boolean;
  /** A comment to put on every attribute and object made (e.g. the indicator's title); may be empty. */
  comment?: string;
  /** Tags for every attribute made (indicator-level markings). */
  tags?: MispTag[];
  /** Follows an idref to its definition (observables and objects are often referenced, not repeated). */
  resolve(idref: string): Observable | undefined;
  /**
   * Follows an idref to a CybOX Object (`Related_Object idref=…`, `Object idref=…`, an e-mail attachment's
   * `object_reference`). Optional (added by issue 6): without it, such references still become object references by
   * derived uuid, but values read through them (the IP of a `Resolved_To`, an attachment's file name) are not.
   * `resolversFor(pkg)` in observables/ gives both resolvers for a package.
   */
  resolveObject?(idref: string): CyboxObject | undefined;
  report: ConversionReport;
}

/** The MISP content made from one observable (and its related objects). */
export interface Mapped {
  attributes: MispAttribute[];
  objects: MispObject[];
}

/** Implemented in observables/index.ts. */
export type MapObservable = (observable: Observable, ctx: MappingContext) => Mapped;
