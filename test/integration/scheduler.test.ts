/**
 * The scheduler through the service, against the TAXII and MISP test servers: a job every 2 seconds (a cron
 * expression with seconds) fires, never overlaps a slow run, is listed with its next run, stops, restarts, pauses
 * and resumes; /refreshConfig after an edit applies the new schedule and collection; the old Quartz endpoints.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../shared/api';
import { startServer } from '../../src-main/headless/server';
import { runStack } from '../support/run-stack';
import { setKeys } from '../support/service';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('scheduled runs', () => {
  it('a job fires on its schedule, never overlaps a slow run, stops, restarts, pauses and resumes', async () => {
    // MISP answers slowly: one run of 12 packages takes longer than the 2-second schedule.
    const s = await runStack(cleanups, { packages: 12, misp: { latencyMs: 400 }, keys: { 'flare.schedule.cron': '*/2 * * * * *', 'flare.misp.concurrency': '2' } });
    const jobs: JobInfo[][] = [];
    s.service.on('jobs', (j) => jobs.push(j));
    expect(s.service.startScheduler()).toBe('Quartz Scheduler Started.');
    const [job] = await s.service.listJobs();
    expect(job).toMatchObject({ name: 'poll-ais-stixToMisp', group: 'group1', processType: 'stixToMisp', collection: 'ais', schedule: 'cron "*/2 * * * * *" (UTC)', paused: false });
    expect(Date.parse(job!.nextRun!)).toBeGreaterThan(Date.now() - 100);
    expect((await s.service.status()).schedulerRunning).toBe(true);

    await until('two scheduled runs', async () => (await s.service.listRuns()).filter((r) => r.state !== 'running').length >= 2, 60_000);
    const runs = (await s.service.listRuns(50)).reverse();
    expect(runs.every((r) => r.trigger === 'scheduled')).toBe(true);
    // Never two at once: each run started after the previous one finished.
    for (let i = 1; i < runs.length; i++) if (runs[i - 1]!.finishedAt) expect(Date.parse(runs[i]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(runs[i - 1]!.finishedAt!));
    const lines = (await s.service.recentLog(5000)).map((l) => l.message);
    expect(lines.some((l) => /Scheduled stixToMisp run skipped: a run of it is still going/.test(l))).toBe(true);
    expect(s.misp.events()).toHaveLength(12);

    await s.service.pauseSchedule();
    expect((await s.service.listJobs())[0]).toMatchObject({ paused: true });
    expect((await s.service.listJobs())[0]!.nextRun).toBeUndefined();
    await until('the run going on to end', async () => !(await s.service.listJobs())[0]!.running);
    const pausedAt = (await s.service.listRuns(100)).length;
    await sleep(4500);
    expect((await s.service.listRuns(100)).length).toBe(pausedAt);
    await s.service.resumeSchedule();
    await until('a run after resume', async () => (await s.service.listRuns(100)).length > pausedAt);

    expect(await s.service.stopAllJobs()).toBe('.....the scheduler stopped the Jobs for group1.');
    expect(await s.service.listJobs()).toEqual([]);
    expect((await s.service.status()).schedulerRunning).toBe(false);
    await until('the last run to end', async () => (await s.service.status()).activeRuns === 0);
    const stoppedAt = (await s.service.listRuns(100)).length;
    await sleep(4500);
    expect((await s.service.listRuns(100)).length).toBe(stoppedAt);
    expect(await s.service.restartScheduler()).toMatch(/^Quartz Scheduler has not been started automatically\. Or has previously stopped\. Starting it now\./);
    expect(await s.service.listJobs()).toHaveLength(1);
    expect(jobs.length).toBeGreaterThan(3);
    await s.service.stopAllJobs();
  }, 120_000);

  it('refreshConfig after an edit applies the new schedule and collection, step by step; the old Quartz endpoints answer text', async () => {
    const s = await runStack(cleanups, { packages: 3, taxii: {}, keys: { 'mtc.quartz.frequency': '60' } });
    s.service.startScheduler();
    const http = await startServer({ api: s.service, events: s.service, host: '127.0.0.1', port: 0, log: s.hub.logger('http') });
    cleanups.push(() => http.close());
    await until('the first run', async () => (await s.service.listRuns()).some((r) => r.state !== 'running'));
    expect((await s.service.listJobs())[0]).toMatchObject({ frequencyMinutes: 60, schedule: 'every hour', collection: 'ais' });

    setKeys(s.dir, { 'mtc.quartz.frequency': '15', 'stixtransclient.source.collection': 'other', 'mtc.start.time': '2024-01-01T00:00:00Z' });
    const res = await fetch(`${http.url}/refreshConfig`, { method: 'POST' });
    const steps = (await res.json()) as Record<string, string>;
    expect(Object.keys(steps)).toEqual(['Controller', 'Step 1 of 5', 'Step 2 of 5', 'Step 3 of 5', 'Step 4 of 5', 'Step 5 of 5']);
    expect(steps['Step 1 of 5']).toBe('Attempt to STOP Quartz Jobs... 1 job stopped.');
    expect(steps['Step 3 of 5']).toMatch(/done: .*mtc\.quartz\.frequency.*stixtransclient\.source\.collection/);
    expect(steps['Step 4 of 5']).toMatch(/will start again from mtc\.start\.time/);
    expect(steps['Step 5 of 5']).toBe('Attempt to ReSTART the Quartz Scheduler... Quartz Scheduler Started.');
    const [job] = await s.service.listJobs();
    expect(job).toMatchObject({ frequencyMinutes: 15, schedule: 'every 15 minutes', collection: 'other', name: 'poll-other-stixToMisp' });

    const list = await fetch(`${http.url}/listQuartzJobs`);
    expect(list.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await list.text()).toMatch(/^Quartz Jobs:\njobName: poll-other-stixToMisp\ngroupName: group1 - /);
    expect(await (await fetch(`${http.url}/stopQuartzJobs`)).text()).toBe('Stop Quartz Jobs:.....the scheduler stopped the Jobs for group1.');
    expect(await (await fetch(`${http.url}/initQuartz`)).text()).toMatch(/^Controller - Asked to Initialize Quartz Scheduler\.\.\.\nQuartz Scheduler has not been started/);
    await s.service.stopAllJobs();
  });
});
