import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HTML_400, type FaultRule } from '../../simulators/taxii/faults';
import { makeBlocks, packageId, STIX_111 } from '../../simulators/taxii/fixtures';
import { startTaxiiServer, type TaxiiServerOptions, type TaxiiTestServer } from '../../simulators/taxii/server';
import { FlareError } from '../errors';
import { TaxiiHttpError, TaxiiProtocolError, TaxiiTransportError } from './errors';
import { createHttpTransport } from './http-transport';
import { countRecords, poll, type PollOptions, type PollProgress, type PolledBlock, type PollWindow } from './poll';
import { discover, getCollectionInformation } from './services';
import { STATUS_TYPES, statusCode, TaxiiStatusError } from './status';
import { rejection } from '../../../test/support/errors';

const servers: TaxiiTestServer[] = [];
const transport = createHttpTransport();
afterEach(async () => {
  const done = servers.splice(0);
  await Promise.all(done.map((s) => s.close()));
  // Every request the client sent in these tests passed the server's XSD validation.
  for (const s of done) expect(s.requests.filter((r) => r.xsdValid === false)).toEqual([]);
});
afterAll(() => transport.close?.());

async function server(options: TaxiiServerOptions): Promise<TaxiiTestServer> {
  const s = await startTaxiiServer(options);
  servers.push(s);
  return s;
}

/** Runs a poll to the end and returns its blocks, summary and progress events. */
async function pollAll(s: TaxiiTestServer, window: PollWindow = {}, options: Partial<PollOptions> = {}, collection = 'ais') {
  const progress: PollProgress[] = [];
  const waits: number[] = [];
  const stream = poll(collection, window, {
    url: s.urls.poll,
    transport,
    retry: { baseDelayMs: 5 },
    onProgress: (p) => progress.push(p),
    // Records the waits the poll asks for instead of sleeping them: the tests check what was honoured, fast.
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...options,
  });
  const blocks: PolledBlock[] = [];
  for await (const b of stream) blocks.push(b);
  return { blocks, summary: stream.summary, progress, waits };
}

const failure = (promise: Promise<unknown>): Promise<FlareError> => rejection(promise, FlareError);

const docOf = (b: PolledBlock): string => (b.content.kind === 'xml' ? (b.content.documents[0] ?? '') : '');
const labels = (blocks: PolledBlock[]): (string | undefined)[] => blocks.map((b) => b.timestampLabel);

describe('poll windows (begin exclusive, end inclusive)', () => {
  it('returns exactly the blocks labelled after begin and up to and including end', async () => {
    const blocks = makeBlocks(10, { start: '2016-01-01T00:00:01Z' });
    blocks.push({ content: '<x:late xmlns:x="urn:x"/>', timestampLabel: '2016-01-01T00:00:07.000001+00:00' });
    const s = await server({ blocks });
    const got = await pollAll(s, { begin: '2016-01-01T00:00:03+00:00', end: new Date(Date.UTC(2016, 0, 1, 0, 0, 7)) });
    expect(labels(got.blocks)).toEqual(['2016-01-01T00:00:04Z', '2016-01-01T00:00:05Z', '2016-01-01T00:00:06Z', '2016-01-01T00:00:07Z']);
    expect(s.requests[0]?.request).toMatchObject({ type: 'Poll_Request', begin: '2016-01-01T00:00:03Z', end: '2016-01-01T00:00:07Z' });
    expect(got.summary).toMatchObject({ complete: true, parts: 1, blocks: 4, exclusiveBeginTimestamp: '2016-01-01T00:00:03Z', inclusiveEndTimestamp: '2016-01-01T00:00:07Z' });

    const microsecondLater = await pollAll(s, { begin: '2016-01-01T00:00:07Z' });
    expect(labels(microsecondLater.blocks)).toEqual(['2016-01-01T00:00:07.000001Z', '2016-01-01T00:00:08Z', '2016-01-01T00:00:09Z', '2016-01-01T00:00:10Z']);
    const open = await pollAll(s, {});
    expect(open.blocks).toHaveLength(11);
  });

  it('refuses an empty window before sending anything', async () => {
    const s = await server({ blocks: makeBlocks(1) });
    const e = await failure(pollAll(s, { begin: '2016-01-01T00:00:05Z', end: '2016-01-01T00:00:05Z' }));
    expect(e.code).toBe('taxii_bad_window');
    expect(s.requests).toHaveLength(0);
  });

  it('reports the Inclusive_End_Timestamp the server answers with', async () => {
    const s = await server({ blocks: makeBlocks(3), inclusiveEndWhenMissing: '2016-01-02T00:00:00+00:00' });
    const got = await pollAll(s, { begin: '2016-01-01T00:00:00Z' });
    expect(got.summary.inclusiveEndTimestamp).toBe('2016-01-02T00:00:00Z');
    expect(got.progress[0]).toMatchObject({ type: 'part', inclusiveEndTimestamp: '2016-01-02T00:00:00Z' });
  });
});

