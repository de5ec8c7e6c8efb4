import { describe, expect, it } from 'vitest';
import { compareTimestamps, isCanonicalTimestamp, timestampMicros, toTaxiiTimestamp, TaxiiTimestampError } from './timestamps';

describe('TAXII timestamps', () => {
  it('normalises offsets to UTC with Z', () => {
    expect(toTaxiiTimestamp('2016-01-01T00:00:00+00:00')).toBe('2016-01-01T00:00:00Z');
    expect(toTaxiiTimestamp('2014-10-21T15:21:50.895-04:00')).toBe('2014-10-21T19:21:50.895Z');
    expect(toTaxiiTimestamp('2016-01-01T01:30:00+01:30')).toBe('2016-01-01T00:00:00Z');
  });

  it('keeps microseconds, drops trailing zeros, truncates beyond 6 digits', () => {
    expect(toTaxiiTimestamp('2026-11-28T00:33:39.987580+00:00')).toBe('2026-11-28T00:33:39.98758Z');
    expect(toTaxiiTimestamp('2026-11-28T00:33:39.000000Z')).toBe('2026-11-28T00:33:39Z');
    expect(toTaxiiTimestamp('2026-11-28T00:33:39.1234567899Z')).toBe('2026-11-28T00:33:39.123456Z');
  });

  it('formats Dates with at most millisecond digits and no zero fraction', () => {
    expect(toTaxiiTimestamp(new Date(Date.UTC(2023, 0, 1, 12, 34, 56, 789)))).toBe('2023-01-01T12:34:56.789Z');
    expect(toTaxiiTimestamp(new Date(Date.UTC(2023, 0, 1)))).toBe('2023-01-01T00:00:00Z');
  });

  it('matches the XSD pattern for everything it produces', () => {
    const xsd = /^-?[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(((\+|-)[0-9]{2}:[0-9]{2})|Z)$/;
    for (const v of ['2016-01-01T00:00:00+00:00', '2026-11-28T00:33:39.98758012Z', new Date()]) {
      expect(toTaxiiTimestamp(v)).toMatch(xsd);
    }
  });

  it('refuses naive, malformed and out-of-range values', () => {
    expect(() => toTaxiiTimestamp('2016-01-01T00:00:00')).toThrow(TaxiiTimestampError);
    expect(() => toTaxiiTimestamp('2016-01-01T00:00:00')).toThrow(/no time zone/);
    expect(() => toTaxiiTimestamp('yesterday')).toThrow(TaxiiTimestampError);
    expect(() => toTaxiiTimestamp('2016-02-30T00:00:00Z')).toThrow(/out of range/);
    expect(() => toTaxiiTimestamp(new Date(Number.NaN))).toThrow(TaxiiTimestampError);
  });

  it('compares exactly, below the millisecond', () => {
    expect(compareTimestamps('2016-01-01T00:00:00.000001Z', '2016-01-01T00:00:00Z')).toBe(1);
    expect(compareTimestamps('2016-01-01T00:00:00+00:00', '2016-01-01T00:00:00Z')).toBe(0);
    expect(compareTimestamps('2015-12-31T23:59:59.999999Z', '2016-01-01T00:00:00Z')).toBe(-1);
    expect(timestampMicros('1970-01-01T00:00:01.5Z')).toBe(1_500_000n);
  });

  it('knows its canonical form', () => {
    expect(isCanonicalTimestamp('2016-01-01T00:00:00Z')).toBe(true);
    expect(isCanonicalTimestamp('2016-01-01T00:00:00+00:00')).toBe(false);
    expect(isCanonicalTimestamp('2016-01-01T00:00:00.100Z')).toBe(false);
  });
});
