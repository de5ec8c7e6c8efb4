/**
 * The renderer's state (zustand): what the engine told us last, what is in flight, and the live log.
 * Actions call the client; every failure becomes a visible notice with the engine's sentence and hint.
 */
import { createStore } from 'zustand/vanilla';
import type { ApiErrorShape, ConfigView, FlareClient, HealthResult, LogEntry, PreviewResult, ProcessType, RunRecord, ServiceStatus } from '../../shared/api';
import { checkSize, errorPosition, excerptAt, utf8Bytes, type Excerpt } from '../preview/model';

export const MAX_LOG = 2000;

export interface Notice {
  id: number;
  kind: 'error' | 'success' | 'info';
  title: string;
  message: string;
  hint?: string;
}

export type View = 'dashboard' | 'preview' | 'config' | 'log';

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

export interface FlareState {
  view: View;
  status?: ServiceStatus;
  config?: ConfigView;
  configError?: ApiErrorShape;
  health: { taxii?: HealthResult; misp?: HealthResult };
  busy: Record<string, boolean>;
  log: LogEntry[];
  runs: RunRecord[];
  notices: Notice[];
  preview: PreviewState;
  setView(view: View): void;
  init(): Promise<void>;
  checkTaxii(): Promise<void>;
  checkMisp(): Promise<void>;
  poll(processType: ProcessType): Promise<void>;
  reloadConfig(): Promise<void>;
  stopAllJobs(): Promise<void>;
  restartScheduler(): Promise<void>;
  saveConfig(changes: Record<string, string | null>): Promise<boolean>;
  /** Reads a local file (refusing one over the size limit) and previews it. */
  previewFile(file: File, note?: string): Promise<void>;
  /** Previews XML text (pasted, or read from a file). */
  previewXml(xml: string, source: PreviewSource): Promise<void>;
  clearPreview(): void;
  dismiss(id: number): void;
}

function asError(e: unknown): ApiErrorShape {
  if (e && typeof e === 'object' && 'message' in e) {
    const o = e as { code?: string; message: string; hint?: string };
    return { code: o.code ?? 'error', message: o.message, ...(o.hint && { hint: o.hint }) };
  }
  return { code: 'error', message: String(e) };
}

let noticeId = 0;

