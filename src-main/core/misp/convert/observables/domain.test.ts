import { describe, expect, it } from 'vitest';
import { attr, corpusPackage, mapCorpus, mapSnippet, rows, uuid, validationErrors } from '../../../../../test/support/observables';
import { itWithCorpus } from '../../../../../test/support/corpus';

const PIVY = 'STIXProject__schemas/samples/Poison Ivy/fireeye-pivy-indicators.xml';
const PHISHING = 'STIXProject__schemas/samples/STIX Use Case Examples content/Phishing/STIX-CybOX_Phishing_Email_Structured_Output_Example(with_Attached_File_Artifact_Object_Included_by_Reference).xml';
const PDNS = { name: 'passive-dns', 'meta-category': 'network', template_uuid: 'b77b7b1c-66ab-4a41-8da4-83810f6d2d6c', template_version: 5 };

describe('DomainName, Hostname', () => {
  it('an AIS domain in an indicator is a to_ids domain', () => {
    const r = mapCorpus('STIXProject__python-stix/stix/test/extensions/marking/ais_test_files/stix_ais_13.xml', 'NCCIC:Observable-f5a772e3-4e79-11e6-bfa1-eccd6d4fa460', { toIds: true });
    expect(r.attributes).toEqual([attr('NCCIC:Object-f5a772e2-4e79-11e6-9860-eccd6d4fa460', { type: 'domain', category: 'Network activity', value: 'gamez250.info', to_ids: true })]);
  });

  it('a watchlist (apply_condition ANY) gives one domain per value', () => {
    const r = mapCorpus('STIXProject__schemas/samples/STIX_Domain_Watchlist.xml', 'example:Observable-87c9a5bb-d005-4b3e-8081-99f720fad62b', { toIds: true });
    const id = 'example:Object-12c760ba-cd2c-4f5d-a37d-18212eac7928';
    expect(r.attributes.map((a) => [a.uuid, a.value, a.to_ids])).toEqual([
      [uuid(id), 'malicious1.example.com', true],
      [uuid(`${id}/domain=malicious2.example.com`), 'malicious2.example.com', true],
      [uuid(`${id}/domain=malicious3.example.com`), 'malicious3.example.com', true],
    ]);
  });

  it('Hostname → hostname, or domain when is_domain_name; a Contains pattern that is no host name is text', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-1"><cybox:Object id="example:h-1">
        <cybox:Properties xsi:type="HostnameObj:HostnameObjectType"><HostnameObj:Hostname_Value>Mail.Evil.Example</HostnameObj:Hostname_Value></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-2"><cybox:Object id="example:h-2">
        <cybox:Properties xsi:type="HostnameObj:HostnameObjectType" is_domain_name="true"><HostnameObj:Hostname_Value>evil.example</HostnameObj:Hostname_Value></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-3"><cybox:Object id="example:d-3">
        <cybox:Properties xsi:type="DomainNameObj:DomainNameObjectType"><DomainNameObj:Value condition="Contains">dhcpserver</DomainNameObj:Value></cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.attributes).toEqual([
      attr('example:h-1', { type: 'hostname', category: 'Network activity', value: 'mail.evil.example', to_ids: true }),
      attr('example:h-2', { type: 'domain', category: 'Network activity', value: 'evil.example', to_ids: true }),
      attr('example:d-3', {
        type: 'text',
        category: 'Network activity',
        value: 'dhcpserver',
        to_ids: false,
        comment: 'CybOX pattern: Value Contains "dhcpserver" | Value: kept as text, not a valid domain (Domain has an invalid format. Please double check the value or select type "other".)',
      }),
    ]);
  });

  itWithCorpus(PIVY)('Resolved_To an Address → one passive-dns object per address (FireEye Poison Ivy)', () => {
    const r = mapCorpus(PIVY, 'fireeye:observable-ec628c50-5d13-44ee-8d20-0a9c5f6ee6dc');
    const id = 'fireeye:object-1727f41d-e734-4c1d-b3f4-1268e3decd0e';
    expect(r.attributes).toEqual([attr(id, { type: 'domain', category: 'Network activity', value: 'www.dnsserver.ns01.us', to_ids: false })]);
    // 14 related objects, all Resolved_To addresses defined elsewhere in the package.
    expect(r.objects).toHaveLength(14);
    const key = `${id}/passive-dns/www.dnsserver.ns01.us/10.87.1.7`;
    expect(r.objects[0]).toEqual({
      uuid: uuid(key),
      ...PDNS,
      comment: 'CybOX Resolved_To',
      Attribute: [
        { uuid: uuid(`${key}/rrname=www.dnsserver.ns01.us`), object_relation: 'rrname', type: 'text', category: 'Network activity', value: 'www.dnsserver.ns01.us', to_ids: false },
        { uuid: uuid(`${key}/rdata=10.87.1.7`), object_relation: 'rdata', type: 'text', category: 'Network activity', value: '10.87.1.7', to_ids: false },
        { uuid: uuid(`${key}/rrtype=A`), object_relation: 'rrtype', type: 'text', category: 'Network activity', value: 'A', to_ids: false },
      ],
    });
    expect(r.objects.every((o) => o.name === 'passive-dns' && !o.ObjectReference)).toBe(true);
    expect(validationErrors(r)).toEqual([]);
  });

  it('the reverse (an Address Resolved_To a DomainName) is passive DNS too', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-4"><cybox:Object id="example:ip-1">
        <cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv6-addr"><AddressObj:Address_Value>2001:db8::1</AddressObj:Address_Value></cybox:Properties>
        <cybox:Related_Objects><cybox:Related_Object id="example:dn-1"><cybox:Properties xsi:type="DomainNameObj:DomainNameObjectType"><DomainNameObj:Value>six.example.org</DomainNameObj:Value></cybox:Properties>
        <cybox:Relationship>Resolved_To</cybox:Relationship></cybox:Related_Object></cybox:Related_Objects></cybox:Object></cybox:Observable>`);
    expect(r.attributes.map((a) => [a.type, a.value])).toEqual([['ip-dst', '2001:db8::1']]);
    expect(rows(r.objects[0])).toEqual([
      ['rrname', 'text', 'Network activity', 'six.example.org', false],
      ['rdata', 'text', 'Network activity', '2001:db8::1', false],
      ['rrtype', 'text', 'Network activity', 'AAAA', false],
    ]);
    // The inline related domain is not mapped on its own: the passive-dns object holds the relation.
    expect(r.report.coverage.get('DomainName')).toBeUndefined();
  });

  it('other relations become object references; an attribute is promoted to a domain-ip object to carry them', () => {
    const pkg = corpusPackage(PHISHING);
    expect(pkg.observables.length).toBeGreaterThan(10);
    const r = mapCorpus(PHISHING, 'example:observable-6e98b56a-41b8-4c52-b5ae-6ac86e968b93');
    const id = 'example:object-45ed3e11-5be1-4a7e-8f02-25b8f74196d3';
    const [domainIp, ...pdns] = r.objects;
    expect(r.attributes).toEqual([]);
    expect(domainIp).toMatchObject({ uuid: uuid(id), name: 'domain-ip' });
    expect(rows(domainIp)).toEqual([['domain', 'domain', 'Network activity', 'state.gov', false]]);
    expect(pdns.map((o) => rows(o).map((row) => row[3]))).toEqual([
      ['state.gov', '72.166.186.151', 'A'],
      ['state.gov', '2001:428:d400:4:72:166:186:151', 'AAAA'],
    ]);
    // Resolved_To a Whois (not an address), DNS queries and records, the URL it was extracted from.
    expect(domainIp?.ObjectReference?.map((x) => [x.relationship_type, x.referenced_uuid])).toEqual([
      ['resolved-to', uuid('example:object-03d041dd-21f7-4b70-a2be-d4abedf2503b')],
      ['properties-queried-by', uuid('example:object-bea8273c-3b4d-409f-880e-c53c64f8a05c')],
      ['characterized-by', uuid('example:object-4c9bad1b-e4ac-4b3e-9e28-fbf03b73613c')],
      ['properties-queried-by', uuid('example:object-c1849f06-d433-4ef8-bcfa-a516a008c8d4')],
      ['characterized-by', uuid('example:object-1f68760e-fa04-4730-936d-d3abcc4b365b')],
      ['extracted-from', uuid('example:object-1ba9f939-0c5a-421e-b59d-f8a6517f9018')],
      ['sub-domain-of', uuid('example:object-1ba9f939-0c5a-421e-b59d-f8a6517f9018')],
    ]);
    expect(domainIp?.ObjectReference?.[0]?.uuid).toBe(uuid(`ref|${uuid(id)}|resolved-to|${uuid('example:object-03d041dd-21f7-4b70-a2be-d4abedf2503b')}`));
  });
});

describe('URI and Link', () => {
  it('URI by its type: URL → url, Domain Name → domain; untyped values are guessed', () => {
    const url = mapCorpus('Cosive__cti-toolkit/tests/TEST-STIX-1.1.1.xml', 'cert_au:Observable-1a919136-ba69-4a28-9615-ad6ee37e88a5');
    expect(url.attributes).toEqual([attr('cert_au:URI-bc9ca790-5471-4be4-8d22-ce2886d46e3c', { type: 'url', category: 'Network activity', value: 'http://host.domain.tld/path/file', to_ids: false })]);
    const domain = mapCorpus(
      'anl-cyberscience__FlexTransform/FlexibleTransform/resources/sampleMessages/stix/CISCP_INDICATOR.1682097386.30.xml',
      'CISCP:Observable-0ed9dba8-7046-4586-a4bf-fd5bcd7a2aef',
      { toIds: true },
    );
    expect(domain.attributes).toEqual([attr('CISCP:Object-9408f033-b203-44b3-b963-36111a7bc142', { type: 'domain', category: 'Network activity', value: 'dominikanabestplace.com', to_ids: true })]);
    // STIX_URL_Watchlist.xml: no type attribute, no object id — keys from the observable id.
    const list = mapCorpus('STIXProject__schemas/samples/STIX_URL_Watchlist.xml', 'example:Observable-Pattern-cc5c00ce-98a6-4cbe-8474-59eaecdb018f', { toIds: true });
    const id = 'example:Observable-Pattern-cc5c00ce-98a6-4cbe-8474-59eaecdb018f';
    expect(list.attributes.map((a) => [a.uuid, a.type, a.value])).toEqual([
      [uuid(id), 'url', 'http://example.com/foo/malicious1.html'],
      [uuid(`${id}/url=http://example.com/foo/malicious2.html`), 'url', 'http://example.com/foo/malicious2.html'],
      [uuid(`${id}/url=http://example.com/foo/malicious3.html`), 'url', 'http://example.com/foo/malicious3.html'],
    ]);
  });

  it('a URL that Contains an HTTP session becomes a url object referencing the session (CISCP bulletin)', () => {
    const r = mapCorpus(
      'anl-cyberscience__FlexTransform/FlexibleTransform/resources/sampleMessages/stix/CISCP_INDICATOR.1682097386.20.xml',
      'NCCIC:Observable-68ccd162-c020-4844-8628-4a7f7ad12e39',
      { toIds: true },
    );
    const ua = r.attributes[0];
    expect(r.attributes.map((a) => [a.type, a.category, a.value, a.to_ids])).toEqual([['user-agent', 'Network activity', 'Mozilla/4.0 (compatible; )', true]]);
    expect(r.objects).toHaveLength(1);
    expect(r.objects[0]).toMatchObject({ uuid: uuid('NCCIC:Object-f9c901cd-957e-4573-8538-869440415c10'), name: 'url', template_version: 10 });
    expect(rows(r.objects[0])).toEqual([['url', 'url', 'Network activity', 'c.api.search.conduit.com', true]]);
    expect(r.objects[0]?.ObjectReference?.map((x) => [x.relationship_type, x.referenced_uuid])).toEqual([['contains', ua?.uuid]]);
    expect(validationErrors(r)).toEqual([]);
  });

  it('defanged URLs are refanged; Link → link with its label', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-5"><cybox:Object id="example:u-1">
        <cybox:Properties xsi:type="URIObj:URIObjectType" type="URL"><URIObj:Value condition="Equals">hxxp://evil[.]example[.]com/gate.php</URIObj:Value></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-6"><cybox:Object id="example:l-1">
        <cybox:Properties xsi:type="LinkObj:LinkObjectType" type="URL"><URIObj:Value>https://www.example.org/report.html</URIObj:Value><LinkObj:URL_Label>Vendor report</LinkObj:URL_Label></cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.attributes).toEqual([
      attr('example:u-1', { type: 'url', category: 'Network activity', value: 'http://evil.example.com/gate.php', to_ids: true, comment: 'refanged from "hxxp://evil[.]example[.]com/gate.php"' }),
      attr('example:l-1', { type: 'link', category: 'External analysis', value: 'https://www.example.org/report.html', to_ids: false, comment: 'Link label: Vendor report' }),
    ]);
  });
});
