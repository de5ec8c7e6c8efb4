/**
 * GET /health for monitoring, over a real socket: 200 with each job's last successful run; 503 when the last
 * run failed, when none succeeded within three intervals, or when nothing can run. Scripted runs (an AdminApi
 * that answers given runs and jobs) for the timing rules, with and without the scheduler; then the real stack:
 * a run against the TAXII and MISP test servers, and a run against a feed that is down.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminApi, ConfigView, JobInfo, RunRecord, ServiceStatus } from '../../shared/api';
import { NotAvailableError } from '../../src-main/core/errors';
import { LogHub } from '../../src-main/core/log/index';
import { startServer, type RunningServer } from '../../src-main/headless/server';
import type { HealthReport } from '../../src-main/headless/health';
import { runStack } from '../support/run-stack';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const MIN = 60_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

let nextId = 1;
function run(state: RunRecord['state'], finishedMsAgo: number, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    id: nextId++,
    processType: 'stixToMisp',
    feed: 'default',
    collection: 'ais',
    trigger: 'scheduled',
    state,
    status: state === 'failed' ? 'Failed' : 'Success',
    detailedStatus: state === 'failed' ? 'Error: the TAXII server refused the connection' : 'Completed successfully',
    beginTimestamp: '',
    endTimeStamp: '',
    startedAt: ago(finishedMsAgo + 1000),
    finishedAt: ago(finishedMsAgo),
    counts: { received: 0, new: 0, duplicate: 0, updated: 0, uploaded: 0, saved: 0, failed: 0, quarantined: 0, skipped: 0 },
    ...extra,
  };
}

function job(extra: Partial<JobInfo> = {}): JobInfo {
  return { name: 'poll-ais-stixToMisp', group: 'group1', processType: 'stixToMisp', feed: 'default', collection: 'ais', frequencyMinutes: 5, schedule: 'every 5 minutes', paused: false, running: false, ...extra };
}

/** An AdminApi with only what /health may use; everything else throws. */
function scripted(o: { runs: RunRecord[]; jobs?: JobInfo[]; startedMsAgo?: number; status?: Partial<ServiceStatus> }): { api: AdminApi; used: Set<string> } {
  const used = new Set<string>();
  const impl: Partial<AdminApi> = {
    status: async () => ({ version: '0', mode: 'headless', startedAt: ago(o.startedMsAgo ?? 60 * MIN), configDir: '/x', taxiiConfigured: true, mispConfigured: true, schedulerRunning: o.jobs !== undefined, activeRuns: 0, ...o.status }),
    listRuns: async (limit = 50) => o.runs.slice().sort((a, b) => b.id - a.id).slice(0, limit),
    listJobs: async () => {
      if (!o.jobs) throw new NotAvailableError('The scheduler');
      return o.jobs;
    },
    getConfig: async () => ({ summary: { collection: 'ais', processType: 'stixToMisp', frequencyMinutes: 5, mispMode: 'native', clientAuth: 'none' } }) as ConfigView,
  };
  const api = new Proxy({} as AdminApi, {
    get: (_t, prop: string) => {
      used.add(prop);
      const f = (impl as Record<string, unknown>)[prop];
      if (!f) throw new Error(`/health must not call ${prop}`);
      return f;
    },
  });
  return { api, used };
}

async function serveApi(api: AdminApi, token?: string): Promise<RunningServer> {
  const s = await startServer({ api, events: { on: () => () => {} }, host: '127.0.0.1', port: 0, log: new LogHub().logger('http'), ...(token && { token }) });
  cleanups.push(() => s.close());
  return s;
}

async function health(s: RunningServer, headers: Record<string, string> = {}): Promise<{ status: number; body: HealthReport }> {
  const r = await fetch(`${s.url}/health`, { headers });
  return { status: r.status, body: (await r.json()) as HealthReport };
}

