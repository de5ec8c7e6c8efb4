/**
 * The renderer's state (zustand): what the engine told us last, what is in flight, and the live log.
 * Actions call the client; a failure becomes a readable sentence with its hint — shown in one place (the alert
 * strip at the top of the view, or inline beside the field it is about), never as a stack trace.
 */
import { createStore } from 'zustand/vanilla';
import type {
  ApiErrorShape,
  ConfigView,
  FlareClient,
  HealthResult,
  JobInfo,
  LogEntry,
  PreviewResult,
  ProcessType,
  Profile,
  QuarantineItem,
  RunRecord,
  ServiceStatus,
} from '../../shared/api';
import { checkSize, errorPosition, excerptAt, utf8Bytes, type Excerpt } from '../preview/model';

/** The live log keeps this many entries (the view is virtualized, so all of them stay smooth). */
export const MAX_LOG = 100_000;
/** Success notices fade after this long; errors stay until dismissed. */
export const NOTICE_MS = 6000;
const MAX_ERRORS = 3;

export interface Notice {
  id: number;
  kind: 'error' | 'success' | 'info';
  title: string;
  message: string;
  hint?: string;
}

export type View = 'dashboard' | 'runs' | 'jobs' | 'quarantine' | 'preview' | 'config' | 'log';

/** What was given to the preview: a file's name or "pasted XML", and its size. */
export interface PreviewSource {
  name: string;
  bytes: number;
  /** Pasted into the view rather than read from a file. */
  pasted?: boolean;
  /** e.g. "3 files were dropped; only the first is previewed." */
  note?: string;
}

/** The last preview: its result, or why there is none (with the offending line when the XML was malformed). */
export interface PreviewState {
  /** Changes with every preview, so the view starts afresh (filter, "show all") for a new package. */
  id?: number;
  source?: PreviewSource;
  result?: PreviewResult;
  error?: ApiErrorShape;
  excerpt?: Excerpt;
}

/** A list loaded from the engine: not yet, loaded, or why not. */
export interface Loaded<T> {
  data?: T;
  error?: ApiErrorShape;
  loading?: boolean;
}

export interface RunDetail {
  id: number;
  run?: RunRecord;
  error?: ApiErrorShape;
}

export interface QuarantinePreview {
  packageId: string;
  result?: PreviewResult;
  error?: ApiErrorShape;
}

export interface AuthState {
  /** The server wants a bearer token (HTTP transport only). */
  required: boolean;
  /** Why the last token was not accepted. */
  error?: string;
}

/** How the store keeps a token for the session (the HTTP transport reads it for every call). */
export interface TokenKeeper {
  set(token: string): void;
  clear(): void;
}

export interface SaveOutcome {
  ok: boolean;
  changed?: string[];
  error?: ApiErrorShape;
}

export interface FlareState {
  view: View;
  /** The run the Runs view shows in detail. */
  runId?: number;
  /** The first-run setup is shown (nothing was configured at start) until the person finishes or skips it. */
  setup: boolean;
  auth: AuthState;
  connected: boolean;
  status?: ServiceStatus;
  config?: ConfigView;
  configError?: ApiErrorShape;
  health: { taxii?: HealthResult; misp?: HealthResult };
  busy: Record<string, boolean>;
  log: LogEntry[];
  runs: Loaded<RunRecord[]>;
  /** The run of each process type in progress (from `run` events), with its progress. */
  active: Partial<Record<ProcessType, RunRecord>>;
  runDetail?: RunDetail;
  jobs: Loaded<JobInfo[]>;
  quarantine: Loaded<QuarantineItem[]>;
  quarantinePreview?: QuarantinePreview;
  notices: Notice[];
  preview: PreviewState;
  setView(view: View): void;
  /** Opens a run in the Runs view. */
  openRun(id: number): void;
  init(): Promise<void>;
  signIn(token: string): Promise<void>;
  finishSetup(): void;
  /** The desktop app restarts on the demo profile (built-in simulators) or back on the real one. */
  switchProfile(profile: Profile): Promise<void>;
  checkTaxii(): Promise<HealthResult | undefined>;
  checkMisp(): Promise<HealthResult | undefined>;
  poll(processType: ProcessType): Promise<void>;
  loadRuns(): Promise<void>;
  loadJobs(): Promise<void>;
  loadQuarantine(): Promise<void>;
  reloadConfig(): Promise<void>;
  stopAllJobs(): Promise<void>;
  restartScheduler(): Promise<void>;
  pauseSchedule(): Promise<void>;
  resumeSchedule(): Promise<void>;
  /** Saves keys; a refusal (config_invalid…) is answered, not notified: the view shows it beside the field. */
  saveConfig(changes: Record<string, string | null>, options?: { quiet?: boolean }): Promise<SaveOutcome>;
  retryQuarantined(packageIds?: string[]): Promise<void>;
  previewQuarantined(packageId: string): Promise<void>;
  closeQuarantinePreview(): void;
  /** Reads a local file (refusing one over the size limit) and previews its bytes. */
  previewFile(file: File, note?: string): Promise<void>;
  /** Previews XML text (pasted). */
  previewXml(xml: string, source: PreviewSource): Promise<void>;
  clearPreview(): void;
  notify(kind: Notice['kind'], title: string, message: string, hint?: string): void;
  dismiss(id: number): void;
}

