import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TAXII_MESSAGES_DIR } from '../../../test/paths';
import { validateTaxiiXml } from '../../simulators/taxii/xsd';
import { buildCollectionInformationRequest, buildDiscoveryRequest, buildPollFulfillment, buildPollRequest } from './build-messages';
import { TaxiiProtocolError } from './errors';
import { parseTaxiiMessage } from './parse-messages';
import type { StatusMessage } from './status';
import type { CollectionInformationResponse, DiscoveryResponse, InboxMessage, PollFulfillment, PollRequest, PollResponse } from './types';
import { readXml } from './xml-reader';

const read = (name: string): string => readFileSync(path.join(TAXII_MESSAGES_DIR, name), 'utf8');
const parse = <T>(name: string): T => parseTaxiiMessage(read(name)) as T;

/** A document is standalone when it parses on its own with every prefix bound. */
function expectStandalone(doc: string): void {
  expect(() => readXml(doc)).not.toThrow();
}

describe('building requests', () => {
  const requests = {
    discovery: buildDiscoveryRequest(),
    collectionInformation: buildCollectionInformationRequest(),
    minimalPoll: buildPollRequest({ collectionName: 'ais' }),
    fullPoll: buildPollRequest({
      collectionName: 'ais',
      exclusiveBegin: '2016-01-01T00:00:00+00:00',
      inclusiveEnd: new Date(Date.UTC(2023, 0, 1, 12, 34, 56, 789)),
      allowAsynch: true,
      responseType: 'FULL',
      contentBindings: ['urn:stix.mitre.org:xml:1.1.1', { bindingId: 'urn:stix.mitre.org:xml:1.2', subtypes: ['a', 'b'] }],
    }),
    countOnlyPoll: buildPollRequest({ collectionName: 'a&b <c>', responseType: 'COUNT_ONLY', inclusiveEnd: '2026-11-28T00:33:39.987580+00:00' }),
    subscriptionPoll: buildPollRequest({ collectionName: 'ais', subscriptionId: 'sub-1', exclusiveBegin: '2016-01-01T00:00:00Z' }),
    fulfillment: buildPollFulfillment({ collectionName: 'ais', resultId: 'r-1', resultPartNumber: 7 }),
  };

  it('produces messages that validate against the TAXII 1.1 XSD', async () => {
    for (const [name, built] of Object.entries(requests)) {
      const result = await validateTaxiiXml(built.xml);
      expect({ name, ...result }).toEqual({ name, valid: true, errors: [] });
    }
  });

  it('is checked by a validator that does reject wrong element order and the old service’s misspelling', async () => {
    const swapped = requests.fullPoll.xml.replace(
      /(<taxii_11:Exclusive_Begin_Timestamp>.*?<\/taxii_11:Exclusive_Begin_Timestamp>)(<taxii_11:Inclusive_End_Timestamp>.*?<\/taxii_11:Inclusive_End_Timestamp>)/,
      '$2$1',
    );
    expect(swapped).not.toBe(requests.fullPoll.xml);
    expect((await validateTaxiiXml(swapped)).valid).toBe(false);
    expect((await validateTaxiiXml(requests.minimalPoll.xml.replace('allow_asynch', 'allow_async'))).valid).toBe(false);
  });

  it('writes the window in canonical UTC and Poll_Parameters in XSD order', () => {
    const xml = requests.fullPoll.xml;
    expect(xml).toContain('<taxii_11:Exclusive_Begin_Timestamp>2016-01-01T00:00:00Z</taxii_11:Exclusive_Begin_Timestamp>');
    expect(xml).toContain('<taxii_11:Inclusive_End_Timestamp>2023-01-01T12:34:56.789Z</taxii_11:Inclusive_End_Timestamp>');
    expect(xml.indexOf('Response_Type')).toBeLessThan(xml.indexOf('Content_Binding'));
    expect(xml).toContain('allow_asynch="true"');
    expect(requests.countOnlyPoll.xml).toContain('2026-11-28T00:33:39.98758Z');
  });

  it('gives every message a fresh id', () => {
    const ids = new Set(Array.from({ length: 200 }, () => buildPollRequest({ collectionName: 'ais' }).messageId));
    expect(ids.size).toBe(200);
  });

  it('round-trips through the parser', () => {
    const poll = parseTaxiiMessage(requests.fullPoll.xml) as PollRequest;
    expect(poll).toEqual({
      kind: 'Poll_Request',
      messageId: requests.fullPoll.messageId,
      collectionName: 'ais',
      exclusiveBeginTimestamp: '2016-01-01T00:00:00Z',
      inclusiveEndTimestamp: '2023-01-01T12:34:56.789Z',
      pollParameters: {
        allowAsynch: true,
        responseType: 'FULL',
        contentBindings: [{ bindingId: 'urn:stix.mitre.org:xml:1.1.1' }, { bindingId: 'urn:stix.mitre.org:xml:1.2', subtypes: ['a', 'b'] }],
      },
    });
    expect((parseTaxiiMessage(requests.countOnlyPoll.xml) as PollRequest).collectionName).toBe('a&b <c>');
    expect((parseTaxiiMessage(requests.subscriptionPoll.xml) as PollRequest).subscriptionId).toBe('sub-1');
    expect(parseTaxiiMessage(requests.fulfillment.xml) as PollFulfillment).toEqual({
      kind: 'Poll_Fulfillment',
      messageId: requests.fulfillment.messageId,
      collectionName: 'ais',
      resultId: 'r-1',
      resultPartNumber: 7,
    });
  });
});

