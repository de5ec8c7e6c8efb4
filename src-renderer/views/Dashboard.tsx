import { useFlare } from '../store/context';
import { HealthCard } from '../components/HealthCard';

export function Dashboard() {
  const s = useFlare((st) => st);
  const notConfigured = s.status && (!s.status.taxiiConfigured || !s.status.mispConfigured);
  return (
    <div className="dashboard">
      {s.status?.configError && (
        <section className="banner error" data-testid="config-error">
          <strong>The configuration has errors.</strong>
          <pre>{s.status.configError.message}</pre>
          {s.status.configError.hint && <p className="hint">{s.status.configError.hint}</p>}
        </section>
      )}
      {!s.status?.configError && notConfigured && (
        <section className="banner info" data-testid="first-run">
          <strong>Welcome to FLARE MISP.</strong> {!s.status?.taxiiConfigured && 'No TAXII feed is configured yet. '}
          {!s.status?.mispConfigured && 'No MISP server is configured yet. '}
          <button className="link" onClick={() => s.setView('config')}>
            Open the configuration
          </button>
        </section>
      )}
      <div className="grid">
        <HealthCard title="TAXII" testId="health-taxii" result={s.health.taxii} busy={!!s.busy.checkTaxii} onCheck={() => void s.checkTaxii()} />
        <HealthCard title="MISP" testId="health-misp" result={s.health.misp} busy={!!s.busy.checkMisp} onCheck={() => void s.checkMisp()} />
      </div>
      <section className="card">
        <h2>Poll now</h2>
        <div className="actions">
          <button onClick={() => void s.poll('xmlOutput')} disabled={!!s.busy['poll:xmlOutput']}>
            Poll to XML
          </button>
          <button className="primary" onClick={() => void s.poll('stixToMisp')} disabled={!!s.busy['poll:stixToMisp']}>
            Poll to MISP
          </button>
        </div>
      </section>
      <section className="card">
        <h2>Jobs and configuration</h2>
        <div className="actions">
          <button onClick={() => void s.reloadConfig()} disabled={!!s.busy.reload}>
            Reload config
          </button>
          <button onClick={() => void s.stopAllJobs()} disabled={!!s.busy.stopAll}>
            Stop all jobs
          </button>
          <button onClick={() => void s.restartScheduler()} disabled={!!s.busy.restart}>
            Restart scheduler
          </button>
        </div>
      </section>
    </div>
  );
}
