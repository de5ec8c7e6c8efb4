/**
 * The one contract between the engine (main process / headless service) and the UI.
 * `FlareService` implements `AdminApi` once; Electron IPC and the headless HTTP API both expose every method
 * listed in `ADMIN_METHODS` generically, so adding a method means one line here and one method in the service.
 * This file has no runtime dependencies: the renderer and the sandboxed preload import it too.
 */

export type ProcessType = 'xmlOutput' | 'stixToMisp';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** How every failure crosses a transport: a stable code, a sentence for people, and what to do about it. */
export interface ApiErrorShape {
  code: string;
  message: string;
  hint?: string;
}

/** One line of the live log. */
export interface LogEntry {
  /** ISO time, UTC. */
  time: string;
  level: LogLevel;
  message: string;
  module?: string;
  runId?: number;
  feed?: string;
}

/** A health check: the old service's shape plus what a person needs to act on it. */
export interface HealthResult {
  resourceType: 'FLARE/TAXII' | 'Misp';
  resource: string;
  /** HTTP status of the probe; 0 when no answer came (as the old service reported). */
  statusCode: number;
  ok: boolean;
  configured: boolean;
  latencyMs?: number;
  reason?: string;
  hint?: string;
  /** Check-specific facts: MISP version, organisation, missing permissions, TAXII collections… */
  details?: Record<string, unknown>;
}

export interface RunCounts {
  /** Packages taken from the feed (and from the quarantine, for a retry). */
  received: number;
  /** Never seen before. */
  new: number;
  /** Already done with the same content: no MISP request, no file written. */
  duplicate: number;
  /** Done before with other content: the event (or file) was updated. */
  updated: number;
  uploaded: number;
  saved: number;
  /** Failed in this run (conversion, MISP refusal, an error that outlived its retries). */
  failed: number;
  /** Put in (or kept in) the quarantine by this run. */
  quarantined: number;
  /** Not processed: quarantined packages waiting for a person, content blocks that hold no package. */
  skipped: number;
}

export type RunState = 'running' | 'success' | 'partial' | 'failed';
export type RunTrigger = 'manual' | 'scheduled' | 'retry';

/** What became of one package in a run. */
export interface RunPackageOutcome {
  packageId: string;
  outcome: 'new' | 'updated' | 'duplicate' | 'saved' | 'uploaded' | 'failed' | 'quarantined' | 'skipped';
  mispEventId?: string;
  mispEventUuid?: string;
  /** The file an xmlOutput run wrote. */
  file?: string;
  reason?: string;
}

export interface RunProgress {
  /** The TAXII result part being processed (0 before the first arrives). */
  part: number;
  /** Content blocks received so far. */
  blocks: number;
  /** Packages handled so far (done, duplicate, failed). */
  packages: number;
  /** MISP uploads (or files) finished so far. */
  uploadsDone: number;
  /** How many blocks the server says the window holds, when it said. */
  recordCount?: number;
}

/** One run: the old `/misptransclient` JSON fields plus counts and progress. */
export interface RunRecord {
  id: number;
  processType: ProcessType;
  feed: string;
  collection: string;
  trigger: RunTrigger;
  state: RunState;
  /** "Success" / "Failed", as the old service said. */
  status: string;
  detailedStatus: string;
  beginTimestamp: string;
  endTimeStamp: string;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  counts: RunCounts;
  progress?: RunProgress;
  /** A COUNT_ONLY estimate made before a first run over a long window. */
  estimate?: number;
  /** Sentences about what did not stop the run (packages quarantined, a window reset…). */
  warnings?: string[];
  error?: ApiErrorShape;
  /** Per package (getRun only; listRuns leaves it out). */
  packages?: RunPackageOutcome[];
  /** Packages beyond the first 100,000 are counted but not listed. */
  packagesOmitted?: number;
}

export interface JobInfo {
  name: string;
  /** The old Quartz group ("group1"), for scripts that read /listQuartzJobs. */
  group: string;
  processType: ProcessType;
  feed: string;
  collection: string;
  /** Minutes between runs; 0 for a cron schedule. */
  frequencyMinutes: number;
  /** The schedule in words: "every 5 minutes", `cron "0 * * * *" (UTC)`. */
  schedule: string;
  cron?: string;
  paused: boolean;
  running: boolean;
  /** When the next scheduled run starts (absent while paused). */
  nextRun?: string;
  lastRunId?: number;
  lastRun?: { id: number; state: RunState; status: string; detailedStatus: string; finishedAt?: string };
}

export interface ConfigEntryView {
  key: string;
  /** The value as text; secrets are shown as "••••••" when set and "" when not. */
  value: string;
  isSet: boolean;
  source: 'file' | 'env' | 'default';
  file?: string;
  line?: number;
  secret: boolean;
  describe: string;
  /** Set when the key is read for compatibility only. */
  ignored?: string;
}

