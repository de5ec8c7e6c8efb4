import { useState } from 'react';
import { useFlare } from '../store/context';

/** Every key, its value (secrets masked), where it came from, and inline editing that saves into the files. */
export function ConfigView() {
  const config = useFlare((s) => s.config);
  const error = useFlare((s) => s.configError);
  const save = useFlare((s) => s.saveConfig);
  const busy = useFlare((s) => !!s.busy.saveConfig);
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [filter, setFilter] = useState('');
  if (error) {
    return (
      <section className="banner error" data-testid="config-error">
        <pre>{error.message}</pre>
        {error.hint && <p className="hint">{error.hint}</p>}
      </section>
    );
  }
  if (!config) return <p className="muted">Loading the configuration…</p>;
  const dirty = Object.keys(edits).length > 0;
  const shown = config.entries.filter((e) => !e.ignored && (!filter || e.key.includes(filter) || e.describe.toLowerCase().includes(filter.toLowerCase())));
  return (
    <div className="config">
      <p className="muted">
        Files in <span className="mono">{config.dir}</span>. Secrets are never shown; type a new value to replace one.
      </p>
      <div className="toolbar">
        <input placeholder="Filter keys…" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter keys" />
        <button
          className="primary"
          disabled={!dirty || busy}
          onClick={async () => {
            if (await save(edits)) setEdits({});
          }}
        >
          Save {dirty ? `(${Object.keys(edits).length})` : ''}
        </button>
        {dirty && (
          <button className="link" onClick={() => setEdits({})}>
            Discard
          </button>
        )}
      </div>
      {config.warnings.length > 0 && (
        <details className="warnings">
          <summary>{config.warnings.length} warning(s)</summary>
          <ul>
            {config.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </details>
      )}
      <table className="entries" data-testid="config-table">
        <thead>
          <tr>
            <th>Key</th>
            <th>Value</th>
            <th>From</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((e) => (
            <tr key={e.key} title={e.describe}>
              <td className="mono">
                {e.key}
                <div className="muted small">{e.describe}</div>
              </td>
              <td>
                <input
                  aria-label={e.key}
                  type={e.secret ? 'password' : 'text'}
                  value={edits[e.key] ?? (e.secret ? '' : e.value)}
                  placeholder={e.secret && e.isSet ? '•••••• (set)' : ''}
                  disabled={e.source === 'env'}
                  onChange={(ev) => setEdits({ ...edits, [e.key]: ev.target.value })}
                />
              </td>
              <td className="muted small">{e.source === 'file' ? `${e.file}:${e.line}` : e.source === 'env' ? 'environment' : 'default'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
