/**
 * Alternative values of one field (a `##comma##` list, several hashes of one type) never put two values of a
 * single-valued object relation (template relation without `multiple: true`) into one object: one attribute or one
 * object per alternative, as the OR of the list means. Checked against the shipped object templates directly, not
 * only through the validator (which only warns).
 */
import { describe, expect, it } from 'vitest';
import type { MispObject } from '../../model';
import { checkEvent, templateFor } from '../../validate/index';
import { buildEventWith } from '../event/build';
import { readPackage } from '../../../stix/index';
import { mapObservable } from './index';
import { mapSnippet, rows, uuid, validationErrors, type MapResult } from '../../../../../test/support/observables';
import { MAX_ALTERNATIVES } from './emit';

/** Every relation an object holds more than once must be `multiple` in its template. */
function singleValuedRepeats(objects: readonly MispObject[]): string[] {
  const out: string[] = [];
  for (const o of objects) {
    const template = templateFor(o.name);
    if (!template) throw new Error(`no template ${o.name}`);
    const counts = new Map<string, number>();
    for (const a of o.Attribute) counts.set(a.object_relation!, (counts.get(a.object_relation!) ?? 0) + 1);
    for (const [relation, n] of counts) if (n > 1 && !template.relations.get(relation)?.multiple) out.push(`${o.name} ${relation} ×${n}`);
  }
  return out;
}

function expectValid(r: MapResult): void {
  expect(validationErrors(r)).toEqual([]);
  expect(singleValuedRepeats(r.objects)).toEqual([]);
}

const hash = (type: string, value: string) =>
  `<cyboxCommon:Hash><cyboxCommon:Type xsi:type="cyboxVocabs:HashNameVocab-1.0">${type}</cyboxCommon:Type><cyboxCommon:Simple_Hash_Value>${value}</cyboxCommon:Simple_Hash_Value></cyboxCommon:Hash>`;
const file = (id: string, inner: string) =>
  `<cybox:Observable id="example:Observable-${id}"><cybox:Object id="example:File-${id}"><cybox:Properties xsi:type="FileObj:FileObjectType">${inner}</cybox:Properties></cybox:Object></cybox:Observable>`;
const MD5_A = '11111111111111111111111111111111';
const MD5_B = '22222222222222222222222222222222';