export interface ConfigView {
  dir: string;
  files: string[];
  entries: ConfigEntryView[];
  warnings: string[];
  taxiiConfigured: boolean;
  mispConfigured: boolean;
  summary: {
    pollUrl?: string;
    collection?: string;
    mispUrl?: string;
    processType: ProcessType;
    frequencyMinutes: number;
    mispMode: 'native' | 'stix';
    clientAuth: 'none' | 'pem' | 'pkcs12';
  };
}

export interface RefreshResult {
  /** The old `/refreshConfig` map (sorted keys "Controller", "Step 1 of 5" …). */
  steps: Record<string, string>;
  /** Keys whose value changed (secrets by name only). */
  changed: string[];
  ok: boolean;
  errors: string[];
}

export interface SaveConfigResult {
  changed: string[];
  view: ConfigView;
}

export interface ServiceStatus {
  version: string;
  mode: 'desktop' | 'headless';
  startedAt: string;
  configDir: string;
  taxiiConfigured: boolean;
  mispConfigured: boolean;
  configError?: ApiErrorShape;
  schedulerRunning: boolean;
  activeRuns: number;
  /** The tracker file: size and record counts (absent until it is opened). */
  tracker?: { file: string; bytes: number; records: number; packages: number };
  quarantined?: number;
  /** Present when this service runs on the demo profile: the built-in simulators, a throwaway configuration. */
  demo?: DemoInfo;
  /** Whether switchProfile works here (the desktop app); headless, `flare-misp demo` starts the demo. */
  canSwitchProfile?: boolean;
}

/** The demo profile's servers, for the banner and the links. */
export interface DemoInfo {
  taxiiUrl: string;
  /** The MISP simulator; its /events/index page lists what FLARE MISP sent. */
  mispUrl: string;
}

export type Profile = 'demo' | 'real';

export interface QuarantineItem {
  packageId: string;
  processType: ProcessType;
  feed: string;
  collection: string;
  /** Why the last attempt failed, as a sentence (with the error's code in `code`). */
  reason: string;
  code: string;
  hint?: string;
  firstFailedAt: string;
  lastFailedAt: string;
  attempts: number;
  /** Runs retry a package automatically a few times; after that it waits for a person (Retry). */
  waitingForPerson: boolean;
  /** The run that quarantined it last. */
  runId?: number;
}

/**
 * One entry of the conversion report, as the converter wrote it (the engine's `ReportEntry`): `warning` for what
 * is wrong or left out, `info` for what was changed or noted on the way.
 */
export interface PreviewReportEntry {
  level: 'warning' | 'info';
  /**
   * Stable machine code, the same for every entry of one kind: `placeholder`, `skipped`, `dropped`,
   * `unresolved-idref`, `refanged`, `as-text`, `merged`, `distribution`… Group and filter by it, not by the text.
   */
  code: string;
  /** The sentence for people, e.g. `File File_Name: "N/A" is a placeholder, not a value; skipped.` */
  message: string;
  /** The STIX id (or path) the entry is about, when there is one. */
  where?: string;
}

/** What became of the CybOX objects of one type (e.g. `Address`, `WindowsFile`) in the package. */
export interface PreviewCoverage {
  type: string;
  /** Mapped to MISP attributes or objects. */
  mapped: number;
  /** Kept, but only as text (the value was not valid for its MISP type). */
  text: number;
  /** Not in the event. */
  skipped: number;
}

export interface PreviewResult {
  event: unknown;
  /** The report's warnings as lines, drops and refangs apart (below); `report` has the same entries with their codes. */
  warnings: string[];
  /** What the event lacks, and why, as lines. */
  dropped: string[];
  /** Values written defanged in the package (`hxxp`, `[.]`) and restored in the event. */
  refanged?: string[];
  /** The distribution policy's decision and why, e.g. `0 (your organisation only): tlp:amber → 0; ais:everyone → default (3)`. */
  distributionDecision?: string;
  /** STIX packages in the XML (only the first is previewed). */
  packages?: number;
  /**
   * The whole conversion report, entry by entry in the order the converter wrote them (informational notes too).
   * Optional: an older engine sends only the lines above.
   */
  report?: PreviewReportEntry[];
  /** Per CybOX object type, sorted by type. Optional, like `report`. */
  coverage?: PreviewCoverage[];
  /**
   * The whole event's sizes when the answer was capped (a preview sends at most the first rows of each list; a
   * package of many MB would otherwise make an answer several times its size). Absent when nothing was left out.
   */
  capped?: PreviewCap;
}

