import { useFlare } from '../store/context';
import { HealthCard } from '../components/HealthCard';
import { RunLink } from '../components/RunLink';
import { StateBadge } from '../components/StateBadge';
import { formatDuration, formatTime, n, PROCESS_LABEL, relative, runWindow } from '../format/format';
import type { JobInfo, ProcessType, RunRecord } from '../../shared/api';
import type { FlareState } from '../store/store';

const PROCESS_TYPES: ProcessType[] = ['xmlOutput', 'stixToMisp'];
const WHAT: Record<ProcessType, string> = {
  xmlOutput: 'Saves the new STIX packages of the feed as files.',
  stixToMisp: 'Sends the new STIX packages of the feed to MISP as events.',
};

/** Part n, packages so far, uploads done, and a bar when the server said how many blocks the window holds. */
export function RunProgress(props: { run: RunRecord }) {
  const p = props.run.progress;
  const total = p?.recordCount;
  const done = p ? Math.min(p.blocks, total ?? p.blocks) : 0;
  const label = `Run ${props.run.id} in progress`;
  return (
    <div className="progress" data-testid={`progress-${props.run.processType}`} role="status" aria-live="polite">
      <p className="busy">
        <span className="spinner" aria-hidden="true" /> {label}
        {p ? `: part ${p.part}, ${n(p.packages)} packages so far, ${n(p.uploadsDone)} ${props.run.processType === 'xmlOutput' ? 'files written' : 'uploads done'}` : ': starting…'}
        {total !== undefined && ` (${n(p?.blocks)} of ${n(total)} blocks)`}
      </p>
      {total !== undefined && total > 0 && <progress max={total} value={done} aria-label={`${label}: blocks received`} />}
    </div>
  );
}

function LastRun(props: { run?: RunRecord | undefined }) {
  const r = props.run;
  if (!r) return <p className="muted small">No run yet: the button above starts the first one.</p>;
  return (
    <div className="last-run" data-testid="last-run">
      <p>
        Last run: <RunLink id={r.id} /> <StateBadge state={r.state} /> <span className="muted small">{formatTime(r.finishedAt ?? r.startedAt)} · {formatDuration(r.durationMs)} · {r.trigger}</span>
      </p>
      <ul className="counts" aria-label={`Counts of run ${r.id}`}>
        <li><strong>{n(r.counts.received)}</strong> received</li>
        <li><strong>{n(r.counts.new)}</strong> new</li>
        <li><strong>{n(r.counts.updated)}</strong> updated</li>
        <li><strong>{n(r.counts.duplicate)}</strong> duplicate</li>
        <li><strong>{n(r.processType === 'xmlOutput' ? r.counts.saved : r.counts.uploaded)}</strong> {r.processType === 'xmlOutput' ? 'saved' : 'uploaded'}</li>
        <li className={r.counts.failed ? 'bad' : undefined}><strong>{n(r.counts.failed)}</strong> failed</li>
      </ul>
      <p className="muted small">Window {runWindow(r)}</p>
    </div>
  );
}

function PollPanel(props: { processType: ProcessType }) {
  const { processType } = props;
  const active = useFlare((s) => s.active[processType]);
  const busy = useFlare((s) => !!s.busy[`poll:${processType}`]);
  const poll = useFlare((s) => s.poll);
  const last = useFlare((s) => (s.runs.data ?? []).find((r) => r.processType === processType && r.state !== 'running'));
  const running = busy || !!active;
  return (
    <section className="card poll" aria-labelledby={`poll-${processType}`} data-testid={`poll-${processType}`}>
      <header>
        <h2 id={`poll-${processType}`}>{PROCESS_LABEL[processType]}</h2>
        <button className={processType === 'stixToMisp' ? 'primary' : undefined} onClick={() => void poll(processType)} disabled={running} aria-describedby={`poll-${processType}-what`}>
          {PROCESS_LABEL[processType]}
        </button>
      </header>
      <p className="muted small" id={`poll-${processType}-what`}>
        {WHAT[processType]}
      </p>
      {active ? <RunProgress run={active} /> : busy ? <p className="busy" role="status"><span className="spinner" aria-hidden="true" /> Starting…</p> : null}
      <LastRun run={last} />
    </section>
  );
}

