/**
 * One run: poll → per package: dedup → save or upload → track, with cursors and quarantine (DESIGN.md §5).
 *
 *   resource check ─ quarantined packages due for a retry ─ window (cursor − overlap, now] ─ poll part by part
 *     (the next part is fetched while this one is processed) ─ per package: tracker verdict → duplicate (nothing
 *     sent) | save XML / upload (bounded concurrency, an `uploading` intent tracked first) → track → or quarantine
 *   ─ every part received and every package tracked or quarantined → the cursor moves to the window's end.
 *
 * What stops a run (the feed or MISP unreachable, a refused key, a disk that cannot be written) fails it and leaves
 * the cursor where it was: the next run polls the same window again and dedup makes that free. What concerns one
 * package (unreadable XML, a conversion error, MISP refusing the event) quarantines that package and the run goes on.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { RunPackageOutcome, RunRecord } from '../../../shared/api';
import { BoundedRunner } from '../async/bounded';
import type { Config, ProcessType } from '../config/config';
import { errorMessage, FlareError, toApiError } from '../errors';
import { FileWriteError } from '../fs/atomic-write';
import { withContext, type LogContext, type Logger } from '../log/types';
import type { EventSettings } from '../misp/convert/event/index';
import { isStixError, readPackages, type ExtractedPackage } from '../stix/index';
import { pollOptionsFromConfig, taxiiTransportFromConfig } from '../taxii/from-config';
import { checkTaxiiHealth } from '../taxii/health';
import { countRecords, poll, type PolledBlock } from '../taxii/poll';
import type { TaxiiTransport } from '../taxii/transport';
import type { Tracker, TrackRecord } from '../tracker/index';
import { cursorKey, type CursorStore } from './cursors';
import type { MispDestination, UploadOutcome } from './destination';
import type { Quarantine } from './quarantine';
import { savePackageXml } from './xml-output';
import type { OutcomeLog } from './outcome-log';

/** Per-package outcomes kept in a run's record (the counts cover all). */
/** A first run over a longer window asks the server how much it holds before it starts. */
const ESTIMATE_AFTER_MS = 7 * 24 * 3600 * 1000;
/** How often progress is pushed to the UIs at most. */
const PROGRESS_EVERY_MS = 250;

/** MISP errors after which no other package can succeed either: the run stops instead of quarantining them all. */
const RUN_STOPPERS = new Set(['misp_config', 'misp_auth', 'misp_permission', 'misp_network', 'misp_proxy', 'misp_proxy_auth', 'misp_tls', 'misp_sharing_group', 'misp_not_configured']);

export interface RunContext {
  config: Config;
  tracker: Tracker;
  cursors: CursorStore;
  quarantine: Quarantine;
  /** The MISP destination (stixToMisp runs). */
  destination?: MispDestination;
  log: Logger;
  /** Progress and state changes of the run record (throttled). */
  onUpdate: (run: RunRecord) => void;
  signal?: AbortSignal;
  now?: () => Date;
  /** The transport to the feed (tests); default from the configuration. */
  transport?: TaxiiTransport;
  /** Where the per-package outcomes go (kept on disk, not in memory). */
  outcomes: OutcomeLog;
}

export interface RunRequest {
  processType: ProcessType;
  collection: string;
  feed: string;
  /** Only these quarantined packages, no poll (a retry asked for by a person). */
  retryOnly?: string[];
}

/** Where a package came from: a content block of this poll, or the quarantine. */
interface Source {
  xml: string;
  fromQuarantine: boolean;
}

class RunStopped extends Error {}

export class Run {
  private readonly log: Logger;
  /** Every line of the run, the TAXII and MISP clients' too, carries the run id and the feed. */
  private readonly logContext: LogContext;
  private readonly runner: BoundedRunner;
  private readonly inFlight = new Map<string, Promise<void>>();
  /**
   * Event uuids claimed by uploads whose "uploading" record is not written yet, by package id (two ids that derive
   * one uuid must not fight). Once written, the tracker's uuid index answers, so this holds only the uploads in
   * flight, not every package of a long run.
   */
  private readonly uuidsClaimed = new Map<string, string>();
  /** Packages (id and hash) that failed in this run: a second copy (the feed's, after the quarantine's) waits. */
  private readonly failedInRun = new Set<string>();
  private settings: EventSettings | undefined;
  private lastPush = 0;
  private readonly warnings = new Set<string>();