describe('parsing the real OpenTAXII exchanges in reference/taxii-messages', () => {
  it('covers every file there', () => {
    const covered = new Set([
      ...['01-discovery', '02-collection-information', '03-poll', '04-poll-fulfillment', '05-poll-count-only', '06-status-not-found', '07-status-unauthorized'].flatMap((n) => [
        `${n}.request.xml`,
        `${n}.response.xml`,
      ]),
      ...['08-status-unsupported-content', '09-status-failure-begin-after-end', '10-status-bad-xml', '11-status-wrong-service', '12-inbox', '13-status-missing-services-header'].flatMap(
        (n) => [`${n}.request.xml`, `${n}.response.xml`],
      ),
      '03-poll.response.trimmed.xml',
      '04-poll-fulfillment.response.trimmed.xml',
      '14-status-pending-retry-etc.libtaxii-generated.xml',
      'libtaxii-test-inputs',
    ]);
    expect(readdirSync(TAXII_MESSAGES_DIR).filter((f) => !covered.has(f))).toEqual([]);
  });

  it('reads the requests', () => {
    expect(parse('01-discovery.request.xml')).toEqual({ kind: 'Discovery_Request', messageId: '7204186395803104980' });
    expect(parse('02-collection-information.request.xml')).toEqual({ kind: 'Collection_Information_Request', messageId: '1754619131711516479' });
    expect(parse<PollRequest>('03-poll.request.xml')).toEqual({
      kind: 'Poll_Request',
      messageId: '8060587506984751297',
      collectionName: 'bulk',
      exclusiveBeginTimestamp: '2016-01-01T00:00:00Z',
      inclusiveEndTimestamp: '2016-01-01T00:16:39Z',
      pollParameters: { allowAsynch: false, responseType: 'FULL', contentBindings: [{ bindingId: 'urn:stix.mitre.org:xml:1.1.1' }] },
    });
    expect(parse<PollFulfillment>('04-poll-fulfillment.request.xml')).toMatchObject({ resultId: '8178765568648120076', resultPartNumber: 2, collectionName: 'bulk' });
    expect(parse<PollRequest>('05-poll-count-only.request.xml').pollParameters?.responseType).toBe('COUNT_ONLY');
    expect(parse<PollRequest>('06-status-not-found.request.xml').collectionName).toBe('no-such-collection');
    expect(parse<PollRequest>('07-status-unauthorized.request.xml').messageId).toBe('7868285021599484970');
    expect(parse<PollRequest>('08-status-unsupported-content.request.xml').pollParameters?.contentBindings).toEqual([{ bindingId: 'urn:example:json:1' }]);
    expect(parse<PollRequest>('09-status-failure-begin-after-end.request.xml')).toMatchObject({
      exclusiveBeginTimestamp: '2020-01-01T00:00:00Z',
      inclusiveEndTimestamp: '2019-01-01T00:00:00Z',
    });
    expect(parse('11-status-wrong-service.request.xml')).toEqual({ kind: 'Discovery_Request', messageId: '3324089112705627639' });
    expect(parse<PollRequest>('13-status-missing-services-header.request.xml').messageId).toBe('39608996770372672');
  });

  it('refuses the non-TAXII request of 10-status-bad-xml', () => {
    expect(() => parse('10-status-bad-xml.request.xml')).toThrow(TaxiiProtocolError);
    try {
      parse('10-status-bad-xml.request.xml');
    } catch (e) {
      expect((e as TaxiiProtocolError).code).toBe('taxii_not_taxii');
    }
  });

  it('reads the Discovery_Response', () => {
    const d = parse<DiscoveryResponse>('01-discovery.response.xml');
    expect(d.inResponseTo).toBe('7204186395803104980');
    expect(d.services).toHaveLength(10);
    expect(d.services.map((s) => s.serviceType)).toEqual(['DISCOVERY', 'DISCOVERY', 'COLLECTION_MANAGEMENT', 'COLLECTION_MANAGEMENT', 'INBOX', 'INBOX', 'POLL', 'POLL', 'POLL', 'POLL']);
    expect(d.services[0]).toEqual({
      serviceType: 'DISCOVERY',
      serviceVersion: 'urn:taxii.mitre.org:services:1.1',
      available: true,
      protocolBinding: 'urn:taxii.mitre.org:protocol:http:1.0',
      address: 'http://127.0.0.1:9000/taxii-discovery-service',
      messageBindings: ['urn:taxii.mitre.org:message:xml:1.0', 'urn:taxii.mitre.org:message:xml:1.1'],
      supportedQueries: [],
      contentBindings: [],
      message: 'Discovery service (open)',
    });
    expect(d.services[9]).toMatchObject({ address: 'https://127.0.0.1:9000/taxii-data-auth', message: 'Poll (requires basic auth or JWT)' });
  });

  it('reads the Collection_Information_Response', () => {
    const c = parse<CollectionInformationResponse>('02-collection-information.response.xml');
    expect(c.collections.map((x) => [x.name, x.type, x.volume, x.available])).toEqual([
      ['ais', 'DATA_FEED', 4, true],
      ['bulk', 'DATA_FEED', 1000, true],
    ]);
    const ais = c.collections[0];
    expect(ais?.description).toBe('');
    expect(ais?.contentBindings).toEqual([{ bindingId: 'urn:stix.mitre.org:xml:1.1.1' }, { bindingId: 'urn:stix.mitre.org:xml:1.2' }]);
    expect(ais?.pollingServices.map((s) => s.address)).toEqual([
      'http://127.0.0.1:9000/taxii-data',
      'https://127.0.0.1:9000/taxii-data',
      'http://127.0.0.1:9000/taxii-data-auth',
      'https://127.0.0.1:9000/taxii-data-auth',
    ]);
    expect(ais?.subscriptionServices).toHaveLength(2);
    expect(ais?.receivingInboxServices.map((s) => s.address)).toEqual(['http://127.0.0.1:9000/taxii-inbox-service', 'https://127.0.0.1:9000/taxii-inbox-service']);
  });

  for (const [file, part, first, last, count] of [
    ['03-poll.response.xml', 1, '2016-01-01T00:00:01Z', '2016-01-01T00:01:40Z', 100],
    ['03-poll.response.trimmed.xml', 1, '2016-01-01T00:00:01Z', '2016-01-01T00:00:02Z', 2],
    ['04-poll-fulfillment.response.xml', 2, '2016-01-01T00:01:41Z', '2016-01-01T00:03:20Z', 100],
    ['04-poll-fulfillment.response.trimmed.xml', 2, '2016-01-01T00:01:41Z', '2016-01-01T00:01:42Z', 2],
  ] as const) {
    it(`reads the Poll_Response ${file}`, () => {
      const r = parse<PollResponse>(file);
      expect(r).toMatchObject({
        kind: 'Poll_Response',
        collectionName: 'bulk',
        more: true,
        resultId: '8178765568648120076',
        resultPartNumber: part,
        exclusiveBeginTimestamp: '2016-01-01T00:00:00Z',
        inclusiveEndTimestamp: '2016-01-01T00:16:39Z',
        recordCount: { count: 999, partial: false },
      });
      expect(r.contentBlocks).toHaveLength(count);
      expect(r.contentBlocks[0]?.timestampLabel).toBe(first);
      expect(r.contentBlocks.at(-1)?.timestampLabel).toBe(last);
      for (const b of r.contentBlocks) {
        expect(b.binding).toBe('urn:stix.mitre.org:xml:1.1.1');
        expect(b.deliveredAs).toBe('xml');
        expect(b.content.kind).toBe('xml');
        if (b.content.kind !== 'xml') continue;
        expect(b.content.documents).toHaveLength(1);
        const doc = b.content.documents[0] as string;
        expect(doc.startsWith('<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1"')).toBe(true);
        // OpenTAXII's own (unused) prefixes stay in the TAXII message.
        expect(doc).not.toMatch(/xmlns:(taxii|taxii_11|tdq)=/);
        expectStandalone(doc);
      }
      const labels = r.contentBlocks.map((b) => b.timestampLabel as string);
      expect([...labels].sort()).toEqual(labels);
    });
  }

  it('reads the COUNT_ONLY answer', () => {
    const r = parse<PollResponse>('05-poll-count-only.response.xml');
    expect(r).toMatchObject({ collectionName: 'ais', more: false, resultPartNumber: 1, recordCount: { count: 4, partial: false } });
    expect(r.resultId).toBeUndefined();
    expect(r.contentBlocks).toEqual([]);
  });

  it('reads the Status_Messages', () => {
    const s = (name: string): StatusMessage => parse<StatusMessage>(name);
    expect(s('06-status-not-found.response.xml')).toEqual({
      kind: 'Status_Message',
      messageId: '1126482558944186389',
      inResponseTo: '2275283510931826719',
      statusType: 'NOT_FOUND',
      details: [{ name: 'ITEM', value: 'no-such-collection' }],
      message: 'Requested collection was not found',
    });
    expect(s('07-status-unauthorized.response.xml')).toMatchObject({ statusType: 'UNAUTHORIZED', inResponseTo: '0', details: [] });
    expect(s('08-status-unsupported-content.response.xml').details).toEqual([
      { name: 'SUPPORTED_CONTENT', value: 'urn:stix.mitre.org:xml:1.1.1' },
      { name: 'SUPPORTED_CONTENT', value: 'urn:stix.mitre.org:xml:1.2' },
    ]);
    expect(s('09-status-failure-begin-after-end.response.xml')).toMatchObject({
      statusType: 'FAILURE',
      message: 'Exclusive begin timestamp label is later than inclusive end timestamp label',
    });
    const bad = s('10-status-bad-xml.response.xml');
    expect(bad).toMatchObject({ statusType: 'BAD_MESSAGE', inResponseTo: '0' });
    expect(bad.message).toContain("Element 'not-taxii': No matching global declaration");
    expect(s('11-status-wrong-service.response.xml')).toMatchObject({ statusType: 'FAILURE', message: 'Message not supported by this service' });
    expect(s('12-inbox.response.xml')).toMatchObject({ statusType: 'SUCCESS', inResponseTo: '4121188359008928003' });
    expect(s('13-status-missing-services-header.response.xml')).toMatchObject({ statusType: 'FAILURE', message: 'Header X-TAXII-Services was not specified' });
  });

  it('reads the libtaxii-generated PENDING, RETRY, INVALID_RESPONSE_PART and ASYNCHRONOUS_POLL_ERROR', () => {
    const text = read('14-status-pending-retry-etc.libtaxii-generated.xml');
    const messages = text.split(/(?=<taxii_11:Status_Message )/).slice(1).map((m) => parseTaxiiMessage(m) as StatusMessage);
    expect(messages.map((m) => m.statusType)).toEqual(['PENDING', 'RETRY', 'INVALID_RESPONSE_PART', 'ASYNCHRONOUS_POLL_ERROR']);
    expect(messages[0]).toEqual({
      kind: 'Status_Message',
      messageId: '42',
      inResponseTo: '41',
      statusType: 'PENDING',
      details: [
        { name: 'ESTIMATED_WAIT', value: '30' },
        { name: 'RESULT_ID', value: 'result-123' },
        { name: 'WILL_PUSH', value: 'false' },
      ],
      message: 'Result set is being prepared',
    });
    expect(messages[1]?.details).toEqual([{ name: 'ESTIMATED_WAIT', value: '60' }]);
    expect(messages[2]?.details).toEqual([{ name: 'MAX_PART_NUMBER', value: '10' }]);
    expect(messages[3]?.message).toBe('result expired');
  });

  it('reads the Inbox_Message', () => {
    const inbox = parse<InboxMessage>('12-inbox.request.xml');
    expect(inbox.destinationCollectionNames).toEqual(['ais']);
    expect(inbox.contentBlocks).toHaveLength(1);
    expect(inbox.contentBlocks[0]?.timestampLabel).toBe('2015-06-01T12:00:00Z');
  });
});

