import { describe, expect, it } from 'vitest';
import { attr, mapCorpus, mapCorpusPackage, mapSnippet, rows, uuid, validationErrors } from '../../../../../test/support/observables';

const CTI = 'Cosive__cti-toolkit/tests/TEST-STIX-1.1.1.xml';
const PHISHING = 'STIXProject__schemas/samples/STIX Use Case Examples content/Phishing/STIX-CybOX_Phishing_Email_Structured_Output_Example(with_Attached_File_Artifact_Object_Included_by_Reference).xml';

describe('Port, SocketAddress', () => {
  it('an IP and a port, both exact → ip-dst|port, the protocol in the comment (cti-toolkit)', () => {
    const r = mapCorpus(CTI, 'CCIRC-CCRIC:Observable-01234567-2823-4d6d-8d77-bae10ca5bd97', { toIds: true });
    expect(r.attributes).toEqual([
      attr('CCIRC-CCRIC:SocketAddress-01234567-140f-48d1-afa1-65905584f610', {
        type: 'ip-dst|port',
        category: 'Network activity',
        value: '183.82.180.95|2665',
        to_ids: true,
        comment: 'Layer4_Protocol: TCP',
      }),
    ]);
  });

  it('a host name and a port; a pattern port → ip-port object; a Port alone', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-1"><cybox:Object id="example:sa-1"><cybox:Properties xsi:type="SocketAddressObj:SocketAddressObjectType">
        <SocketAddressObj:Hostname><HostnameObj:Hostname_Value>c2.example.net</HostnameObj:Hostname_Value></SocketAddressObj:Hostname>
        <SocketAddressObj:Port><PortObj:Port_Value>8080</PortObj:Port_Value></SocketAddressObj:Port></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-2"><cybox:Object id="example:sa-2"><cybox:Properties xsi:type="SocketAddressObj:SocketAddressObjectType">
        <SocketAddressObj:IP_Address category="ipv4-addr" is_source="true"><AddressObj:Address_Value>192.0.2.1</AddressObj:Address_Value></SocketAddressObj:IP_Address>
        <SocketAddressObj:Port><PortObj:Port_Value condition="GreaterThan">1024</PortObj:Port_Value><PortObj:Layer4_Protocol>UDP</PortObj:Layer4_Protocol></SocketAddressObj:Port></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-3"><cybox:Object id="example:p-1"><cybox:Properties xsi:type="PortObj:PortObjectType">
        <PortObj:Port_Value>443</PortObj:Port_Value><PortObj:Layer4_Protocol>TCP</PortObj:Layer4_Protocol></cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.attributes).toEqual([
      attr('example:sa-1', { type: 'hostname|port', category: 'Network activity', value: 'c2.example.net|8080', to_ids: true }),
      attr('example:p-1', { type: 'port', category: 'Network activity', value: '443', to_ids: false, comment: 'Layer4_Protocol: TCP' }),
    ]);
    expect(r.objects.map((o) => [o.uuid, o.name])).toEqual([[uuid('example:sa-2'), 'ip-port']]);
    expect(rows(r.objects[0])).toEqual([
      ['ip-src', 'ip-src', 'Network activity', '192.0.2.1', true],
      ['src-port', 'port', 'Network activity', '1024', false],
      ['protocol', 'text', 'Network activity', 'UDP', false],
    ]);
    expect(validationErrors(r)).toEqual([]);
  });
});

