/**
 * Runs when things go wrong, over real sockets: a TAXII connection dropped mid-poll, a full disk under the tracker,
 * two packages that would become one MISP event, a block over the reader's limits — and what the run promises: a
 * clear error, nothing reported done that was not, the cursor where it was, nothing twice in MISP.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../shared/api';
import { startServer } from '../../src-main/headless/server';
import { nodeFs, type TrackerFs } from '../../src-main/core/tracker/index';
import { stixPackage } from '../../src-main/simulators/taxii/fixtures';
import { runStack, TestFeed } from '../support/run-stack';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const cursorsOf = (base: string): Record<string, { end: string }> => {
  const file = path.join(base, 'data', 'cursors.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { cursors: Record<string, { end: string }> }).cursors : {};
};

describe('runs that meet trouble', () => {
  it('TAXII connection dropped in part 7 of 10: the run fails, the cursor stays; the next run completes with nothing twice in MISP', async () => {
    const s = await runStack(cleanups, { packages: 100, partSize: 10, taxii: { faults: [{ on: 'fulfillment', part: 7, action: { type: 'drop' }, times: Infinity }] } });
    const first = await s.service.poll('stixToMisp');
    expect(first).toMatchObject({ status: 'Failed', state: 'failed' });
    expect(first.error?.code).toMatch(/^taxii_/);
    expect(first.detailedStatus).toMatch(/^Error: /);
    // Parts 1–6 were received and uploaded (part 7 was being fetched while part 6 was processed).
    expect(first.counts.uploaded).toBe(60);
    expect(cursorsOf(s.base)).toEqual({});
    s.taxii.setFaults([]);
    const second = await s.service.poll('stixToMisp');
    expect(second.status).toBe('Success');
    expect(second.counts).toMatchObject({ received: 100, duplicate: 60, uploaded: 40 });
    expect(s.misp.events()).toHaveLength(100);
    expect(Object.values(cursorsOf(s.base)).map((c) => c.end)).toEqual([second.endTimeStamp]);
  }, 90_000);

  it('a full disk under the tracker (an injected ENOSPC): a clear error, and no package reported done that was not recorded', async () => {
    let writesLeft = Infinity;
    const fullDisk: TrackerFs = {
      ...nodeFs,
      write: async (...args) => {
        if (writesLeft-- <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        return nodeFs.write(...args);
      },
    };
    const s = await runStack(cleanups, { packages: 30, partSize: 10, runs: { trackerFs: fullDisk } });
    writesLeft = 3;
    const run = await s.service.poll('stixToMisp');
    expect(run).toMatchObject({ status: 'Failed', state: 'failed' });
    expect(run.error).toMatchObject({ code: 'tracker_disk_full' });
    expect(run.error?.message).toMatch(/the disk holding .* is full/);
    expect(run.error?.hint).toMatch(/Free space/);
    expect(cursorsOf(s.base)).toEqual({});
    // Everything the run reports uploaded is in the tracker (its "done" records were on disk first).
    const detail = await s.service.getRun(run.id);
    const reported = detail.packages!.filter((p) => p.outcome === 'uploaded').map((p) => p.packageId);
    expect(reported.length).toBe(run.counts.uploaded);
    writesLeft = Infinity;
    const again = await s.service.poll('stixToMisp');
    expect(again.status, JSON.stringify(again)).toBe('Success');
    expect(again.counts.uploaded + again.counts.duplicate, JSON.stringify(again.counts)).toBe(30);
    // Events uploaded before the disk filled but not recorded are found in MISP, not uploaded twice.
    expect(s.misp.events()).toHaveLength(30);
    for (const id of reported) expect(detail.packages!.find((p) => p.packageId === id)?.mispEventId).toBeTruthy();
  });

  it('two package ids ending in the same UUID never fight over one MISP event: the second is quarantined with the reason', async () => {
    const feed = new TestFeed(3);
    const first = feed.id(0);
    const twin = first.replace('NCCIC:', 'OTHER:');
    feed.reissue(1, stixPackage(1, { timestamp: feed.label(1) }).replace(feed.id(1), twin));
    const s = await runStack(cleanups, { feed });
    const run = await s.service.poll('stixToMisp');
    expect(run.counts).toMatchObject({ uploaded: 2, quarantined: 1 });
    const [q] = await s.service.listQuarantine();
    expect(q).toMatchObject({ packageId: twin, code: 'event_uuid_collision' });
    expect(q!.reason).toContain(first);
    expect(s.misp.events()).toHaveLength(2);
    // The next run does not let them fight either.
    const again = await s.service.poll('stixToMisp');
    expect(again.counts.quarantined).toBe(1);
    expect(s.misp.events()).toHaveLength(2);
  });

  it('a block over the reader’s element limit is quarantined naming that limit; the rest of the part goes on', async () => {
    const feed = new TestFeed(3);
    const huge = `<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" id="example:Package-huge" version="1.1.1"><stix:Indicators>${'<stix:Indicator/>'.repeat(510_000)}</stix:Indicators></stix:STIX_Package>`;
    feed.reissue(1, huge);
    const s = await runStack(cleanups, { feed });
    const run = await s.service.poll('stixToMisp');
    expect(run.status).toBe('Success');
    expect(run.counts).toMatchObject({ uploaded: 2, quarantined: 1 });
    const [q] = await s.service.listQuarantine();
    expect(q!.packageId).toBe('example:Package-huge');
    expect(q!.reason).toMatch(/500000|500,000/);
    expect(q!.reason).toMatch(/element/);
  });
});

describe('one run at a time, its progress and its words', () => {
  it('a second request while a run goes on gets that run; progress streams; the old service’s log lines', async () => {
    const s = await runStack(cleanups, { packages: 40, partSize: 10, misp: { latencyMs: 20 } });
    const events: RunRecord[] = [];
    s.service.on('run', (r) => events.push(r));
    const [a, b] = await Promise.all([s.service.poll('stixToMisp'), s.service.poll('stixToMisp')]);
    expect(a.id).toBe(b.id);
    expect(a.counts.uploaded).toBe(40);
    expect(events[0]).toMatchObject({ id: a.id, state: 'running' });
    expect(events.some((e) => e.state === 'running' && (e.progress?.packages ?? 0) > 0 && (e.progress?.part ?? 0) > 0)).toBe(true);
    expect(events.at(-1)).toMatchObject({ id: a.id, state: 'success' });
    expect(events.every((e) => e.packages === undefined)).toBe(true);
    const log = await s.service.recentLog(5000);
    // The TAXII client's lines (a shared module) carry the run too.
    const taxiiLines = log.filter((l) => l.module?.includes('taxii'));
    expect(taxiiLines.length).toBeGreaterThan(0);
    expect(taxiiLines.every((l) => l.runId === a.id && l.feed === a.feed)).toBe(true);
    const lines = log.filter((l) => l.runId === a.id).map((l) => l.message);
    const order = ['Processing events...', 'TAXII health check passed.', 'Misp health check passed.', 'Processing events: Success'].map((m) => lines.indexOf(m));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    const json = JSON.parse(lines[lines.indexOf('Processing events: Success') + 1]!) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['id', 'status', 'detailedStatus', 'processType', 'collection', 'beginTimestamp', 'endTimeStamp']);
    expect(json).toMatchObject({ id: a.id, status: 'Success', detailedStatus: 'Completed successfully', processType: 'stixToMisp', collection: 'ais' });
  });

  it('a first run over more than 7 days asks the server how much the window holds and reports it', async () => {
    const s = await runStack(cleanups, { packages: 5, keys: { 'mtc.start.time': '2020-01-01T00:00:00Z' } });
    const run = await s.service.poll('xmlOutput');
    expect(run.estimate).toBe(5);
    expect(s.taxii.requests.filter((r) => /COUNT_ONLY/.test(r.body ?? '')).length).toBe(2); // health check + estimate
    const lines = (await s.service.recentLog(5000)).map((l) => l.message);
    expect(lines.some((l) => /^First run over \d+ days: the server holds about 5 content blocks/.test(l))).toBe(true);
  });

  it('a feed that cannot be reached: Failed with "Error: Resource Check failed", nothing else attempted', async () => {
    const s = await runStack(cleanups, { packages: 2 });
    await s.taxii.close();
    const run = await s.service.poll('stixToMisp');
    expect(run).toMatchObject({ status: 'Failed', detailedStatus: 'Error: Resource Check failed' });
    expect(run.error?.message).toMatch(/TAXII health check failed/);
    expect(s.misp.requests).toEqual([]);
  });

  it('POST /misptransclient?processType=stixToMisp runs a real poll and answers the old run JSON', async () => {
    const s = await runStack(cleanups, { packages: 7 });
    const http = await startServer({ api: s.service, events: s.service, host: '127.0.0.1', port: 0, log: s.hub.logger('http') });
    cleanups.push(() => http.close());
    const res = await fetch(`${http.url}/misptransclient?processType=stixToMisp&collection=ais`, { method: 'POST' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'Success', detailedStatus: 'Completed successfully', processType: 'stixToMisp', collection: 'ais' });
    for (const k of ['id', 'beginTimestamp', 'endTimeStamp']) expect(body[k]).toBeTruthy();
    expect(s.misp.events()).toHaveLength(7);
  });
});