/** Capitalises a message that starts with a plain word ("the content is…"), never a key or file name ("config.properties…"). */
const sentence = (s: string) => (/^[a-z]+[\s,]/.test(s) ? s[0]!.toUpperCase() + s.slice(1) : s);

/** A readable sentence for any failure: the first line of a message that looks like a stack trace, capitalised. */
export function asError(e: unknown): ApiErrorShape {
  if (e && typeof e === 'object' && 'message' in e) {
    const o = e as { code?: string; message: unknown; hint?: string };
    let message = typeof o.message === 'string' ? o.message : String(o.message);
    const stackAt = message.search(/\n\s+at\s/);
    if (stackAt >= 0) message = message.slice(0, stackAt);
    return { code: o.code ?? 'error', message: sentence(message.trim()) || 'Something went wrong.', ...(o.hint && { hint: o.hint }) };
  }
  return { code: 'error', message: sentence(String(e)) };
}

const isUnauthorized = (e: unknown) => !!e && typeof e === 'object' && (e as { code?: string }).code === 'unauthorized';

/** Base64 of bytes, in chunks (String.fromCharCode over a whole file would overflow the stack). */
export function toBase64(bytes: Uint8Array): string {
  let out = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) out += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(out);
}

const runSummary = (r: RunRecord) => {
  const c = r.counts;
  return `${c.received} received · ${c.new} new · ${c.updated} updated · ${c.duplicate} duplicate · ${c.failed} failed${c.quarantined ? ` · ${c.quarantined} quarantined` : ''}`;
};

let noticeId = 0;

