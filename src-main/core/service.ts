/**
 * FlareService: the one object that implements AdminApi over the engine's modules. Electron IPC and the
 * headless HTTP API are thin, generic adapters over it; the CLI goes through it too. It composes the modules —
 * configuration, log, runs (pipeline/), schedule (scheduler/), MISP destination — and grows none of them.
 */
import type {
  AdminApi,
  AdminEventName,
  AdminEvents,
  ConfigView,
  DemoInfo,
  HealthResult,
  JobInfo,
  LogEntry,
  LogLevel,
  PreviewBytes,
  PreviewCoverage,
  PreviewReportEntry,
  PreviewResult,
  ProcessType,
  Profile,
  QuarantineItem,
  RefreshResult,
  RunPackageOutcome,
  RunRecord,
  SaveConfigResult,
  ServiceStatus,
} from '../../shared/api';
import { ConfigError, ConfigStore, configView, formatIssue, secretValues, type LoadedConfig, type SecretCodec } from './config/index';
import { FlareError, errorMessage } from './errors';
import { LogHub, fileSink, levelFromConfig, type LogSink } from './log/index';
import { mispHealthResult } from './misp/client/health';
import { Runs, type RunsOptions } from './pipeline/runs';
import { jobSpecs } from './scheduler/jobs';
import { Scheduler } from './scheduler/scheduler';
import { checkTaxiiHealth } from './taxii/health';
import { isStixError, readPackages } from './stix/index';
import { buildEvent, summarizeReport } from './misp/convert/event/index';
import type { Logger } from './log/types';
import { preferCompactHeap } from './runtime/heap';

export interface ServiceOptions {
  configDir: string;
  /** Why this config folder was chosen (logged at start-up). */
  configDirReason?: string;
  mode: 'desktop' | 'headless';
  version: string;
  env?: NodeJS.ProcessEnv;
  /** The log hub to write to; the service adds the rotating file from the configuration. */
  hub?: LogHub;
  /** The log level the caller chose (a CLI command's); otherwise logging.level.root decides. */
  logLevel?: LogLevel;
  /** How secrets are saved and read back (the desktop app: the OS keychain); headless leaves it out. */
  secrets?: SecretCodec;
  /** How the runs reach their peers and disks (tests inject faults; production leaves it out). */
  runs?: Pick<RunsOptions, 'trackerFs' | 'transport' | 'now'>;
  /** This service runs on the demo profile, against these simulators (shown by status and the UI). */
  demo?: DemoInfo;
  /** How the host changes profile (the desktop app restarts); without it switchProfile is not available. */
  switchProfile?: (profile: Profile) => Promise<string>;
}

type Listener<E extends AdminEventName> = (payload: AdminEvents[E]) => void;

export class FlareService implements AdminApi {
  readonly hub: LogHub;
  private readonly log: Logger;
  private store: ConfigStore | undefined;
  private configError: FlareError | undefined;
  private readonly startedAt = new Date().toISOString();
  private readonly listeners = new Map<AdminEventName, Set<Listener<AdminEventName>>>();
  private fileLog: { file: string; remove: () => Promise<void> } | undefined;
  private readonly unsubscribeLog: () => void;
  /** Runs, their history, the quarantine and the tracker. */
  readonly runs: Runs;
  private readonly scheduler: Scheduler;

  constructor(private readonly options: ServiceOptions) {
    this.hub = options.hub ?? new LogHub();
    this.log = this.hub.logger('service');
    this.unsubscribeLog = this.hub.subscribe((e) => this.emit('log', e));
    this.runs = new Runs({
      ...options.runs,
      log: this.hub.logger(),
      onRun: (run) => {
        this.emit('run', run);
        if (run.state !== 'running') this.emit('status', this.statusNow());
      },
    });
    this.scheduler = new Scheduler({
      run: (job) => this.runs.start({ processType: job.processType, collection: job.collection, trigger: 'scheduled' }),
      isRunning: (processType) => this.runs.isRunning(processType),
      lastRun: (processType) => this.runs.lastRun(processType),
      log: this.hub.logger('scheduler'),
      onChange: (jobs) => this.emit('jobs', jobs),
    });
  }

