/**
 * The run end to end over real sockets: the TAXII and MISP test servers, the service's poll, the tracker, the
 * cursor, the quarantine and the run history.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stixPackage } from '../../src-main/simulators/taxii/fixtures';
import { runStack, TestFeed } from '../support/run-stack';
import { setKeys } from '../support/service';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** MISP requests that write. */
const writes = (misp: { requests: { method: string; route: string }[] }): string[] =>
  misp.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD' && !/restSearch|users\/view/.test(r.route)).map((r) => `${r.method} ${r.route}`);

describe('a run to MISP', () => {
  it('uploads every package once; a second run over the same feed makes no MISP write at all', async () => {
    const s = await runStack(cleanups, { packages: 25, partSize: 10 });
    const first = await s.service.poll('stixToMisp');
    expect(first).toMatchObject({ status: 'Success', detailedStatus: 'Completed successfully', state: 'success', processType: 'stixToMisp', collection: 'ais', trigger: 'manual' });
    expect(first.counts).toMatchObject({ received: 25, new: 25, uploaded: 25, duplicate: 0, failed: 0, quarantined: 0 });
    expect(s.misp.events()).toHaveLength(25);
    // Three parts, fetched one ahead of the processing.
    expect(s.taxii.requests.filter((r) => r.request?.type === 'Poll_Fulfillment')).toHaveLength(2);

    s.misp.resetCounters();
    const writesBefore = writes(s.misp).length;
    const second = await s.service.poll('stixToMisp');
    expect(second.status).toBe('Success');
    expect(second.counts).toMatchObject({ received: 25, duplicate: 25, new: 0, uploaded: 0 });
    expect(writes(s.misp).length).toBe(writesBefore);
    // Dedup happens before MISP: no event request at all, only the health check's.
    expect(s.misp.requests.filter((r) => r.route.startsWith('events/'))).toEqual([]);
    // The second window began where the first ended, minus the overlap.
    expect(Date.parse(second.beginTimestamp)).toBe(Date.parse(first.endTimeStamp) - 5 * 60_000);
    expect(second.id).toBe(first.id + 1);

    const runs = await s.service.listRuns();
    expect(runs.map((r) => r.id)).toEqual([second.id, first.id]);
    const detail = await s.service.getRun(first.id);
    expect(detail.packages).toHaveLength(25);
    expect(detail.packages!.every((p) => p.outcome === 'uploaded' && p.mispEventId && p.mispEventUuid)).toBe(true);
  });

  it('a package re-issued with the same id and changed content updates its event and drops what it no longer holds', async () => {
    const feed = new TestFeed(5, 3);
    const s = await runStack(cleanups, { feed });
    await s.service.poll('stixToMisp');
    const before = s.misp.events();
    const target = before.find((e) => JSON.stringify(e).includes(feed.id(2).split('-').slice(1).join('-')))!;
    const uuid = String((target.Event as Record<string, unknown> | undefined)?.uuid ?? target.uuid);
    const liveValues = (): string[] => {
      const e = s.misp.event(uuid, { includeDeleted: true }) as Record<string, unknown>;
      const ev = (e.Event ?? e) as { Attribute?: { value: string; deleted?: boolean }[] };
      return (ev.Attribute ?? []).filter((a) => !a.deleted).map((a) => a.value);
    };
    const had = liveValues();
    // The re-issue has 2 of its 3 indicators (a PII review removed one), with a newer timestamp.
    feed.reissue(2, stixPackage(2, { timestamp: feed.label(2), indicators: 2 }));
    const second = await s.service.poll('stixToMisp');
    expect(second.counts).toMatchObject({ updated: 1, duplicate: 4, uploaded: 1 });
    const now = liveValues();
    expect(now.length).toBeLessThan(had.length);
    const gone = had.filter((v) => !now.includes(v));
    expect(gone.length).toBeGreaterThan(0);
    expect(s.misp.events()).toHaveLength(5);
    const detail = await s.service.getRun(second.id);
    expect(detail.packages!.find((p) => p.packageId === feed.id(2))).toMatchObject({ outcome: 'updated' });
  });

  it('MISP answering 500 for some packages: they are quarantined, the rest goes on, the next run stores them once', async () => {
    const s = await runStack(cleanups, { packages: 12, misp: { faults: [{ method: 'POST', path: '/events/add', fault: { kind: 'status', status: 500 }, skip: 6 }] } });
    const first = await s.service.poll('stixToMisp');
    expect(first.status).toBe('Success');
    expect(first.detailedStatus).toBe('Completed with warnings');
    expect(first.state).toBe('partial');
    expect(first.counts.quarantined).toBe(6);
    expect(first.counts.uploaded + first.counts.quarantined).toBe(12);
    const quarantined = await s.service.listQuarantine();
    expect(quarantined).toHaveLength(first.counts.quarantined);
    expect(quarantined[0]).toMatchObject({ processType: 'stixToMisp', collection: 'ais', attempts: 1, waitingForPerson: false, code: 'misp_server' });
    expect(readdirSync(path.join(s.base, 'data', 'quarantine')).filter((f) => f.endsWith('.xml'))).toHaveLength(quarantined.length);

    s.misp.setFaults([]);
    const second = await s.service.poll('stixToMisp');
    expect(second.state).toBe('success');
    // The quarantined six first, then the feed's twelve, all done by then.
    expect(second.counts).toMatchObject({ received: 18, uploaded: 6, duplicate: 12 });
    expect(await s.service.listQuarantine()).toEqual([]);
    expect(s.misp.events()).toHaveLength(12);
    const uuids = s.misp.events().map((e) => JSON.stringify(e).match(/"uuid":"([^"]+)"/)?.[1]);
    expect(new Set(uuids).size).toBe(12);
  });

  it('a package that keeps failing is retried first by the next runs, then waits for a person until Retry', async () => {
    const s = await runStack(cleanups, { packages: 1 });
    s.misp.setFaults([{ method: 'POST', path: '/events/add', fault: { kind: 'status', status: 500 } }]);
    for (let attempt = 1; attempt <= 5; attempt++) {
      const r = await s.service.poll('stixToMisp');
      expect(r.counts.quarantined, `run ${attempt}`).toBe(1);
      const [q] = await s.service.listQuarantine();
      expect(q).toMatchObject({ attempts: attempt, waitingForPerson: attempt >= 5 });
    }
    // Waiting for a person: the feed's copy is skipped, not tried again.
    const waiting = await s.service.poll('stixToMisp');
    expect(waiting.counts).toMatchObject({ skipped: 1, quarantined: 0 });
    s.misp.setFaults([]);
    const retry = await s.service.retryQuarantined();
    expect(retry).toMatchObject({ trigger: 'retry', status: 'Success' });
    expect(retry.counts.uploaded).toBe(1);
    expect(await s.service.listQuarantine()).toEqual([]);
    expect(s.misp.events()).toHaveLength(1);
  }, 90_000);
});

