import { describe, expect, it } from 'vitest';
import { attr, mapCorpus, mapSnippet, uuid, validationErrors } from '../../../../../test/support/observables';

const CTI = 'Cosive__cti-toolkit/tests/TEST-STIX-1.1.1.xml';
const AIS10 = 'STIXProject__python-stix/stix/test/extensions/marking/ais_test_files/stix_ais_10.xml';

describe('Address', () => {
  it('an observed IPv4 address is an ip-dst (cti-toolkit)', () => {
    const r = mapCorpus(CTI, 'cert_au:Observable-fe5ddeac-f9b0-4488-9f89-bfbd9351efd4');
    expect(r.attributes).toEqual([
      attr('cert_au:Address-6ab1b220-d0ba-4ddd-8506-9dbb13cf479b', { type: 'ip-dst', category: 'Network activity', value: '158.164.39.51', to_ids: false }),
    ]);
    expect(r.objects).toEqual([]);
    expect(r.report.coverage.get('Address')).toEqual({ mapped: 1, text: 0, skipped: 0 });
  });

  it('in an indicator: to_ids, the caller comment and tags (AIS, is_spoofed ignored)', () => {
    const r = mapCorpus(AIS10, 'NCCIC:Observable-3f600e41-4dc3-11e6-b805-eccd6d4fa460', {
      toIds: true,
      comment: 'Indicator title',
      tags: [{ name: 'tlp:amber' }],
    });
    expect(r.attributes).toEqual([
      attr('NCCIC:Object-3f600e40-4dc3-11e6-afd8-eccd6d4fa460', {
        type: 'ip-dst',
        category: 'Network activity',
        value: '59.188.0.197',
        to_ids: true,
        comment: 'Indicator title',
        Tag: [{ name: 'tlp:amber' }],
      }),
    ]);
  });

  it('is_source="true" gives ip-src; is_destination stays ip-dst (misp-stix export)', () => {
    const r = mapCorpus('MISP__misp-stix/tests/test_attributes_collection_stix11.xml', 'MISP:Observable-4ff5a10a-d54e-509f-9985-f3336c4f7fbb', { toIds: true });
    expect(r.attributes.map((a) => [a.type, a.value, a.to_ids])).toEqual([['ip-dst', '149.13.33.14', true]]);
    const src = mapSnippet(`<cybox:Observable id="example:Observable-1"><cybox:Object id="example:Object-1">
      <cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr" is_source="true"><AddressObj:Address_Value condition="Equals">198.51.100.7</AddressObj:Address_Value></cybox:Properties>
      </cybox:Object></cybox:Observable>`);
    expect(src.attributes).toEqual([attr('example:Object-1', { type: 'ip-src', category: 'Network activity', value: '198.51.100.7', to_ids: false })]);
  });

  it('a ##comma## list gives one attribute per value (STIX_IP_Watchlist.xml)', () => {
    const r = mapCorpus('STIXProject__schemas/samples/STIX_IP_Watchlist.xml', 'example:Observable-1c798262-a4cd-434d-a958-884d6980c459', { toIds: true });
    const id = 'example:Object-1980ce43-8e03-490b-863a-ea404d12242e';
    expect(r.attributes).toEqual([
      attr(id, { type: 'ip-dst', category: 'Network activity', value: '10.0.0.0', to_ids: true }),
      attr(`${id}/ip-dst=10.0.0.1`, { type: 'ip-dst', category: 'Network activity', value: '10.0.0.1', to_ids: true }),
      attr(`${id}/ip-dst=10.0.0.2`, { type: 'ip-dst', category: 'Network activity', value: '10.0.0.2', to_ids: true }),
    ]);
  });

  it('a CybOX 2.0 comma list is split too (stix_1.0_forcible.xml)', () => {
    const r = mapCorpus('STIXProject__stix-ramrod/samples/stix_1.0_forcible.xml', 'example:Observable-1c798262-a4cd-434d-a958-884d6980c459');
    expect(r.attributes.map((a) => a.value)).toEqual(['10.0.0.0', '10.0.0.1', '10.0.0.2']);
  });

  it('an InclusiveBetween range that is a CIDR block becomes the block; another range stays text (Mandiant_APT1_Report.xml)', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-2"><cybox:Object id="mandiant:object-031778a4-057f-48e6-9db9-c8d72b81ccd5">
        <cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr">
          <AddressObj:Address_Value condition="InclusiveBetween">143.89.0.0##comma##143.89.255.255</AddressObj:Address_Value></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-3"><cybox:Object id="mandiant:object-232deffc-063f-4e83-9027-1b930af4a09f">
        <cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr">
          <AddressObj:Address_Value condition="InclusiveBetween">223.166.0.0##comma##23.167.255.255</AddressObj:Address_Value></cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.attributes).toEqual([
      attr('mandiant:object-031778a4-057f-48e6-9db9-c8d72b81ccd5', {
        type: 'ip-dst',
        category: 'Network activity',
        value: '143.89.0.0/16',
        to_ids: true,
        comment: 'CybOX range 143.89.0.0 to 143.89.255.255 as CIDR 143.89.0.0/16',
      }),
      attr('mandiant:object-232deffc-063f-4e83-9027-1b930af4a09f', {
        type: 'text',
        category: 'Network activity',
        value: '223.166.0.0 - 23.167.255.255',
        to_ids: false,
        comment:
          'CybOX pattern: Address_Value InclusiveBetween "223.166.0.0" and "23.167.255.255" | Address_Value: kept as text, not a valid ip-dst (a range, not a single value)',
      }),
    ]);
    expect(r.report.coverage.get('Address')).toEqual({ mapped: 1, text: 1, skipped: 0 });
  });

  it('categories: e-mail, mac, asn; a pattern is never to_ids and says so', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-4"><cybox:Object id="example:a-1">
        <cybox:Properties xsi:type="AddressObj:AddressObjectType" category="e-mail"><AddressObj:Address_Value>Bad.Actor@Example.com</AddressObj:Address_Value></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-5"><cybox:Object id="example:a-2">
        <cybox:Properties xsi:type="AddressObj:AddressObjectType" category="mac"><AddressObj:Address_Value>00-1A-2B-3C-4D-5E</AddressObj:Address_Value></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-6"><cybox:Object id="example:a-3">
        <cybox:Properties xsi:type="AddressObj:AddressObjectType" category="asn"><AddressObj:Address_Value>AS64500</AddressObj:Address_Value></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-7"><cybox:Object id="example:a-4">
        <cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr"><AddressObj:Address_Value condition="StartsWith">10.1.</AddressObj:Address_Value></cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.attributes).toEqual([
      attr('example:a-1', { type: 'email-src', category: 'Payload delivery', value: 'bad.actor@example.com', to_ids: true }),
      attr('example:a-2', { type: 'mac-address', category: 'Network activity', value: '00:1a:2b:3c:4d:5e', to_ids: true }),
      attr('example:a-3', { type: 'AS', category: 'Network activity', value: '64500', to_ids: false }),
      attr('example:a-4', {
        type: 'text',
        category: 'Network activity',
        value: '10.1.',
        to_ids: false,
        comment: 'CybOX pattern: Address_Value StartsWith "10.1." | Address_Value: kept as text, not a valid ip-dst (IP address has an invalid format.)',
      }),
    ]);
    expect(validationErrors(r)).toEqual([]);
  });

  it('refangs defanged values (with a comment) and skips AIS placeholders (with a warning)', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-8"><cybox:Object id="example:a-5">
        <cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr"><AddressObj:Address_Value condition="Equals">203[.]0[.]113[.]9##comma##UNDER NCCIC REVIEW</AddressObj:Address_Value></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-9"><cybox:Object id="example:a-6">
        <cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr"><AddressObj:Address_Value condition="Equals">UNDER NCCIC REVIEW</AddressObj:Address_Value></cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.attributes).toEqual([
      attr('example:a-5', { type: 'ip-dst', category: 'Network activity', value: '203.0.113.9', to_ids: true, comment: 'refanged from "203[.]0[.]113[.]9"' }),
    ]);
    expect(r.report.entries.filter((e) => e.code === 'refanged')).toHaveLength(1);
    expect(r.report.warnings.map((w) => w.code)).toEqual(['placeholder', 'placeholder', 'skipped']);
    expect(r.report.coverage.get('Address')).toEqual({ mapped: 1, text: 0, skipped: 1 });
    expect(uuid('example:a-5')).toBe(r.attributes[0]?.uuid);
  });
});