  constructor(
    private readonly ctx: RunContext,
    private readonly request: RunRequest,
    readonly record: RunRecord,
  ) {
    this.logContext = { runId: record.id, feed: request.feed };
    this.log = withContext(ctx.log, () => this.logContext);
    this.runner = new BoundedRunner(request.processType === 'stixToMisp' ? Math.max(1, ctx.config.misp.concurrency) : 8);
  }

  private now(): Date {
    return this.ctx.now?.() ?? new Date();
  }

  /** Runs to the end; never throws — a failure is the record's state. */
  async execute(): Promise<RunRecord> {
    const run = this.record;
    const started = Date.now();
    this.log.info('Processing events...');
    try {
      if (this.request.retryOnly) {
        await this.checkMisp();
        await this.retryQuarantined(this.request.retryOnly);
        await this.runner.drain();
      } else {
        await this.checkResources();
        await this.retryQuarantined();
        await this.pollWindow();
      }
      const troubled = run.counts.failed + run.counts.quarantined > 0;
      run.state = troubled || this.warnings.size > 0 ? 'partial' : 'success';
      run.status = 'Success';
      run.detailedStatus = run.state === 'success' ? 'Completed successfully' : 'Completed with warnings';
    } catch (e) {
      await this.runner.settle();
      const error = toApiError(e instanceof RunStopped ? (e.cause ?? e) : e);
      run.state = 'failed';
      run.status = 'Failed';
      if (!run.detailedStatus.startsWith('Error:')) run.detailedStatus = `Error: ${error.message}`;
      run.error = error;
      this.log.error(`Processing events failed: ${error.message}${error.hint ? ` (${error.hint})` : ''}`);
    }
    run.finishedAt = this.now().toISOString();
    run.durationMs = Date.now() - started;
    const { outcomes } = this.ctx;
    await outcomes.flush();
    if (outcomes.problem) this.warnings.add(`The per-package list is incomplete: ${outcomes.problem}.`);
    if (this.warnings.size) run.warnings = [...this.warnings];
    if (outcomes.omitted) run.packagesOmitted = outcomes.omitted;
    delete run.progress;
    this.log.info(`Processing events: ${run.status}`);
    this.log.info(JSON.stringify(oldRunJson(run)));
    return run;
  }

  // ── resources ────────────────────────────────────────────────────────────────────────────────────────

  /** The old service's "Resource Check": the feed (and MISP, for uploads) must answer before anything is polled. */
  private async checkResources(): Promise<void> {
    const { taxii } = this.ctx.config;
    if (!taxii.configured) this.resourceFailure(new FlareError('taxii_not_configured', 'The TAXII feed is not configured.', { hint: 'Set stixtransclient.poll.baseurl and stixtransclient.source.collection.' }));
    const health = await checkTaxiiHealth({ ...taxii, collection: this.request.collection }, { logger: this.log });
    if (!health.ok) this.resourceFailure(new FlareError('taxii_unhealthy', `The TAXII health check failed: ${health.reason ?? 'no answer'}.`, health.hint ? { hint: health.hint } : {}));
    this.log.info('TAXII health check passed.');
    await this.checkMisp();
  }

  private async checkMisp(): Promise<void> {
    if (this.request.processType !== 'stixToMisp') return;
    const destination = this.ctx.destination;
    destination?.useFor(this.logContext);
    if (!destination?.client) {
      this.resourceFailure(new FlareError('misp_not_configured', 'The MISP server is not configured.', { hint: 'Set flare.misp.url (the MISP root URL) and misp.authorization.key (or FLARE_MISP_KEY).' }));
    }
    const health = await destination.client.checkMispStatus();
    if (!health.ok) this.resourceFailure(new FlareError(health.errorCode ?? 'misp_unhealthy', `The MISP health check failed: ${health.message}`, health.hint ? { hint: health.hint } : {}));
    this.log.info('Misp health check passed.');
    try {
      this.settings = await destination.settings();
    } catch (e) {
      this.resourceFailure(e);
    }
  }

  private resourceFailure(e: unknown): never {
    this.record.detailedStatus = 'Error: Resource Check failed';
    throw e;
  }

  // ── the quarantine first ────────────────────────────────────────────────────────────────────────────

