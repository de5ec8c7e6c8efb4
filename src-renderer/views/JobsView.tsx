import { useFlare } from '../store/context';
import { RunLink } from '../components/RunLink';
import { ListState, StateBadge } from '../components/StateBadge';
import { formatTime, PROCESS_LABEL, relative } from '../format/format';

/** The scheduler's jobs: schedule, next and last run; stop all, restart, pause and resume. */
export function JobsView() {
  const jobs = useFlare((s) => s.jobs);
  const status = useFlare((s) => s.status);
  const busy = useFlare((s) => s.busy);
  const stopAll = useFlare((s) => s.stopAllJobs);
  const restart = useFlare((s) => s.restartScheduler);
  const pause = useFlare((s) => s.pauseSchedule);
  const resume = useFlare((s) => s.resumeSchedule);
  const loadJobs = useFlare((s) => s.loadJobs);
  const setView = useFlare((s) => s.setView);
  const list = jobs.data ?? [];
  // The engine counts a paused scheduler as not running; its jobs say they are paused.
  const paused = list.length > 0 && list.every((j) => j.paused);
  const running = status?.schedulerRunning || paused;
  return (
    <div className="jobs">
      <section className="card">
        <header>
          <h2>Scheduler</h2>
          <span className={`badge ${paused ? 'state-partial' : running ? 'state-success' : 'state-failed'}`} data-testid="scheduler-state">
            {!status ? 'unknown' : paused ? 'paused' : running ? 'running' : 'stopped'}
          </span>
        </header>
        <p className="muted">
          {running
            ? paused
              ? 'The schedule is paused: jobs keep their place but start no run until it is resumed.'
              : 'Jobs start their runs on schedule; a run never overlaps another of the same process type.'
            : 'The scheduler is stopped: no run starts on its own. Restart it to schedule the jobs again.'}
        </p>
        <div className="actions">
          <button onClick={() => void stopAll()} disabled={!!busy.stopAll}>
            Stop all jobs
          </button>
          <button onClick={() => void restart()} disabled={!!busy.restart}>
            Restart scheduler
          </button>
          {paused ? (
            <button onClick={() => void resume()} disabled={!!busy.resume || list.length === 0}>
              Resume schedule
            </button>
          ) : (
            <button onClick={() => void pause()} disabled={!!busy.pause || list.length === 0}>
              Pause schedule
            </button>
          )}
        </div>
      </section>
      <ListState
        what="The jobs"
        loading={jobs.loading}
        error={jobs.error}
        empty={list.length === 0}
        onRetry={() => void loadJobs()}
        emptyText={
          <p>
            No job is scheduled.{' '}
            {status && !status.taxiiConfigured
              ? 'Configure the TAXII feed first (and MISP for Poll to MISP), '
              : running
                ? 'The configuration asks for none: check mtc.processtype and that MISP is configured for Poll to MISP, '
                : 'The scheduler is stopped: '}
            then <strong>Restart scheduler</strong>.{' '}
            <button className="link" onClick={() => setView('config')}>
              Open Config
            </button>
          </p>
        }
      />
      {list.length > 0 && (
        <div className="table-wrap">
          <table className="entries" data-testid="jobs-table">
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Process type</th>
                <th scope="col">Collection</th>
                <th scope="col">Schedule</th>
                <th scope="col">Next run (UTC)</th>
                <th scope="col">Last run</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {list.map((j) => (
                <tr key={j.name}>
                  <td className="mono">
                    {j.name} <span className="muted small">({j.group})</span>
                  </td>
                  <td>{PROCESS_LABEL[j.processType]}</td>
                  <td>{j.collection}</td>
                  <td>{j.schedule}</td>
                  <td className="nowrap">
                    {j.paused ? <span className="muted">paused</span> : j.nextRun ? `${formatTime(j.nextRun)} (${relative(j.nextRun)})` : '—'}
                  </td>
                  <td>
                    {j.lastRun ? (
                      <>
                        <RunLink id={j.lastRun.id} /> <StateBadge state={j.lastRun.state} /> <span className="muted small">{formatTime(j.lastRun.finishedAt)}</span>
                      </>
                    ) : (
                      <span className="muted">not yet</span>
                    )}
                  </td>
                  <td>{j.running ? <span className="badge state-running">running</span> : j.paused ? 'paused' : 'waiting'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
