/** How times, durations and counts read in the UI (UTC, as the engine logs them). */
import type { ProcessType, RunRecord, RunState } from '../../shared/api';

export const PROCESS_LABEL: Record<ProcessType, string> = { xmlOutput: 'Poll to XML', stixToMisp: 'Poll to MISP' };
export const PROCESS_SHORT: Record<ProcessType, string> = { xmlOutput: 'XML files', stixToMisp: 'MISP' };
export const STATE_LABEL: Record<RunState, string> = { running: 'Running', success: 'Success', partial: 'Partly done', failed: 'Failed' };

/** `2026-11-28 01:00:00` (UTC), or an em dash. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  return new Date(t).toISOString().replace('T', ' ').slice(0, 19);
}

/** `in 4 min`, `3 h ago`, relative to `now`. */
export function relative(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return '';
  const d = t - now;
  const abs = Math.abs(d);
  const text = abs < 60_000 ? `${Math.max(1, Math.round(abs / 1000))} s` : abs < 3_600_000 ? `${Math.round(abs / 60_000)} min` : abs < 86_400_000 ? `${Math.round(abs / 3_600_000)} h` : `${Math.round(abs / 86_400_000)} d`;
  return d >= 0 ? `in ${text}` : `${text} ago`;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return m < 60 ? `${m} min ${s} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export const n = (v: number | undefined) => (v ?? 0).toLocaleString('en');

/** The window of a run, `(begin, end]` as the engine means it. */
export function runWindow(r: Pick<RunRecord, 'beginTimestamp' | 'endTimeStamp'>): string {
  return `${formatTime(r.beginTimestamp)} → ${formatTime(r.endTimeStamp)}`;
}

/** The event page in MISP's web UI. */
export function mispEventUrl(mispUrl: string | undefined, id: string | undefined): string | undefined {
  if (!mispUrl || !id) return undefined;
  return `${mispUrl.replace(/\/+$/, '')}/events/view/${encodeURIComponent(id)}`;
}