  /**
   * Starts the recurring runs of the configuration (the headless service and the desktop app do; one-shot CLI
   * commands do not). Without a configured feed (or MISP, for stixToMisp) there is nothing to schedule yet.
   */
  startScheduler(): string {
    const specs = this.store ? jobSpecs(this.store.current.config) : [];
    if (specs.length === 0) {
      this.log.info('Nothing is scheduled yet: configure the TAXII feed (and MISP, for stixToMisp) first.');
      this.scheduler.stop();
      return 'Nothing to schedule: the TAXII feed (or MISP) is not configured.';
    }
    this.scheduler.start(specs);
    // The tracker is opened now, so that a second FLARE MISP on the same file is named at once, not at the first run.
    void this.runs.refreshTrackerStats().then((problem) => {
      if (problem !== undefined) this.log.error(`${errorMessage(problem)}${problem instanceof FlareError && problem.hint ? ` (${problem.hint})` : ''} Runs fail until the tracker can be opened.`);
      this.emit('status', this.statusNow());
    });
    return 'Quartz Scheduler Started.';
  }

  /** Loads the configuration and starts what it configures. A bad configuration is reported, not fatal. */
  start(): void {
    preferCompactHeap();
    this.log.info(`FLARE MISP ${this.options.version} (${this.options.mode}) starting; config folder ${this.options.configDir}${this.options.configDirReason ? ` (from ${this.options.configDirReason})` : ''}`);
    try {
      this.store = new ConfigStore(this.options.configDir, this.options.env ?? process.env, this.options.secrets);
      this.configError = undefined;
      this.applyConfig(this.store.current);
    } catch (e) {
      this.configError = e instanceof FlareError ? e : new FlareError('config_invalid', errorMessage(e));
      this.log.error(this.configError.message);
    }
    this.emit('status', this.statusNow());
  }

  /** Stops: running runs reach a safe point (every package in flight tracked) within `graceMs`, then the tracker closes. */
  async close(graceMs?: number): Promise<void> {
    this.scheduler.stop();
    await this.runs.close(graceMs);
    this.unsubscribeLog();
    await this.fileLog?.remove();
    this.fileLog = undefined;
  }