  private async retryQuarantined(only?: string[]): Promise<void> {
    const { quarantine } = this.ctx;
    const { processType, collection } = this.request;
    const due = only
      ? quarantine.list().filter((e) => e.processType === processType && (only.length === 0 || only.includes(e.packageId)))
      : quarantine.dueForRetry(processType, collection);
    if (due.length === 0) return;
    this.log.info(`Retrying ${due.length} quarantined package${due.length === 1 ? '' : 's'} first`);
    for (const entry of due) {
      let xml: string;
      try {
        xml = quarantine.xml(entry.processType, entry.packageId);
      } catch (e) {
        this.log.warn(`The quarantined XML of ${entry.packageId} cannot be read (${errorMessage(e)}); it stays in the quarantine.`);
        continue;
      }
      await this.takeContent(xml, { xml, fromQuarantine: true }, entry.packageId);
    }
  }

  // ── the window ───────────────────────────────────────────────────────────────────────────────────────

  private window(): { begin: string; end: string; first: boolean } {
    const { config } = this.ctx;
    const { feed, collection, processType } = this.request;
    const cursor = this.ctx.cursors.get(cursorKey(feed, collection, processType));
    const end = this.now();
    if (cursor) {
      const begin = new Date(Date.parse(cursor.end) - config.poll.overlapMinutes * 60_000);
      return { begin: begin.toISOString(), end: end.toISOString(), first: false };
    }
    // The Python-era service kept its cursor in config.properties: honoured until our first completed run.
    const legacy = config.legacyCursors[`${collection}.${processType}`];
    const begin = legacy && !Number.isNaN(Date.parse(legacy)) ? new Date(legacy) : new Date(config.poll.startTime);
    if (legacy) this.log.info(`Starting from the old service's cursor for ${collection}/${processType}: ${legacy}`);
    return { begin: begin.toISOString(), end: end.toISOString(), first: true };
  }

  private async pollWindow(): Promise<void> {
    const { config } = this.ctx;
    const { collection, processType, feed } = this.request;
    const window = this.window();
    this.record.beginTimestamp = window.begin;
    this.record.endTimeStamp = window.end;
    if (Date.parse(window.begin) >= Date.parse(window.end)) {
      this.warn(`The window (${window.begin}, ${window.end}] is empty (the cursor is not in the past); nothing was polled.`);
      return;
    }
    if (processType === 'xmlOutput') await this.outFolder();
    const transport = this.ctx.transport ?? taxiiTransportFromConfig(config.taxii, { logger: this.log });
    try {
      const options = pollOptionsFromConfig(config.taxii, transport, {
        logger: this.log,
        prefetch: true,
        ...(this.ctx.signal && { signal: this.ctx.signal }),
        onProgress: (p) => {
          if (p.type !== 'part') return;
          const progress = this.progress();
          progress.part = p.partNumber;
          if (p.recordCount) progress.recordCount = p.recordCount.count;
          this.push(true);
        },
      });
      if (window.first && Date.parse(window.end) - Date.parse(window.begin) > ESTIMATE_AFTER_MS) {
        const count = await countRecords(collection, window, options).catch((e: unknown) => {
          this.log.warn(`The server could not say how much the window holds (${errorMessage(e)}); polling anyway.`);
          return undefined;
        });
        if (count) {
          this.record.estimate = count.count;
          const days = Math.round((Date.parse(window.end) - Date.parse(window.begin)) / 86_400_000);
          this.log.info(`First run over ${days} days: the server holds ${count.partial ? 'at least ' : 'about '}${count.count} content blocks in the window.`);
          this.push(true);
        }
      }
      const stream = poll(collection, window, options);
      for await (const block of stream) {
        this.progress().blocks++;
        await this.takeBlock(block);
        if (this.ctx.signal?.aborted) throw new FlareError('run_stopped', 'The run was stopped before its window was complete.', { hint: 'The next run polls the same window again; nothing is uploaded twice.' });
      }
      await this.runner.drain();
      if (!stream.summary.complete) throw new FlareError('taxii_incomplete', 'The poll ended before the server sent its last part.');
      const end = stream.summary.inclusiveEndTimestamp ?? stream.summary.requested.end ?? window.end;
      await this.ctx.cursors.set(cursorKey(feed, collection, processType), { end, runId: this.record.id, updatedAt: this.now().toISOString() });
      this.log.info(`Window (${window.begin}, ${end}] complete: the next run continues from ${end}`);
    } finally {
      await this.runner.settle();
      if (!this.ctx.transport) transport.close?.();
    }
  }

