import { describe, it, expect, afterEach } from 'vitest';
import { startServer } from '../../src-main/headless/server';
import { startTaxiiServer } from '../../src-main/simulators/taxii/server';
import { makeBlocks } from '../../src-main/simulators/taxii/fixtures';
import { serviceWith } from '../support/service';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('TAXII health through the service and the old endpoint', () => {
  it('healthy: a COUNT_ONLY poll to the configured poll URL, in the old shape', async () => {
    const taxii = await startTaxiiServer({ blocks: makeBlocks(3), collection: 'ais' });
    cleanups.push(() => taxii.close());
    const { service, hub } = serviceWith({ 'stixtransclient.poll.baseurl': taxii.urls.poll, 'stixtransclient.source.collection': 'ais' }, cleanups);
    const http = await startServer({ api: service, events: service, host: '127.0.0.1', port: 0, log: hub.logger('http') });
    cleanups.push(() => http.close());
    const body = (await (await fetch(`${http.url}/checkTaxiiStatus`)).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ resourceType: 'FLARE/TAXII', resource: taxii.urls.poll, statusCode: 200, ok: true, configured: true });
    const polls = taxii.requests.filter((r) => r.request?.type === 'Poll_Request');
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.every((r) => /COUNT_ONLY/.test(r.body ?? ''))).toBe(true);
  });

  it('an unknown collection is a TAXII-status failure with a hint', async () => {
    const taxii = await startTaxiiServer({ blocks: makeBlocks(1), collection: 'ais' });
    cleanups.push(() => taxii.close());
    const { service } = serviceWith({ 'stixtransclient.poll.baseurl': taxii.urls.poll, 'stixtransclient.source.collection': 'no-such-collection' }, cleanups);
    const h = await service.checkTaxiiStatus();
    expect(h.ok).toBe(false);
    expect(h.configured).toBe(true);
    expect(h.reason).toMatch(/NOT_FOUND|not found|no-such-collection/i);
    expect(h.hint).toBeTruthy();
  });
});
