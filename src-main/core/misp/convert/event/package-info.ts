/**
 * Event-level identity: the event uuid from the package id, STIX timestamps in UTC, and a readable `info`.
 */
import { createHash } from 'node:crypto';
import type { Indicator, StixPackage } from '../../../stix/model/types';
import { isMispUuid } from '../../validate/index';
import { derivedUuid } from '../contract';

const TRAILING_UUID = /([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

/**
 * The event uuid: the UUID inside the package id when it is one MISP accepts (`NCCIC:STIX_Package-<uuid>`), else
 * UUIDv5 of the whole id in FLARE's namespace. A package without an id is identified by its content hash (given as
 * a function when it is costly to compute: only a package without an id needs it).
 */
export function eventUuidFor(packageId: string | undefined, contentHash: string | (() => string)): string {
  if (packageId !== undefined && packageId !== '') {
    const m = TRAILING_UUID.exec(packageId.trim());
    if (m && isMispUuid(m[1])) return m[1]!.toLowerCase();
    // UUIDv5 of "stix-package|<id>" in FLARE's namespace (derivedUuid joins its two arguments with "|").
    return derivedUuid('stix-package', packageId);
  }
  return derivedUuid('stix-package-hash', typeof contentHash === 'string' ? contentHash : contentHash());
}

/** sha256 of the model's JSON: the identity of a package given as a bare model without id or hash. */
export function modelHash(model: StixPackage): string {
  return createHash('sha256').update(JSON.stringify(model)).digest('hex');
}

const STIX_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * A STIX timestamp (xs:dateTime, any number of fraction digits, with or without zone; no zone means UTC) as Unix
 * milliseconds, or undefined when it is not a time.
 */
export function parseStixTime(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = STIX_TIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const ms = Number(`0.${frac || '0'}`) * 1000;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Math.floor(ms));
  if (Number.isNaN(t)) return undefined;
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) return undefined;
  if (zone !== 'Z' && zone !== 'z') {
    const zm = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    const offset = (Number(zm[2]) * 60 + Number(zm[3] ?? '0')) * 60_000;
    t += zm[1] === '+' ? -offset : offset;
  }
  return t;
}

export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

function shorten(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** A title that says nothing more than the package id (AIS titles often are just the id). */
function isJustAnId(title: string, packageId: string | undefined): boolean {
  const t = title.trim();
  if (packageId !== undefined && (t === packageId || t.includes(TRAILING_UUID.exec(packageId)?.[1] ?? '\u0000'))) return true;
  return /^[\w.-]+:[\w.-]+-[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}$/.test(t);
}

function indicatorSummary(indicators: readonly Indicator[]): string {
  const n = indicators.length;
  if (n === 0) return '';
  const first = indicators.find((i) => i.title !== undefined && i.title.trim() !== '')?.title;
  return `${n} indicator${n === 1 ? '' : 's'}${first ? `, first: ${shorten(oneLine(first), 120)}` : ''}`;
}

/**
 * The event's `info`: the header title; a title that is just the id, or no title, is completed with what the
 * package holds (the one incident's or report's title, the indicator count and first indicator title).
 */
export function eventInfo(model: StixPackage, packageId: string | undefined, indicators: readonly Indicator[]): string {
  const title = model.header?.title !== undefined ? oneLine(model.header.title) : '';
  const summary = indicatorSummary(indicators);
  if (title !== '' && !isJustAnId(title, packageId)) return shorten(title, 1000);
  if (title !== '') return shorten(summary ? `${title} (${summary})` : title, 1000);
  const named = [...model.incidents, ...model.relatedPackages.flatMap((r) => r.item?.incidents ?? [])].filter((i) => i.title?.trim());
  if (named.length === 1) return shorten(oneLine(named[0]!.title!), 1000);
  const report = model.reports.find((r) => r.header?.title?.trim());
  if (report) return shorten(oneLine(report.header!.title!), 1000);
  const id = packageId ?? 'without id';
  if (summary) return shorten(`STIX package ${id} (${summary})`, 1000);
  const others: [string, string | undefined][] = [
    ...model.campaigns.map((c) => ['campaign', c.title ?? c.names[0]?.value] as [string, string | undefined]),
    ...model.threatActors.map((t) => ['threat actor', t.title ?? t.identity?.name] as [string, string | undefined]),
    ...model.ttps.map((t) => ['TTP', t.title] as [string, string | undefined]),
    ...model.exploitTargets.map((e) => ['exploit target', e.title] as [string, string | undefined]),
    ...model.coursesOfAction.map((c) => ['course of action', c.title] as [string, string | undefined]),
    ...model.observables.map((o) => ['observable', o.title] as [string, string | undefined]),
  ];
  const first = others.find(([, t]) => t !== undefined && t.trim() !== '');
  return shorten(first ? `STIX package ${id}: ${first[0]} ${oneLine(first[1]!)}` : `STIX package ${id}`, 1000);
}
