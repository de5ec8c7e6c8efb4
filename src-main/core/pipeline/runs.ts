/**
 * The runs of one configuration: opens what every run shares (the tracker, cursors, quarantine, run history and
 * the MISP destination), starts runs — one per (feed, process type) at a time: asking again while one runs gets
 * that one — keeps their records, and pushes their progress. The service, the scheduler, the CLI and the old
 * endpoint all start runs here.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RunPackageOutcome, RunRecord, RunTrigger } from '../../../shared/api';
import type { Config, ProcessType, TaxiiConfig } from '../config/config';
import { FlareError, errorMessage } from '../errors';
import type { Logger } from '../log/types';
import type { TaxiiTransport } from '../taxii/transport';
import { Tracker, type TrackerFs } from '../tracker/index';
import { CursorStore } from './cursors';
import { MispDestination } from './destination';
import { RunHistory } from './history';
import { Quarantine, type QuarantineEntry } from './quarantine';
import { Run } from './run';

export interface StartRun {
  processType: ProcessType;
  /** Default: the configured collection. */
  collection?: string;
  trigger: RunTrigger;
  /** Retry only these quarantined packages (all of the process type when empty), without polling. */
  retryOnly?: string[];
}

export interface RunsOptions {
  log: Logger;
  /** Every change of a run record (started, progress, finished), without its per-package list. */
  onRun?: (run: RunRecord) => void;
  now?: () => Date;
  /** The transport to the feed (tests). */
  transport?: TaxiiTransport;
  /** The tracker's file-system calls (tests inject a full disk). */
  trackerFs?: TrackerFs;
}