  private async outFolder(): Promise<void> {
    try {
      await mkdir(this.ctx.config.poll.outDir, { recursive: true });
    } catch (e) {
      throw new FileWriteError(this.ctx.config.poll.outDir, e);
    }
  }

  // ── blocks and packages ─────────────────────────────────────────────────────────────────────────────

  private async takeBlock(block: PolledBlock): Promise<void> {
    const c = block.content;
    if (c.kind === 'xml') {
      for (const doc of c.documents) await this.takeContent(doc, { xml: doc, fromQuarantine: false });
    } else if (c.kind === 'text') {
      // Escaped STIX inside a text Content (some servers): the reader unwraps it.
      await this.takeContent(c.text, { xml: c.text, fromQuarantine: false });
    } else {
      await this.takeContent(c.raw, { xml: c.raw, fromQuarantine: false });
    }
  }

  /** Reads the packages of one document; an unreadable one is quarantined under the best id it shows. */
  private async takeContent(content: string, source: Source, quarantinedAs?: string): Promise<void> {
    let packages: ExtractedPackage[];
    try {
      packages = readPackages(content, { logger: this.log });
    } catch (e) {
      if (!isStixError(e)) throw e;
      const id = quarantinedAs ?? guessPackageId(content);
      this.count('received');
      await this.quarantineFailure(id, undefined, undefined, source, e, `The content block cannot be read as STIX: ${e.message}`);
      return;
    }
    if (packages.length === 0) {
      this.count('skipped');
      this.warn('A content block held no STIX package; it was skipped.');
      return;
    }
    for (const pkg of packages) await this.takePackage(pkg, source, quarantinedAs);
  }

  private async takePackage(pkg: ExtractedPackage, source: Source, quarantinedAs?: string): Promise<void> {
    const packageId = pkg.id ?? quarantinedAs ?? `no-id:${pkg.hash.slice(0, 32)}`;
    if (pkg.id === undefined && !quarantinedAs) this.warn(`A package without an id was tracked by its content hash (${packageId}).`);
    this.count('received');
    // The same package twice in one run (overlapping parts, a re-delivery): the second waits for the first.
    while (this.inFlight.has(packageId)) await this.inFlight.get(packageId);
    const { processType } = this.request;
    const verdict = this.ctx.tracker.verdict(processType, packageId, pkg.hash);
    const quarantined = this.ctx.quarantine.get(processType, packageId);
    if (verdict.kind === 'done') {
      this.count('duplicate');
      if (quarantined) this.ctx.quarantine.release(processType, packageId);
      this.listPackage({ packageId, outcome: 'duplicate', ...eventOf(verdict.state.done) });
      return;
    }
    if (!source.fromQuarantine && quarantined?.waitingForPerson && (quarantined.contentHash === undefined || quarantined.contentHash === pkg.hash)) {
      this.count('skipped');
      this.listPackage({ packageId, outcome: 'skipped', reason: 'in the quarantine, waiting for a person (Retry)' });
      return;
    }
    if (this.failedInRun.has(`${packageId}|${pkg.hash}`)) {
      this.count('skipped');
      this.listPackage({ packageId, outcome: 'skipped', reason: 'failed earlier in this run; in the quarantine' });
      return;
    }
    if (verdict.kind === 'in-flight') this.log.info(`${packageId} was left uploading by a stopped run: looking its event up in MISP before anything is sent`);
    const changed = verdict.kind === 'changed';
    this.count(changed ? 'updated' : 'new');
    // Registered before the task can start, so a later copy of this id always finds it (and its end).
    this.inFlight.set(packageId, this.whenSettled(packageId));
    try {
      await this.runner.submit(() => (processType === 'xmlOutput' ? this.save(pkg, packageId, source, changed) : this.upload(pkg, packageId, source, changed)));
    } catch (e) {
      this.finishers.get(packageId)?.();
      throw new RunStopped('stopped', { cause: e });
    }
  }

