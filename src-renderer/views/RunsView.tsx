import { useDeferredValue, useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useFlare } from '../store/context';
import { ExternalLink, RunLink } from '../components/RunLink';
import { ListState, StateBadge } from '../components/StateBadge';
import { formatDuration, formatTime, mispEventUrl, n, PROCESS_LABEL, PROCESS_SHORT, runWindow } from '../format/format';
import type { ProcessType, RunPackageOutcome, RunRecord, RunState, RunTrigger } from '../../shared/api';
import { RunProgress } from './Dashboard';

export interface RunFilter {
  processType: '' | ProcessType;
  state: '' | RunState;
  trigger: '' | RunTrigger;
  text: string;
}

export function filterRuns(runs: RunRecord[], f: RunFilter): RunRecord[] {
  const q = f.text.trim().toLowerCase();
  return runs.filter(
    (r) =>
      (!f.processType || r.processType === f.processType) &&
      (!f.state || r.state === f.state) &&
      (!f.trigger || r.trigger === f.trigger) &&
      (!q || [String(r.id), r.collection, r.feed, r.detailedStatus, r.error?.message ?? ''].some((s) => s.toLowerCase().includes(q))),
  );
}

/** Chart rows, oldest first: packages per run by outcome, and duration in seconds. */
export function chartRows(runs: RunRecord[]) {
  return runs
    .filter((r) => r.state !== 'running')
    .slice(0, 100)
    .reverse()
    .map((r) => ({
      name: `#${r.id}`,
      when: formatTime(r.startedAt).slice(5, 16),
      // A package that failed is counted as new too (it was never seen before): in the chart it is failed only.
      new: Math.max(0, r.counts.new - r.counts.failed),
      updated: r.counts.updated,
      duplicate: r.counts.duplicate,
      failed: r.counts.failed,
      seconds: r.durationMs !== undefined ? Math.round(r.durationMs / 100) / 10 : null,
    }));
}

const SERIES = [
  { key: 'new', label: 'New', color: 'var(--chart-new)' },
  { key: 'updated', label: 'Updated', color: 'var(--chart-updated)' },
  { key: 'duplicate', label: 'Duplicate', color: 'var(--chart-duplicate)' },
  { key: 'failed', label: 'Failed', color: 'var(--chart-failed)' },
] as const;

function RunCharts(props: { runs: RunRecord[] }) {
  const rows = useMemo(() => chartRows(props.runs), [props.runs]);
  if (rows.length === 0) return null;
  const totals = SERIES.map((s) => `${rows.reduce((a, r) => a + r[s.key], 0)} ${s.label.toLowerCase()}`).join(', ');
  const tooltipStyle = { background: 'var(--card)', border: '1px solid var(--line)', color: 'var(--fg)' };
  return (
    <div className="grid charts" data-testid="run-charts">
      <figure className="card chart" aria-label={`Packages per run over the last ${rows.length} runs: ${totals}`}>
        <figcaption>Packages per run</figcaption>
        <ResponsiveContainer width="100%" height={220} initialDimension={{ width: 520, height: 220 }}>
          <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -12 }} accessibilityLayer>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--line)" vertical={false} />
            <XAxis dataKey="name" tick={{ fill: 'var(--muted)', fontSize: 11 }} stroke="var(--line)" minTickGap={16} />
            <YAxis allowDecimals={false} tick={{ fill: 'var(--muted)', fontSize: 11 }} stroke="var(--line)" />
            <Tooltip contentStyle={tooltipStyle} labelFormatter={(l, p) => `Run ${String(l).slice(1)} · ${p?.[0]?.payload?.when ?? ''}`} cursor={{ fill: 'var(--hover)' }} />
            <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
            {SERIES.map((s) => (
              <Bar key={s.key} dataKey={s.key} name={s.label} stackId="p" fill={s.color} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <figure className="card chart" aria-label={`Run duration over the last ${rows.length} runs`}>
        <figcaption>Run duration (seconds)</figcaption>
        <ResponsiveContainer width="100%" height={220} initialDimension={{ width: 520, height: 220 }}>
          <LineChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -12 }} accessibilityLayer>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--line)" vertical={false} />
            <XAxis dataKey="name" tick={{ fill: 'var(--muted)', fontSize: 11 }} stroke="var(--line)" minTickGap={16} />
            <YAxis tick={{ fill: 'var(--muted)', fontSize: 11 }} stroke="var(--line)" />
            <Tooltip contentStyle={tooltipStyle} labelFormatter={(l, p) => `Run ${String(l).slice(1)} · ${p?.[0]?.payload?.when ?? ''}`} formatter={(v) => [`${String(v)} s`, 'Duration']} />
            <Line type="monotone" dataKey="seconds" name="Duration" stroke="var(--accent)" strokeWidth={2} dot={{ r: 2 }} connectNulls isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}

const OUTCOME_LABEL: Record<RunPackageOutcome['outcome'], string> = {
  new: 'new',
  updated: 'updated',
  duplicate: 'duplicate',
  saved: 'saved',
  uploaded: 'uploaded',
  failed: 'failed',
  quarantined: 'quarantined',
  skipped: 'skipped',
};