describe('a run to XML files', () => {
  it('saves each package once inside the out folder; identical files are left alone, a changed one becomes a version', async () => {
    const feed = new TestFeed(6);
    const s = await runStack(cleanups, { feed });
    const out = path.join(s.base, 'out');
    const first = await s.service.poll('xmlOutput');
    expect(first).toMatchObject({ status: 'Success', processType: 'xmlOutput' });
    expect(first.counts).toMatchObject({ received: 6, new: 6, saved: 6 });
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(6);
    expect(files.every((f) => /^NCCIC-Package-[0-9a-f-]+\.xml$/.test(f))).toBe(true);
    // No MISP request for an xmlOutput run.
    expect(s.misp.requests).toEqual([]);

    feed.reissue(3, stixPackage(3, { timestamp: feed.label(3), indicators: 4 }));
    const second = await s.service.poll('xmlOutput');
    expect(second.counts).toMatchObject({ duplicate: 5, updated: 1, saved: 1 });
    const now = readdirSync(out).sort();
    expect(now).toHaveLength(7);
    const versions = now.filter((f) => /\.v[0-9a-f]{12}\.xml$/.test(f));
    expect(versions).toHaveLength(1);
    expect(readFileSync(path.join(out, versions[0]!), 'utf8')).toContain(feed.id(3));
  });

  it('a package id like ../../etc/x, or with characters a file system refuses, is saved inside the out folder', async () => {
    const feed = new TestFeed(3);
    const hostile = ['../../etc/x', 'a:b<c>d|e?*"f', 'CON'];
    hostile.forEach((id, i) => feed.reissue(i, stixPackage(i, { timestamp: feed.label(i) }).replace(/id="NCCIC:Package-[^"]+"/, `id="${id.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}"`)));
    const s = await runStack(cleanups, { feed });
    const run = await s.service.poll('xmlOutput');
    expect(run.counts).toMatchObject({ saved: 3, failed: 0 });
    const out = path.join(s.base, 'out');
    const files = readdirSync(out);
    expect(files).toHaveLength(3);
    for (const f of files) expect(f).toMatch(/^[A-Za-z0-9._~-]+\.xml$/);
    expect(existsSync(path.join(s.base, 'etc'))).toBe(false);
    expect(files.some((f) => f.startsWith('CON.') || f === 'CON.xml')).toBe(false);
  });

  it('an out folder that cannot be written fails the run with the reason, reports nothing done, and keeps the cursor', async () => {
    const s = await runStack(cleanups, { packages: 3 });
    // A file where the folder should be: mkdir and every write fail, as on a read-only disk, even as root.
    const blocker = path.join(s.base, 'blocked');
    (await import('node:fs')).writeFileSync(blocker, 'not a folder');
    setKeys(s.dir, { 'mtc.destination.directory': path.join(blocker, 'out') });
    await s.service.refreshConfig();
    const run = await s.service.poll('xmlOutput');
    expect(run).toMatchObject({ status: 'Failed', state: 'failed' });
    expect(run.error?.code).toBe('fs_write_failed');
    expect(run.error?.message).toMatch(/Cannot write .*blocked/);
    expect(run.counts.saved).toBe(0);
    expect(existsSync(path.join(s.base, 'data', 'cursors.json'))).toBe(false);
  });
});