export function createFlareStore(client: FlareClient, tokens?: TokenKeeper) {
  /** Only the newest preview request may land: an answer to an older one is dropped. */
  let previewSeq = 0;
  let subscribed = false;
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  /** Log entries arrive in bursts (thousands a second in a big run): they are added in one batch per frame. */
  let pendingLog: LogEntry[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;

  const store = createStore<FlareState>()((set, get) => {
    const notify = (kind: Notice['kind'], title: string, message: string, hint?: string) => {
      const id = ++noticeId;
      set((s) => {
        // The same error again replaces the old one: a repeated failure is one notice, not a stack of them.
        const others = s.notices.filter((n) => !(n.kind === kind && n.title === title && n.message === message));
        const errors = others.filter((n) => n.kind === 'error');
        const kept = kind === 'error' && errors.length >= MAX_ERRORS ? others.filter((n) => n !== errors[0]) : others;
        // At most two success notices at once: the newest.
        const trimmed = kind === 'error' ? kept : [...kept.filter((n) => n.kind === 'error'), ...kept.filter((n) => n.kind !== 'error').slice(-1)];
        return { notices: [...trimmed, { id, kind, title, message, ...(hint && { hint }) }] };
      });
      if (kind !== 'error') timers.set(id, setTimeout(() => get().dismiss(id), NOTICE_MS));
    };

    /** Runs an action with a busy flag; a failure becomes an error notice (or the sign-in form). */
    const act = async <T>(key: string, title: string, fn: () => Promise<T>): Promise<T | undefined> => {
      set((s) => ({ busy: { ...s.busy, [key]: true } }));
      try {
        return await fn();
      } catch (e) {
        if (isUnauthorized(e)) set({ auth: { required: true } });
        else {
          const err = asError(e);
          notify('error', title, err.message, err.hint);
        }
        return undefined;
      } finally {
        set((s) => ({ busy: { ...s.busy, [key]: false } }));
      }
    };

    const loadConfig = async () => {
      try {
        set({ config: await client.getConfig(), configError: undefined });
      } catch (e) {
        if (!isUnauthorized(e)) set({ configError: asError(e) });
      }
    };

    const loadList = async <K extends 'runs' | 'jobs' | 'quarantine'>(key: K, fetch: () => Promise<NonNullable<FlareState[K]['data']>>) => {
      set((s) => ({ [key]: { ...s[key], loading: true } }) as Partial<FlareState>);
      try {
        const data = await fetch();
        set({ [key]: { data } } as Partial<FlareState>);
      } catch (e) {
        if (isUnauthorized(e)) set({ auth: { required: true } });
        set({ [key]: { error: asError(e) } } as Partial<FlareState>);
      }
    };
    const loadRuns = () => loadList('runs', () => client.listRuns(200));
    const loadJobs = () => loadList('jobs', () => client.listJobs());
    const loadQuarantine = () => loadList('quarantine', () => client.listQuarantine());
    const loadStatus = async () => {
      try {
        set({ status: await client.status() });
      } catch {
        // the next status event brings it
      }
    };

    const flushLog = () => {
      flushTimer = undefined;
      const batch = pendingLog;
      pendingLog = [];
      if (batch.length === 0) return;
      set((s) => {
        const all = s.log.length + batch.length > MAX_LOG ? [...s.log, ...batch].slice(-MAX_LOG) : s.log.concat(batch);
        return { log: all };
      });
    };

    const onRun = (run: RunRecord) => {
      set((s) => {
        const list = s.runs.data ?? [];
        const runs = { ...s.runs, data: [run, ...list.filter((r) => r.id !== run.id)].sort((a, b) => b.id - a.id).slice(0, 500) };
        const active = { ...s.active };
        if (run.state === 'running') active[run.processType] = run;
        else if (active[run.processType]?.id === run.id) delete active[run.processType];
        const runDetail = s.runDetail?.id === run.id ? { id: run.id, run: { ...run, ...(s.runDetail.run?.packages && { packages: s.runDetail.run.packages }) } } : s.runDetail;
        return { runs, active, runDetail };
      });
      if (run.state !== 'running') {
        if (get().runDetail?.id === run.id) fetchRun(run.id);
        if (run.counts.quarantined > 0 || run.trigger === 'retry' || get().quarantine.data?.length) void loadQuarantine();
      }
    };

    /** The run with its packages, for the detail view. */
    const fetchRun = (id: number) => {
      void client.getRun(id).then(
        (run) => set((s) => (s.runDetail?.id === id ? { runDetail: { id, run } } : {})),
        (e) => set((s) => (s.runDetail?.id === id ? { runDetail: { id, error: asError(e) } } : {})),
      );
    };

    const subscribe = () => {
      if (subscribed) return;
      subscribed = true;
      client.on('log', (entry) => {
        pendingLog.push(entry);
        flushTimer ??= setTimeout(flushLog, 50);
      });
      client.on('status', (status) => set({ status, connected: true }));
      client.on('run', onRun);
      client.on('jobs', (jobs) => set({ jobs: { data: jobs } }));
    };

    /** Shows a preview outcome that needs no call (refused before sending); it supersedes any call in flight. */
    const settle = (preview: PreviewState) => {
      ++previewSeq;
      set((s) => ({ preview, busy: { ...s.busy, preview: false } }));
    };

    /** Sends the preview (text, or a file's bytes) and keeps only the newest answer. */
    const sendPreview = async (content: string | { base64: string; name: string }, source: PreviewSource, text: () => string) => {
      const seq = ++previewSeq;
      set((s) => ({ preview: { source }, busy: { ...s.busy, preview: true } }));
      try {
        const result = await client.previewPackage(content);
        if (seq === previewSeq) set({ preview: { id: seq, source, result } });
      } catch (e) {
        if (seq !== previewSeq) return;
        const error = asError(e);
        const pos = errorPosition(error.message);
        const excerpt = pos && excerptAt(text(), pos);
        set({ preview: { id: seq, source, error, ...(excerpt && { excerpt }) } });
      } finally {
        if (seq === previewSeq) set((s) => ({ busy: { ...s.busy, preview: false } }));
      }
    };

    const init = async () => {
      subscribe();
      try {
        const [status, log] = await Promise.all([client.status(), client.recentLog(1000)]);
        set((s) => ({
          status,
          connected: true,
          auth: { required: false },
          // The setup is offered when nothing at all is configured; it stays until finished or skipped.
          setup: s.setup || (!status.configError && !status.taxiiConfigured && !status.mispConfigured),
          log: [...log, ...s.log.filter((e) => !log.some((l) => l.time === e.time && l.message === e.message))].slice(-MAX_LOG),
        }));
      } catch (e) {
        if (isUnauthorized(e)) {
          set({ auth: { required: true } });
          return;
        }
        const err = asError(e);
        notify('error', 'Connecting to FLARE MISP', err.message, err.hint);
        return;
      }
      await Promise.all([loadConfig(), loadRuns(), loadJobs(), loadQuarantine()]);
      // A run started before this page opened (a scheduled one) shows its progress too.
      const running = (get().runs.data ?? []).filter((r) => r.state === 'running');
      if (running.length) set((s) => ({ active: { ...Object.fromEntries(running.map((r) => [r.processType, r])), ...s.active } }));
    };

    const saveConfig = async (changes: Record<string, string | null>, options: { quiet?: boolean } = {}): Promise<SaveOutcome> => {
      set((s) => ({ busy: { ...s.busy, saveConfig: true } }));
      try {
        const r = await client.saveConfig(changes);
        set({ config: r.view });
        if (!options.quiet) notify('success', 'Configuration saved', r.changed.length ? `Changed: ${r.changed.join(', ')}` : 'Nothing changed.');
        void loadStatus();
        return { ok: true, changed: r.changed };
      } catch (e) {
        if (isUnauthorized(e)) set({ auth: { required: true } });
        return { ok: false, error: asError(e) };
      } finally {
        set((s) => ({ busy: { ...s.busy, saveConfig: false } }));
      }
    };

    const scheduler = async (key: string, title: string, fn: () => Promise<string | JobInfo[]>, done: string) => {
      const out = await act(key, title, fn);
      if (out === undefined) return;
      notify('success', done, typeof out === 'string' ? out : `${out.length} job${out.length === 1 ? '' : 's'}.`);
      if (Array.isArray(out)) set({ jobs: { data: out } });
      else await loadJobs();
      void loadStatus();
    };

    return {
      view: 'dashboard',
      setup: false,
      auth: { required: false },
      connected: false,
      health: {},
      busy: {},
      log: [],
      runs: {},
      active: {},
      jobs: {},
      quarantine: {},
      notices: [],
      preview: {},
      setView: (view) => set({ view, ...(view === 'runs' && { runId: undefined }) }),
      openRun: (id) => {
        set((s) => ({ view: 'runs', runId: id, runDetail: s.runDetail?.id === id ? s.runDetail : { id } }));
        fetchRun(id);
      },
      init,
      signIn: async (token) => {
        tokens?.set(token);
        set({ auth: { required: true } });
        await init();
        if (get().auth.required) {
          tokens?.clear();
          set({ auth: { required: true, error: 'The service did not accept that token. Check flare.server.token (or FLARE_SERVER_TOKEN) on the server and try again.' } });
        }
      },
      finishSetup: () => set({ setup: false, view: 'dashboard' }),
      switchProfile: async (profile) => {
        const said = await act(`profile:${profile}`, profile === 'demo' ? 'Try with demo servers' : 'Leave the demo', () => client.switchProfile(profile));
        if (said) notify('info', profile === 'demo' ? 'Starting the demo' : 'Leaving the demo', said);
      },
      checkTaxii: async () => {
        const taxii = await act('checkTaxii', 'TAXII health check', () => client.checkTaxiiStatus());
        if (taxii) set((s) => ({ health: { ...s.health, taxii } }));
        return taxii;
      },
      checkMisp: async () => {
        const misp = await act('checkMisp', 'MISP health check', () => client.checkMispStatus());
        if (misp) set((s) => ({ health: { ...s.health, misp } }));
        return misp;
      },
      poll: async (processType) => {
        const run = await act(`poll:${processType}`, processType === 'xmlOutput' ? 'Poll to XML' : 'Poll to MISP', () => client.poll(processType));
        if (!run) return;
        onRun(run);
        const title = `${processType === 'xmlOutput' ? 'Poll to XML' : 'Poll to MISP'}: run ${run.id} ${run.state === 'success' ? 'done' : run.state}`;
        if (run.state === 'success') notify('success', title, runSummary(run));
        else notify('error', title, run.error?.message ?? run.detailedStatus, run.error?.hint ?? (run.counts.quarantined ? 'Open Quarantine to see why and retry.' : undefined));
        void loadJobs();
      },
      loadRuns,
      loadJobs,
      loadQuarantine,
      reloadConfig: async () => {
        const r = await act('reload', 'Reload config', () => client.refreshConfig());
        if (!r) return;
        if (r.ok) notify('success', 'Configuration reloaded', r.changed.length ? `Changed: ${r.changed.join(', ')}` : 'Nothing changed.');
        else notify('error', 'Configuration not reloaded', r.errors.join('\n'), 'The previous configuration stays in force.');
        await Promise.all([loadConfig(), loadJobs(), loadStatus()]);
      },
      stopAllJobs: () => scheduler('stopAll', 'Stop all jobs', () => client.stopAllJobs(), 'Jobs stopped'),
      restartScheduler: () => scheduler('restart', 'Restart scheduler', () => client.restartScheduler(), 'Scheduler restarted'),
      pauseSchedule: () => scheduler('pause', 'Pause the schedule', () => client.pauseSchedule(), 'Schedule paused'),
      resumeSchedule: () => scheduler('resume', 'Resume the schedule', () => client.resumeSchedule(), 'Schedule resumed'),
      saveConfig,
      retryQuarantined: async (packageIds) => {
        const key = packageIds?.length === 1 ? `retry:${packageIds[0]}` : 'retryAll';
        const run = await act(key, 'Retry', () => client.retryQuarantined(packageIds));
        if (run) {
          onRun(run);
          const ok = run.state === 'success';
          notify(ok ? 'success' : 'error', `Retry: run ${run.id} ${ok ? 'done' : run.state}`, ok ? runSummary(run) : (run.error?.message ?? run.detailedStatus), run.error?.hint);
        }
        await Promise.all([loadQuarantine(), loadStatus()]);
      },
      previewQuarantined: async (packageId) => {
        set((s) => ({ quarantinePreview: { packageId }, busy: { ...s.busy, [`qpreview:${packageId}`]: true } }));
        try {
          const result = await client.previewQuarantined(packageId);
          set((s) => (s.quarantinePreview?.packageId === packageId ? { quarantinePreview: { packageId, result } } : {}));
        } catch (e) {
          set((s) => (s.quarantinePreview?.packageId === packageId ? { quarantinePreview: { packageId, error: asError(e) } } : {}));
        } finally {
          set((s) => ({ busy: { ...s.busy, [`qpreview:${packageId}`]: false } }));
        }
      },
      closeQuarantinePreview: () => set({ quarantinePreview: undefined }),
      previewFile: async (file, note) => {
        const source: PreviewSource = { name: file.name || 'the file', bytes: file.size, ...(note && { note }) };
        // Refuse before reading: a huge file is never loaded into the page.
        const tooLarge = checkSize(source.name, source.bytes);
        if (tooLarge) {
          settle({ source, error: tooLarge });
          return;
        }
        // Busy from the start: reading a file of some MB takes a moment too.
        const seq = ++previewSeq;
        set((s) => ({ preview: { source }, busy: { ...s.busy, preview: true } }));
        let bytes: Uint8Array;
        try {
          bytes = new Uint8Array(await file.arrayBuffer());
        } catch (e) {
          if (seq === previewSeq) settle({ source, error: { code: 'preview_unreadable', message: `${source.name} could not be read: ${asError(e).message}`, hint: 'Check that the file still exists and that you may read it.' } });
          return;
        }
        if (seq !== previewSeq) return;
        // The engine decodes the bytes (as it decodes a feed's); the page decodes them only to show an error's line.
        await sendPreview({ base64: toBase64(bytes), name: source.name }, source, () => new TextDecoder('utf-8').decode(bytes));
      },
      previewXml: async (xml, source) => {
        const src = { ...source, bytes: source.bytes || utf8Bytes(xml) };
        const tooLarge = checkSize(src.name, src.bytes);
        if (tooLarge) {
          settle({ source: src, error: tooLarge });
          return;
        }
        await sendPreview(xml, src, () => xml);
      },
      clearPreview: () => settle({}),
      notify,
      dismiss: (id) => {
        const t = timers.get(id);
        if (t) clearTimeout(t);
        timers.delete(id);
        set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
      },
    };
  });
  return store;
}

export type FlareStore = ReturnType<typeof createFlareStore>;
