/** mapObservable itself: idrefs, compositions, negation, CybOX events, uuids, determinism, the context. */
import { v5 as uuidv5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { ConversionReport, derivedUuid, derivedUuidReference, FLARE_UUID_NAMESPACE, type MappingContext } from '../contract';
import { mapObservable } from './index';
import { attr, EVENT_UUID, mapById, mapCorpus, mapSnippet, snippetPackage, uuid } from '../../../../../test/support/observables';
import { resolversFor } from './resolve';

const IP = (id: string, value: string, extra = ''): string =>
  `<cybox:Object id="${id}"><cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr"${extra}><AddressObj:Address_Value>${value}</AddressObj:Address_Value></cybox:Properties></cybox:Object>`;

describe('derivedUuid', () => {
  it('is UUIDv5 of "<event uuid>|<key>" in the FLARE namespace (byte-identical to the uuid package)', () => {
    for (const key of ['NCCIC:Object-1', 'x/ip-dst=10.0.0.1', 'v|domain=évil.example', '', 'ключ']) {
      expect(derivedUuid(EVENT_UUID, key)).toBe(uuidv5(`${EVENT_UUID}|${key}`, FLARE_UUID_NAMESPACE));
    }
  });

  it('computes SHA-1 itself exactly as node:crypto does: every length across block boundaries, any character', () => {
    // The name is 53 bytes before the key: keys of 0–300 bytes cover one, two and several blocks and every padding
    // boundary; keys sharing their first bytes exercise the remembered first block, other events its replacement.
    const pieces = ['a', 'é', 'ключ', '😀', '\u0800', '\uffff', '\u07ff', '\u0080', '|', 'NCCIC:Object-'];
    const events = [EVENT_UUID, '00000000-0000-4000-8000-000000000000', 'stix-package'];
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let length = 0; length <= 300; length++) {
      const plain = 'k'.repeat(length);
      let mixed = '';
      while (mixed.length < length) mixed += pieces[next() % pieces.length];
      for (const event of events) {
        expect(derivedUuid(event, plain)).toBe(derivedUuidReference(event, plain));
        expect(derivedUuid(event, mixed)).toBe(derivedUuidReference(event, mixed));
      }
    }
    // Longer than the reused buffer; a lone surrogate is encoded as U+FFFD, as Buffer.write does.
    for (const key of ['x'.repeat(5000), '😀'.repeat(2000), 'a\ud800b', '\udc00', 'end\ud83d']) {
      expect(derivedUuid(EVENT_UUID, key)).toBe(derivedUuidReference(EVENT_UUID, key));
    }
    expect(derivedUuid(EVENT_UUID, 'x'.repeat(5000))).toBe(uuidv5(`${EVENT_UUID}|${'x'.repeat(5000)}`, FLARE_UUID_NAMESPACE));
  });
});

