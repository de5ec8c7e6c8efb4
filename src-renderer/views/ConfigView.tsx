import { useMemo, useState } from 'react';
import { useFlare } from '../store/context';
import { Field, keysInMessage } from '../components/Field';
import type { ApiErrorShape, ConfigEntryView } from '../../shared/api';
import { formatTime, relative, PROCESS_LABEL } from '../format/format';
import { nextJob } from './Dashboard';

type Section = 'taxii' | 'misp' | 'schedule' | 'output' | 'logging' | 'server' | 'advanced';

export const SECTIONS: { id: Section; title: string; about: string }[] = [
  { id: 'taxii', title: 'TAXII feed', about: 'Where packages are polled from, and how FLARE MISP authenticates to it.' },
  { id: 'misp', title: 'MISP', about: 'Where Poll to MISP sends events, and how they are shared.' },
  { id: 'schedule', title: 'Schedule', about: 'What runs on its own and how often; where the first poll begins.' },
  { id: 'output', title: 'Output', about: 'Where XML files, the tracker, cursors and quarantined packages are kept.' },
  { id: 'logging', title: 'Logging', about: 'The log file and its level.' },
  { id: 'server', title: 'Headless API', about: 'The web UI and REST API of `flare-misp serve`.' },
  { id: 'advanced', title: 'Advanced', about: 'Settings most installations leave alone.' },
];

const SCHEDULE = new Set(['mtc.processtype', 'mtc.quartz.frequency', 'flare.schedule.cron', 'mtc.start.time', 'flare.poll.overlap.minutes']);
const OUTPUT = new Set(['mtc.destination.directory', 'mtc.tracking.datafile', 'flare.data.dir']);
const ADVANCED = new Set(['stixtransclient.source.collection.validvalues', 'flare.taxii.content-bindings', 'flare.taxii.max-wait.seconds', 'flare.misp.concurrency', 'flare.misp.timeout.ms', 'stixtransclient.misp.url', 'misptransclient.post.baseurl', 'stixtransclient.poll.url', 'stixtransclient.client.cert', 'stixtransclient.client.key']);

/** The section a key belongs in (by its name: the engine's key list is grouped the same way). */
export function sectionOf(key: string): Section {
  if (ADVANCED.has(key)) return 'advanced';
  if (SCHEDULE.has(key)) return 'schedule';
  if (OUTPUT.has(key)) return 'output';
  if (key.startsWith('logging.') || key.startsWith('flare.logging.')) return 'logging';
  if (key.startsWith('server.') || key.startsWith('flare.server.')) return 'server';
  if (key.startsWith('stixtransclient.misp') || key.startsWith('misp') || key.startsWith('flare.misp.')) return 'misp';
  if (key.startsWith('stixtransclient.') || key.startsWith('flare.taxii.') || key.startsWith('client.ssl.')) return 'taxii';
  return 'advanced';
}

function SectionTest(props: { section: Section }) {
  const busy = useFlare((s) => s.busy);
  const health = useFlare((s) => s.health);
  const checkTaxii = useFlare((s) => s.checkTaxii);
  const checkMisp = useFlare((s) => s.checkMisp);
  const loadJobs = useFlare((s) => s.loadJobs);
  const jobs = useFlare((s) => s.jobs);
  const status = useFlare((s) => s.status);
  const [tested, setTested] = useState(false);
  if (props.section === 'taxii' || props.section === 'misp') {
    const r = props.section === 'taxii' ? health.taxii : health.misp;
    const key = props.section === 'taxii' ? 'checkTaxii' : 'checkMisp';
    return (
      <div className="section-test" role="status" data-testid={`test-${props.section}`}>
        <button onClick={() => void (props.section === 'taxii' ? checkTaxii() : checkMisp())} disabled={!!busy[key]}>
          {busy[key] ? 'Checking…' : `Test the ${props.section === 'taxii' ? 'feed' : 'MISP'} settings`}
        </button>
        {r && (
          <span className={r.ok ? 'ok' : 'bad'}>
            {r.ok ? 'Healthy' : r.configured ? 'Failing' : 'Not configured'}
            {r.reason ? `: ${r.reason}` : ''} {r.hint && !r.ok ? <span className="muted">— {r.hint}</span> : null}
          </span>
        )}
      </div>
    );
  }
  if (props.section === 'schedule') {
    const next = nextJob(jobs.data);
    return (
      <div className="section-test" role="status" data-testid="test-schedule">
        <button
          onClick={async () => {
            await loadJobs();
            setTested(true);
          }}
        >
          Test the schedule
        </button>
        {tested && (next ? <span className="ok">Next run: {PROCESS_LABEL[next.processType]} at {formatTime(next.nextRun)} ({relative(next.nextRun)}, {next.schedule}).</span> : <span className="bad">No run is scheduled{jobs.error ? `: ${jobs.error.message}` : '.'}</span>)}
      </div>
    );
  }
  if (props.section === 'server')
    return (
      <p className="muted small">
        {status ? `This page talks to FLARE MISP ${status.version} (${status.mode}); address and token changes apply when the service restarts.` : ''}
      </p>
    );
  return null;
}