  /** A promise that resolves when the task of this package is done. */
  private whenSettled(packageId: string): Promise<void> {
    return new Promise<void>((resolve) => {
      this.finishers.set(packageId, () => {
        this.inFlight.delete(packageId);
        this.finishers.delete(packageId);
        resolve();
      });
    });
  }

  private readonly finishers = new Map<string, () => void>();

  private finish(packageId: string): void {
    this.finishers.get(packageId)?.();
    this.progress().packages++;
    this.push(false);
  }

  private base(pkg: ExtractedPackage, packageId: string): Omit<TrackRecord, 'outcome'> {
    return {
      packageId,
      contentHash: pkg.hash,
      feed: this.request.feed,
      collection: this.request.collection,
      processType: this.request.processType,
      runId: this.record.id,
      ...(pkg.timestamp !== undefined && { packageTimestamp: pkg.timestamp }),
    };
  }

  private async save(pkg: ExtractedPackage, packageId: string, source: Source, changed: boolean): Promise<void> {
    try {
      const saved = await savePackageXml(this.ctx.config.poll.outDir, packageId, pkg.xml);
      await this.ctx.tracker.append({ ...this.base(pkg, packageId), outcome: 'saved', file: saved.file });
      this.count('saved');
      this.progress().uploadsDone++;
      if (source.fromQuarantine || this.ctx.quarantine.get('xmlOutput', packageId)) this.ctx.quarantine.release('xmlOutput', packageId);
      this.listPackage({ packageId, outcome: changed ? 'updated' : 'saved', file: saved.file, ...(saved.how === 'version' && { reason: 'another version was already saved; kept beside it' }) });
    } finally {
      this.finish(packageId);
    }
  }

  private async upload(pkg: ExtractedPackage, packageId: string, source: Source, changed: boolean): Promise<void> {
    const destination = this.ctx.destination!;
    const { tracker } = this.ctx;
    const base = this.base(pkg, packageId);
    try {
      let result: UploadOutcome;
      const settings = this.settings ?? (this.settings = await destination.settings());
      if (this.ctx.config.misp.mode === 'native') {
        const built = destination.build(pkg, settings);
        const uuid = built.event.uuid;
        const rival = this.rivalFor(uuid, packageId);
        if (rival !== undefined) {
          await this.quarantineFailure(packageId, pkg, base, source, new FlareError('event_uuid_collision', `${packageId} would become the same MISP event (${uuid}) as ${rival}: their ids end in the same UUID.`, { hint: 'The feed gives two packages one UUID; ask its provider which is right. The first one stays in MISP; this one waits here.' }));
          return;
        }
        this.uuidsClaimed.set(uuid, packageId);
        try {
          await tracker.append({ ...base, outcome: 'uploading', mispEventUuid: uuid });
        } finally {
          this.uuidsClaimed.delete(uuid);
        }
        result = await destination.upsert(built);
      } else {
        await tracker.append({ ...base, outcome: 'uploading' });
        result = await destination.uploadStix(pkg, packageId, settings);
      }
      const outcome = result.outcome === 'created' ? 'uploaded' : result.outcome === 'updated' ? 'updated' : 'duplicate';
      await tracker.append({
        ...base,
        outcome,
        published: result.published,
        ...(result.eventId !== undefined && { mispEventId: result.eventId }),
        ...(result.eventUuid !== undefined && { mispEventUuid: result.eventUuid }),
      });
      if (result.outcome !== 'duplicate') this.count('uploaded');
      else {
        // MISP already held exactly this (an earlier run uploaded it but could not record it): a duplicate after all.
        this.record.counts[changed ? 'updated' : 'new']--;
        this.count('duplicate');
      }
      this.progress().uploadsDone++;
      if (source.fromQuarantine || this.ctx.quarantine.get('stixToMisp', packageId)) this.ctx.quarantine.release('stixToMisp', packageId);
      for (const w of result.warnings) this.log.warn(`${packageId}: ${w}`);
      this.listPackage({
        packageId,
        outcome: result.outcome === 'duplicate' ? 'duplicate' : changed || result.outcome === 'updated' ? 'updated' : 'uploaded',
        ...(result.eventId !== undefined && { mispEventId: result.eventId }),
        ...(result.eventUuid !== undefined && { mispEventUuid: result.eventUuid }),
      });
    } catch (e) {
      if (!(e instanceof FlareError) || RUN_STOPPERS.has(e.code) || e.code.startsWith('tracker_') || e.code === 'fs_write_failed') throw e;
      await this.quarantineFailure(packageId, pkg, base, source, e);
    } finally {
      this.finish(packageId);
    }
  }

