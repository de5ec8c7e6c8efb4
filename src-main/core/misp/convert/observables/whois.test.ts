import { describe, expect, it } from 'vitest';
import { attr, mapCorpus, mapSnippet, rows, uuid, validationErrors } from '../../../../../test/support/observables';

const PHISHING = 'STIXProject__schemas/samples/STIX Use Case Examples content/Phishing/STIX-CybOX_Phishing_Email_Structured_Output_Example(with_Attached_File_Artifact_Object_Included_by_Reference).xml';

describe('Whois', () => {
  it('domain and status → whois object (CybOX phishing sample)', () => {
    const r = mapCorpus(PHISHING, 'example:observable-e43863e6-8c28-479d-a8cb-714521750365');
    expect(r.objects.map((o) => [o.uuid, o.name, o.template_uuid, o.template_version])).toEqual([
      [uuid('example:object-03d041dd-21f7-4b70-a2be-d4abedf2503b'), 'whois', '429faea1-34ff-47af-8a00-7c62d3be5a6a', 10],
    ]);
    expect(rows(r.objects[0])).toEqual([
      ['domain', 'domain', 'Network activity', 'state.gov', false],
      ['text', 'text', 'Other', 'Status: OK', false],
    ]);
    expect(r.objects[0]?.ObjectReference?.map((x) => [x.relationship_type, x.referenced_uuid])).toEqual([['resolved-to', uuid('example:object-45ed3e11-5be1-4a7e-8f02-25b8f74196d3')]]);
  });

  it('registrar, registrant, dates, nameservers, remarks', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-1"><cybox:Object id="example:w-1"><cybox:Properties xsi:type="WhoisObj:WhoisObjectType">
        <WhoisObj:Domain_Name><URIObj:Value>evil.example</URIObj:Value></WhoisObj:Domain_Name>
        <WhoisObj:Nameservers><WhoisObj:Nameserver><URIObj:Value>ns1.evil.example</URIObj:Value></WhoisObj:Nameserver></WhoisObj:Nameservers>
        <WhoisObj:Creation_Date>2013-01-02</WhoisObj:Creation_Date>
        <WhoisObj:Registrar_Info><WhoisObj:Name>Bad Registrar Ltd</WhoisObj:Name></WhoisObj:Registrar_Info>
        <WhoisObj:Registrants><WhoisObj:Registrant><WhoisObj:Email_Address category="e-mail"><AddressObj:Address_Value>owner@evil.example</AddressObj:Address_Value></WhoisObj:Email_Address>
          <WhoisObj:Name>J. Owner</WhoisObj:Name></WhoisObj:Registrant></WhoisObj:Registrants>
        <WhoisObj:Remarks>fast flux</WhoisObj:Remarks></cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(rows(r.objects[0])).toEqual([
      ['domain', 'domain', 'Network activity', 'evil.example', true],
      ['registrar', 'whois-registrar', 'Attribution', 'Bad Registrar Ltd', false],
      ['registrant-name', 'whois-registrant-name', 'Attribution', 'J. Owner', false],
      ['registrant-email', 'whois-registrant-email', 'Attribution', 'owner@evil.example', true],
      ['creation-date', 'datetime', 'Other', '2013-01-02', false],
      ['nameserver', 'hostname', 'Network activity', 'ns1.evil.example', true],
      ['comment', 'text', 'Other', 'fast flux', false],
    ]);
    expect(validationErrors(r)).toEqual([]);
  });
});

describe('AS', () => {
  it('a handle alone → AS (misp-stix export)', () => {
    const r = mapCorpus('MISP__misp-stix/tests/test_attributes_collection_stix11.xml', 'MISP:Observable-2972c3a2-dda3-4de7-aca1-e96cf7ce5544', { toIds: true });
    expect(r.attributes).toEqual([attr('MISP:AS-2972c3a2-dda3-4de7-aca1-e96cf7ce5544', { type: 'AS', category: 'Network activity', value: '174', to_ids: false })]);
  });

  it('with a name → asn object; a non-numeric handle stays text', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-2"><cybox:Object id="example:as-1"><cybox:Properties xsi:type="ASObj:ASObjectType">
        <ASObj:Number>64511</ASObj:Number><ASObj:Name>EXAMPLE-NET</ASObj:Name><ASObj:Regional_Internet_Registry>RIPE</ASObj:Regional_Internet_Registry></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-3"><cybox:Object id="example:as-2"><cybox:Properties xsi:type="ASObj:ASObjectType">
        <ASObj:Handle>AS-EXAMPLE</ASObj:Handle></cybox:Properties></cybox:Object></cybox:Observable>`);
    expect(r.objects.map((o) => [o.uuid, o.name, o.comment])).toEqual([[uuid('example:as-1'), 'asn', 'Regional Internet Registry: RIPE']]);
    expect(rows(r.objects[0])).toEqual([
      ['asn', 'AS', 'Network activity', '64511', false],
      ['name', 'text', 'Other', 'EXAMPLE-NET', false],
    ]);
    expect(r.attributes.map((a) => [a.type, a.value])).toEqual([['text', 'AS-EXAMPLE']]);
    expect(validationErrors(r)).toEqual([]);
  });
});
