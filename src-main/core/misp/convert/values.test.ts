import { describe, expect, it } from 'vitest';
import { ipv4RangeToCidr, isExactCondition, isPlaceholder, patternNote, refang, splitList } from './values';

describe('splitList', () => {
  it('splits ##comma## lists (CybOX 2.0.1+), trimming and dropping empty values', () => {
    // STIX_IP_Watchlist.xml: apply_condition="ANY" over three addresses.
    expect(splitList('10.0.0.0##comma##10.0.0.1##comma##10.0.0.2', 'ANY')).toEqual(['10.0.0.0', '10.0.0.1', '10.0.0.2']);
    expect(splitList(' a ##comma####comma## b ')).toEqual(['a', 'b']);
  });

  it('splits CybOX 2.0 comma lists only when they are lists (stix_1.0_forcible.xml)', () => {
    expect(splitList('10.0.0.0,10.0.0.1,10.0.0.2', 'ANY')).toEqual(['10.0.0.0', '10.0.0.1', '10.0.0.2']);
    expect(splitList('New modifications to the specification&comma;Brad,Free Face Enlargement Pills!', 'ANY')).toEqual([
      'New modifications to the specification,Brad',
      'Free Face Enlargement Pills!',
    ]);
    // CybOX 2.1: a comma is literal — in a subject, in a URL, or without apply_condition.
    expect(splitList('Hello, world', 'ANY')).toEqual(['Hello, world']);
    expect(splitList('http://x.example/a?b=1,2', 'ANY')).toEqual(['http://x.example/a?b=1,2']);
    expect(splitList('a,b')).toEqual(['a,b']);
  });
});

describe('placeholders', () => {
  it('recognises AIS and redaction placeholders', () => {
    for (const v of ['UNDER NCCIC REVIEW', 'under review', '[REDACTED]', 'REDACTED PERSONAL EMAIL ADDRESS', '<Redacted>', 'N/A', 'withheld']) {
      expect(isPlaceholder(v), v).toBe(true);
    }
    expect(isPlaceholder('[redacted]@gmail.com')).toBe(true);
  });

  it('keeps free text that mentions a redaction (STIX_Email_wFullAttachment.xml raw header)', () => {
    expect(isPlaceholder('Delivered-To: [redacted]@gmail.com\nReceived: by 10.49.5.231')).toBe(false);
  });

  it('leaves real values alone', () => {
    for (const v of ['evil.example.com', 'review.exe', 'redactedsoftware.com', 'N/A.exe', 'Under the bridge', '10.0.0.1']) {
      expect(isPlaceholder(v), v).toBe(false);
    }
  });
});

describe('refang', () => {
  it('restores defanged network values', () => {
    expect(refang('hxxp://evil[.]example[.]com/x')).toBe('http://evil.example.com/x');
    expect(refang('hXXps[:]//a(.)b[dot]c')).toBe('https://a.b.c');
    expect(refang('hmcbob[@]comcast.net')).toBe('hmcbob@comcast.net');
    expect(refang('dominikanabestplace[.]com')).toBe('dominikanabestplace.com');
    expect(refang('10[.]0[.]0[.]1')).toBe('10.0.0.1');
    expect(refang('fxxp://files[.]example.org')).toBe('ftp://files.example.org');
  });

  it('returns clean values unchanged (the same string)', () => {
    const v = 'http://example.com/a(b)';
    expect(refang('http://example.com/')).toBe('http://example.com/');
    expect(refang(v)).toBe(v);
  });
});

describe('conditions and ranges', () => {
  it('treats absent and Equals as exact, everything else as a pattern', () => {
    expect(isExactCondition(undefined)).toBe(true);
    expect(isExactCondition('Equals')).toBe(true);
    for (const c of ['Contains', 'StartsWith', 'DoesNotEqual', 'FitsPattern', 'InclusiveBetween']) expect(isExactCondition(c)).toBe(false);
    expect(patternNote('File_Name', 'Contains', 'AcroRd32.exe')).toBe('CybOX pattern: File_Name Contains "AcroRd32.exe"');
    expect(patternNote('Key', 'Contains', 'Run', 'ALL')).toBe('CybOX pattern: Key Contains "Run" (apply_condition ALL)');
  });

  it('turns an IPv4 range that is one CIDR block into that block (Mandiant_APT1_Report.xml)', () => {
    expect(ipv4RangeToCidr('143.89.0.0', '143.89.255.255')).toBe('143.89.0.0/16');
    expect(ipv4RangeToCidr('114.80.0.0', '114.95.255.255')).toBe('114.80.0.0/12');
    expect(ipv4RangeToCidr('10.0.0.7', '10.0.0.7')).toBe('10.0.0.7');
    expect(ipv4RangeToCidr('0.0.0.0', '255.255.255.255')).toBe('0.0.0.0/0');
    // Not one block, reversed (a typo in the report), not IPv4.
    expect(ipv4RangeToCidr('10.0.0.1', '10.0.0.2')).toBeUndefined();
    expect(ipv4RangeToCidr('223.166.0.0', '23.167.255.255')).toBeUndefined();
    expect(ipv4RangeToCidr('::1', '::2')).toBeUndefined();
  });
});
