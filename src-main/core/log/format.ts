import type { LogEntry } from '../../../shared/api';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `YYYY-MM-DD HH:mm:ss` in UTC (the old service ran its JVM in UTC). */
export function consoleTime(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** The old console format: `2026-11-28 01:02:03 - message`. */
export function consoleLine(e: LogEntry): string {
  return `${consoleTime(new Date(e.time))} - ${e.message}`;
}

/** The file format adds milliseconds, the level and the module: `2026-11-28 01:02:03.456 INFO  [taxii] message`. */
export function fileLine(e: LogEntry): string {
  const d = new Date(e.time);
  const ctx = [e.runId !== undefined ? `run ${e.runId}` : '', e.feed ? `feed ${e.feed}` : ''].filter(Boolean).join(', ');
  return `${consoleTime(d)}.${pad(d.getUTCMilliseconds(), 3)} ${e.level.toUpperCase().padEnd(5)} [${e.module ?? 'app'}]${ctx ? ` (${ctx})` : ''} ${e.message}`;
}
