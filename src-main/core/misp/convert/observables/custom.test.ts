import { describe, expect, it } from 'vitest';
import { attr, mapCorpus, mapSnippet } from '../../../../../test/support/observables';
import { itWithCorpus } from '../../../../../test/support/corpus';

describe('Custom, Code, unknown types', () => {
  itWithCorpus('STIXProject__schemas/samples/Poison Ivy/fireeye-pivy-indicators.xml')('Code custom properties → text (Poison Ivy MFC class names)', () => {
    const r = mapCorpus('STIXProject__schemas/samples/Poison Ivy/fireeye-pivy-indicators.xml', 'fireeye:observable-11061994-5eb1-4ac2-b019-b32aa3b28de8');
    expect(r.attributes).toEqual([
      attr('fireeye:object-56ee75ab-5ee7-48af-967e-23314135d1b9', { type: 'text', category: 'Other', value: 'CBricksDoc', to_ids: false, comment: 'Code custom property "MFC Class Name"' }),
    ]);
    expect(r.report.coverage.get('Code')).toEqual({ mapped: 0, text: 1, skipped: 0 });
  });

  it('Custom objects: each property as text, comment = property name (like MISP)', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-1"><cybox:Object id="example:c-1"><cybox:Properties xsi:type="CustomObj:CustomObjectType" custom_name="BotnetConfig">
        <cyboxCommon:Custom_Properties><cyboxCommon:Property name="campaign_id">xk-0042</cyboxCommon:Property><cyboxCommon:Property name="rc4_key">s3cr3t</cyboxCommon:Property></cyboxCommon:Custom_Properties>
        </cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.attributes).toEqual([
      attr('example:c-1', { type: 'text', category: 'Other', value: 'xk-0042', to_ids: false, comment: 'Custom custom property "campaign_id"' }),
      attr('example:c-1/text=s3cr3t', { type: 'text', category: 'Other', value: 's3cr3t', to_ids: false, comment: 'Custom custom property "rc4_key"' }),
    ]);
  });

  it('custom properties beside a mapped type are kept as text too (DomainName)', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-2"><cybox:Object id="example:d-1"><cybox:Properties xsi:type="DomainNameObj:DomainNameObjectType">
        <DomainNameObj:Value>evil.example</DomainNameObj:Value><cyboxCommon:Custom_Properties><cyboxCommon:Property name="test">value</cyboxCommon:Property></cyboxCommon:Custom_Properties>
        </cybox:Properties></cybox:Object></cybox:Observable>`);
    expect(r.attributes.map((a) => [a.type, a.value, a.comment])).toEqual([
      ['domain', 'evil.example', undefined],
      ['text', 'value', 'DomainName custom property "test"'],
    ]);
  });

  it('a CybOX type without a MISP mapping: its fields as one text attribute, never silently lost', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-3"><cybox:Object id="example:ms-1"><cybox:Properties xsi:type="SemObj:WindowsMailslotObjectType">
        <SemObj:Name>\\\\.\\mailslot\\evil</SemObj:Name><SemObj:Max_Message_Size condition="GreaterThan">400</SemObj:Max_Message_Size></cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.attributes).toEqual([
      attr('example:ms-1', {
        type: 'text',
        category: 'Other',
        value: 'Name: \\\\.\\mailslot\\evil\nMax_Message_Size GreaterThan "400"',
        to_ids: false,
        comment: 'CybOX WindowsMailslot (no MISP type; fields kept as text)',
      }),
    ]);
    expect(r.report.coverage.get('WindowsMailslot')).toEqual({ mapped: 0, text: 1, skipped: 0 });
  });
});