describe('paging', () => {
  it('delivers 2,500 blocks at 100 per part complete and in order', async () => {
    const s = await server({ blocks: makeBlocks(2500), partSize: 100 });
    const got = await pollAll(s, { begin: '2015-12-31T00:00:00Z', end: '2016-01-02T00:00:00Z' }, { contentBindings: [STIX_111] });
    expect(got.blocks).toHaveLength(2500);
    got.blocks.forEach((b, i) => {
      expect(b.index).toBe(i);
      expect(b.partNumber).toBe(Math.floor(i / 100) + 1);
      expect(docOf(b)).toContain(`id="${packageId(i)}"`);
    });
    const sorted = [...labels(got.blocks)].sort();
    expect(labels(got.blocks)).toEqual(sorted);
    expect(got.summary).toMatchObject({ complete: true, parts: 25, blocks: 2500, recordCount: { count: 2500, partial: false } });
    const parts = got.progress.filter((p) => p.type === 'part');
    expect(parts.map((p) => p.partNumber)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(parts.at(-1)).toMatchObject({ blocksSoFar: 2500, more: false, recordCount: { count: 2500 } });
    // One Poll_Request, then one Poll_Fulfillment per further part, each valid against the XSD.
    expect(s.requests.map((r) => r.request?.type)).toEqual(['Poll_Request', ...Array(24).fill('Poll_Fulfillment')]);
    expect(s.requests.every((r) => r.xsdValid === true && r.answer === 'Poll_Response')).toBe(true);
  });

  it('follows OpenTAXII’s uncounted paging, where a full last part is followed by an empty one', async () => {
    const s = await server({ blocks: makeBlocks(200), partSize: 100, paging: 'opentaxii-uncounted' });
    const got = await pollAll(s);
    expect(got.blocks).toHaveLength(200);
    expect(got.summary.parts).toBe(3);
    expect(s.requests.map((r) => r.blocksSent)).toEqual([100, 100, 0]);
  });
});

describe('a server that never stops saying more', () => {
  /** Polls to the end or to the error, keeping what was delivered before it. */
  async function pollUntilError(s: TaxiiTestServer, window: PollWindow = {}, options: Partial<PollOptions> = {}) {
    const progress: PollProgress[] = [];
    const received: PolledBlock[] = [];
    const stream = poll('ais', window, { url: s.urls.poll, transport, onProgress: (p) => progress.push(p), ...options });
    const error = await failure(
      (async () => {
        for await (const b of stream) received.push(b);
      })(),
    );
    return { error, received, summary: stream.summary, parts: progress.filter((p) => p.type === 'part') };
  }

  it('stops after three empty parts that still say more, keeping every block received before, with a clear error', async () => {
    const s = await server({ blocks: makeBlocks(250), partSize: 100, faults: [{ times: Infinity, action: { type: 'endless-more' } }] });
    const { error, received, summary, parts } = await pollUntilError(s);

    expect(error).toBeInstanceOf(TaxiiProtocolError);
    expect(error.code).toBe('taxii_endless_paging');
    expect(error.message).toContain('sent 3 empty parts in a row (parts 4 to 6) that still said more parts follow');
    expect(error.message).toContain('the poll stopped');
    expect(error.message).toContain('The 250 content blocks in 6 parts received before were delivered; the window is not complete.');
    expect(error.hint).toMatch(/paging is broken/);
    expect(error.hint).toMatch(/feed provider/);
    expect(error.hint).toMatch(/shorter window/);
    expect(error.detail).toMatchObject({ url: s.urls.poll, collection: 'ais', resultId: summary.resultId, partNumber: 6, emptyPartsInARow: 3, blocks: 250 });

    // Everything the server sent was delivered, once, in order.
    expect(received.map((b) => b.index)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    received.forEach((b, i) => expect(docOf(b)).toContain(`id="${packageId(i)}"`));
    expect(summary).toMatchObject({ complete: false, parts: 6, blocks: 250, recordCount: { count: 250, partial: false } });
    expect(summary.resultId).toBeTruthy();
    expect(parts.map((p) => (p.type === 'part' ? [p.partNumber, p.blocksInPart, p.blocksSoFar, p.more] : []))).toEqual([
      [1, 100, 100, true],
      [2, 100, 200, true],
      [3, 50, 250, true],
      [4, 0, 250, true],
      [5, 0, 250, true],
      [6, 0, 250, true],
    ]);
    // The server was really asked for each part once, and never for part 7.
    expect(s.requests.map((r) => [r.request?.type, r.partNumber, r.blocksSent, r.answer])).toEqual([
      ['Poll_Request', 1, 100, 'fault:endless-more/Poll_Response'],
      ...[2, 3, 4, 5, 6].map((n) => ['Poll_Fulfillment', n, n === 2 ? 100 : n === 3 ? 50 : 0, 'fault:endless-more/Poll_Response']),
    ]);
  });

  it('counts an empty first part too, and stops a server that keeps sending blocks at the part limit', async () => {
    const s = await server({ blocks: makeBlocks(5), partSize: 2, faults: [{ times: Infinity, action: { type: 'endless-more' } }] });
    const empty = await pollUntilError(s, { begin: '2017-01-01T00:00:00Z' });
    expect(empty.error.code).toBe('taxii_endless_paging');
    expect(empty.error.message).toContain('sent 3 empty parts in a row (parts 1 to 3)');
    expect(empty.error.message).toContain('The 0 content blocks in 3 parts received before were delivered');
    expect(empty.received).toEqual([]);
    expect(empty.summary).toMatchObject({ complete: false, parts: 3, blocks: 0 });
    expect(s.requests).toHaveLength(3);

    s.requests.length = 0;
    const limited = await pollUntilError(s, {}, { maxParts: 2 });
    expect(limited.error.code).toBe('taxii_endless_paging');
    expect(limited.error.message).toContain('still said more parts follow after 2 parts, the limit for one poll');
    expect(limited.error.message).toContain('The 4 content blocks in 2 parts received before were delivered');
    expect(limited.received.map((b) => b.index)).toEqual([0, 1, 2, 3]);
    expect(limited.summary).toMatchObject({ complete: false, parts: 2, blocks: 4 });
    expect(s.requests).toHaveLength(2);
  });

  it('is not fooled by empty parts in the middle of a result: only three in a row stop the poll', async () => {
    // Parts 2, 3, 5 and 6 come empty (their blocks filtered out by the server), each still saying more.
    const faults: FaultRule[] = [2, 3, 5, 6].map((part) => ({ on: 'fulfillment', part, action: { type: 'empty-part' } }));
    const s = await server({ blocks: makeBlocks(70), partSize: 10, faults });
    const got = await pollAll(s);
    expect(got.summary).toMatchObject({ complete: true, parts: 7, blocks: 30 });
    const expected = [0, 30, 60].flatMap((first) => Array.from({ length: 10 }, (_, i) => packageId(first + i)));
    got.blocks.forEach((b, i) => expect(docOf(b)).toContain(`id="${expected[i]}"`));
    expect(got.blocks.map((b) => b.index)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(s.requests.map((r) => r.blocksSent)).toEqual([10, 0, 0, 10, 0, 0, 10]);
    expect(s.requests.map((r) => r.answer)).toEqual([
      'Poll_Response',
      'fault:empty-part/Poll_Response',
      'fault:empty-part/Poll_Response',
      'Poll_Response',
      'fault:empty-part/Poll_Response',
      'fault:empty-part/Poll_Response',
      'Poll_Response',
    ]);
  });
});

describe('COUNT_ONLY', () => {
  it('counts the blocks in the window without receiving them', async () => {
    const s = await server({ blocks: makeBlocks(250), partSize: 100 });
    const count = await countRecords('ais', { begin: '2016-01-01T00:00:10Z', end: '2016-01-01T00:01:00Z' }, { url: s.urls.poll, transport });
    expect(count).toEqual({ count: 50, partial: false });
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]?.request).toMatchObject({ responseType: 'COUNT_ONLY' });
    expect(s.requests[0]?.blocksSent).toBe(0);
  });

  it('stops after the first answer when the server pages the count like OpenTAXII (no content is moved)', async () => {
    const s = await server({ blocks: makeBlocks(5000), partSize: 10, pagedCountOnly: true });
    const count = await countRecords('ais', {}, { url: s.urls.poll, transport });
    expect(count).toEqual({ count: 5000, partial: false });
    expect(s.requests.map((r) => r.answer)).toEqual(['Poll_Response']);
    expect(s.requests.reduce((n, r) => n + (r.blocksSent ?? 0), 0)).toBe(0);
  });
});

describe('prefetch', () => {
  it('asks for part n+1 while part n is being consumed, and delivers the same blocks in the same order', async () => {
    const s = await server({ blocks: makeBlocks(50), partSize: 10 });
    const seen: number[] = [];
    const stream = poll('ais', {}, { url: s.urls.poll, transport, prefetch: true });
    const blocks: PolledBlock[] = [];
    for await (const b of stream) {
      // At the first block of each part, the request for the next one is already out (or answered).
      if (b.index % 10 === 0) {
        await new Promise((r) => setTimeout(r, 30));
        seen.push(s.requests.length);
      }
      blocks.push(b);
    }
    expect(blocks.map((b) => b.index)).toEqual([...Array(50).keys()]);
    expect(blocks.map(docOf)).toEqual(makeBlocks(50).map((b) => b.content));
    expect(seen).toEqual([2, 3, 4, 5, 5]);
    expect(stream.summary.complete).toBe(true);
  });

  it('a failure of the prefetched part surfaces after the blocks already received were delivered', async () => {
    const s = await server({ blocks: makeBlocks(30), partSize: 10, faults: [{ on: 'fulfillment', part: 3, action: { type: 'drop' }, times: 100 }] });
    const got: PolledBlock[] = [];
    const stream = poll('ais', {}, { url: s.urls.poll, transport, prefetch: true, retry: { attempts: 2, baseDelayMs: 1 } });
    const err = await failure(
      (async () => {
        for await (const b of stream) got.push(b);
      })(),
    );
    expect(err).toBeInstanceOf(TaxiiTransportError);
    expect(got).toHaveLength(20);
    expect(stream.summary.complete).toBe(false);
  });
});

describe('PENDING and RETRY', () => {
  it('waits the ESTIMATED_WAIT of PENDING, then fulfils the RESULT_ID part by part', async () => {
    const s = await server({ blocks: makeBlocks(250), partSize: 100, faults: [{ on: 'poll', action: { type: 'pending', estimatedWait: 2, notReadyFor: 1 } }] });
    const got = await pollAll(s, {}, { allowAsynch: true });
    expect(got.blocks).toHaveLength(250);
    expect(got.waits).toEqual([2000, 2000]);
    expect(got.progress.filter((p) => p.type === 'wait').map((p) => p.type === 'wait' && p.reason)).toEqual(['pending', 'pending']);
    expect(s.requests.map((r) => [r.request?.type, r.answer])).toEqual([
      ['Poll_Request', 'fault:pending/Status_Message:PENDING'],
      ['Poll_Fulfillment', 'Status_Message:PENDING'],
      ['Poll_Fulfillment', 'Poll_Response'],
      ['Poll_Fulfillment', 'Poll_Response'],
      ['Poll_Fulfillment', 'Poll_Response'],
    ]);
    const pendingId = s.requests[1]?.request;
    expect(pendingId?.type === 'Poll_Fulfillment' && pendingId.partNumber).toBe(1);
    expect(s.requests.every((r) => r.xsdValid)).toBe(true);
  });

  it('caps each PENDING wait and gives up when the total wait budget is spent', async () => {
    const s = await server({ blocks: makeBlocks(5), faults: [{ on: 'poll', action: { type: 'pending', estimatedWait: 3600, notReadyFor: 100 } }] });
    const e = await failure(pollAll(s, {}, { allowAsynch: true, pending: { maxWaitMs: 50, maxTotalWaitMs: 200 } }));
    expect(e).toBeInstanceOf(TaxiiStatusError);
    expect((e as TaxiiStatusError).statusType).toBe('PENDING');
    expect(e.code).toBe('taxii_status_pending');
    expect(s.requests).toHaveLength(5);
  });

  it('does not get PENDING from a strict server when asynchronous polling was not allowed', async () => {
    const s = await server({ blocks: makeBlocks(5), faults: [{ on: 'poll', action: { type: 'pending', estimatedWait: 1 } }] });
    const got = await pollAll(s);
    expect(got.blocks).toHaveLength(5);
    expect(got.waits).toEqual([]);
  });

  it('honours RETRY with its ESTIMATED_WAIT and asks for the same part again', async () => {
    const s = await server({ blocks: makeBlocks(250), partSize: 100, faults: [{ on: 'fulfillment', part: 2, times: 2, action: { type: 'retry', estimatedWait: 2 } }] });
    const got = await pollAll(s);
    expect(got.blocks.map((b) => b.index)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(got.waits).toEqual([2000, 2000]);
    const part2 = s.requests.filter((r) => r.request?.type === 'Poll_Fulfillment' && r.request.partNumber === 2);
    expect(part2.map((r) => r.answer)).toEqual(['fault:retry/Status_Message:RETRY', 'fault:retry/Status_Message:RETRY', 'Poll_Response']);
    expect(new Set(part2.map((r) => r.request?.messageId)).size).toBe(3);
  });

  it('backs off exponentially on RETRY without an estimate, and stops after the configured attempts', async () => {
    const s = await server({ blocks: makeBlocks(5), faults: [{ on: 'poll', times: Infinity, action: { type: 'retry' } }] });
    const waits: number[] = [];
    const sleep = async (ms: number): Promise<void> => {
      waits.push(ms);
    };
    const e = await failure(pollAll(s, {}, { retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 250 }, sleep }));
    expect(e).toBeInstanceOf(TaxiiStatusError);
    expect(e.code).toBe('taxii_status_retry');
    expect(s.requests).toHaveLength(4);
    expect(waits).toEqual([100, 200, 250]);
  });
});

describe('status messages become typed errors', () => {
  it('maps every TAXII status type, and a custom one, to a TaxiiStatusError with the server’s type, message and details', async () => {
    const s = await server({ blocks: makeBlocks(3) });
    const types = [...STATUS_TYPES.filter((t) => t !== 'PENDING' && t !== 'RETRY'), 'QUOTA_EXCEEDED'];
    for (const statusType of types) {
      const details = [
        { name: 'ITEM', value: `item-${statusType}` },
        { name: 'SUPPORTED_CONTENT', value: 'urn:stix.mitre.org:xml:1.2' },
      ];
      s.setFaults([{ on: 'poll', action: { type: 'status', statusType, message: `server says ${statusType}`, details } }]);
      const e = await failure(pollAll(s));
      expect(e).toBeInstanceOf(TaxiiStatusError);
      const se = e as TaxiiStatusError;
      expect(se.statusType).toBe(statusType);
      expect(se.code).toBe(statusCode(statusType));
      expect(se.code).toBe(statusType === 'QUOTA_EXCEEDED' ? 'taxii_status_custom' : `taxii_status_${statusType.toLowerCase()}`);
      expect(se.statusMessage).toBe(`server says ${statusType}`);
      expect(se.message).toContain(`server says ${statusType}`);
      expect(se.details).toEqual(details);
      expect(se.values('ITEM')).toEqual([`item-${statusType}`]);
    }
  });

  it('UNAUTHORIZED from a server that requires credentials; the same poll succeeds with them', async () => {
    const s = await server({ blocks: makeBlocks(3), basicAuth: { username: 'analyst', password: 's3cret' } });
    const e = await failure(pollAll(s));
    expect(e.code).toBe('taxii_status_unauthorized');
    expect(e.hint).toMatch(/certificate|password/);
    const authed = createHttpTransport({ headers: { authorization: `Basic ${Buffer.from('analyst:s3cret').toString('base64')}` } });
    try {
      const got = await pollAll(s, {}, { transport: authed });
      expect(got.blocks).toHaveLength(3);
    } finally {
      authed.close?.();
    }
    // Credentials in the URL work too, and never show in what the poll reports.
    const inUrl = s.urls.poll.replace('http://', 'http://analyst:s3cret@');
    const viaUrl = await pollAll(s, {}, { url: inUrl });
    expect(viaUrl.blocks).toHaveLength(3);
    expect(viaUrl.summary.url).toBe(s.urls.poll);
  });

  it('UNAUTHORIZED scripted like OpenTAXII’s (in_response_to "0") is accepted as the answer and reported', async () => {
    const s = await server({ blocks: makeBlocks(3), faults: [{ on: 'poll', action: { type: 'unauthorized' } }] });
    const e = (await failure(pollAll(s))) as TaxiiStatusError;
    expect(e.statusType).toBe('UNAUTHORIZED');
    expect(e.inResponseTo).toBe('0');
  });

  it('NOT_FOUND for an unknown collection and for a result id the server forgot', async () => {
    const s = await server({ blocks: makeBlocks(250), partSize: 100 });
    const unknown = (await failure(pollAll(s, {}, {}, 'no-such-collection'))) as TaxiiStatusError;
    expect(unknown.statusType).toBe('NOT_FOUND');
    expect(unknown.message).toContain('"no-such-collection"');

    s.setFaults([{ on: 'fulfillment', part: 2, action: { type: 'forget-result' } }]);
    const received: PolledBlock[] = [];
    const stream = poll('ais', {}, { url: s.urls.poll, transport });
    const e = await failure(
      (async () => {
        for await (const b of stream) received.push(b);
      })(),
    );
    expect((e as TaxiiStatusError).statusType).toBe('NOT_FOUND');
    expect((e as TaxiiStatusError).values('ITEM')).toEqual([stream.summary.resultId]);
    expect(received).toHaveLength(100);
    expect(stream.summary.complete).toBe(false);
  });

  it('INVALID_RESPONSE_PART carries MAX_PART_NUMBER', async () => {
    const s = await server({ blocks: makeBlocks(250), partSize: 100, faults: [{ on: 'fulfillment', part: 2, action: { type: 'invalid-response-part' } }] });
    const e = (await failure(pollAll(s))) as TaxiiStatusError;
    expect(e.code).toBe('taxii_status_invalid_response_part');
    expect(e.values('MAX_PART_NUMBER')).toEqual(['3']);
    expect(e.message).toContain('its last part is 3');
  });

  it('UNSUPPORTED_CONTENT names what the collection offers; a matching binding filters the blocks', async () => {
    const blocks = [...makeBlocks(4), ...makeBlocks(3, { start: '2016-02-01T00:00:00Z', binding: 'urn:stix.mitre.org:xml:1.2' })];
    const s = await server({ collections: [{ name: 'ais', blocks, contentBindings: [STIX_111, 'urn:stix.mitre.org:xml:1.2'] }] });
    const e = (await failure(pollAll(s, {}, { contentBindings: ['urn:example:json:1'] }))) as TaxiiStatusError;
    expect(e.statusType).toBe('UNSUPPORTED_CONTENT');
    expect(e.values('SUPPORTED_CONTENT')).toEqual([STIX_111, 'urn:stix.mitre.org:xml:1.2']);
    expect(e.message).toContain('It offers: urn:stix.mitre.org:xml:1.1.1, urn:stix.mitre.org:xml:1.2');
    const only12 = await pollAll(s, {}, { contentBindings: [{ bindingId: 'urn:stix.mitre.org:xml:1.2' }] });
    expect(only12.blocks.map((b) => b.binding)).toEqual(Array(3).fill('urn:stix.mitre.org:xml:1.2'));
  });

  it('FAILURE from the server for a window it refuses, with its message', async () => {
    const s = await server({ collections: [{ name: 'set', type: 'DATA_SET', blocks: makeBlocks(2) }] });
    const e = (await failure(pollAll(s, { begin: '2016-01-01T00:00:00Z' }, {}, 'set'))) as TaxiiStatusError;
    expect(e.statusType).toBe('FAILURE');
    expect(e.statusMessage).toMatch(/DATA_SET/);
  });
});

describe('faults on the wire', () => {
  it('retries a part whose connection dropped mid-answer, without repeating a block', async () => {
    const s = await server({ blocks: makeBlocks(250), partSize: 100, faults: [{ on: 'fulfillment', part: 2, action: { type: 'drop' } }] });
    const got = await pollAll(s);
    expect(got.blocks.map((b) => b.index)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(new Set(got.blocks.map(docOf)).size).toBe(250);
    expect(s.requests.map((r) => r.answer)).toEqual(['Poll_Response', 'fault:drop/Poll_Response', 'Poll_Response', 'Poll_Response']);
    expect(got.progress.find((p) => p.type === 'wait')).toMatchObject({ reason: 'transport', partNumber: 2 });
  });

  it('reports a dropped connection as a transport error when no retry is left', async () => {
    const s = await server({ blocks: makeBlocks(250), partSize: 100, faults: [{ on: 'fulfillment', part: 2, action: { type: 'drop', afterBytes: 1000 } }] });
    const e = await failure(pollAll(s, {}, { retry: { attempts: 1 } }));
    expect(e).toBeInstanceOf(TaxiiTransportError);
    expect(e.code).toBe('taxii_connection_reset');
  });

  it('waits for a slow part, and times out when the silence exceeds the read timeout', async () => {
    const s = await server({ blocks: makeBlocks(250), partSize: 100, faults: [{ on: 'fulfillment', part: 2, action: { type: 'slow', delayMs: 400 } }] });
    expect((await pollAll(s)).blocks).toHaveLength(250);
    expect(s.requests[1]?.answer).toBe('fault:slow/Poll_Response');

    s.setFaults([{ on: 'fulfillment', part: 2, action: { type: 'slow', delayMs: 1500 } }]);
    const impatient = createHttpTransport({ readTimeoutMs: 100 });
    try {
      const e = await failure(pollAll(s, {}, { transport: impatient, retry: { attempts: 1 } }));
      expect(e).toBeInstanceOf(TaxiiTransportError);
      expect(e.code).toBe('taxii_timeout');
    } finally {
      impatient.close?.();
    }
  });

  it('reports a non-XML answer (an HTML 400 page) with its HTTP status, and does not retry it', async () => {
    const s = await server({ blocks: makeBlocks(3), faults: [{ on: 'poll', action: HTML_400 }] });
    const e = await failure(pollAll(s));
    expect(e).toBeInstanceOf(TaxiiHttpError);
    expect((e as TaxiiHttpError).status).toBe(400);
    expect(e.code).toBe('taxii_http_status');
    expect(s.requests).toHaveLength(1);
  });

  it('rejects an answer whose in_response_to belongs to another request', async () => {
    const s = await server({ blocks: makeBlocks(3), faults: [{ on: 'poll', action: { type: 'wrong-in-response-to' } }] });
    const e = await failure(pollAll(s));
    expect(e).toBeInstanceOf(TaxiiProtocolError);
    expect(e.code).toBe('taxii_wrong_in_response_to');
  });

  it('rejects an answer that is cut short XML', async () => {
    const rule: FaultRule = {
      on: 'poll',
      action: { type: 'raw', status: 200, headers: { 'content-type': 'application/xml', 'x-taxii-content-type': 'urn:taxii.mitre.org:message:xml:1.1' }, body: '<taxii_11:Poll_Response xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1"' },
    };
    const s = await server({ blocks: makeBlocks(3), faults: [rule] });
    const e = await failure(pollAll(s));
    expect(e.code).toBe('taxii_bad_xml');
  });

  it('stops when the run is cancelled', async () => {
    const s = await server({ blocks: makeBlocks(250), partSize: 100 });
    const controller = new AbortController();
    const stream = poll('ais', {}, { url: s.urls.poll, transport, signal: controller.signal });
    let seen = 0;
    const e = await failure(
      (async () => {
        for await (const _ of stream) {
          if (++seen === 10) controller.abort();
        }
      })(),
    );
    expect(e.code).toBe('taxii_aborted');
    expect(seen).toBe(100);
    expect(s.requests).toHaveLength(1);
  });
});

describe('content over the wire', () => {
  it('gives identical standalone documents whether the server sends child XML or CDATA, in any prefix style', async () => {
    const blocks = makeBlocks(20, { indicators: 2 });
    const results: string[][] = [];
    for (const [deliverAs, prefix] of [
      ['xml', 'taxii_11'],
      ['cdata', 'taxii_11'],
      ['escaped', 'ns2'],
      ['xml', 'default'],
    ] as const) {
      const s = await server({ blocks, deliverAs, prefix, partSize: 8 });
      const got = await pollAll(s);
      expect(got.blocks.every((b) => b.deliveredAs === (deliverAs === 'xml' ? 'xml' : 'text'))).toBe(true);
      results.push(got.blocks.map(docOf));
    }
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
    expect(results[0]?.[3]).toContain(`id="${packageId(3)}"`);
  });
});

describe('discovery and collection information', () => {
  it('lists the services and collections of the server', async () => {
    const s = await server({ blocks: makeBlocks(7) });
    const d = await discover(s.urls.discovery, { transport });
    expect(d.services.map((x) => [x.serviceType, x.address])).toEqual([
      ['DISCOVERY', s.urls.discovery],
      ['COLLECTION_MANAGEMENT', s.urls.collections],
      ['POLL', s.urls.poll],
    ]);
    const c = await getCollectionInformation(s.urls.collections, { transport });
    expect(c.collections).toHaveLength(1);
    expect(c.collections[0]).toMatchObject({ name: 'ais', type: 'DATA_FEED', volume: 7, contentBindings: [{ bindingId: STIX_111 }] });
    expect(c.collections[0]?.pollingServices[0]?.address).toBe(s.urls.poll);
  });

  it('reports asking the wrong service as the server’s FAILURE', async () => {
    const s = await server({ blocks: makeBlocks(1) });
    const e = (await failure(discover(s.urls.poll, { transport }))) as TaxiiStatusError;
    expect(e.statusType).toBe('FAILURE');
    expect(e.statusMessage).toBe('Message not supported by this service');
  });
});