function EntryField(props: { entry: ConfigEntryView; value: string | undefined; onChange(v: string): void; error?: string | undefined }) {
  const e = props.entry;
  const from = e.source === 'file' ? `${e.file}:${e.line}` : e.source === 'env' ? 'set by the environment (read-only here)' : 'default';
  return (
    <div className="entry" data-key={e.key}>
      <Field
        label={e.describe}
        name={e.key}
        ariaLabel={e.key}
        value={props.value ?? (e.secret ? '' : e.value)}
        onChange={props.onChange}
        secret={e.secret}
        secretSet={e.secret && e.isSet}
        disabled={e.source === 'env'}
        help={from}
        error={props.error}
      />
    </div>
  );
}

/** Every key, grouped, with its value (secrets masked), where it came from, inline errors, and a test per section. */
export function ConfigView() {
  const config = useFlare((s) => s.config);
  const error = useFlare((s) => s.configError);
  const save = useFlare((s) => s.saveConfig);
  const reload = useFlare((s) => s.reloadConfig);
  const busy = useFlare((s) => s.busy);
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [filter, setFilter] = useState('');
  const [saveError, setSaveError] = useState<ApiErrorShape>();
  const keys = useMemo(() => config?.entries.map((e) => e.key) ?? [], [config]);
  const invalid = useMemo(() => new Set(saveError ? keysInMessage(saveError.message, keys) : []), [saveError, keys]);
  const reloadButton = (
    <button onClick={() => void reload()} disabled={!!busy.reload}>
      Reload config
    </button>
  );
  if (error) {
    return (
      <div className="config">
        <section className="banner error" data-testid="config-error" role="alert">
          <strong>The configuration could not be read.</strong>
          <p>{error.message}</p>
          {error.hint && <p className="hint">{error.hint}</p>}
          <p>Fix the file named above, then {reloadButton}</p>
        </section>
      </div>
    );
  }
  if (!config) return <p className="muted" role="status">Loading the configuration…</p>;
  const dirty = Object.keys(edits).length > 0;
  const q = filter.trim().toLowerCase();
  const shown = config.entries.filter((e) => !e.ignored && (!q || e.key.toLowerCase().includes(q) || e.describe.toLowerCase().includes(q)));
  const ignored = config.entries.filter((e) => e.ignored);
  const doSave = async () => {
    setSaveError(undefined);
    const r = await save(edits);
    if (r.ok) setEdits({});
    else setSaveError(r.error);
  };
  return (
    <div className="config">
      <p className="muted">
        Files in <span className="mono">{config.dir}</span>. Saving writes the properties files and keeps their comments. Secrets are never shown; type a new value to replace one.
      </p>
      <div className="toolbar sticky">
        <input type="search" placeholder="Filter settings…" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter settings" />
        <button className="primary" disabled={!dirty || !!busy.saveConfig} onClick={() => void doSave()}>
          Save{dirty ? ` (${Object.keys(edits).length})` : ''}
        </button>
        {dirty && (
          <button
            className="link"
            onClick={() => {
              setEdits({});
              setSaveError(undefined);
            }}
          >
            Discard changes
          </button>
        )}
        {reloadButton}
      </div>
      {saveError && (
        <div className="banner error" role="alert" data-testid="config-save-error">
          <strong>Not saved.</strong> {saveError.message}
          {saveError.hint && <p className="hint">{saveError.hint}</p>}
        </div>
      )}
      {config.warnings.length > 0 && (
        <details className="warnings card">
          <summary>
            {config.warnings.length} warning{config.warnings.length === 1 ? '' : 's'} about the configuration
          </summary>
          <ul>
            {config.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </details>
      )}
      <div data-testid="config-table">
        {SECTIONS.map((sec) => {
          const entries = shown.filter((e) => sectionOf(e.key) === sec.id);
          if (entries.length === 0) return null;
          return (
            <section key={sec.id} className="card config-section" aria-labelledby={`cfg-${sec.id}`}>
              <header>
                <h2 id={`cfg-${sec.id}`}>{sec.title}</h2>
              </header>
              <p className="muted small">{sec.about}</p>
              <SectionTest section={sec.id} />
              <div className="entries-grid">
                {entries.map((e) => (
                  <EntryField
                    key={e.key}
                    entry={e}
                    value={edits[e.key]}
                    error={invalid.has(e.key) ? saveError?.message : undefined}
                    onChange={(v) => setEdits((old) => ({ ...old, [e.key]: v }))}
                  />
                ))}
              </div>
            </section>
          );
        })}
        {shown.length === 0 && <p className="empty-state">No setting matches “{filter}”.</p>}
      </div>
      {ignored.length > 0 && (
        <details className="card">
          <summary>{ignored.length} keys kept for compatibility and ignored</summary>
          <ul className="small">
            {ignored.map((e) => (
              <li key={e.key}>
                <span className="mono">{e.key}</span>: {e.ignored}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
