/**
 * TAXII timestamps. The XSD's TimestampLabelType demands a zone and allows at most 6 fraction digits
 * (reference/taxii.md §1.6); servers send both `Z` and `+00:00`. We normalise every timestamp we send or keep to one
 * canonical form: UTC, `Z`, fraction digits only when they are not zero (at most 6, trailing zeros dropped). Keeping
 * them as strings, not `Date`s, preserves the microseconds a Python server (libtaxii, OpenTAXII) may send, which a
 * `Date` would round away and so move a window edge.
 */
import { FlareError } from '../errors';

const PATTERN = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

export class TaxiiTimestampError extends FlareError {
  constructor(value: string, why: string) {
    super('taxii_bad_timestamp', `"${value}" is not a usable TAXII timestamp: ${why}.`, {
      hint: 'Use an ISO 8601 date and time with a zone, for example 2024-01-31T00:00:00Z.',
      detail: { value },
    });
    this.name = 'TaxiiTimestampError';
  }
}

/** A timestamp in canonical form: `YYYY-MM-DDThh:mm:ss[.f{1,6}]Z`, UTC. */
export type TaxiiTimestamp = string;

/** Normalise a `Date` or an ISO 8601 string with a zone to the canonical UTC form. More than 6 fraction digits are truncated. */
export function toTaxiiTimestamp(value: Date | string): TaxiiTimestamp {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TaxiiTimestampError(String(value), 'the date is invalid');
    return toTaxiiTimestamp(value.toISOString());
  }
  const m = PATTERN.exec(value.trim());
  if (!m) {
    const why = /T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value.trim()) ? 'it has no time zone' : 'it is not an ISO 8601 date and time';
    throw new TaxiiTimestampError(value, why);
  }
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  const sameFields =
    date.getUTCFullYear() === Number(y) &&
    date.getUTCMonth() === Number(mo) - 1 &&
    date.getUTCDate() === Number(d) &&
    date.getUTCHours() === Number(h) &&
    date.getUTCMinutes() === Number(mi) &&
    date.getUTCSeconds() === Number(s);
  if (!sameFields) throw new TaxiiTimestampError(value, 'a field is out of range');
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const offsetMinutes = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6));
    date.setTime(date.getTime() - sign * offsetMinutes * 60_000);
  }
  const whole = date.toISOString().slice(0, 19);
  const digits = frac.slice(0, 6).replace(/0+$/, '');
  return digits ? `${whole}.${digits}Z` : `${whole}Z`;
}

/** True when `value` is already in canonical form (what `toTaxiiTimestamp` returns). */
export function isCanonicalTimestamp(value: string): boolean {
  try {
    return toTaxiiTimestamp(value) === value;
  } catch {
    return false;
  }
}

/** Microseconds since the epoch: exact for every canonical timestamp, so two labels compare without rounding. */
export function timestampMicros(value: TaxiiTimestamp | Date): bigint {
  const canonical = toTaxiiTimestamp(value);
  const dot = canonical.indexOf('.');
  const whole = dot < 0 ? canonical.slice(0, -1) : canonical.slice(0, dot);
  const fraction = dot < 0 ? '' : canonical.slice(dot + 1, -1);
  const seconds = BigInt(Date.parse(`${whole}Z`) / 1000);
  return seconds * 1_000_000n + BigInt(fraction.padEnd(6, '0') || '0');
}

/** Negative when a is earlier than b, zero when equal, positive when later. */
export function compareTimestamps(a: TaxiiTimestamp | Date, b: TaxiiTimestamp | Date): number {
  const d = timestampMicros(a) - timestampMicros(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** The current time in canonical form. */
export function nowTimestamp(now: () => Date = () => new Date()): TaxiiTimestamp {
  return toTaxiiTimestamp(now());
}