export function createFlareStore(client: FlareClient) {
  /** Only the newest preview request may land: an answer to an older one is dropped. */
  let previewSeq = 0;
  const store = createStore<FlareState>()((set) => {
    const notify = (kind: Notice['kind'], title: string, message: string, hint?: string) =>
      set((s) => ({ notices: [...s.notices.slice(-4), { id: ++noticeId, kind, title, message, ...(hint && { hint }) }] }));

    /** Runs an action with a busy flag; a failure becomes a notice. */
    const act = async <T>(key: string, title: string, fn: () => Promise<T>): Promise<T | undefined> => {
      set((s) => ({ busy: { ...s.busy, [key]: true } }));
      try {
        return await fn();
      } catch (e) {
        const err = asError(e);
        notify('error', title, err.message, err.hint);
        return undefined;
      } finally {
        set((s) => ({ busy: { ...s.busy, [key]: false } }));
      }
    };

    const loadConfig = async () => {
      try {
        set({ config: await client.getConfig(), configError: undefined });
      } catch (e) {
        set({ configError: asError(e) });
      }
    };

    /** Shows a preview outcome that needs no call (refused before sending); it supersedes any call in flight. */
    const settle = (preview: PreviewState) => {
      ++previewSeq;
      set((s) => ({ preview, busy: { ...s.busy, preview: false } }));
    };

    const previewXml = async (xml: string, source: PreviewSource) => {
      const seq = ++previewSeq;
      const tooLarge = checkSize(source.name, source.bytes);
      if (tooLarge) {
        settle({ source, error: tooLarge });
        return;
      }
      set((s) => ({ preview: { source }, busy: { ...s.busy, preview: true } }));
      try {
        const result = await client.previewPackage(xml);
        if (seq === previewSeq) set({ preview: { id: seq, source, result } });
      } catch (e) {
        if (seq !== previewSeq) return;
        const error = asError(e);
        const pos = errorPosition(error.message);
        const excerpt = pos && excerptAt(xml, pos);
        set({ preview: { id: seq, source, error, ...(excerpt && { excerpt }) } });
      } finally {
        if (seq === previewSeq) set((s) => ({ busy: { ...s.busy, preview: false } }));
      }
    };

    return {
      view: 'dashboard',
      health: {},
      busy: {},
      log: [],
      runs: [],
      notices: [],
      preview: {},
      setView: (view) => set({ view }),
      init: async () => {
        client.on('log', (entry) => set((s) => ({ log: s.log.length >= MAX_LOG ? [...s.log.slice(-MAX_LOG + 1), entry] : [...s.log, entry] })));
        client.on('status', (status) => set({ status }));
        client.on('run', (run) => set((s) => ({ runs: [run, ...s.runs.filter((r) => r.id !== run.id)].slice(0, 200) })));
        await act('init', 'Connecting to FLARE MISP', async () => {
          const [status, log] = await Promise.all([client.status(), client.recentLog(500)]);
          set((s) => ({ status, log: [...log, ...s.log.filter((e) => !log.some((l) => l.time === e.time && l.message === e.message))] }));
        });
        await loadConfig();
      },
      checkTaxii: async () => {
        const taxii = await act('checkTaxii', 'TAXII health check', () => client.checkTaxiiStatus());
        if (taxii) set((s) => ({ health: { ...s.health, taxii } }));
      },
      checkMisp: async () => {
        const misp = await act('checkMisp', 'MISP health check', () => client.checkMispStatus());
        if (misp) set((s) => ({ health: { ...s.health, misp } }));
      },
      poll: async (processType) => {
        const run = await act(`poll:${processType}`, processType === 'xmlOutput' ? 'Poll to XML' : 'Poll to MISP', () => client.poll(processType));
        if (run) {
          set((s) => ({ runs: [run, ...s.runs.filter((r) => r.id !== run.id)] }));
          notify(run.state === 'success' ? 'success' : 'error', `Run ${run.id}`, run.detailedStatus);
        }
      },
      reloadConfig: async () => {
        const r = await act('reload', 'Reload config', () => client.refreshConfig());
        if (!r) return;
        if (r.ok) notify('success', 'Configuration reloaded', r.changed.length ? `Changed: ${r.changed.join(', ')}` : 'Nothing changed.');
        else notify('error', 'Configuration not reloaded', r.errors.join('\n'), 'The previous configuration stays in force.');
        await loadConfig();
      },
      stopAllJobs: async () => {
        const text = await act('stopAll', 'Stop all jobs', () => client.stopAllJobs());
        if (text) notify('success', 'Jobs stopped', text);
      },
      restartScheduler: async () => {
        const text = await act('restart', 'Restart scheduler', () => client.restartScheduler());
        if (text) notify('success', 'Scheduler restarted', text);
      },
      saveConfig: async (changes) => {
        const r = await act('saveConfig', 'Save configuration', () => client.saveConfig(changes));
        if (!r) return false;
        set({ config: r.view });
        notify('success', 'Configuration saved', r.changed.length ? `Changed: ${r.changed.join(', ')}` : 'Nothing changed.');
        return true;
      },
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
        let xml: string;
        try {
          xml = await file.text();
        } catch (e) {
          if (seq === previewSeq) settle({ source, error: { code: 'preview_unreadable', message: `${source.name} could not be read: ${asError(e).message}`, hint: 'Check that the file still exists and that you may read it.' } });
          return;
        }
        if (seq === previewSeq) await previewXml(xml, source);
      },
      previewXml: (xml, source) => previewXml(xml, { ...source, bytes: source.bytes || utf8Bytes(xml) }),
      clearPreview: () => settle({}),
      dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
    };
  });
  return store;
}

export type FlareStore = ReturnType<typeof createFlareStore>;