describe('mapObservable', () => {
  it('never reuses the CybOX id as the uuid, and re-mapping gives byte-identical JSON', () => {
    const file = 'STIXProject__python-stix/stix/test/extensions/marking/ais_test_files/stix_ais_10.xml';
    const id = 'NCCIC:Observable-3f600e41-4dc3-11e6-b805-eccd6d4fa460';
    const a = mapCorpus(file, id, { toIds: true });
    const b = mapCorpus(file, id, { toIds: true });
    expect(JSON.stringify({ attributes: a.attributes, objects: a.objects })).toBe(JSON.stringify({ attributes: b.attributes, objects: b.objects }));
    expect(a.attributes[0]?.uuid).not.toContain('3f600e40-4dc3-11e6-afd8-eccd6d4fa460');
    // Another event (a re-issued package under another uuid is another event): other uuids.
    expect(derivedUuid('00000000-0000-4000-8000-000000000000', 'NCCIC:Object-3f600e40-4dc3-11e6-afd8-eccd6d4fa460')).not.toBe(a.attributes[0]?.uuid);
  });

  it('follows an observable idref to its definition (uuids from the definition)', () => {
    const pkg = snippetPackage(`<cybox:Observable id="example:Observable-def">${IP('example:ip-1', '192.0.2.10')}</cybox:Observable>
      <cybox:Observable id="example:Observable-c"><cybox:Observable_Composition operator="OR"><cybox:Observable idref="example:Observable-def"/></cybox:Observable_Composition></cybox:Observable>`);
    const r = mapById(pkg, 'example:Observable-c', { toIds: true });
    expect(r.attributes).toEqual([attr('example:ip-1', { type: 'ip-dst', category: 'Network activity', value: '192.0.2.10', to_ids: true })]);
  });

  it('maps every member of a composition, nested ones too; an unresolved idref is skipped with a warning', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-comp"><cybox:Observable_Composition operator="AND">
        <cybox:Observable id="example:Observable-a">${IP('example:ip-a', '192.0.2.1')}</cybox:Observable>
        <cybox:Observable id="example:Observable-b"><cybox:Observable_Composition operator="OR">
          <cybox:Observable id="example:Observable-c">${IP('example:ip-c', '192.0.2.3')}</cybox:Observable>
          <cybox:Observable idref="example:Observable-missing"/>
        </cybox:Observable_Composition></cybox:Observable>
      </cybox:Observable_Composition></cybox:Observable>`, { toIds: true });
    expect(r.attributes.map((a) => [a.uuid, a.value])).toEqual([
      [uuid('example:ip-a'), '192.0.2.1'],
      [uuid('example:ip-c'), '192.0.2.3'],
    ]);
    expect(r.report.warnings.map((w) => [w.code, w.message])).toEqual([
      ['unresolved-idref', '(unresolved idref): Observable example:Observable-missing is referenced but not defined in the package; skipped.'],
    ]);
    expect(r.report.coverage.get('(unresolved idref)')).toEqual({ mapped: 0, text: 0, skipped: 1 });
  });

  it('a negated observable is never to_ids and says why', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-n" negate="true">${IP('example:ip-n', '192.0.2.99')}</cybox:Observable>`, { toIds: true, comment: 'Indicator X' });
    expect(r.attributes).toEqual([
      attr('example:ip-n', {
        type: 'ip-dst',
        category: 'Network activity',
        value: '192.0.2.99',
        to_ids: false,
        comment: 'Indicator X | CybOX observable negated (negate="true"): it describes what must NOT be seen',
      }),
    ]);
  });

  it('maps the associated objects of a CybOX Event', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-ev"><cybox:Event><cybox:Actions><cybox:Action>
        <cybox:Associated_Objects><cybox:Associated_Object id="example:mutex-1"><cybox:Properties xsi:type="MutexObj:MutexObjectType"><MutexObj:Name>Global\\evil</MutexObj:Name></cybox:Properties></cybox:Associated_Object>
        <cybox:Associated_Object><cybox:Properties xsi:type="FileObj:FileObjectType"><FileObj:File_Name>evil.exe</FileObj:File_Name></cybox:Properties></cybox:Associated_Object>
        </cybox:Associated_Objects></cybox:Action></cybox:Actions></cybox:Event></cybox:Observable>`, { toIds: true });
    expect(r.attributes).toEqual([
      attr('example:mutex-1', { type: 'mutex', category: 'Artifacts dropped', value: 'Global\\evil', to_ids: true }),
      attr('example:Observable-ev/action/0/1', { type: 'filename', category: 'Payload delivery', value: 'evil.exe', to_ids: true }),
    ]);
  });

  it('an observable with only a description keeps it as text; an empty one is skipped with a warning', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-d"><cybox:Description>Beacon every 60 s to a rotating domain</cybox:Description></cybox:Observable>
      <cybox:Observable id="example:Observable-e"/>`);
    expect(r.attributes).toEqual([
      attr('example:Observable-d', { type: 'text', category: 'Other', value: 'Beacon every 60 s to a rotating domain', to_ids: false, comment: 'CybOX observable without object: its description' }),
    ]);
    expect(r.report.coverage.get('(observable without object)')).toEqual({ mapped: 0, text: 1, skipped: 1 });
    expect(r.report.warnings.map((w) => w.message)).toEqual(['(observable without object): no object, event, composition or description; skipped.']);
  });

  it('puts the caller comment and tags on object attributes and objects too', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-f"><cybox:Object id="example:f-1"><cybox:Properties xsi:type="FileObj:FileObjectType">
        <FileObj:File_Name>a.exe</FileObj:File_Name><FileObj:Size_In_Bytes>10</FileObj:Size_In_Bytes><FileObj:Hashes><cyboxCommon:Hash><cyboxCommon:Type>MD5</cyboxCommon:Type>
        <cyboxCommon:Simple_Hash_Value>0cc175b9c0f1b6a831c399e269772661</cyboxCommon:Simple_Hash_Value></cyboxCommon:Hash></FileObj:Hashes></cybox:Properties></cybox:Object></cybox:Observable>`, {
      toIds: true,
      comment: 'Dropper',
      tags: [{ name: 'tlp:green' }],
    });
    expect(r.objects[0]?.comment).toBe('Dropper');
    expect(r.objects[0]?.Attribute.map((a) => [a.object_relation, a.comment, a.Tag, a.to_ids])).toEqual([
      ['filename', 'Dropper', [{ name: 'tlp:green' }], true],
      ['size-in-bytes', 'Dropper', [{ name: 'tlp:green' }], false],
      ['md5', 'Dropper', [{ name: 'tlp:green' }], true],
    ]);
  });

  it('counts each CybOX definition once per report, however often it is reached; works without resolveObject', () => {
    const pkg = snippetPackage(`<cybox:Observable id="example:Observable-def">${IP('example:ip-1', '192.0.2.10')}</cybox:Observable>
      <cybox:Observable id="example:Observable-ref1"><cybox:Observable_Composition operator="OR"><cybox:Observable idref="example:Observable-def"/></cybox:Observable_Composition></cybox:Observable>
      <cybox:Observable id="example:Observable-rel"><cybox:Object id="example:file-1"><cybox:Properties xsi:type="FileObj:FileObjectType"><FileObj:File_Name>x.exe</FileObj:File_Name></cybox:Properties>
        <cybox:Related_Objects><cybox:Related_Object idref="example:ip-1"><cybox:Relationship>Connected_To</cybox:Relationship></cybox:Related_Object></cybox:Related_Objects></cybox:Object></cybox:Observable>`);
    const report = new ConversionReport();
    const { resolve } = resolversFor(pkg);
    const ctx: MappingContext = { eventUuid: EVENT_UUID, toIds: false, resolve, report };
    const parts = pkg.observables.map((o) => mapObservable(o, ctx));
    expect(Object.fromEntries(report.coverage)).toEqual({ Address: { mapped: 1, text: 0, skipped: 0 }, File: { mapped: 1, text: 0, skipped: 0 } });
    expect(parts[1]?.attributes).toEqual(parts[0]?.attributes);
    // Without resolveObject the related idref still becomes a reference by derived uuid.
    expect(parts[2]?.objects[0]?.ObjectReference?.map((x) => [x.relationship_type, x.referenced_uuid])).toEqual([['connected-to', uuid('example:ip-1')]]);
  });
});
