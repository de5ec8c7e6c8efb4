import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunRecord } from '../../../shared/api';
import { memoryLogger } from '../../../test/support/memory-logger';
import { checkCronPattern, describeSchedule, Scheduler, type JobSpec } from './scheduler';

const job = (minutes: number): JobSpec => ({ name: 'poll-ais-stixToMisp', group: 'group1', processType: 'stixToMisp', feed: 'f', collection: 'ais', schedule: { kind: 'interval', minutes } });

const record = (id: number): RunRecord => ({ id, state: 'success', status: 'Success', detailedStatus: 'Completed successfully' }) as RunRecord;

function harness(runMs = 0) {
  const log = memoryLogger();
  const starts: number[] = [];
  let running = 0;
  let id = 0;
  const scheduler = new Scheduler({
    log: log.logger,
    isRunning: () => running > 0,
    lastRun: () => (id ? record(id) : undefined),
    run: async () => {
      starts.push(Date.now());
      running++;
      try {
        if (runMs) await new Promise((r) => setTimeout(r, runMs));
        return record(++id);
      } finally {
        running--;
      }
    },
  });
  return { scheduler, starts, log };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the scheduler', () => {
  it('fires at start, then every N minutes; lists the job with its next run; stops', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00.500Z') });
    const { scheduler, starts } = harness();
    scheduler.start([job(5)]);
    await vi.advanceTimersByTimeAsync(1500);
    expect(starts).toHaveLength(1);
    const [info] = scheduler.list();
    expect(info).toMatchObject({ name: 'poll-ais-stixToMisp', group: 'group1', schedule: 'every 5 minutes', frequencyMinutes: 5, paused: false, running: false, lastRunId: 1 });
    expect(Date.parse(info!.nextRun!) - starts[0]!).toBeGreaterThanOrEqual(5 * 60_000 - 1000);
    expect(Date.parse(info!.nextRun!) - starts[0]!).toBeLessThanOrEqual(5 * 60_000 + 1000);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(starts).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(starts).toHaveLength(4);
    scheduler.stop();
    expect(scheduler.list()).toEqual([]);
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(starts).toHaveLength(4);
  });

  it('never overlaps a slow run: the ticks meanwhile are skipped and logged', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00.500Z') });
    const { scheduler, starts, log } = harness(2.5 * 60_000);
    scheduler.start([job(1)]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(starts).toHaveLength(1);
    expect(scheduler.list()[0]!.running).toBe(true);
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    expect(starts).toHaveLength(1);
    expect(log.lines.some((l) => /run skipped: .*still going/.test(l))).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(starts).toHaveLength(2);
    scheduler.stop();
  });

  it('pause lets no tick start a run and hides the next run; resume brings them back', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00.500Z') });
    const { scheduler, starts } = harness();
    scheduler.start([job(1)]);
    await vi.advanceTimersByTimeAsync(1000);
    scheduler.pause();
    expect(scheduler.list()[0]).toMatchObject({ paused: true });
    expect(scheduler.list()[0]!.nextRun).toBeUndefined();
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(starts).toHaveLength(1);
    scheduler.resume();
    await vi.advanceTimersByTimeAsync(61_000);
    expect(starts).toHaveLength(2);
    scheduler.stop();
  });

  it('survives a run that throws', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00.500Z') });
    const log = memoryLogger();
    let calls = 0;
    const scheduler = new Scheduler({
      log: log.logger,
      isRunning: () => false,
      lastRun: () => undefined,
      run: async () => {
        calls++;
        throw new Error('the feed is gone');
      },
    });
    scheduler.start([job(1)]);
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(log.lines.some((l) => /could not run: the feed is gone/.test(l))).toBe(true);
    scheduler.stop();
  });

  it('a clock that jumps ahead (a machine that slept) gives one late run, not a burst of missed ones', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00.500Z') });
    const { scheduler, starts } = harness();
    scheduler.start([job(5)]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(starts).toHaveLength(1);
    // Six hours pass without any timer running (suspend), then time goes on normally.
    vi.setSystemTime(Date.now() + 6 * 3600_000);
    await vi.advanceTimersByTimeAsync(5 * 60_000 + 2000);
    expect(starts.length).toBeLessThanOrEqual(3);
    expect(starts.length).toBeGreaterThanOrEqual(2);
    scheduler.stop();
  });

  it('a cron job fires at start and at its times', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-01-01T00:00:30Z') });
    const { scheduler, starts } = harness();
    scheduler.start([{ ...job(0), schedule: { kind: 'cron', pattern: '0 */10 * * * *' } }]);
    await vi.advanceTimersByTimeAsync(100);
    expect(starts).toHaveLength(1);
    expect(scheduler.list()[0]).toMatchObject({ schedule: 'cron "0 */10 * * * *" (UTC)', frequencyMinutes: 0, nextRun: '2026-01-01T00:10:00.000Z' });
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(starts).toHaveLength(2);
    scheduler.stop();
  });
});

describe('schedules in words and cron validation', () => {
  it('says the schedule as people do', () => {
    expect(describeSchedule({ kind: 'interval', minutes: 1 })).toBe('every minute');
    expect(describeSchedule({ kind: 'interval', minutes: 90 })).toBe('every 90 minutes');
    expect(describeSchedule({ kind: 'interval', minutes: 120 })).toBe('every 2 hours');
    expect(describeSchedule({ kind: 'interval', minutes: 1440 })).toBe('every day');
  });

  it('refuses what is not a cron expression, with croner’s reason', () => {
    expect(() => checkCronPattern('0 */10 * * * *')).not.toThrow();
    expect(() => checkCronPattern('every tuesday')).toThrow();
    expect(() => checkCronPattern('61 * * * *')).toThrow();
  });
});