/** What a capped preview left out: the event's real sizes beside what the answer holds. */
export interface PreviewCap {
  /** Rows the answer holds at most per list (attributes, objects, report entries, lines). */
  limit: number;
  attributes: { total: number; sent: number };
  objects: { total: number; sent: number };
  /** Attributes inside objects, and those flagged for IDS, over the whole event. */
  objectAttributes: number;
  toIds: number;
  report: { total: number; sent: number };
  /** Attribute values, comments or attachments cut to their first characters. */
  truncatedValues: number;
}

/** A file's bytes for `previewPackage`, base64: the engine decodes them as it decodes a feed's content blocks. */
export interface PreviewBytes {
  base64: string;
  /** The file's name, for messages. */
  name?: string;
}

export interface AdminApi {
  status(): Promise<ServiceStatus>;
  checkTaxiiStatus(): Promise<HealthResult>;
  checkMispStatus(): Promise<HealthResult>;
  poll(processType: ProcessType, collection?: string): Promise<RunRecord>;
  getConfig(): Promise<ConfigView>;
  refreshConfig(): Promise<RefreshResult>;
  /** Keys to set (a string) or to remove (null). */
  saveConfig(changes: Record<string, string | null>): Promise<SaveConfigResult>;
  listJobs(): Promise<JobInfo[]>;
  stopAllJobs(): Promise<string>;
  restartScheduler(): Promise<string>;
  pauseSchedule(): Promise<JobInfo[]>;
  resumeSchedule(): Promise<JobInfo[]>;
  listRuns(limit?: number): Promise<RunRecord[]>;
  getRun(id: number): Promise<RunRecord>;
  listQuarantine(): Promise<QuarantineItem[]>;
  /** Retries quarantined packages now (all, or these ids), whatever their attempts; answers the retry run. */
  retryQuarantined(packageIds?: string[]): Promise<RunRecord>;
  /** The MISP event preview of a quarantined package (its saved XML). */
  previewQuarantined(packageId: string): Promise<PreviewResult>;
  /**
   * What one STIX package would become in MISP. Pasted text is given as a string; a file as its bytes (base64),
   * decoded by the engine exactly as a feed's content (BOM, XML declaration, UTF-8 refused when invalid).
   */
  previewPackage(content: string | PreviewBytes): Promise<PreviewResult>;
  recentLog(limit?: number): Promise<LogEntry[]>;
  /**
   * The desktop app restarts on the other profile: 'demo' starts the built-in TAXII and MISP simulators with a
   * configuration of their own (the real one is not touched), 'real' comes back to it. Answers what happens.
   * Headless it is not available: `flare-misp demo` runs the demo.
   */
  switchProfile(profile: Profile): Promise<string>;
}

export type AdminMethod = keyof AdminApi;

/** Every method of AdminApi, as a runtime list for the generic transports. */
export const ADMIN_METHODS = [
  'status',
  'checkTaxiiStatus',
  'checkMispStatus',
  'poll',
  'getConfig',
  'refreshConfig',
  'saveConfig',
  'listJobs',
  'stopAllJobs',
  'restartScheduler',
  'pauseSchedule',
  'resumeSchedule',
  'listRuns',
  'getRun',
  'listQuarantine',
  'retryQuarantined',
  'previewQuarantined',
  'previewPackage',
  'recentLog',
  'switchProfile',
] as const satisfies readonly AdminMethod[];

// A compile error here means ADMIN_METHODS and AdminApi disagree.
type Missing = Exclude<AdminMethod, (typeof ADMIN_METHODS)[number]>;
const _everyMethodListed: [Missing] extends [never] ? true : Missing = true;
void _everyMethodListed;

/** Events the engine pushes to every UI. */
export interface AdminEvents {
  log: LogEntry;
  run: RunRecord;
  jobs: JobInfo[];
  status: ServiceStatus;
}
export type AdminEventName = keyof AdminEvents;
export const ADMIN_EVENTS = ['log', 'run', 'jobs', 'status'] as const satisfies readonly AdminEventName[];

/** What the renderer talks to, whichever transport carries it. */
export interface FlareClient extends AdminApi {
  on<E extends AdminEventName>(event: E, listener: (payload: AdminEvents[E]) => void): () => void;
}

/** IPC channel names (Electron). */
export const IPC_PREFIX = 'flare:';
export const IPC_EVENT_PREFIX = 'flare-event:';

/** A rejected call carries this; both transports turn errors into it. */
export class ApiError extends Error implements ApiErrorShape {
  readonly code: string;
  readonly hint?: string;
  constructor(shape: ApiErrorShape) {
    super(shape.message);
    this.name = 'ApiError';
    this.code = shape.code;
    if (shape.hint !== undefined) this.hint = shape.hint;
  }
}