describe('parsing the libtaxii fixtures (ns2: prefix, xmldsig as default namespace)', () => {
  const lib = (name: string): string => path.join('libtaxii-test-inputs', name);

  it('reads Discovery_Response', () => {
    const d = parse<DiscoveryResponse>(lib('Discovery_Response.xml'));
    expect(d.inResponseTo).toBe('urn:uuid:ac4d80f4-3dd4-47fb-81ed-67cd49911de2');
    expect(d.services.map((s) => [s.serviceType, s.address])).toEqual([
      ['INBOX', 'http://taxiitest.mitre.org/services/inbox/default'],
      ['POLL', 'http://taxiitest.mitre.org/services/poll'],
      ['DISCOVERY', 'http://taxiitest.mitre.org/services/discovery'],
    ]);
    expect(d.services[0]?.contentBindings).toEqual([{ bindingId: 'urn:stix.mitre.org:xml:1.0' }]);
  });

  it('reads Collection_Information_Response with subtypes and inbox services', () => {
    const c = parse<CollectionInformationResponse>(lib('Collection_Information_Response.xml'));
    expect(c.collections.map((x) => [x.name, x.type, x.description])).toEqual([
      ['collection2', 'DATA_SET', 'Warrgghghglble.'],
      ['collection4', 'DATA_FEED', 'So improve information. Much amaze.'],
    ]);
    expect(c.collections[1]?.contentBindings).toEqual([{ bindingId: 'urn:stix.mitre.org:xml:1.0.1', subtypes: ['ex1', 'ex2', 'ex3'] }]);
    expect(c.collections[1]?.receivingInboxServices[1]?.contentBindings).toEqual([{ bindingId: 'urn:stix.mitre.org:xml:1.1', subtypes: ['example1', 'example2'] }]);
  });

  it('reads Inbox_Message content, keeping the content’s own empty default namespace', () => {
    const inbox = parse<InboxMessage>(lib('Inbox_Message.xml'));
    expect(inbox).toMatchObject({ messageId: 'Inbox1', resultId: '123', message: 'Hello!', recordCount: { count: 22, partial: true } });
    expect(inbox.contentBlocks[0]).toMatchObject({ binding: 'urn:stix.mitre.org:xml:1.1', subtype: 'test1', message: 'Hullo!', timestampLabel: '2014-10-21T19:21:50.805Z' });
    expect(inbox.contentBlocks[0]?.content).toEqual({ kind: 'xml', documents: ['<STIX_Package xmlns="" xmlns:ns3="http://www.w3.org/2000/09/xmldsig#"/>'] });
  });
});