export interface Problem {
  id: string;
  text: string;
  todo: string;
  action?: { label: string; view: FlareState['view'] } | { label: string; runId: number };
}

/** What needs a person now: quarantined packages, a stopped or failing schedule, a failed last run, a failing check. */
export function problems(s: Pick<FlareState, 'status' | 'jobs' | 'runs' | 'quarantine' | 'health'>): Problem[] {
  const out: Problem[] = [];
  const waiting = (s.quarantine.data ?? []).filter((q) => q.waitingForPerson).length;
  const quarantined = s.quarantine.data?.length ?? s.status?.quarantined ?? 0;
  if (quarantined > 0)
    out.push({
      id: 'quarantine',
      text: `${n(quarantined)} package${quarantined === 1 ? ' is' : 's are'} quarantined${waiting ? ` (${n(waiting)} waiting for a person)` : ''}.`,
      todo: 'See why each failed, preview the MISP event, and retry once the cause is fixed.',
      action: { label: 'Open Quarantine', view: 'quarantine' },
    });
  for (const p of PROCESS_TYPES) {
    const last = (s.runs.data ?? []).find((r) => r.processType === p && r.state !== 'running');
    if (last && last.state === 'failed')
      out.push({
        id: `run-${p}`,
        text: `The last ${PROCESS_LABEL[p]} run failed: ${last.error?.message ?? last.detailedStatus}`,
        todo: last.error?.hint ?? 'Open the run and the log for the details, fix the cause, and poll again.',
        action: { label: `Open run ${last.id}`, runId: last.id },
      });
  }
  const jobs = s.jobs.data ?? [];
  const failingJob = jobs.find((j) => j.lastRun?.state === 'failed');
  if (failingJob && !out.some((o) => o.id === `run-${failingJob.processType}`))
    out.push({ id: 'job-failing', text: `The scheduled job ${failingJob.name} failed last time: ${failingJob.lastRun!.detailedStatus}`, todo: 'Check the feed and MISP health, then look at the run.', action: { label: 'Open Jobs', view: 'jobs' } });
  const paused = jobs.length > 0 && jobs.every((j) => j.paused);
  if (s.status && s.status.taxiiConfigured && !s.status.schedulerRunning && !paused && !s.status.configError)
    out.push({ id: 'scheduler', text: 'The scheduler is stopped: no run starts on its own.', todo: 'Restart the scheduler in Jobs when the feed and MISP are ready.', action: { label: 'Open Jobs', view: 'jobs' } });
  else if (paused)
    out.push({ id: 'paused', text: 'The schedule is paused.', todo: 'Resume it in Jobs when scheduled runs should go on.', action: { label: 'Open Jobs', view: 'jobs' } });
  for (const [key, label] of [['taxii', 'TAXII feed'], ['misp', 'MISP server']] as const) {
    const h = s.health[key];
    if (h && h.configured && !h.ok) out.push({ id: `health-${key}`, text: `The ${label} check failed: ${h.reason ?? `HTTP ${h.statusCode}`}`, todo: h.hint ?? 'Check the settings in Config.', action: { label: 'Open Config', view: 'config' } });
  }
  return out;
}

