import { describe, it, expect } from 'vitest';
import type { PreviewReportEntry } from '../../shared/api';
import {
  checkSize,
  codeTitle,
  errorPosition,
  eventJson,
  excerptAt,
  formatBytes,
  groupReport,
  groupReportByCode,
  matchesObject,
  MAX_PREVIEW_BYTES,
  messageLine,
  parseDecision,
  readCoverage,
  readEvent,
  reportKey,
  utf8Bytes,
} from './model';

describe('preview model', () => {
  it('reads the event defensively, with counts of IDS attributes across objects', () => {
    const v = readEvent({
      uuid: 'e36222b0-b4ce-47dd-9d97-9b268170bac2',
      info: 'IIR 4 213 5311 16',
      date: '2016-07-22',
      distribution: 0,
      threat_level_id: 4,
      analysis: 0,
      Tag: [{ name: 'tlp:amber' }, { nope: 1 }],
      Attribute: [
        { uuid: 'a1', type: 'domain', category: 'Network activity', value: 'bulbagop.website', to_ids: true, comment: 'Indicator' },
        { uuid: 'a2', type: 'text', category: 'Other', value: 'NCCIC', to_ids: false },
        'not an attribute',
      ],
      Object: [{ uuid: 'o1', name: 'file', 'meta-category': 'file', Attribute: [{ type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e', to_ids: '1', object_relation: 'md5', data: 'AA==' }] }],
    });
    expect(v).toMatchObject({ uuid: 'e36222b0-b4ce-47dd-9d97-9b268170bac2', info: 'IIR 4 213 5311 16', date: '2016-07-22', distribution: 0, threatLevel: 4, analysis: 0, tags: ['tlp:amber'] });
    expect(v.attributes).toHaveLength(2);
    expect(v.attributes[0]).toEqual({ uuid: 'a1', type: 'domain', category: 'Network activity', value: 'bulbagop.website', toIds: true, comment: 'Indicator', hasData: false });
    expect(v.objects[0]!.attributes[0]).toMatchObject({ relation: 'md5', toIds: true, hasData: true });
    expect(v.counts).toEqual({ attributes: 2, objects: 1, objectAttributes: 1, toIds: 2, tags: 1 });
    expect(readEvent({ Event: { info: 'wrapped' } }).info).toBe('wrapped');
    expect(readEvent(null)).toMatchObject({ info: '', attributes: [], objects: [], tags: [] });
    expect(matchesObject(v.objects[0]!, 'D41D8')).toBe(true);
    expect(JSON.parse(eventJson({ info: 'x' }))).toEqual({ Event: { info: 'x' } });
  });

  it('reads the policy decision and its reasons', () => {
    expect(parseDecision('0 (your organisation only): tlp:amber → 0; ais:everyone → default (3)')).toEqual({
      level: 0,
      label: 'your organisation only',
      reasons: ['tlp:amber → 0', 'ais:everyone → default (3)'],
      restricted: true,
    });
    expect(parseDecision('4 (sharing group 7): tlp:green → 4')).toMatchObject({ level: 4, label: 'sharing group 7', restricted: false });
    // No summary, or one in a shape we do not know: the event's distribution speaks, the text is kept.
    expect(parseDecision(undefined, 3)).toEqual({ level: 3, label: 'all communities', reasons: [], restricted: false });
    expect(parseDecision('something else', 0)).toMatchObject({ level: 0, label: 'your organisation only', reasons: ['something else'] });
  });

  it('groups the report by the shape of its lines, warnings first', () => {
    const sections = groupReport({
      warnings: ['the package has no time at all: the event is dated 1970-01-01'],
      dropped: [
        'File File_Name: "N/A" is a placeholder, not a value; skipped. (NCCIC:Object-3f600e43-4dc3-11e6-bc71-eccd6d4fa460)',
        'indicator example:indicator-f33c2b75 has nothing to convert',
        'File File_Name: "TBD" is a placeholder, not a value; skipped. (NCCIC:Object-3f600e46-4dc3-11e6-b66a-eccd6d4fa460)',
      ],
      refanged: undefined,
    });
    expect(sections.map((s) => [s.kind, s.total])).toEqual([
      ['warning', 1],
      ['dropped', 3],
      ['refanged', 0],
    ]);
    expect(sections[1]!.groups.map((g) => [g.label, g.items.length])).toEqual([
      ['File File_Name: "…" is a placeholder, not a value; skipped.', 2],
      ['indicator … has nothing to convert', 1],
    ]);
    expect(reportKey('the openioc test mechanism of indicator "WARP (FAMILY)" is not converted (it stays in the STIX package)')).toBe(
      'the openioc test mechanism of indicator "…" is not converted (it stays in the STIX package)',
    );
    expect(reportKey('URI Value: "hxxp://evil[.]com" refanged to "http://evil.com". (example:Object-1)')).toBe('URI Value: "…" refanged to "…".');
  });

  it('groups the structured report by code: warnings, then the notes an analyst reads, then the rest', () => {
    const placeholder = (id: string): PreviewReportEntry => ({ level: 'warning', code: 'placeholder', message: 'File File_Name: "N/A" is a placeholder, not a value; skipped.', where: `NCCIC:Object-${id}` });
    const entries: PreviewReportEntry[] = [
      { level: 'info', code: 'distribution', message: 'distribution 0 (your organisation only): tlp:amber → 0', where: 'NCCIC:STIX_Package-1' },
      { level: 'info', code: 'merged', message: 'domain a.example appears more than once: kept as one attribute', where: 'NCCIC:Observable-9' },
      placeholder('1'),
      { level: 'warning', code: 'no-timestamp', message: 'the package has no time at all: the event is dated 1970-01-01' },
      placeholder('2'),
      { level: 'info', code: 'refanged', message: 'URI Value: "hxxp://evil[.]com" refanged to "http://evil.com".', where: 'example:Object-1' },
      placeholder('3'),
      placeholder('2'), // the same object twice: counted twice, listed once
      { level: 'info', code: 'unresolved-idref', message: 'Related object x:1 is not defined in the package; no reference.', where: 'example:Object-1' },
      { level: 'warning', code: 'unresolved-idref', message: 'the observable x:2 is referenced but not defined in the package: dropped', where: 'example:Indicator-1' },
      { level: 'info', code: 'brand-new-code', message: 'something the UI does not know yet' },
      { level: 'info', code: 'fields-skipped', message: 'a new kind of skip' },
    ];
    const [warnings, notes, other] = groupReportByCode(entries);
    expect([warnings, notes, other].map((s) => [s!.kind, s!.total])).toEqual([
      ['warning', 6],
      ['notes', 4],
      ['other', 2],
    ]);
    // Warnings biggest first; a code's warnings and notes are apart.
    expect(warnings!.groups.map((g) => [g.code, g.count])).toEqual([
      ['placeholder', 4],
      ['no-timestamp', 1],
      ['unresolved-idref', 1],
    ]);
    const ph = warnings!.groups[0]!;
    expect(ph.title).toBe('Placeholder values skipped');
    expect(ph.messages).toEqual([{ text: 'File File_Name: "N/A" is a placeholder, not a value; skipped.', count: 4, where: ['NCCIC:Object-1', 'NCCIC:Object-2', 'NCCIC:Object-3'] }]);
    expect(ph.where).toEqual(['NCCIC:Object-1', 'NCCIC:Object-2', 'NCCIC:Object-3']);
    expect(warnings!.groups[1]!.messages[0]!.where).toEqual([]);
    // Notes in the analyst's order (left out, then refanged, then merged), whatever their order in the report;
    // an unknown code that says "skip" is one of them, the distribution decision and other unknown codes are not.
    expect(notes!.groups.map((g) => g.code)).toEqual(['unresolved-idref', 'refanged', 'merged', 'fields-skipped']);
    expect(other!.groups.map((g) => [g.code, g.title])).toEqual([
      ['distribution', 'Distribution decisions'],
      ['brand-new-code', 'Brand new code'],
    ]);
    // One id goes on the line (unless the message names it); more stay in the list.
    expect(messageLine(notes!.groups[1]!.messages[0]!)).toBe('URI Value: "hxxp://evil[.]com" refanged to "http://evil.com". (example:Object-1)');
    expect(messageLine(ph.messages[0]!)).toBe('File File_Name: "N/A" is a placeholder, not a value; skipped.');
    expect(messageLine({ text: 'TTP x:1 has nothing to convert', count: 1, where: ['x:1'] })).toBe('TTP x:1 has nothing to convert');
    expect(codeTitle('as-text')).toBe('Invalid values kept as text');
    expect(groupReportByCode([]).map((s) => s.total)).toEqual([0, 0, 0]);
  });

  it('reads the coverage sorted by type, with totals', () => {
    expect(readCoverage(undefined)).toBeUndefined();
    expect(
      readCoverage([
        { type: 'File', mapped: 7, text: 0, skipped: 2 },
        { type: 'Address', mapped: 1, text: 1, skipped: 0 },
      ]),
    ).toEqual({
      rows: [
        { type: 'Address', mapped: 1, text: 1, skipped: 0 },
        { type: 'File', mapped: 7, text: 0, skipped: 2 },
      ],
      total: { mapped: 8, text: 1, skipped: 2 },
    });
  });

  it('finds the line and column of a parse error and cuts the line around it', () => {
    const msg = 'not well-formed XML: unbound namespace prefix: "indicator" (line 11, column 20)';
    expect(errorPosition(msg)).toEqual({ line: 11, column: 20 });
    expect(errorPosition('The XML holds no STIX package.')).toBeUndefined();
    const xml = 'a\r\nb\r\n\t<indicator:Handling>\r\n';
    expect(excerptAt(xml, { line: 3, column: 21 })).toMatchObject({ text: ' <indicator:Handling>', caret: 20, clippedStart: false, clippedEnd: false });
    expect(excerptAt(xml, { line: 9, column: 1 })).toBeUndefined();
    const long = `${'x'.repeat(500)}<bad>${'y'.repeat(500)}`;
    const e = excerptAt(long, { line: 1, column: 501 }, 100)!;
    expect(e.text).toHaveLength(100);
    expect(e.text[e.caret]).toBe('<');
    expect(e).toMatchObject({ clippedStart: true, clippedEnd: true });
  });

  it('refuses files over the limit before reading them, with a hint', () => {
    expect(checkSize('a.xml', MAX_PREVIEW_BYTES)).toBeUndefined();
    const err = checkSize('feed-dump.xml', 40 * 1024 * 1024)!;
    expect(err.code).toBe('preview_too_large');
    expect(err.message).toBe('feed-dump.xml is 40.0 MB; the preview reads files up to 32.0 MB.');
    expect(err.hint).toContain('flare-misp stix inspect');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(utf8Bytes('a→😀')).toBe(1 + 3 + 4);
  });
});