describe('refusing what must not be read', () => {
  it('refuses a DOCTYPE, so no entity is ever declared or expanded', () => {
    const xml = `<!DOCTYPE x [<!ENTITY e "boom">]><taxii_11:Status_Message xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="1" in_response_to="2" status_type="FAILURE"><taxii_11:Message>&e;</taxii_11:Message></taxii_11:Status_Message>`;
    expect(() => parseTaxiiMessage(xml)).toThrow(/cannot be read/);
  });

  it('refuses undefined entities and malformed XML', () => {
    const ns = 'xmlns:t="http://taxii.mitre.org/messages/taxii_xml_binding-1.1"';
    expect(() => parseTaxiiMessage(`<t:Status_Message ${ns} message_id="1" in_response_to="2" status_type="X">&ext;</t:Status_Message>`)).toThrow(TaxiiProtocolError);
    expect(() => parseTaxiiMessage(`<t:Status_Message ${ns} message_id="1"`)).toThrow(TaxiiProtocolError);
  });

  it('tells TAXII 1.0 apart from other XML', () => {
    const codeOf = (xml: string): string | undefined => {
      try {
        parseTaxiiMessage(xml);
        return undefined;
      } catch (e) {
        return (e as TaxiiProtocolError).code;
      }
    };
    expect(codeOf('<Status_Message xmlns="http://taxii.mitre.org/messages/taxii_xml_binding-1" message_id="1" in_response_to="0" status_type="FAILURE"/>')).toBe('taxii_unsupported_version');
    expect(codeOf('<html><body>Bad Gateway</body></html>')).toBe('taxii_not_taxii');
    expect(codeOf('<Subscription_Management_Response xmlns="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="1" in_response_to="0" collection_name="c"/>')).toBe('taxii_unexpected_message');
  });
});