function PackagesTable(props: { run: RunRecord; mispUrl?: string | undefined }) {
  const all = props.run.packages ?? [];
  const [outcome, setOutcome] = useState('');
  const [text, setText] = useState('');
  const [limit, setLimit] = useState(500);
  const q = useDeferredValue(text.trim().toLowerCase());
  const shown = useMemo(() => all.filter((p) => (!outcome || p.outcome === outcome) && (!q || p.packageId.toLowerCase().includes(q) || (p.reason ?? '').toLowerCase().includes(q))), [all, outcome, q]);
  if (all.length === 0)
    return <p className="muted">{props.run.state === 'running' ? 'The packages are listed when the run ends.' : 'This run handled no package: the window held nothing new.'}</p>;
  const outcomes = [...new Set(all.map((p) => p.outcome))];
  return (
    <>
      <div className="toolbar">
        <select value={outcome} onChange={(e) => setOutcome(e.target.value)} aria-label="Outcome">
          <option value="">Every outcome</option>
          {outcomes.map((o) => (
            <option key={o} value={o}>
              {OUTCOME_LABEL[o]}
            </option>
          ))}
        </select>
        <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Filter by package id or reason…" aria-label="Filter packages" />
        <span className="muted small">
          {n(shown.length)} of {n(all.length)} packages{props.run.packagesOmitted ? ` (${n(props.run.packagesOmitted)} more not listed)` : ''}
        </span>
      </div>
      <div className="table-wrap">
        <table className="entries" data-testid="run-packages">
          <thead>
            <tr>
              <th scope="col">Package</th>
              <th scope="col">Outcome</th>
              <th scope="col">{props.run.processType === 'xmlOutput' ? 'File' : 'MISP event'}</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {shown.slice(0, limit).map((p) => {
              const url = mispEventUrl(props.mispUrl, p.mispEventId);
              return (
                <tr key={p.packageId}>
                  <td className="mono wrap">{p.packageId}</td>
                  <td>
                    <span className={`badge outcome-${p.outcome}`}>{OUTCOME_LABEL[p.outcome]}</span>
                  </td>
                  <td>{url ? <ExternalLink href={url}>Event {p.mispEventId}</ExternalLink> : p.mispEventId ? `Event ${p.mispEventId}` : p.file ? <span className="mono wrap">{p.file}</span> : '—'}</td>
                  <td className="small">{p.reason ?? ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {shown.length > limit && (
        <p className="cap">
          Showing the first {n(limit)} of {n(shown.length)}. <button onClick={() => setLimit(limit + 1000)}>Show 1,000 more</button>
        </p>
      )}
    </>
  );
}

function RunDetailView() {
  const detail = useFlare((s) => s.runDetail);
  const listed = useFlare((s) => s.runs.data?.find((r) => r.id === s.runId));
  const mispUrl = useFlare((s) => s.config?.summary.mispUrl);
  const setView = useFlare((s) => s.setView);
  const run = detail?.run ?? listed;
  return (
    <div className="run-detail" data-testid="run-detail">
      <button className="link" onClick={() => setView('runs')}>
        ← All runs
      </button>
      {detail?.error && !run && (
        <div className="banner error" role="alert">
          {detail.error.message}
          {detail.error.hint && <p className="hint">{detail.error.hint}</p>}
        </div>
      )}
      {!run && !detail?.error && <p className="muted">Loading the run…</p>}
      {run && (
        <>
          <section className="card">
            <header>
              <h2>
                Run {run.id}: {PROCESS_LABEL[run.processType]} <StateBadge state={run.state} />
              </h2>
            </header>
            {run.state === 'running' && <RunProgress run={run} />}
            <p>{run.detailedStatus}</p>
            {run.error && (
              <div className="banner error" role="alert">
                {run.error.message}
                {run.error.hint && <p className="hint">{run.error.hint}</p>}
              </div>
            )}
            <dl className="facts">
              <dt>Feed</dt>
              <dd>
                {run.feed} · collection {run.collection}
              </dd>
              <dt>Trigger</dt>
              <dd>{run.trigger}</dd>
              <dt>Window</dt>
              <dd>{run.beginTimestamp || run.endTimeStamp ? runWindow(run) : run.trigger === 'retry' ? 'none: a retry takes the quarantined packages' : '—'}</dd>
              <dt>Started</dt>
              <dd>{formatTime(run.startedAt)}</dd>
              <dt>Duration</dt>
              <dd>{formatDuration(run.durationMs)}</dd>
              <dt>Counts</dt>
              <dd data-testid="run-counts">
                {n(run.counts.received)} received · {n(run.counts.new)} new · {n(run.counts.updated)} updated · {n(run.counts.duplicate)} duplicate · {n(run.counts.uploaded)} uploaded · {n(run.counts.saved)} saved ·{' '}
                {n(run.counts.failed)} failed · {n(run.counts.quarantined)} quarantined · {n(run.counts.skipped)} skipped
              </dd>
              {run.estimate !== undefined && (
                <>
                  <dt>Estimate</dt>
                  <dd>{n(run.estimate)} blocks (COUNT_ONLY, before the run)</dd>
                </>
              )}
            </dl>
            {run.warnings && run.warnings.length > 0 && (
              <ul className="warnings-list">
                {run.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            )}
          </section>
          <section className="card">
            <h2>Packages</h2>
            {!mispUrl && run.processType === 'stixToMisp' && <p className="muted small">Set flare.misp.url to link each package to its MISP event.</p>}
            <PackagesTable run={run} mispUrl={mispUrl} />
          </section>
        </>
      )}
    </div>
  );
}

export function RunsView() {
  const runs = useFlare((s) => s.runs);
  const runId = useFlare((s) => s.runId);
  const loadRuns = useFlare((s) => s.loadRuns);
  const setView = useFlare((s) => s.setView);
  const [filter, setFilter] = useState<RunFilter>({ processType: '', state: '', trigger: '', text: '' });
  const shown = useMemo(() => filterRuns(runs.data ?? [], filter), [runs.data, filter]);
  if (runId !== undefined) return <RunDetailView />;
  const all = runs.data ?? [];
  const filtered = filter.processType || filter.state || filter.trigger || filter.text.trim();
  return (
    <div className="runs">
      <ListState
        what="The run history"
        loading={runs.loading}
        error={runs.error}
        empty={all.length === 0}
        onRetry={() => void loadRuns()}
        emptyText={
          <p>
            No run yet. Start one with <strong>Poll to XML</strong> or <strong>Poll to MISP</strong> on the{' '}
            <button className="link" onClick={() => setView('dashboard')}>
              Dashboard
            </button>
            , or wait for the schedule.
          </p>
        }
      />
      {all.length > 0 && (
        <>
          <RunCharts runs={shown} />
          <div className="toolbar" role="search">
            <select value={filter.processType} onChange={(e) => setFilter({ ...filter, processType: e.target.value as RunFilter['processType'] })} aria-label="Process type">
              <option value="">Both process types</option>
              <option value="xmlOutput">{PROCESS_SHORT.xmlOutput}</option>
              <option value="stixToMisp">{PROCESS_SHORT.stixToMisp}</option>
            </select>
            <select value={filter.state} onChange={(e) => setFilter({ ...filter, state: e.target.value as RunFilter['state'] })} aria-label="Status">
              <option value="">Any status</option>
              <option value="success">Success</option>
              <option value="partial">Partly done</option>
              <option value="failed">Failed</option>
              <option value="running">Running</option>
            </select>
            <select value={filter.trigger} onChange={(e) => setFilter({ ...filter, trigger: e.target.value as RunFilter['trigger'] })} aria-label="Trigger">
              <option value="">Any trigger</option>
              <option value="manual">manual</option>
              <option value="scheduled">scheduled</option>
              <option value="retry">retry</option>
            </select>
            <input type="search" value={filter.text} onChange={(e) => setFilter({ ...filter, text: e.target.value })} placeholder="Filter by id, collection, status…" aria-label="Filter runs" />
            <span className="muted small">
              {n(shown.length)} of {n(all.length)} runs
            </span>
          </div>
          {shown.length === 0 ? (
            <p className="empty-state">
              No run matches these filters.{' '}
              {filtered && (
                <button className="link" onClick={() => setFilter({ processType: '', state: '', trigger: '', text: '' })}>
                  Clear the filters
                </button>
              )}
            </p>
          ) : (
            <div className="table-wrap">
              <table className="entries runs-table" data-testid="runs-table">
                <thead>
                  <tr>
                    <th scope="col">Run</th>
                    <th scope="col">Started (UTC)</th>
                    <th scope="col">Trigger</th>
                    <th scope="col">Process type</th>
                    <th scope="col">Window</th>
                    <th scope="col" className="num">Received</th>
                    <th scope="col" className="num">New</th>
                    <th scope="col" className="num">Updated</th>
                    <th scope="col" className="num">Duplicate</th>
                    <th scope="col" className="num">Failed</th>
                    <th scope="col" className="num">Duration</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <RunLink id={r.id}>{`#${r.id}`}</RunLink>
                      </td>
                      <td className="nowrap">{formatTime(r.startedAt)}</td>
                      <td>{r.trigger}</td>
                      <td>{PROCESS_SHORT[r.processType]}</td>
                      <td className="small window">
                        {r.beginTimestamp || r.endTimeStamp ? (
                          <>
                            {formatTime(r.beginTimestamp)} →<br />
                            {formatTime(r.endTimeStamp)}
                          </>
                        ) : (
                          <span className="muted">{r.trigger === 'retry' ? 'quarantined packages' : '—'}</span>
                        )}
                      </td>
                      <td className="num">{n(r.counts.received)}</td>
                      <td className="num">{n(r.counts.new)}</td>
                      <td className="num">{n(r.counts.updated)}</td>
                      <td className="num">{n(r.counts.duplicate)}</td>
                      <td className={`num${r.counts.failed ? ' bad' : ''}`}>{n(r.counts.failed)}</td>
                      <td className="num nowrap">{r.state === 'running' ? '…' : formatDuration(r.durationMs)}</td>
                      <td>
                        <StateBadge state={r.state} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}