  on<E extends AdminEventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<AdminEventName>);
    return () => set!.delete(listener as Listener<AdminEventName>);
  }

  private emit<E extends AdminEventName>(event: E, payload: AdminEvents[E]): void {
    for (const l of this.listeners.get(event) ?? []) {
      try {
        l(payload);
      } catch (e) {
        if (event !== 'log') this.log.warn(`A ${event} listener failed: ${errorMessage(e)}`);
      }
    }
  }

  /** The loaded configuration, or the reason there is none. */
  get loaded(): LoadedConfig {
    if (!this.store) throw this.configError ?? new FlareError('config_invalid', 'The configuration is not loaded.');
    return this.store.current;
  }

  private applyConfig(loaded: LoadedConfig): void {
    const { config } = loaded;
    this.hub.redactor.setSecrets(secretValues(loaded));
    this.hub.setLevel(this.options.logLevel ?? levelFromConfig(config.log.level));
    void this.useLogFile(config.log.file, config.log.maxSizeBytes, config.log.maxFiles);
    for (const w of loaded.warnings) this.log.warn(`config: ${w.file ? `${w.file}${w.line ? `:${w.line}` : ''}: ` : ''}${w.key ? `${w.key}: ` : ''}${w.message}`);
    if (!config.taxii.configured) this.log.info('TAXII feed not configured: set stixtransclient.poll.baseurl and stixtransclient.source.collection');
    if (!config.misp.configured) this.log.info('MISP not configured: set flare.misp.url and misp.authorization.key');
    this.runs.configure(config);
  }

  private async useLogFile(file: string | undefined, maxSizeBytes: number, keep: number): Promise<void> {
    if (this.fileLog?.file === file) return;
    await this.fileLog?.remove();
    this.fileLog = undefined;
    if (!file) return;
    try {
      const sink: LogSink = fileSink({ file, maxSizeBytes, keep });
      this.fileLog = { file, remove: this.hub.addSink(sink) };
    } catch (e) {
      this.log.error(`Cannot write the log file ${file}: ${errorMessage(e)}`);
    }
  }

  private statusNow(): ServiceStatus {
    const status: ServiceStatus = {
      version: this.options.version,
      mode: this.options.mode,
      startedAt: this.startedAt,
      configDir: this.options.configDir,
      taxiiConfigured: this.store?.current.config.taxii.configured ?? false,
      mispConfigured: this.store?.current.config.misp.configured ?? false,
      schedulerRunning: this.scheduler.isStarted && !this.scheduler.isPaused,
      activeRuns: this.runs.activeCount,
      quarantined: this.runs.quarantinedCount,
      canSwitchProfile: !!this.options.switchProfile,
    };
    if (this.options.demo) status.demo = this.options.demo;
    const tracker = this.runs.trackerStats();
    if (tracker) status.tracker = tracker;
    if (this.configError) {
      status.configError = { code: this.configError.code, message: this.configError.message, ...(this.configError.hint && { hint: this.configError.hint }) };
    }
    return status;
  }

  // ── AdminApi ──────────────────────────────────────────────────────────────────────────────────────────

  async status(): Promise<ServiceStatus> {
    return this.statusNow();
  }

  async getConfig(): Promise<ConfigView> {
    return configView(this.loaded);
  }

  /**
   * The old service's five steps, each really done: stop the jobs, stop the scheduler, reload the files, forget the
   * cursors whose start the configuration changed, start the scheduler again (with the previous configuration when
   * the new one does not load). Each step says what it did.
   */
  async refreshConfig(): Promise<RefreshResult> {
    const wasScheduled = this.scheduler.isStarted;
    const before = this.store?.current.config;
    const steps: Record<string, string> = { Controller: '/refreshConfig:' };
    this.log.info('Reloading the configuration');
    const jobs = this.scheduler.list().length;
    this.scheduler.stop();
    steps['Step 1 of 5'] = `Attempt to STOP Quartz Jobs... ${jobs ? `${jobs} job${jobs === 1 ? '' : 's'} stopped.` : 'no job was scheduled.'}`;
    steps['Step 2 of 5'] = `Attempt to STOP Quartz Scheduler... ${wasScheduled ? 'stopped.' : 'it was not running.'}`;
    let result: RefreshResult;
    try {
      let changed: string[];
      if (this.store) {
        changed = this.store.reload().changed;
      } else {
        this.store = new ConfigStore(this.options.configDir, this.options.env ?? process.env, this.options.secrets);
        changed = ['(configuration loaded)'];
      }
      this.configError = undefined;
      this.applyConfig(this.store.current);
      steps['Step 3 of 5'] = `Attempt to reload Configuration Properties... ${changed.length ? `done: ${changed.join(', ')} changed.` : 'done: nothing changed.'}`;
      this.log.info(`Configuration reloaded: ${changed.length ? `${changed.join(', ')} changed` : 'nothing changed'}`);
      const reset = before ? await this.runs.resetWindows(before, this.store.current.config) : [];
      steps['Step 4 of 5'] = `Reset Begin/End TimeStamps. Will be initialized via Configuration Properties... ${reset.length ? `${reset.join(', ')} will start again from mtc.start.time.` : 'no window changed.'}`;
      result = { steps, changed, ok: true, errors: [] };
    } catch (e) {
      const message = errorMessage(e);
      steps['Step 3 of 5'] = `Attempt to reload Configuration Properties... failed: ${message}`;
      steps['Step 4 of 5'] = 'Reset Begin/End TimeStamps. Will be initialized via Configuration Properties... skipped: the previous configuration stays in force.';
      this.log.error(`Configuration reload failed; the previous configuration stays in force. ${message}`);
      const errors = e instanceof ConfigError ? e.issues.filter((i) => i.severity === 'error').map(formatIssue) : [message];
      result = { steps, changed: [], ok: false, errors };
    }
    if (wasScheduled) steps['Step 5 of 5'] = `Attempt to ReSTART the Quartz Scheduler... ${this.startScheduler()}`;
    else steps['Step 5 of 5'] = 'Attempt to ReSTART the Quartz Scheduler... not started: it was not running before.';
    this.emit('status', this.statusNow());
    return result;
  }

  async saveConfig(changes: Record<string, string | null>): Promise<SaveConfigResult> {
    if (!this.store) throw this.configError ?? new FlareError('config_invalid', 'The configuration is not loaded.');
    const { changed } = this.store.save(changes);
    this.applyConfig(this.store.current);
    this.log.info(`Configuration saved: ${changed.length ? changed.join(', ') : 'nothing changed'}`);
    this.emit('status', this.statusNow());
    return { changed, view: configView(this.store.current) };
  }

  async recentLog(limit = 200): Promise<LogEntry[]> {
    return this.hub.recent(limit);
  }

  async switchProfile(profile: Profile): Promise<string> {
    if (!this.options.switchProfile) {
      throw new FlareError('not_available', 'Switching to the demo profile is a feature of the desktop app.', {
        hint: this.options.demo ? 'This is the demo already: Ctrl-C in its terminal stops it.' : 'To try FLARE MISP on built-in TAXII and MISP servers, run `flare-misp demo` (or `npm run demo` in a checkout).',
      });
    }
    this.log.info(profile === 'demo' ? 'Switching to the demo profile (built-in TAXII and MISP simulators)' : 'Leaving the demo profile for the real configuration');
    return this.options.switchProfile(profile);
  }

  async checkTaxiiStatus(): Promise<HealthResult> {
    const { taxii } = this.loaded.config;
    if (!taxii.configured) {
      return notConfigured('FLARE/TAXII', taxii.pollUrl ?? '', 'The TAXII feed is not configured.', 'Set stixtransclient.poll.baseurl (the poll service URL) and stixtransclient.source.collection.');
    }
    const result = await checkTaxiiHealth(taxii, { logger: this.hub.logger() });
    this.log[result.ok ? 'info' : 'warn'](`TAXII health check: ${result.ok ? 'healthy' : 'failing'} — ${result.reason ?? ''}${result.ok || !result.hint ? '' : ` (${result.hint})`}`);
    return result;
  }

  async checkMispStatus(): Promise<HealthResult> {
    const { misp } = this.loaded.config;
    if (!misp.configured) {
      return notConfigured('Misp', misp.url ?? '', 'The MISP server is not configured.', 'Set flare.misp.url (the MISP root URL) and misp.authorization.key (or FLARE_MISP_KEY).');
    }
    const started = Date.now();
    const client = this.runs.mispDestination().client!;
    const result = mispHealthResult(await client.checkMispStatus(), Date.now() - started);
    this.log[result.ok ? 'info' : 'warn'](`MISP health check: ${result.ok ? 'healthy' : 'failing'} — ${result.reason}`);
    return result;
  }

  /** One run now (manual); while one of this process type runs, that one is answered. Resolves when it ends. */
  async poll(processType: ProcessType, collection?: string): Promise<RunRecord> {
    return this.runs.withPackages(await this.pollSummary(processType, collection));
  }

  /**
   * poll, answered without the per-package list: a caller that prints a run of many packages streams the list
   * (packageStream) instead of holding it whole.
   */
  async pollSummary(processType: ProcessType, collection?: string): Promise<RunRecord> {
    this.loaded; // a configuration that did not load is the answer
    return this.runs.start({ processType, trigger: 'manual', ...(collection ? { collection } : {}) });
  }

  /** A finished run's per-package outcomes, one by one as they are read. */
  packageStream(runId: number): AsyncIterable<RunPackageOutcome> {
    return this.runs.packageStream(runId);
  }

  async listJobs(): Promise<JobInfo[]> {
    return this.scheduler.list();
  }

  async stopAllJobs(): Promise<string> {
    this.scheduler.stop();
    this.emit('status', this.statusNow());
    return '.....the scheduler stopped the Jobs for group1.';
  }

  /** Stops and starts the scheduler with the current configuration (the old /initQuartz starts it when stopped). */
  async restartScheduler(): Promise<string> {
    const was = this.scheduler.isStarted;
    const outcome = this.startScheduler();
    return was ? `Quartz Scheduler restarted. ${outcome}` : `Quartz Scheduler has not been started automatically. Or has previously stopped. Starting it now. ${outcome}`;
  }

  async pauseSchedule(): Promise<JobInfo[]> {
    this.scheduler.pause();
    this.emit('status', this.statusNow());
    return this.scheduler.list();
  }

  async resumeSchedule(): Promise<JobInfo[]> {
    this.scheduler.resume();
    this.emit('status', this.statusNow());
    return this.scheduler.list();
  }

  async listRuns(limit?: number): Promise<RunRecord[]> {
    this.loaded;
    return this.runs.listRuns(limit);
  }

  async getRun(id: number): Promise<RunRecord> {
    this.loaded;
    return this.runs.getRun(id);
  }

  async listQuarantine(): Promise<QuarantineItem[]> {
    this.loaded;
    return this.runs.listQuarantine().map(({ contentHash: _h, packageTimestamp: _t, ...item }) => item);
  }

  async retryQuarantined(packageIds?: string[]): Promise<RunRecord> {
    this.loaded;
    return this.runs.withPackages(await this.runs.retry(packageIds ?? []));
  }

  async previewQuarantined(packageId: string): Promise<PreviewResult> {
    this.loaded;
    return this.previewPackage(this.runs.quarantineXml(packageId));
  }

  async previewPackage(content: string | PreviewBytes): Promise<PreviewResult> {
    // A file's bytes are decoded here, once, as a feed's content blocks are (BOM, XML declaration, invalid UTF-8
    // refused with its line); pasted text stays text. The reader's hints speak of a feed: a preview's speak to
    // the person previewing.
    const input = typeof content === 'string' ? content : Buffer.from(content.base64, 'base64');
    let packages: ReturnType<typeof readPackages>;
    try {
      packages = readPackages(input);
    } catch (e) {
      if (!isStixError(e)) throw e;
      const hint = (
        {
          stix_too_large: 'FLARE MISP refuses content over its safety limits, in runs as in previews; a feed package like this one would be quarantined. Check that this is the file you meant.',
          stix_too_deep: 'The XML nests deeper than FLARE MISP reads, in runs as in previews; check that this is the file you meant.',
          stix_too_long: 'One value is longer than FLARE MISP reads, in runs as in previews; check that this is the file you meant.',
          stix_too_many_elements: 'The XML has more elements than FLARE MISP reads in one package, in runs as in previews; check that this is the file you meant.',
          stix_encoding: 'Save the file as UTF-8 (or name its encoding in the XML declaration, e.g. <?xml version="1.0" encoding="ISO-8859-1"?>) and preview it again.',
          stix_not_xml: 'Choose the STIX XML file itself (unpack an archive first).',
          stix_not_a_package: 'Only STIX 1.x STIX_Package documents can be previewed; check that this is the file you meant.',
          stix_malformed: 'Fix the XML at that place (or ask its producer for a well-formed copy) and preview it again.',
          stix_empty: 'The file or the pasted text is empty: choose a STIX 1.x package.',
        } as Partial<Record<string, string>>
      )[e.code];
      throw new FlareError(e.code, e.message, { hint: hint ?? e.hint ?? 'Check that this is a STIX 1.x package and preview it again.' });
    }
    const first = packages[0];
    if (!first) throw new FlareError('stix_not_a_package', 'The XML holds no STIX package.');
    // Previews work before MISP is configured: the shipped defaults then decide (distribution 0). The sharing
    // group is the one the uploads use (asked of MISP once, shared with them).
    const group = this.store ? await this.runs.mispDestination().previewSettings() : { settings: {} };
    const built = buildEvent(first, { misp: group.settings });
    const summary = summarizeReport(built.report);
    const several = packages.length > 1 ? `The XML holds ${packages.length} packages; only the first (${first.id ?? 'without id'}) is previewed.` : undefined;
    const warnings = several !== undefined ? [several, ...summary.warnings] : summary.warnings;
    // The structured report beside the lines: entries in the converter's order (after the preview's own warning),
    // coverage by type (code-unit order, the same on every machine).
    const report: PreviewReportEntry[] = built.report.entries.map((e) => ({ level: e.level, code: e.code, message: e.message, ...(e.where !== undefined && { where: e.where }) }));
    if (several !== undefined) report.unshift({ level: 'warning', code: 'multiple-packages', message: several });
    if (group.problem !== undefined) {
      warnings.push(group.problem);
      report.push({ level: 'warning', code: 'sharing-group-lookup', message: group.problem });
    }
    const coverage: PreviewCoverage[] = [...built.report.coverage]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([type, c]) => ({ type, mapped: c.mapped, text: c.text, skipped: c.skipped }));
    // The answer is capped: the first rows of each list, counts for the rest, long values cut — a 22 MB package
    // must not make a 55 MB answer (and its copies in memory). The display caps further (PreviewResult).
    const LIMIT = 2000;
    const VALUE_CHARS = 20_000;
    const ev = built.event;
    const attrs = ev.Attribute ?? [];
    const objs = ev.Object ?? [];
    let truncatedValues = 0;
    const cut = <A extends { value?: unknown; comment?: unknown; data?: unknown }>(a: A): A => {
      let out = a;
      for (const f of ['value', 'comment', 'data'] as const) {
        const v = out[f];
        if (typeof v === 'string' && v.length > VALUE_CHARS) {
          truncatedValues++;
          out = { ...out, [f]: f === 'data' ? '' : `${v.slice(0, VALUE_CHARS)}… (${v.length - VALUE_CHARS} more characters in the event)` };
        }
      }
      return out;
    };
    const objectAttributes = objs.reduce((n, o) => n + (o.Attribute?.length ?? 0), 0);
    const toIds = attrs.filter((a) => a.to_ids).length + objs.reduce((n, o) => n + (o.Attribute ?? []).filter((a) => a.to_ids).length, 0);
    let sentObjectAttributes = 0;
    const sentObjects = objs.slice(0, LIMIT).map((o) => {
      const inner = (o.Attribute ?? []).slice(0, Math.max(0, LIMIT * 2 - sentObjectAttributes));
      sentObjectAttributes += inner.length;
      return { ...o, Attribute: inner.map(cut) };
    });
    const event = { ...ev, Attribute: attrs.slice(0, LIMIT).map(cut), Object: sentObjects };
    if (!ev.Attribute) delete (event as { Attribute?: unknown }).Attribute;
    if (!ev.Object) delete (event as { Object?: unknown }).Object;
    const capped = attrs.length > LIMIT || objs.length > LIMIT || sentObjectAttributes < objectAttributes || report.length > LIMIT || truncatedValues > 0;
    const lines = (l: string[]) => (l.length > LIMIT ? [...l.slice(0, LIMIT), `… and ${l.length - LIMIT} more lines (the preview sends the first ${LIMIT}).`] : l);
    return {
      event,
      warnings: lines(warnings),
      dropped: lines(summary.dropped),
      refanged: lines(summary.refanged),
      distributionDecision: built.distribution.summary,
      packages: packages.length,
      report: report.slice(0, LIMIT),
      coverage,
      ...(capped && {
        capped: {
          limit: LIMIT,
          attributes: { total: attrs.length, sent: Math.min(attrs.length, LIMIT) },
          objects: { total: objs.length, sent: sentObjects.length },
          objectAttributes,
          toIds,
          report: { total: report.length, sent: Math.min(report.length, LIMIT) },
          truncatedValues,
        },
      }),
    };
  }
}

function notConfigured(resourceType: HealthResult['resourceType'], resource: string, reason: string, hint: string): HealthResult {
  return { resourceType, resource, statusCode: 0, ok: false, configured: false, reason, hint };
}