describe('NetworkConnection, NetworkSocket', () => {
  it('NetworkConnection → network-connection object; its HTTP session beside it', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-4"><cybox:Object id="example:nc-1"><cybox:Properties xsi:type="NetworkConnectionObj:NetworkConnectionObjectType">
        <NetworkConnectionObj:Layer3_Protocol>IPv4</NetworkConnectionObj:Layer3_Protocol><NetworkConnectionObj:Layer4_Protocol>TCP</NetworkConnectionObj:Layer4_Protocol>
        <NetworkConnectionObj:Layer7_Protocol>HTTP</NetworkConnectionObj:Layer7_Protocol>
        <NetworkConnectionObj:Source_Socket_Address><SocketAddressObj:IP_Address category="ipv4-addr"><AddressObj:Address_Value>10.0.0.5</AddressObj:Address_Value></SocketAddressObj:IP_Address></NetworkConnectionObj:Source_Socket_Address>
        <NetworkConnectionObj:Destination_Socket_Address><SocketAddressObj:IP_Address category="ipv4-addr"><AddressObj:Address_Value>198.51.100.20</AddressObj:Address_Value></SocketAddressObj:IP_Address>
          <SocketAddressObj:Port><PortObj:Port_Value>80</PortObj:Port_Value></SocketAddressObj:Port></NetworkConnectionObj:Destination_Socket_Address>
        <NetworkConnectionObj:Layer7_Connections><NetworkConnectionObj:HTTP_Session><HTTPSessionObj:HTTP_Request_Response><HTTPSessionObj:HTTP_Client_Request>
          <HTTPSessionObj:HTTP_Request_Line><HTTPSessionObj:HTTP_Method>POST</HTTPSessionObj:HTTP_Method><HTTPSessionObj:Value>/post.php</HTTPSessionObj:Value></HTTPSessionObj:HTTP_Request_Line>
        </HTTPSessionObj:HTTP_Client_Request></HTTPSessionObj:HTTP_Request_Response></NetworkConnectionObj:HTTP_Session></NetworkConnectionObj:Layer7_Connections>
        </cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.objects.map((o) => [o.uuid, o.name])).toEqual([[uuid('example:nc-1'), 'network-connection']]);
    expect(rows(r.objects[0])).toEqual([
      ['ip-src', 'ip-src', 'Network activity', '10.0.0.5', true],
      ['ip-dst', 'ip-dst', 'Network activity', '198.51.100.20', true],
      ['dst-port', 'port', 'Network activity', '80', false],
      ['layer3-protocol', 'text', 'Other', 'IPv4', false],
      ['layer4-protocol', 'text', 'Other', 'TCP', false],
      ['layer7-protocol', 'text', 'Other', 'HTTP', false],
    ]);
    expect(r.attributes).toEqual([
      attr('example:nc-1/http-method=POST', { type: 'http-method', category: 'Network activity', value: 'POST', to_ids: false }),
      attr('example:nc-1/uri=/post.php', { type: 'uri', category: 'Network activity', value: '/post.php', to_ids: true, comment: 'HTTP request line' }),
    ]);
  });

  it('NetworkSocket → network-socket object (protocol from the closed list, listening state)', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-5"><cybox:Object id="example:ns-1"><cybox:Properties xsi:type="NetworkSocketObj:NetworkSocketObjectType" is_listening="true">
        <NetworkSocketObj:Address_Family>inet</NetworkSocketObj:Address_Family><NetworkSocketObj:Domain>PF_INET</NetworkSocketObj:Domain>
        <NetworkSocketObj:Local_Address><SocketAddressObj:IP_Address category="ipv4-addr"><AddressObj:Address_Value>0.0.0.0</AddressObj:Address_Value></SocketAddressObj:IP_Address>
          <SocketAddressObj:Port><PortObj:Port_Value>4444</PortObj:Port_Value></SocketAddressObj:Port></NetworkSocketObj:Local_Address>
        <NetworkSocketObj:Protocol>IPPROTO_TCP</NetworkSocketObj:Protocol><NetworkSocketObj:Type>SOCK_STREAM</NetworkSocketObj:Type>
        </cybox:Properties></cybox:Object></cybox:Observable>`);
    expect(rows(r.objects[0])).toEqual([
      ['ip-src', 'ip-src', 'Network activity', '0.0.0.0', false],
      ['src-port', 'port', 'Network activity', '4444', false],
      ['protocol', 'text', 'Other', 'TCP', false],
      ['address-family', 'text', 'Other', 'inet', false],
      ['domain-family', 'text', 'Other', 'PF_INET', false],
      ['socket-type', 'text', 'Other', 'SOCK_STREAM', false],
      ['state', 'text', 'Other', 'listening', false],
    ]);
    expect(validationErrors(r)).toEqual([]);
  });
});

describe('HTTPSession', () => {
  it('a parsed User-Agent → user-agent (cti-toolkit)', () => {
    const r = mapCorpus(CTI, 'cert_au:Observable-6a733d83-5d19-4d17-a51f-5bcb4ebc860a', { toIds: true });
    expect(r.attributes).toEqual([
      attr('cert_au:HTTPSession-39d7fad0-ca65-43df-ad16-94676af77fef', {
        type: 'user-agent',
        category: 'Network activity',
        value: 'Mozilla/5.0 (Windows NT 5.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/35.0.2309.372 Safari/537.36',
        to_ids: true,
      }),
    ]);
  });

  it('Host, Referer and other headers', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-6"><cybox:Object id="example:http-1"><cybox:Properties xsi:type="HTTPSessionObj:HTTPSessionObjectType">
        <HTTPSessionObj:HTTP_Request_Response><HTTPSessionObj:HTTP_Client_Request><HTTPSessionObj:HTTP_Request_Header><HTTPSessionObj:Parsed_Header>
        <HTTPSessionObj:Accept_Language>en-us</HTTPSessionObj:Accept_Language>
        <HTTPSessionObj:Host><HTTPSessionObj:Domain_Name><URIObj:Value>stnews[.]ngrok[.]com</URIObj:Value></HTTPSessionObj:Domain_Name></HTTPSessionObj:Host>
        <HTTPSessionObj:Referer>http://stnews.ngrok.com/login.php</HTTPSessionObj:Referer>
        </HTTPSessionObj:Parsed_Header></HTTPSessionObj:HTTP_Request_Header></HTTPSessionObj:HTTP_Client_Request></HTTPSessionObj:HTTP_Request_Response>
        </cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.attributes.map((a) => [a.type, a.category, a.value, a.to_ids, a.comment])).toEqual([
      ['text', 'Network activity', 'Accept-Language: en-us', false, 'HTTP request header'],
      ['hostname', 'Network activity', 'stnews.ngrok.com', true, 'refanged from "stnews[.]ngrok[.]com" | HTTP Host header'],
      ['url', 'Network activity', 'http://stnews.ngrok.com/login.php', true, 'HTTP Referer'],
    ]);
  });
});

describe('DNSQuery, DNSRecord (CybOX phishing sample)', () => {
  it('DNSQuery → the queried domain (type, class in the comment), a domain-ip object when it has relations', () => {
    const r = mapCorpus(PHISHING, 'example:observable-58c11cce-aef1-467c-b2bf-051407a0c2ba');
    expect(r.objects.map((o) => [o.uuid, o.name])).toEqual([[uuid('example:object-bea8273c-3b4d-409f-880e-c53c64f8a05c'), 'domain-ip']]);
    expect(rows(r.objects[0])).toEqual([['domain', 'domain', 'Network activity', 'state.gov', false]]);
    expect(r.objects[0]?.Attribute[0]?.comment).toBe('DNS query type A class IN, successful: true');
    expect(r.objects[0]?.ObjectReference?.map((x) => x.relationship_type)).toEqual(['properties-queried', 'searched-for']);
    const lone = mapSnippet(`<cybox:Observable id="example:Observable-7"><cybox:Object id="example:q-1"><cybox:Properties xsi:type="DNSQueryObj:DNSQueryObjectType" successful="false">
        <DNSQueryObj:Question><DNSQueryObj:QName><URIObj:Value>bhsxeozfiwqj.net</URIObj:Value></DNSQueryObj:QName><DNSQueryObj:QType>AAAA</DNSQueryObj:QType></DNSQueryObj:Question>
        <DNSQueryObj:Answer_Resource_Records><DNSQueryObj:Resource_Record><DNSRecordObj:IP_Address category="ipv6-addr"><AddressObj:Address_Value>2001:db8::7</AddressObj:Address_Value></DNSRecordObj:IP_Address>
        <DNSRecordObj:Entry_Type>AAAA</DNSRecordObj:Entry_Type></DNSQueryObj:Resource_Record></DNSQueryObj:Answer_Resource_Records></cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(lone.attributes).toEqual([
      attr('example:q-1', { type: 'domain', category: 'Network activity', value: 'bhsxeozfiwqj.net', to_ids: true, comment: 'DNS query type AAAA, successful: false' }),
    ]);
    expect(lone.objects.map(rows)).toEqual([
      [
        ['rrname', 'text', 'Network activity', 'bhsxeozfiwqj.net', false],
        ['rdata', 'text', 'Network activity', '2001:db8::7', false],
        ['rrtype', 'text', 'Network activity', 'AAAA', false],
      ],
    ]);
  });

  it('DNSRecord → a passive-dns object (name, address, type, raw record data)', () => {
    const r = mapCorpus(PHISHING, 'example:observable-8239d3ba-5f4e-4d3d-99cf-cc17ae99f9b5');
    const id = 'example:object-4c9bad1b-e4ac-4b3e-9e28-fbf03b73613c';
    expect(r.objects.map((o) => [o.uuid, o.name])).toEqual([[uuid(id), 'passive-dns']]);
    expect(rows(r.objects[0]).map(([rel, type, cat, value]) => [rel, type, cat, value.split('\n')[0]])).toEqual([
      ['rrname', 'text', 'Network activity', 'state.gov'],
      ['rdata', 'text', 'Network activity', '72.166.186.151'],
      ['rrtype', 'text', 'Network activity', 'A'],
      ['raw_rdata', 'text', 'Network activity', 'id 48924'],
      ['text', 'text', 'Network activity', 'Flags: 8180'],
    ]);
    expect(r.objects[0]?.ObjectReference?.map((x) => x.relationship_type)).toEqual(['characterizes', 'searched-for-by']);
  });

  it('the whole sample converts with zero validator errors, every CybOX type covered', () => {
    const r = mapCorpusPackage(PHISHING);
    expect(validationErrors(r)).toEqual([]);
    expect(Object.fromEntries(r.report.coverage)).toEqual({
      EmailMessage: { mapped: 1, text: 0, skipped: 0 },
      File: { mapped: 1, text: 0, skipped: 0 },
      URI: { mapped: 3, text: 0, skipped: 0 },
      DomainName: { mapped: 1, text: 0, skipped: 0 },
      Whois: { mapped: 1, text: 0, skipped: 0 },
      DNSQuery: { mapped: 4, text: 0, skipped: 0 },
      DNSRecord: { mapped: 2, text: 0, skipped: 0 },
      Address: { mapped: 2, text: 0, skipped: 0 },
    });
  });
});