describe('GET /health from the runs', () => {
  it('200 with the last successful run per job; a partial run (packages quarantined) counts as a success', async () => {
    const ok = run('success', 9 * MIN);
    const partial = run('partial', 2 * MIN);
    const { api, used } = scripted({ runs: [ok, partial, run('failed', 1 * MIN, { trigger: 'retry' }), run('failed', MIN, { collection: 'other' })], jobs: [job()] });
    const r = await health(await serveApi(api));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', reasons: [], jobs: [{ name: 'poll-ais-stixToMisp', healthy: true, intervalMinutes: 5, lastRun: { id: partial.id, state: 'partial' }, lastSuccess: { id: partial.id, finishedAt: partial.finishedAt } }] });
    expect([...used].sort()).toEqual(['listJobs', 'listRuns', 'status']);
  });

  it('503 when the last run failed, even with an older success', async () => {
    const failed = run('failed', MIN);
    const { api } = scripted({ runs: [run('success', 4 * MIN), failed], jobs: [job()] });
    const r = await health(await serveApi(api));
    expect(r.status).toBe(503);
    expect(r.body.status).toBe('failing');
    expect(r.body.jobs[0]).toMatchObject({ healthy: false, lastRun: { id: failed.id, state: 'failed' }, reason: `The last run (${failed.id}) failed: Error: the TAXII server refused the connection` });
    expect(r.body.reasons).toEqual([`poll-ais-stixToMisp: ${r.body.jobs[0]!.reason}`]);
  });

  it('503 when none succeeded within three intervals; a fresh start gets three intervals first; a paused job is not stale', async () => {
    const stale = await health(await serveApi(scripted({ runs: [run('success', 16 * MIN)], jobs: [job()] }).api));
    expect(stale.status).toBe(503);
    expect(stale.body.jobs[0]!.reason).toBe('No run succeeded for 16 minutes (three intervals are 15 minutes).');
    const fresh = await health(await serveApi(scripted({ runs: [], jobs: [job()], startedMsAgo: 2 * MIN }).api));
    expect(fresh.status).toBe(200);
    const never = await health(await serveApi(scripted({ runs: [], jobs: [job()], startedMsAgo: 20 * MIN }).api));
    expect(never.status).toBe(503);
    expect(never.body.jobs[0]!.reason).toMatch(/^No run succeeded since the service started 20 minutes ago/);
    const paused = await health(await serveApi(scripted({ runs: [run('success', 60 * MIN)], jobs: [job({ paused: true })] }).api));
    expect(paused.status).toBe(200);
    expect(paused.body.jobs[0]).toMatchObject({ paused: true, healthy: true });
  });

  it('a cron job is judged by the spacing of its runs', async () => {
    const cron = job({ frequencyMinutes: 0, schedule: 'cron "0 * * * *" (UTC)', cron: '0 * * * *' });
    const runs = [run('success', 130 * MIN), run('success', 70 * MIN)];
    const r = await health(await serveApi(scripted({ runs, jobs: [cron] }).api));
    expect(r.body.jobs[0]!.intervalMinutes).toBe(60);
    expect(r.status).toBe(200);
  });

  it('without the scheduler (listJobs: not_available): the runs of the configured feed and frequency', async () => {
    const good = scripted({ runs: [run('success', 3 * MIN)] });
    const r = await health(await serveApi(good.api));
    expect(r.status).toBe(200);
    expect(r.body.jobs).toMatchObject([{ name: 'ais/stixToMisp', collection: 'ais', intervalMinutes: 5, healthy: true }]);
    expect([...good.used].sort()).toEqual(['getConfig', 'listJobs', 'listRuns', 'status']);
    expect((await health(await serveApi(scripted({ runs: [run('success', 30 * MIN)] }).api))).status).toBe(503);
    expect((await health(await serveApi(scripted({ runs: [run('failed', MIN)] }).api))).status).toBe(503);
  });

  it('503 when nothing can run: a broken configuration, no feed, a stopped scheduler', async () => {
    const broken = await health(await serveApi(scripted({ runs: [], jobs: [], status: { configError: { code: 'config_invalid', message: 'The configuration in /x has 1 error:\nmisp.authorization.key: expected the 40-character MISP automation key' } } }).api));
    expect(broken.status).toBe(503);
    expect(broken.body.reasons).toEqual(['The configuration has errors: The configuration in /x has 1 error:']);
    expect((await health(await serveApi(scripted({ runs: [], jobs: [], status: { taxiiConfigured: false } }).api))).body.reasons).toEqual(['The TAXII feed is not configured.']);
    expect((await health(await serveApi(scripted({ runs: [], jobs: [] }).api))).body.reasons).toEqual(['No job is scheduled (the scheduler is stopped).']);
  });

  it('takes the bearer token like the rest of the API', async () => {
    const token = 'health-token-0123456789abcdefghijklmnopq';
    const s = await serveApi(scripted({ runs: [run('success', MIN)], jobs: [job()] }).api, token);
    expect((await fetch(`${s.url}/health`)).status).toBe(401);
    expect((await health(s, { authorization: `Bearer ${token}` })).status).toBe(200);
  });
});

describe('GET /health on the real stack', () => {
  it('200 after a run delivered the feed; 503 once a run failed because the feed is down', async () => {
    const stack = await runStack(cleanups, { packages: 3 });
    const s = await startServer({ api: stack.service, events: stack.service, host: '127.0.0.1', port: 0, log: stack.hub.logger('http') });
    cleanups.push(() => s.close());
    // Before the first run (and with the scheduler stopped) nothing is delivering: 503.
    expect((await health(s)).body.reasons).toEqual(['No job is scheduled (the scheduler is stopped).']);
    stack.service.startScheduler(); // its job fires at once, as the old Quartz job did
    const end = Date.now() + 30_000;
    while (!(await stack.service.listRuns()).some((r) => r.state !== 'running')) {
      if (Date.now() > end) throw new Error('no scheduled run finished');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await stack.service.listRuns())[0]).toMatchObject({ trigger: 'scheduled', state: 'success' });
    const ok = await health(s);
    expect(ok.status).toBe(200);
    expect(ok.body.jobs.length).toBeGreaterThan(0);
    expect(ok.body.jobs.every((j) => j.lastSuccess !== undefined)).toBe(true);
    // Every scheduled run must be over first: a poll while one runs answers that run (which had the feed).
    while ((await stack.service.listRuns()).some((r) => r.state === 'running')) {
      if (Date.now() > end) throw new Error('a scheduled run did not finish');
      await new Promise((r) => setTimeout(r, 50));
    }
    await stack.taxii.close();
    const second = await stack.service.poll('stixToMisp');
    expect(second.state).toBe('failed');
    const down = await health(s);
    expect(down.status).toBe(503);
    expect(down.body.reasons.join('\n')).toMatch(/failed/);
  });
});
