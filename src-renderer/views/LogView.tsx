import { useEffect, useRef, useState } from 'react';
import { useFlare } from '../store/context';
import type { LogLevel } from '../../shared/api';

const LEVELS: LogLevel[] = ['error', 'warn', 'info', 'debug'];

/** The live log: newest at the bottom, follows new entries unless the analyst scrolled up. */
export function LogView() {
  const log = useFlare((s) => s.log);
  const [level, setLevel] = useState<LogLevel>('debug');
  const [text, setText] = useState('');
  const box = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const max = LEVELS.indexOf(level);
  const shown = log.filter((e) => LEVELS.indexOf(e.level) <= max && (!text || e.message.toLowerCase().includes(text.toLowerCase()))).slice(-1000);
  useEffect(() => {
    if (follow.current && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [shown.length]);
  return (
    <div className="log">
      <div className="toolbar">
        <select value={level} onChange={(e) => setLevel(e.target.value as LogLevel)} aria-label="Level">
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {l === 'debug' ? 'all levels' : `${l} and worse`}
            </option>
          ))}
        </select>
        <input placeholder="Search the log…" value={text} onChange={(e) => setText(e.target.value)} aria-label="Search the log" />
        <span className="muted small">{shown.length} entries</span>
      </div>
      <div
        className="log-lines mono"
        ref={box}
        data-testid="log-lines"
        onScroll={(e) => {
          const el = e.currentTarget;
          follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
        }}
      >
        {shown.map((e, i) => (
          <div key={i} className={`line ${e.level}`}>
            <span className="time">{e.time.replace('T', ' ').slice(0, 19)}</span> <span className="lvl">{e.level.toUpperCase()}</span>{' '}
            {e.module && <span className="module">[{e.module}]</span>} {e.message}
          </div>
        ))}
      </div>
    </div>
  );
}
