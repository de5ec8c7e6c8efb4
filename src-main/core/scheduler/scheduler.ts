/**
 * The scheduler: recurring runs, one job per (feed, process type) of the configuration, timed by croner — every
 * N minutes from start (the old Quartz job's `repeatMinutelyForever`, first run at once) or by a cron expression.
 *
 * - A job never overlaps itself: a tick while its run (scheduled or manual) still goes on is skipped and logged.
 * - A run that throws does not stop the job.
 * - Timers are computed from the clock after every tick, so a machine that slept, or a clock that jumped, gives
 *   one late run, never a burst of the runs it missed.
 * - Pause keeps the jobs and their timers but lets no tick start a run (the tray's "Pause schedule"); stop forgets
 *   them until the next start.
 */
import { Cron } from 'croner';
import type { JobInfo, RunRecord } from '../../../shared/api';
import type { ProcessType } from '../config/config';
import { errorMessage } from '../errors';
import type { Logger } from '../log/types';

export type Schedule = { kind: 'interval'; minutes: number } | { kind: 'cron'; pattern: string };

export interface JobSpec {
  name: string;
  /** The old Quartz group name, kept for /listQuartzJobs readers. */
  group: string;
  processType: ProcessType;
  feed: string;
  collection: string;
  schedule: Schedule;
}

export interface SchedulerDeps {
  /** Starts the job's run (resolves when it ends). */
  run: (job: JobSpec) => Promise<RunRecord>;
  /** Is a run of this process type going on (manual ones too)? */
  isRunning: (processType: ProcessType) => boolean;
  /** The last finished run of a process type, for listJobs. */
  lastRun: (processType: ProcessType) => RunRecord | undefined;
  log: Logger;
  /** Jobs changed (started, paused, a run began or ended). */
  onChange?: (jobs: JobInfo[]) => void;
}

interface Job {
  spec: JobSpec;
  cron: Cron;
  running: boolean;
  lastRunId?: number;
}

/** The schedule in words, for people. */
export function describeSchedule(s: Schedule): string {
  if (s.kind === 'cron') return `cron "${s.pattern}" (UTC)`;
  if (s.minutes % 1440 === 0) return s.minutes === 1440 ? 'every day' : `every ${s.minutes / 1440} days`;
  if (s.minutes % 60 === 0) return s.minutes === 60 ? 'every hour' : `every ${s.minutes / 60} hours`;
  return s.minutes === 1 ? 'every minute' : `every ${s.minutes} minutes`;
}

/** Throws croner's own sentence when the pattern is not a cron expression (config validation uses it). */
export function checkCronPattern(pattern: string): void {
  new Cron(pattern, { paused: true, timezone: 'Etc/UTC' }).stop();
}

export class Scheduler {
  private jobs: Job[] = [];
  private paused = false;
  private started = false;

  constructor(private readonly deps: SchedulerDeps) {}

  get isStarted(): boolean {
    return this.started;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Schedules these jobs (replacing any): each fires at once, then on its schedule. */
  start(specs: readonly JobSpec[]): void {
    this.stop();
    this.started = true;
    for (const spec of specs) {
      const job: Job = { spec, running: false, cron: undefined as unknown as Cron };
      const options = {
        timezone: 'Etc/UTC',
        paused: false,
        // Overlap is decided in tick() (a manual run counts too); croner's own guard is a second line.
        protect: () => this.deps.log.info(`Scheduled ${spec.processType} run skipped: the previous one is still going`),
        catch: (e: unknown) => this.deps.log.error(`Scheduled ${spec.processType} run failed to start: ${errorMessage(e)}`),
      };
      job.cron =
        spec.schedule.kind === 'interval'
          ? // Every second matches; `interval` spaces the runs N minutes apart, the first one at once.
            new Cron('* * * * * *', { ...options, interval: spec.schedule.minutes * 60 }, () => this.tick(job))
          : new Cron(spec.schedule.pattern, options, () => this.tick(job));
      this.jobs.push(job);
      if (spec.schedule.kind === 'cron') void this.tick(job); // fires at start, like the old job
      this.deps.log.info(`Scheduled ${spec.name}: ${describeSchedule(spec.schedule)}`);
    }
    this.changed();
  }

  /** Forgets every job (runs going on finish by themselves). */
  stop(): void {
    for (const j of this.jobs) j.cron.stop();
    const had = this.jobs.length;
    this.jobs = [];
    if (this.started && had) this.deps.log.info('Scheduled jobs stopped');
    this.started = false;
    this.changed();
  }

  pause(): void {
    if (!this.paused) this.deps.log.info('Schedule paused: no scheduled run starts until it is resumed');
    this.paused = true;
    this.changed();
  }

  resume(): void {
    if (this.paused) this.deps.log.info('Schedule resumed');
    this.paused = false;
    this.changed();
  }

  list(): JobInfo[] {
    return this.jobs.map((j) => {
      const next = j.cron.nextRun();
      const last = this.deps.lastRun(j.spec.processType);
      const info: JobInfo = {
        name: j.spec.name,
        group: j.spec.group,
        processType: j.spec.processType,
        feed: j.spec.feed,
        collection: j.spec.collection,
        frequencyMinutes: j.spec.schedule.kind === 'interval' ? j.spec.schedule.minutes : 0,
        schedule: describeSchedule(j.spec.schedule),
        ...(j.spec.schedule.kind === 'cron' && { cron: j.spec.schedule.pattern }),
        paused: this.paused,
        running: j.running || this.deps.isRunning(j.spec.processType),
      };
      if (next && !this.paused) info.nextRun = next.toISOString();
      if (last) info.lastRun = { id: last.id, state: last.state, status: last.status, detailedStatus: last.detailedStatus, ...(last.finishedAt !== undefined && { finishedAt: last.finishedAt }) };
      if (j.lastRunId !== undefined) info.lastRunId = j.lastRunId;
      else if (last) info.lastRunId = last.id;
      return info;
    });
  }

  private async tick(job: Job): Promise<void> {
    const { spec } = job;
    if (this.paused) {
      this.deps.log.debug(`Scheduled ${spec.processType} run skipped: the schedule is paused`);
      return;
    }
    if (job.running || this.deps.isRunning(spec.processType)) {
      this.deps.log.info(`Scheduled ${spec.processType} run skipped: a run of it is still going`);
      return;
    }
    job.running = true;
    this.changed();
    try {
      const run = await this.deps.run(spec);
      job.lastRunId = run.id;
    } catch (e) {
      this.deps.log.error(`Scheduled ${spec.processType} run could not run: ${errorMessage(e)}`);
    } finally {
      job.running = false;
      this.changed();
    }
  }

  private changed(): void {
    this.deps.onChange?.(this.list());
  }
}
