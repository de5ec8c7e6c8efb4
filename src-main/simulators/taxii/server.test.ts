import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelAt, makeBlocks, stixPackage } from './fixtures';
import { ResponseWriter } from './responses';
import { startTaxiiServer, type TaxiiTestServer } from './server';
import { validateTaxiiXml } from './xsd';

const TAXII_HEADERS = {
  'content-type': 'application/xml',
  accept: 'application/xml',
  'x-taxii-content-type': 'urn:taxii.mitre.org:message:xml:1.1',
  'x-taxii-accept': 'urn:taxii.mitre.org:message:xml:1.1',
  'x-taxii-services': 'urn:taxii.mitre.org:services:1.1',
  'x-taxii-protocol': 'urn:taxii.mitre.org:protocol:http:1.0',
};
const NS = 'xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1"';
const POLL = `<taxii_11:Poll_Request ${NS} message_id="m-1" collection_name="ais"><taxii_11:Poll_Parameters allow_asynch="false"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>`;

let s: TaxiiTestServer;
beforeAll(async () => {
  s = await startTaxiiServer({ blocks: makeBlocks(5) });
});
afterAll(() => s.close());

async function post(body: string, headers: Record<string, string | undefined> = {}, path = s.urls.poll) {
  const merged = Object.fromEntries(Object.entries({ ...TAXII_HEADERS, ...headers }).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const res = await fetch(path, { method: 'POST', headers: merged, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const statusOf = (xml: string): string | undefined => /status_type="([^"]+)"/.exec(xml)?.[1];
const inResponseTo = (xml: string): string | undefined => /in_response_to="([^"]+)"/.exec(xml)?.[1];