/** The feed's name in records and cursors: the poll service's host and path (never credentials). */
export function feedName(taxii: TaxiiConfig): string {
  if (!taxii.pollUrl) return 'feed';
  try {
    const u = new URL(taxii.pollUrl);
    return `${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return 'feed';
  }
}

export class Runs {
  private config: Config | undefined;
  private tracker: Promise<Tracker> | undefined;
  private trackerFile: string | undefined;
  private stores: { dataDir: string; cursors: CursorStore; quarantine: Quarantine; history: RunHistory } | undefined;
  private destination: MispDestination | undefined;
  /** Runs going on by feed and process type; set before the run's first await, so a second start finds it. */
  private readonly active = new Map<string, { processType: ProcessType; record?: RunRecord; done: Promise<RunRecord> }>();
  private readonly aborts = new Set<AbortController>();
  private closing = false;

  constructor(private readonly options: RunsOptions) {}

  /** Takes a (re)loaded configuration; what changed is reopened, what runs keeps its own until it ends. */
  configure(config: Config): void {
    this.config = config;
    if (this.stores?.dataDir !== config.dataDir) {
      mkdirSync(config.dataDir, { recursive: true });
      this.stores = {
        dataDir: config.dataDir,
        cursors: new CursorStore(config.dataDir, this.options.log),
        quarantine: new Quarantine(config.dataDir, this.options.log),
        history: new RunHistory(config.dataDir, this.options.log),
      };
    }
    if (this.trackerFile !== config.trackerFile) {
      const previous = this.tracker;
      this.trackerFile = config.trackerFile;
      this.tracker = undefined;
      void previous?.then((t) => t.close()).catch(() => undefined);
    }
    if (this.destination && JSON.stringify(this.destination.misp) !== JSON.stringify(config.misp)) {
      const old = this.destination;
      this.destination = undefined;
      // Runs in flight keep the old client until they end.
      void Promise.all([...this.active.values()].map((a) => a.done)).then(() => old.close());
    }
  }

  private requireConfig(): Config {
    if (!this.config || !this.stores) throw new FlareError('config_invalid', 'The configuration is not loaded.', { hint: 'Fix the configuration (flare-misp config check) and reload it.' });
    return this.config;
  }

  /** The tracker, opened on first use (a second FLARE MISP on the same file is refused here, with its pid). */
  openTracker(): Promise<Tracker> {
    const config = this.requireConfig();
    this.tracker ??= (async () => {
      mkdirSync(path.dirname(config.trackerFile), { recursive: true });
      return Tracker.open(config.trackerFile, { logger: this.options.log.child('tracker'), ...(this.options.trackerFs && { fs: this.options.trackerFs }) });
    })().catch((e: unknown) => {
      this.tracker = undefined;
      throw e;
    });
    return this.tracker;
  }

  /** The MISP destination of the current configuration (shared with the preview). */
  mispDestination(): MispDestination {
    const config = this.requireConfig();
    this.destination ??= new MispDestination(config.misp, this.options.log);
    return this.destination;
  }

  get activeCount(): number {
    return this.active.size;
  }

  /** Is a run of this process type going on (any collection)? */
  isRunning(processType: ProcessType): boolean {
    return [...this.active.values()].some((a) => a.processType === processType);
  }

  /** Starts a run, or answers the one of the same feed and process type that is going on. Resolves when it ends. */
  start(request: StartRun): Promise<RunRecord> {
    if (this.closing) return Promise.reject(new FlareError('shutting_down', 'FLARE MISP is stopping; no new run starts.'));
    const config = this.requireConfig();
    const collection = request.collection ?? config.taxii.collection ?? '';
    const feed = feedName(config.taxii);
    const key = `${feed}|${request.processType}`;
    const running = this.active.get(key);
    if (running) {
      this.options.log.info(`A ${request.processType} run of ${feed} is going on${running.record ? ` (run ${running.record.id})` : ''}; answering that one`);
      return running.done;
    }
    return this.launch(key, config, feed, collection, request);
  }

  private launch(key: string, config: Config, feed: string, collection: string, request: StartRun): Promise<RunRecord> {
    const stores = this.stores!;
    const abort = new AbortController();
    const entry: { processType: ProcessType; record?: RunRecord; done: Promise<RunRecord> } = { processType: request.processType, done: Promise.resolve(undefined as never) };
    entry.done = (async (): Promise<RunRecord> => {
      const id = await stores.history.reserveId();
      const now = this.options.now?.() ?? new Date();
      const record: RunRecord = {
        id,
        processType: request.processType,
        feed,
        collection,
        trigger: request.trigger,
        state: 'running',
        status: 'Running',
        detailedStatus: 'Processing events...',
        beginTimestamp: '',
        endTimeStamp: '',
        startedAt: now.toISOString(),
        counts: { received: 0, new: 0, duplicate: 0, updated: 0, uploaded: 0, saved: 0, failed: 0, quarantined: 0, skipped: 0 },
      };
      entry.record = record;
      let tracker: Tracker;
      try {
        tracker = await this.openTracker();
      } catch (e) {
        return this.failedBeforeStart(record, e);
      }
      let destination: MispDestination | undefined;
      try {
        if (request.processType === 'stixToMisp') destination = this.mispDestination();
      } catch (e) {
        return this.failedBeforeStart(record, e);
      }
      const outcomes = stores.history.outcomeLog(id, this.options.log.child('run'));
      const run = new Run(
        {
          config,
          tracker,
          cursors: stores.cursors,
          quarantine: stores.quarantine,
          ...(destination && { destination }),
          log: this.options.log.child('run'),
          onUpdate: (r) => this.publish(r),
          signal: abort.signal,
          ...(this.options.now && { now: this.options.now }),
          ...(this.options.transport && { transport: this.options.transport }),
          outcomes,
        },
        { processType: request.processType, collection, feed, ...(request.retryOnly && { retryOnly: request.retryOnly }) },
        record,
      );
      await stores.history.save(record).catch((e: unknown) => this.options.log.warn(`The run history could not be written: ${errorMessage(e)}`));
      this.publish(record);
      const finished = await run.execute();
      await this.refreshTrackerStats();
      await stores.history.save(finished).catch((e: unknown) => this.options.log.error(`The run history could not be written: ${errorMessage(e)}`));
      return finished;
    })().finally(() => {
      this.active.delete(key);
      this.aborts.delete(abort);
    });
    this.active.set(key, entry);
    this.aborts.add(abort);
    void entry.done.then((r) => this.publish(r)).catch(() => undefined);
    return entry.done;
  }

  private async failedBeforeStart(record: RunRecord, e: unknown): Promise<RunRecord> {
    const error = e instanceof FlareError ? e : new FlareError('internal', errorMessage(e));
    Object.assign(record, {
      state: 'failed',
      status: 'Failed',
      detailedStatus: `Error: ${error.message}`,
      error: { code: error.code, message: error.message, ...(error.hint !== undefined && { hint: error.hint }) },
      finishedAt: new Date().toISOString(),
      durationMs: 0,
      packages: [],
    } satisfies Partial<RunRecord>);
    this.options.log.error(`Processing events failed: ${error.message}${error.hint ? ` (${error.hint})` : ''}`, { runId: record.id });
    await this.stores?.history.save(record).catch(() => undefined);
    return record;
  }

  private publish(run: RunRecord): void {
    const { packages: _packages, ...summary } = run;
    this.options.onRun?.(structuredClone(summary));
  }

  listRuns(limit?: number): RunRecord[] {
    this.requireConfig();
    const listed = this.stores!.history.list(limit);
    // A run going on is shown with its live counts.
    return listed.map((r) => [...this.active.values()].find((a) => a.record?.id === r.id)?.record ?? r).map(({ packages: _p, ...rest }) => structuredClone(rest));
  }

  /** The finished run with its per-package outcomes, read from its outcome log (for a caller that asked for the run). */
  withPackages(run: RunRecord): RunRecord {
    return { ...run, packages: this.stores?.history.packagesOf(run.id) ?? [] };
  }

  /** A finished run's per-package outcomes, read as they are taken. */
  packageStream(id: number): AsyncIterable<RunPackageOutcome> {
    this.requireConfig();
    return this.stores!.history.packageStream(id);
  }

  getRun(id: number): RunRecord {
    this.requireConfig();
    const live = [...this.active.values()].find((a) => a.record?.id === id)?.record;
    if (live) return structuredClone(live);
    return this.stores!.history.get(id);
  }

  /** The last finished run of a process type (the scheduler's health, the dashboard). */
  lastRun(processType: ProcessType, predicate: (r: RunRecord) => boolean = () => true): RunRecord | undefined {
    return this.stores?.history.last((r) => r.processType === processType && r.state !== 'running' && predicate(r));
  }

  listQuarantine(): QuarantineEntry[] {
    this.requireConfig();
    return this.stores!.quarantine.list();
  }

  quarantineXml(packageId: string): string {
    this.requireConfig();
    const entries = this.stores!.quarantine.find(packageId);
    const entry = entries.find((e) => e.processType === 'stixToMisp') ?? entries[0];
    if (!entry) throw new FlareError('quarantine_not_found', `${packageId} is not in the quarantine.`, { hint: 'List the quarantine with flare-misp quarantine list.' });
    return this.stores!.quarantine.xml(entry.processType, entry.packageId);
  }

  /** Retries quarantined packages now, whatever their attempts: one run per process type concerned. */
  async retry(packageIds: string[] = []): Promise<RunRecord> {
    this.requireConfig();
    const entries = this.stores!.quarantine.list().filter((e) => packageIds.length === 0 || packageIds.includes(e.packageId));
    if (packageIds.length > 0) {
      const unknown = packageIds.filter((id) => !entries.some((e) => e.packageId === id));
      if (unknown.length) throw new FlareError('quarantine_not_found', `Not in the quarantine: ${unknown.join(', ')}.`, { hint: 'List the quarantine with flare-misp quarantine list.' });
    }
    const types = [...new Set(entries.map((e) => e.processType))].sort((a, b) => (a === 'stixToMisp' ? 1 : b === 'stixToMisp' ? -1 : 0));
    if (types.length === 0) throw new FlareError('quarantine_empty', 'The quarantine is empty: there is nothing to retry.');
    let last: RunRecord | undefined;
    for (const processType of types) {
      const ids = entries.filter((e) => e.processType === processType).map((e) => e.packageId);
      last = await this.start({ processType, trigger: 'retry', retryOnly: ids });
    }
    return last!;
  }

  trackerStats(): { file: string; bytes: number; records: number; packages: number } | undefined {
    return this.trackerStatsNow;
  }

  /** Refreshed when the tracker is opened and after every run. */
  private trackerStatsNow: { file: string; bytes: number; records: number; packages: number } | undefined;

  /** Refreshes the stats; answers why the tracker cannot be opened, when it cannot. */
  async refreshTrackerStats(): Promise<unknown> {
    try {
      const s = (await this.openTracker()).stats();
      this.trackerStatsNow = { file: s.file, bytes: s.bytes, records: s.records, packages: s.packages };
      return undefined;
    } catch (e) {
      this.trackerStatsNow = undefined;
      return e;
    }
  }

  /**
   * After a reload: the cursors of a feed whose start time (or poll URL) the new configuration changed are forgotten,
   * so its next run starts from mtc.start.time again. Answers the reset cursors' names.
   */
  async resetWindows(before: Config, after: Config): Promise<string[]> {
    if (!this.stores) return [];
    const startChanged = before.poll.startTime !== after.poll.startTime;
    if (!startChanged) return [];
    const feed = feedName(after.taxii);
    return this.stores.cursors.reset((key) => key.startsWith(`${feed}|`));
  }

  get quarantinedCount(): number {
    return this.stores?.quarantine.size ?? 0;
  }

  /**
   * Stops: no new run starts, running ones stop taking packages and finish what is in flight (each package tracked
   * or quarantined), within `graceMs`; then the tracker is closed.
   */
  async close(graceMs = 30_000): Promise<void> {
    this.closing = true;
    for (const a of this.aborts) a.abort();
    const running = Promise.all([...this.active.values()].map((a) => a.done.catch(() => undefined)));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([running, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    await this.tracker?.then((t) => t.close()).catch(() => undefined);
    this.tracker = undefined;
    await this.destination?.close();
    this.destination = undefined;
  }
}
