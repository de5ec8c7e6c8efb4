import { describe, expect, it } from 'vitest';
import { joinKey } from './registry';
import { attr, mapCorpus, mapCorpusPackage, mapSnippet, rows, uuid, validationErrors } from '../../../../../test/support/observables';

describe('WindowsRegistryKey', () => {
  it('joins hive and key with one separator', () => {
    expect(joinKey('HKEY_CURRENT_USER\\Software', '\\Microsoft\\Windows\\CurrentVersion\\Run')).toBe('HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run');
    expect(joinKey('HKEY_LOCAL_MACHINE', 'Software\\X')).toBe('HKEY_LOCAL_MACHINE\\Software\\X');
    expect(joinKey(undefined, 'Software\\X')).toBe('Software\\X');
  });

  it('key, value name and data → a registry-key object (cti-toolkit)', () => {
    const r = mapCorpus('Cosive__cti-toolkit/tests/TEST-STIX-1.1.1.xml', 'cert_au:Observable-d0f4708e-4f2b-49c9-bc31-29e7119844e5', { toIds: true });
    const id = 'cert_au:WinRegistryKey-1991b10b-6f02-4670-ab0b-0069867d093e';
    expect(r.attributes).toEqual([]);
    expect(r.objects).toEqual([
      {
        uuid: uuid(id),
        name: 'registry-key',
        'meta-category': 'file',
        template_uuid: '8b3228ad-6d82-4fe6-b2ae-05426308f1d5',
        template_version: 5,
        Attribute: [
          {
            uuid: uuid(`${id}/key=HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run`),
            object_relation: 'key',
            type: 'regkey',
            category: 'Persistence mechanism',
            value: 'HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run',
            to_ids: true,
          },
          { uuid: uuid(`${id}/name=hotkey`), object_relation: 'name', type: 'text', category: 'Persistence mechanism', value: 'hotkey', to_ids: false },
          { uuid: uuid(`${id}/data=%APPDATA%\\malware.exe -st`), object_relation: 'data', type: 'text', category: 'Persistence mechanism', value: '%APPDATA%\\malware.exe -st', to_ids: false },
        ],
      },
    ]);
  });

  it('a key alone → regkey; key and data without a name → regkey|value; patterns stay in an object (MAEC flow example)', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-1"><cybox:Object id="example:rk-1"><cybox:Properties xsi:type="WinRegistryKeyObj:WindowsRegistryKeyObjectType">
        <WinRegistryKeyObj:Key>Software\\Microsoft\\Windows\\CurrentVersion\\Run</WinRegistryKeyObj:Key><WinRegistryKeyObj:Hive>HKEY_LOCAL_MACHINE</WinRegistryKeyObj:Hive></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-2"><cybox:Object id="example:rk-2"><cybox:Properties xsi:type="WinRegistryKeyObj:WindowsRegistryKeyObjectType">
        <WinRegistryKeyObj:Key>HKLM\\Software\\Evil</WinRegistryKeyObj:Key><WinRegistryKeyObj:Values><WinRegistryKeyObj:Value><WinRegistryKeyObj:Data>c:\\evil.exe</WinRegistryKeyObj:Data></WinRegistryKeyObj:Value></WinRegistryKeyObj:Values></cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.attributes).toEqual([
      attr('example:rk-1', { type: 'regkey', category: 'Persistence mechanism', value: 'HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows\\CurrentVersion\\Run', to_ids: true }),
      attr('example:rk-2', { type: 'regkey|value', category: 'Persistence mechanism', value: 'HKLM\\Software\\Evil|c:\\evil.exe', to_ids: true }),
    ]);
    const flow = mapCorpusPackage('STIXProject__schemas/samples/MAEC_CybOX_STIX_Flow_Example/flow_example(3of3)-stix_indicator_combined.xml');
    const rk = flow.objects.find((o) => o.name === 'registry-key');
    expect(rows(rk)).toEqual([
      // In an indicator: the exact key is to_ids; the data pattern is not.
      ['key', 'regkey', 'Persistence mechanism', 'HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon', true],
      ['name', 'text', 'Persistence mechanism', 'Userinit', false],
      ['data', 'text', 'Persistence mechanism', 'system32\\twext.exe', false],
    ]);
    expect(rk?.Attribute[2]?.comment).toBe('CybOX pattern: Data Contains "system32\\twext.exe"');
    expect(validationErrors(flow)).toEqual([]);
  });

  it('APT1 Appendix G fragments: data alone, a value name alone, a key pattern with an empty hive', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-3"><cybox:Object><cybox:Properties xsi:type="WinRegistryKeyObj:WindowsRegistryKeyObjectType">
        <WinRegistryKeyObj:Values><WinRegistryKeyObj:Value><WinRegistryKeyObj:Data condition="Contains">acrord32.exe</WinRegistryKeyObj:Data></WinRegistryKeyObj:Value></WinRegistryKeyObj:Values></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-4"><cybox:Object><cybox:Properties xsi:type="WinRegistryKeyObj:WindowsRegistryKeyObjectType">
        <WinRegistryKeyObj:Values><WinRegistryKeyObj:Value><WinRegistryKeyObj:Name>AdobeCom</WinRegistryKeyObj:Name></WinRegistryKeyObj:Value></WinRegistryKeyObj:Values></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-5"><cybox:Object><cybox:Properties xsi:type="WinRegistryKeyObj:WindowsRegistryKeyObjectType">
        <WinRegistryKeyObj:Key condition="Contains">Software\\Microsoft\\Windows\\CurrrentVersion\\Run\\AutoUpdate</WinRegistryKeyObj:Key><WinRegistryKeyObj:Hive/></cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.objects.map((o) => [o.uuid, rows(o)])).toEqual([
      [uuid('example:Observable-3'), [['data', 'text', 'Persistence mechanism', 'acrord32.exe', false]]],
      [uuid('example:Observable-4'), [['name', 'text', 'Persistence mechanism', 'AdobeCom', false]]],
    ]);
    expect(r.attributes).toEqual([
      attr('example:Observable-5', {
        type: 'regkey',
        category: 'Persistence mechanism',
        value: 'Software\\Microsoft\\Windows\\CurrrentVersion\\Run\\AutoUpdate',
        to_ids: false,
        comment: 'CybOX pattern: Key Contains "Software\\Microsoft\\Windows\\CurrrentVersion\\Run\\AutoUpdate"',
      }),
    ]);
    expect(validationErrors(r)).toEqual([]);
  });
});