describe('the test server checks the HTTP binding like OpenTAXII', () => {
  it('answers a correct poll with a Poll_Response and the TAXII headers', async () => {
    const r = await post(POLL);
    expect(r.status).toBe(200);
    expect(r.headers.get('x-taxii-content-type')).toBe('urn:taxii.mitre.org:message:xml:1.1');
    expect(r.headers.get('x-taxii-protocol')).toBe('urn:taxii.mitre.org:protocol:http:1.0');
    expect(r.text).toContain('taxii_11:Poll_Response');
    expect(inResponseTo(r.text)).toBe('m-1');
  });

  it('answers FAILURE when a required header is missing or the Content-Type is wrong', async () => {
    const noServices = await post(POLL, { 'x-taxii-services': undefined });
    expect(statusOf(noServices.text)).toBe('FAILURE');
    expect(noServices.text).toContain('Header X-TAXII-Services was not specified');
    expect(inResponseTo(noServices.text)).toBe('m-1');
    const noType = await post(POLL, { 'x-taxii-content-type': undefined });
    expect(noType.text).toContain('Header X-TAXII-Content-Type was not specified');
    expect(statusOf((await post(POLL, { 'content-type': 'text/xml' })).text)).toBe('FAILURE');
  });

  it('refuses TAXII 1.0, a wrong protocol binding, an unacceptable Accept, GET and unknown paths', async () => {
    const v10 = await post(POLL, { 'x-taxii-content-type': 'urn:taxii.mitre.org:message:xml:1.0' });
    expect(statusOf(v10.text)).toBe('UNSUPPORTED_MESSAGE');
    expect(statusOf((await post(POLL, { 'x-taxii-protocol': 'urn:taxii.mitre.org:protocol:https:1.0' })).text)).toBe('UNSUPPORTED_PROTOCOL');
    expect((await post(POLL, { accept: 'application/json' })).status).toBe(406);
    expect((await post(POLL, { accept: '*/*' })).status).toBe(200);
    expect((await fetch(s.urls.poll)).status).toBe(405);
    expect((await post(POLL, {}, `${s.url}/nowhere`)).status).toBe(404);
    const options = await fetch(s.urls.poll, { method: 'OPTIONS' });
    expect(options.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('answers BAD_MESSAGE with in_response_to="0" to a request the XSD rejects', async () => {
    const notTaxii = await post('<not-taxii/>');
    expect(statusOf(notTaxii.text)).toBe('BAD_MESSAGE');
    expect(inResponseTo(notTaxii.text)).toBe('0');
    expect(notTaxii.text).toContain('No matching global declaration');
    // The old service's request: `allow_async` and a bogus namespace on Response_Type.
    const oldService = `<taxii_11:Poll_Request xmlns="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" collection_name="AIS" message_id="1" ${NS}><taxii_11:Exclusive_Begin_Timestamp>2022-07-12T00:00:00Z</taxii_11:Exclusive_Begin_Timestamp><taxii_11:Inclusive_End_Timestamp>2023-01-01T12:34:56.789Z</taxii_11:Inclusive_End_Timestamp><taxii_11:Poll_Parameters allow_async="false"><taxii_11:Response_Type xmlns:taxii_11="xmlns_taxii_11">FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>`;
    expect(statusOf((await post(oldService)).text)).toBe('BAD_MESSAGE');
    const naive = POLL.replace('<taxii_11:Poll_Parameters', '<taxii_11:Exclusive_Begin_Timestamp>2016-01-01T00:00:00</taxii_11:Exclusive_Begin_Timestamp><taxii_11:Poll_Parameters');
    expect(statusOf((await post(naive)).text)).toBe('BAD_MESSAGE');
    const last = s.requests.at(-1);
    expect(last?.xsdValid).toBe(false);
    expect(last?.xsdErrors?.join(' ')).toMatch(/Exclusive_Begin_Timestamp/);
  });

  it('answers FAILURE to a message its service does not handle, and to a window that ends before it begins', async () => {
    const discovery = `<taxii_11:Discovery_Request ${NS} message_id="d-1"/>`;
    const wrong = await post(discovery);
    expect(statusOf(wrong.text)).toBe('FAILURE');
    expect(wrong.text).toContain('Message not supported by this service');
    const backwards = POLL.replace(
      '<taxii_11:Poll_Parameters',
      '<taxii_11:Exclusive_Begin_Timestamp>2020-01-01T00:00:00+00:00</taxii_11:Exclusive_Begin_Timestamp><taxii_11:Inclusive_End_Timestamp>2019-01-01T00:00:00Z</taxii_11:Inclusive_End_Timestamp><taxii_11:Poll_Parameters',
    );
    const r = await post(backwards);
    expect(statusOf(r.text)).toBe('FAILURE');
    expect(r.text).toContain('Exclusive begin timestamp label is later than inclusive end timestamp label');
  });
});

describe('a live feed', () => {
  it('blocks published after the start are in the windows after their label, counted in the volume; a label back in time is refused', async () => {
    const live = await startTaxiiServer({ blocks: makeBlocks(3, { start: '2016-01-01T00:00:01Z' }) });
    try {
      const since = (begin: string) =>
        POLL.replace('<taxii_11:Poll_Parameters', `<taxii_11:Exclusive_Begin_Timestamp>${begin}</taxii_11:Exclusive_Begin_Timestamp><taxii_11:Poll_Parameters`);
      const blocksIn = async (begin: string) => ((await post(since(begin), {}, live.urls.poll)).text.match(/<taxii_11:Content_Block>/g) ?? []).length;
      expect(await blocksIn('2016-01-01T00:00:03Z')).toBe(0);
      const later = labelAt('2016-01-01T00:00:00Z', 10);
      live.addBlocks([{ content: stixPackage(10, { timestamp: later }), timestampLabel: later }]);
      expect(await blocksIn('2016-01-01T00:00:03Z')).toBe(1);
      expect(await blocksIn(later)).toBe(0);
      expect(await blocksIn('2015-12-31T00:00:00Z')).toBe(4);
      expect(() => live.addBlocks([{ content: stixPackage(11), timestampLabel: '2016-01-01T00:00:05Z' }])).toThrow(/earlier than the latest block of ais/);
      expect(() => live.addBlocks([], 'nope')).toThrow(/no collection nope/);
    } finally {
      await live.close();
    }
  });
});

describe('scripted paging faults', () => {
  it('endless-more: every part says more="true" with the result_id, and parts past the end are empty but valid', async () => {
    const endless = await startTaxiiServer({ blocks: makeBlocks(3), faults: [{ times: Infinity, action: { type: 'endless-more' } }] });
    try {
      const first = await post(POLL, {}, endless.urls.poll);
      expect(first.text).toMatch(/more="true"/);
      const resultId = /result_id="([^"]+)"/.exec(first.text)?.[1];
      expect(resultId).toBeTruthy();
      expect(first.text.match(/<taxii_11:Content_Block>/g)).toHaveLength(3);
      const fulfil = `<taxii_11:Poll_Fulfillment ${NS} message_id="f-1" collection_name="ais" result_id="${resultId}" result_part_number="5"/>`;
      const fifth = await post(fulfil, {}, endless.urls.poll);
      expect(fifth.text).toMatch(/more="true"/);
      expect(fifth.text).toContain(`result_id="${resultId}"`);
      expect(fifth.text).toContain('result_part_number="5"');
      expect(fifth.text).not.toContain('Content_Block');
      for (const xml of [first.text, fifth.text]) expect(await validateTaxiiXml(xml)).toEqual({ valid: true, errors: [] });
      expect(endless.requests.map((r) => r.answer)).toEqual(['fault:endless-more/Poll_Response', 'fault:endless-more/Poll_Response']);
    } finally {
      await endless.close();
    }
  });

  it('empty-part: the part asked for comes back empty, still saying more', async () => {
    const filtering = await startTaxiiServer({ blocks: makeBlocks(5), partSize: 2, faults: [{ on: 'fulfillment', part: 2, action: { type: 'empty-part' } }] });
    try {
      const first = await post(POLL, {}, filtering.urls.poll);
      const resultId = /result_id="([^"]+)"/.exec(first.text)?.[1];
      const part = (n: number) => `<taxii_11:Poll_Fulfillment ${NS} message_id="f-${n}" collection_name="ais" result_id="${resultId}" result_part_number="${n}"/>`;
      const second = await post(part(2), {}, filtering.urls.poll);
      expect(second.text).toMatch(/more="true"/);
      expect(second.text).not.toContain('Content_Block');
      expect(await validateTaxiiXml(second.text)).toEqual({ valid: true, errors: [] });
      const third = await post(part(3), {}, filtering.urls.poll);
      expect(third.text).toMatch(/more="false"/);
      expect(third.text.match(/<taxii_11:Content_Block>/g)).toHaveLength(1);
      expect(filtering.requests.map((r) => [r.answer, r.blocksSent])).toEqual([
        ['Poll_Response', 2],
        ['fault:empty-part/Poll_Response', 0],
        ['Poll_Response', 1],
      ]);
    } finally {
      await filtering.close();
    }
  });
});