  /** Another package that already owns (or owns in this run) the MISP event uuid this one would get. */
  private rivalFor(uuid: string, packageId: string): string | undefined {
    const claimed = this.uuidsClaimed.get(uuid);
    if (claimed !== undefined && claimed !== packageId) return claimed;
    return this.ctx.tracker.packagesForEventUuid(uuid).find((p) => p !== packageId);
  }

  /** Keeps a failed package with its XML and the reason; the run goes on. */
  private async quarantineFailure(packageId: string, pkg: ExtractedPackage | undefined, base: Omit<TrackRecord, 'outcome'> | undefined, source: Source, e: unknown, sentence?: string): Promise<void> {
    const error = toApiError(e);
    const reason = sentence ?? error.message;
    const { processType, collection, feed } = this.request;
    const entry = await this.ctx.quarantine.put(
      {
        packageId,
        processType,
        feed,
        collection,
        code: error.code,
        reason,
        ...(error.hint !== undefined && { hint: error.hint }),
        ...(pkg && { contentHash: pkg.hash }),
        ...(pkg?.timestamp !== undefined && { packageTimestamp: pkg.timestamp }),
        runId: this.record.id,
      },
      source.fromQuarantine ? undefined : source.xml,
    );
    await this.ctx.tracker.append({
      ...(base ?? { packageId, feed, collection, processType, runId: this.record.id }),
      outcome: 'quarantined',
      errorCode: error.code,
      errorText: reason,
    });
    this.failedInRun.add(`${packageId}|${pkg?.hash ?? ''}`);
    this.count('failed');
    this.count('quarantined');
    this.log.warn(`${packageId} quarantined (attempt ${entry.attempts}${entry.waitingForPerson ? ', now waiting for a person' : ''}): ${reason}${error.hint ? ` (${error.hint})` : ''}`);
    this.listPackage({ packageId, outcome: 'quarantined', reason });
  }

  // ── bookkeeping ─────────────────────────────────────────────────────────────────────────────────────

  private count(what: keyof RunRecord['counts']): void {
    this.record.counts[what]++;
  }

  private warn(sentence: string): void {
    if (!this.warnings.has(sentence)) this.log.warn(sentence);
    this.warnings.add(sentence);
  }

  private listPackage(outcome: RunPackageOutcome): void {
    this.ctx.outcomes.add(outcome);
  }

  private progress(): NonNullable<RunRecord['progress']> {
    return (this.record.progress ??= { part: 0, blocks: 0, packages: 0, uploadsDone: 0 });
  }

  private push(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastPush < PROGRESS_EVERY_MS) return;
    this.lastPush = now;
    this.ctx.onUpdate(this.record);
  }
}

function eventOf(record: TrackRecord | undefined): Pick<RunPackageOutcome, 'mispEventId' | 'mispEventUuid' | 'file'> {
  if (!record) return {};
  return {
    ...(record.mispEventId !== undefined && { mispEventId: record.mispEventId }),
    ...(record.mispEventUuid !== undefined && { mispEventUuid: record.mispEventUuid }),
    ...(record.file !== undefined && { file: record.file }),
  };
}

/** The package id an unreadable block shows (the first STIX_Package id attribute), else one from its bytes. */
function guessPackageId(content: string): string {
  const m = /<(?:[A-Za-z_][\w.-]*:)?STIX_Package\b[^>]*?\sid\s*=\s*["']([^"'<>]{1,300})["']/.exec(content.slice(0, 64 * 1024));
  if (m?.[1]) return m[1];
  return `unreadable:${createHash('sha256').update(content).digest('hex').slice(0, 32)}`;
}

/** The old `/misptransclient` answer: these fields, these names (`endTimeStamp` sic). */
export function oldRunJson(run: RunRecord): Record<string, unknown> {
  return {
    id: run.id,
    status: run.status,
    detailedStatus: run.detailedStatus,
    processType: run.processType,
    collection: run.collection,
    beginTimestamp: run.beginTimestamp,
    endTimeStamp: run.endTimeStamp,
  };
}