function Attention() {
  const status = useFlare((s) => s.status);
  const jobs = useFlare((s) => s.jobs);
  const runs = useFlare((s) => s.runs);
  const quarantine = useFlare((s) => s.quarantine);
  const health = useFlare((s) => s.health);
  const list = problems({ status, jobs, runs, quarantine, health });
  const setView = useFlare((s) => s.setView);
  const openRun = useFlare((s) => s.openRun);
  if (list.length === 0) return null;
  return (
    <section className="card attention" aria-labelledby="attention-title" data-testid="attention">
      <h2 id="attention-title">Needs attention</h2>
      <ul>
        {list.map((p) => (
          <li key={p.id}>
            <strong>{p.text}</strong> <span className="muted">{p.todo}</span>{' '}
            {p.action && (
              <button className="link" onClick={() => ('runId' in p.action! ? openRun(p.action.runId) : setView(p.action!.view))}>
                {p.action.label}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function nextJob(jobs: JobInfo[] | undefined): JobInfo | undefined {
  return (jobs ?? []).filter((j) => j.nextRun && !j.paused).sort((a, b) => Date.parse(a.nextRun!) - Date.parse(b.nextRun!))[0];
}

function Schedule() {
  const jobs = useFlare((s) => s.jobs);
  const status = useFlare((s) => s.status);
  const setView = useFlare((s) => s.setView);
  const next = nextJob(jobs.data);
  const list = jobs.data ?? [];
  return (
    <section className="card" aria-labelledby="schedule-title" data-testid="next-run">
      <header>
        <h2 id="schedule-title">Schedule</h2>
        <button className="link" onClick={() => setView('jobs')}>
          Open Jobs
        </button>
      </header>
      {jobs.error ? (
        <p className="muted">The schedule could not be read: {jobs.error.message}</p>
      ) : next ? (
        <p>
          Next run: <strong>{PROCESS_LABEL[next.processType]}</strong> of {next.collection} at {formatTime(next.nextRun)} <span className="muted">({relative(next.nextRun)}, {next.schedule})</span>
        </p>
      ) : list.length > 0 && list.every((j) => j.paused) ? (
        <p>The schedule is paused: no run starts on its own until it is resumed.</p>
      ) : status && !status.schedulerRunning ? (
        <p>The scheduler is stopped. Restart it in Jobs to poll every {list[0]?.frequencyMinutes || 'few'} minutes.</p>
      ) : (
        <p className="muted">No scheduled run: set the feed (and MISP for Poll to MISP) in Config, then the scheduler polls on its own.</p>
      )}
    </section>
  );
}

export function Dashboard() {
  const status = useFlare((s) => s.status);
  const health = useFlare((s) => s.health);
  const busy = useFlare((s) => s.busy);
  const checkTaxii = useFlare((s) => s.checkTaxii);
  const checkMisp = useFlare((s) => s.checkMisp);
  const setView = useFlare((s) => s.setView);
  const notConfigured = status && (!status.taxiiConfigured || !status.mispConfigured);
  return (
    <div className="dashboard">
      {status?.configError && (
        <section className="banner error" data-testid="config-error" role="alert">
          <strong>The configuration has errors, so nothing can run.</strong>
          <p>{status.configError.message}</p>
          {status.configError.hint && <p className="hint">{status.configError.hint}</p>}
          <button className="link" onClick={() => setView('config')}>
            Open the configuration
          </button>
        </section>
      )}
      {!status?.configError && notConfigured && (
        <section className="banner info" data-testid="not-configured">
          {!status?.taxiiConfigured && 'No TAXII feed is configured yet. '}
          {!status?.mispConfigured && 'No MISP server is configured yet. '}
          <button className="link" onClick={() => setView('config')}>
            Open the configuration
          </button>
        </section>
      )}
      <Attention />
      <div className="grid">
        <HealthCard title="TAXII" testId="health-taxii" result={health.taxii} busy={!!busy.checkTaxii} onCheck={() => void checkTaxii()} />
        <HealthCard title="MISP" testId="health-misp" result={health.misp} busy={!!busy.checkMisp} onCheck={() => void checkMisp()} />
      </div>
      <div className="grid">
        {PROCESS_TYPES.map((p) => (
          <PollPanel key={p} processType={p} />
        ))}
      </div>
      <Schedule />
    </div>
  );
}