describe('alternative values of a single-valued relation', () => {
  it('two MD5s in one Simple_Hash_Value (a ##comma## list) → one md5 attribute each', () => {
    const r = mapSnippet(file('1', `<FileObj:Hashes>${hash('MD5', `${MD5_A}##comma##${MD5_B}`)}</FileObj:Hashes>`), { toIds: true });
    expect(r.objects).toEqual([]);
    expect(r.attributes.map((a) => [a.type, a.value, a.to_ids])).toEqual([
      ['md5', MD5_A, true],
      ['md5', MD5_B, true],
    ]);
    expect(r.attributes[0]!.uuid).toBe(uuid('example:File-1'));
    expectValid(r);
  });

  it('a name and two MD5 Hash elements → one filename|md5 per hash', () => {
    const r = mapSnippet(file('2', `<FileObj:File_Name>dropper.exe</FileObj:File_Name><FileObj:Hashes>${hash('MD5', MD5_A)}${hash('MD5', MD5_B)}</FileObj:Hashes>`), { toIds: true });
    expect(r.objects).toEqual([]);
    expect(r.attributes.map((a) => [a.type, a.value])).toEqual([
      ['filename|md5', `dropper.exe|${MD5_A}`],
      ['filename|md5', `dropper.exe|${MD5_B}`],
    ]);
    expectValid(r);
  });

  it('more fields → one file object per alternative, each with the shared fields and saying it is one of an OR', () => {
    const r = mapSnippet(file('3', `<FileObj:File_Name>dropper.exe</FileObj:File_Name><FileObj:Size_In_Bytes>1024</FileObj:Size_In_Bytes><FileObj:Hashes>${hash('MD5', `${MD5_A}##comma##${MD5_B}`)}</FileObj:Hashes>`), { toIds: true, comment: 'Indicator: x' });
    expect(r.attributes).toEqual([]);
    expect(r.objects.map((o) => rows(o).map(([rel, , , v]) => `${rel}=${v}`))).toEqual([
      ['filename=dropper.exe', 'size-in-bytes=1024', `md5=${MD5_A}`],
      ['filename=dropper.exe', 'size-in-bytes=1024', `md5=${MD5_B}`],
    ]);
    expect(r.objects.map((o) => o.comment)).toEqual([
      'Indicator: x | alternative 1 of 2 (OR): the file template takes one md5',
      'Indicator: x | alternative 2 of 2 (OR): the file template takes one md5',
    ]);
    // The first keeps the uuid the object had before (what references to the CybOX object point at).
    expect(r.objects[0]!.uuid).toBe(uuid('example:File-3'));
    expect(new Set(r.objects.flatMap((o) => [o.uuid, ...o.Attribute.map((a) => a.uuid)])).size).toBe(8);
    expectValid(r);
  });

  it('two Time_Date_Stamp values → two pe objects, both included by the file (APT1 AURIGA idiom)', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-4"><cybox:Object id="example:PE-4">
      <cybox:Properties xsi:type="WinExecutableFileObj:WindowsExecutableFileObjectType"><FileObj:Size_In_Bytes>17408</FileObj:Size_In_Bytes>
      <WinExecutableFileObj:Headers><WinExecutableFileObj:File_Header><WinExecutableFileObj:Time_Date_Stamp>2009-04-28T10:00:00Z##comma##2009-04-28T16:00:00Z</WinExecutableFileObj:Time_Date_Stamp></WinExecutableFileObj:File_Header></WinExecutableFileObj:Headers>
      <WinExecutableFileObj:Sections><WinExecutableFileObj:Section><WinExecutableFileObj:Section_Header><WinExecutableFileObj:Name>.text</WinExecutableFileObj:Name></WinExecutableFileObj:Section_Header></WinExecutableFileObj:Section></WinExecutableFileObj:Sections>
      </cybox:Properties></cybox:Object></cybox:Observable>`);
    const [fileObject, ...rest] = r.objects;
    expect(fileObject!.name).toBe('file');
    const pes = rest.filter((o) => o.name === 'pe');
    const section = rest.find((o) => o.name === 'pe-section')!;
    expect(pes.map((o) => rows(o).filter(([rel]) => rel === 'compilation-timestamp').map(([, , , v]) => v))).toEqual([['2009-04-28T10:00:00Z'], ['2009-04-28T16:00:00Z']]);
    expect(fileObject!.ObjectReference!.map((x) => [x.relationship_type, x.referenced_uuid])).toEqual(pes.map((p) => ['includes', p.uuid]));
    for (const pe of pes) expect(pe.ObjectReference!.map((x) => x.referenced_uuid)).toEqual([section.uuid]);
    expectValid(r);
  });

  it('more combinations than MAX_ALTERNATIVES: the first as the object, the other values as attributes beside it', () => {
    const stamps = Array.from({ length: MAX_ALTERNATIVES + 1 }, (_, i) => `2009-04-28T${String(i).padStart(2, '0')}:00:00Z`);
    const r = mapSnippet(`<cybox:Observable id="example:Observable-5"><cybox:Object id="example:PE-5">
      <cybox:Properties xsi:type="WinExecutableFileObj:WindowsExecutableFileObjectType"><WinExecutableFileObj:Headers><WinExecutableFileObj:File_Header>
      <WinExecutableFileObj:Time_Date_Stamp>${stamps.join('##comma##')}</WinExecutableFileObj:Time_Date_Stamp><WinExecutableFileObj:Machine>x86</WinExecutableFileObj:Machine>
      </WinExecutableFileObj:File_Header></WinExecutableFileObj:Headers></cybox:Properties></cybox:Object></cybox:Observable>`);
    const pes = r.objects.filter((o) => o.name === 'pe');
    expect(pes).toHaveLength(1);
    expect(rows(pes[0]).filter(([rel]) => rel === 'compilation-timestamp').map(([, , , v]) => v)).toEqual([stamps[0]]);
    expect(r.attributes.map((a) => [a.type, a.value, a.comment])).toEqual(stamps.slice(1).map((s) => ['datetime', s, 'alternative pe compilation-timestamp (OR)']));
    expectValid(r);
  });

  it('relations the template takes several times stay in one object (file names)', () => {
    const r = mapSnippet(file('6', `<FileObj:File_Name>a.exe##comma##b.exe</FileObj:File_Name><FileObj:Size_In_Bytes>1</FileObj:Size_In_Bytes>`));
    expect(r.objects).toHaveLength(1);
    expect(rows(r.objects[0]).map(([rel, , , v]) => `${rel}=${v}`)).toEqual(['filename=a.exe', 'filename=b.exe', 'size-in-bytes=1']);
    expectValid(r);
  });

  it('in an event: the validator has nothing to warn about, and the composition states the OR', () => {
    const xml = `<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" xmlns:indicator="http://stix.mitre.org/Indicator-2" xmlns:cybox="http://cybox.mitre.org/cybox-2"
      xmlns:cyboxCommon="http://cybox.mitre.org/common-2" xmlns:cyboxVocabs="http://cybox.mitre.org/default_vocabularies-2" xmlns:FileObj="http://cybox.mitre.org/objects#FileObject-2"
      xmlns:WinExecutableFileObj="http://cybox.mitre.org/objects#WinExecutableFileObject-2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ex="http://example.com"
      id="ex:Package-11111111-2222-4333-8444-555555555555" version="1.1.1" timestamp="2016-07-25T04:35:11Z"><stix:Indicators>
      <stix:Indicator id="ex:Indicator-1" xsi:type="indicator:IndicatorType"><indicator:Title>AURIGA</indicator:Title><indicator:Observable id="ex:Observable-root"><cybox:Observable_Composition operator="AND">
      <cybox:Observable id="ex:Observable-1"><cybox:Object id="ex:File-1"><cybox:Properties xsi:type="FileObj:FileObjectType"><FileObj:Size_In_Bytes>17408</FileObj:Size_In_Bytes></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="ex:Observable-2"><cybox:Object id="ex:PE-2"><cybox:Properties xsi:type="WinExecutableFileObj:WindowsExecutableFileObjectType"><WinExecutableFileObj:Headers><WinExecutableFileObj:File_Header>
      <WinExecutableFileObj:Time_Date_Stamp>2009-04-28T10:00:00Z##comma##2009-04-28T16:00:00Z</WinExecutableFileObj:Time_Date_Stamp></WinExecutableFileObj:File_Header></WinExecutableFileObj:Headers></cybox:Properties></cybox:Object></cybox:Observable>
      </cybox:Observable_Composition></indicator:Observable></stix:Indicator></stix:Indicators></stix:STIX_Package>`;
    const { event, issues } = buildEventWith(mapObservable, readPackage(xml));
    expect(issues).toEqual([]);
    expect(checkEvent({ Event: event }).issues).toEqual([]);
    expect(singleValuedRepeats(event.Object ?? [])).toEqual([]);
    expect(event.Attribute!.find((a) => a.value.startsWith('Observable composition'))!.value).toBe(
      'Observable composition of indicator "AURIGA": (size-in-bytes 17408 AND (pe object (compilation-timestamp 2009-04-28T10:00:00Z) OR pe object (compilation-timestamp 2009-04-28T16:00:00Z)))',
    );
  });
});