describe('the test server’s own messages are valid TAXII 1.1', () => {
  it('validates its Poll_Responses in every prefix style and content form, and its other messages', async () => {
    const blocks = makeBlocks(2);
    const messages: string[] = [];
    for (const style of ['taxii_11', 'ns2', 'default'] as const) {
      const w = new ResponseWriter(style);
      for (const deliverAs of ['xml', 'cdata', 'escaped'] as const) {
        messages.push(
          w.pollResponse({ inResponseTo: '1', collection: 'ais', more: true, resultId: 'r', partNumber: 2, begin: '2016-01-01T00:00:00Z', end: '2016-01-02T00:00:00+00:00', recordCount: 9, blocks, deliverAs }),
        );
      }
      messages.push(w.status('1', 'PENDING', { message: 'wait', details: [{ name: 'ESTIMATED_WAIT', value: '3' }, { name: 'RESULT_ID', value: 'r' }, { name: 'WILL_PUSH', value: 'false' }] }));
      messages.push(w.discovery('1', [{ type: 'POLL', address: 'http://x/taxii-data', protocol: 'urn:taxii.mitre.org:protocol:http:1.0' }]));
      messages.push(w.collections('1', [{ name: 'ais', type: 'DATA_FEED', description: 'd', bindings: ['urn:stix.mitre.org:xml:1.1.1'], volume: 2 }], { address: 'http://x', protocol: 'urn:taxii.mitre.org:protocol:http:1.0' }));
    }
    for (const m of messages) expect(await validateTaxiiXml(m)).toEqual({ valid: true, errors: [] });
  });
});
