import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useFlare } from '../store/context';
import { MAX_LOG } from '../store/store';
import type { LogEntry, LogLevel } from '../../shared/api';
import { n } from '../format/format';

const LEVELS: LogLevel[] = ['error', 'warn', 'info', 'debug'];
const ROW = 20;

export function logLine(e: LogEntry): string {
  return `${e.time.replace('T', ' ').slice(0, 19)} ${e.level.toUpperCase().padEnd(5)} ${e.module ? `[${e.module}] ` : ''}${e.message}`;
}

export function filterLog(log: LogEntry[], level: LogLevel, text: string): LogEntry[] {
  const max = LEVELS.indexOf(level);
  const q = text.trim().toLowerCase();
  if (max === LEVELS.length - 1 && !q) return log;
  return log.filter((e) => LEVELS.indexOf(e.level) <= max && (!q || e.message.toLowerCase().includes(q) || (e.module ?? '').toLowerCase().includes(q)));
}

/**
 * The live log, virtualized (@tanstack/react-virtual): only the lines in view are in the page, so 100,000 stay
 * smooth. Newest at the bottom; it follows new lines unless paused or scrolled up.
 */
export function LogView() {
  const log = useFlare((s) => s.log);
  const openRun = useFlare((s) => s.openRun);
  const [level, setLevel] = useState<LogLevel>('debug');
  const [text, setText] = useState('');
  const [follow, setFollow] = useState(true);
  const [copied, setCopied] = useState('');
  const q = useDeferredValue(text);
  const shown = useMemo(() => filterLog(log, level, q), [log, level, q]);
  const box = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: shown.length, getScrollElement: () => box.current, estimateSize: () => ROW, overscan: 20 });
  useEffect(() => {
    if (follow && shown.length > 0) virtualizer.scrollToIndex(shown.length - 1, { align: 'end' });
  }, [follow, shown.length, virtualizer]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(shown.map(logLine).join('\n') + '\n');
      setCopied(`Copied ${n(shown.length)} lines.`);
    } catch {
      setCopied('The clipboard is not available here; select the lines instead.');
    }
  };
  return (
    <div className="log">
      <div className="toolbar" role="search">
        <select value={level} onChange={(e) => setLevel(e.target.value as LogLevel)} aria-label="Level">
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {l === 'debug' ? 'All levels' : l === 'error' ? 'Errors only' : `${l === 'warn' ? 'Warnings' : 'Info'} and worse`}
            </option>
          ))}
        </select>
        <input type="search" placeholder="Search the log…" value={text} onChange={(e) => setText(e.target.value)} aria-label="Search the log" />
        <label className="inline">
          <input type="checkbox" checked={!follow} onChange={(e) => setFollow(!e.target.checked)} /> Pause autoscroll
        </label>
        <button onClick={() => void copy()} disabled={shown.length === 0}>
          Copy
        </button>
        <span className="muted small" role="status">
          {copied || `${n(shown.length)} of ${n(log.length)} entries${log.length >= MAX_LOG ? ` (the newest ${n(MAX_LOG)} are kept)` : ''}`}
        </span>
      </div>
      <div
        className="log-lines mono"
        ref={box}
        data-testid="log-lines"
        tabIndex={0}
        role="log"
        aria-label="Live log"
        onScroll={(e) => {
          const el = e.currentTarget;
          const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW;
          // Scrolling up stops following; back at the end, it follows again (unless paused by the checkbox).
          if (!atEnd && follow && el.dataset.userScroll === '1') setFollow(false);
        }}
        onWheel={(e) => (e.currentTarget.dataset.userScroll = '1')}
        onKeyDown={(e) => (e.currentTarget.dataset.userScroll = '1')}
        onPointerDown={(e) => (e.currentTarget.dataset.userScroll = '1')}
      >
        {shown.length === 0 ? (
          <p className="muted">{log.length === 0 ? 'Nothing logged yet: health checks, polls and configuration changes appear here as they happen.' : 'No entry matches these filters.'}</p>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth: '100%' }}>
            {virtualizer.getVirtualItems().map((row) => {
              const e = shown[row.index]!;
              return (
                <div key={row.key} className={`line ${e.level}`} style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${row.start}px)` }}>
                  <span className="time">{e.time.replace('T', ' ').slice(0, 19)}</span> <span className="lvl">{e.level.toUpperCase()}</span> {e.module && <span className="module">[{e.module}]</span>} {e.message}
                  {e.runId !== undefined && (
                    <>
                      {' '}
                      <button className="link run-ref" onClick={() => openRun(e.runId!)} aria-label={`Open run ${e.runId}`}>
                        run {e.runId}
                      </button>
                    </>
                  )}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
