import type { HealthResult } from '../../shared/api';
import { healthFacts } from '../health/facts';

/** What the check found (version, organisation, role, permissions, collection, certificate, proxy…). */
function HealthFacts(props: { result?: HealthResult; testId: string }) {
  const facts = healthFacts(props.result);
  if (facts.length === 0) return null;
  return (
    <dl className="facts" data-testid={props.testId}>
      {facts.map((f) => (
        <div key={f.label} className={f.warn ? 'warn' : undefined}>
          <dt>{f.label}</dt>
          <dd>{f.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** One health check: the button, the verdict, and — when it failed — why and what to do. */
export function HealthCard(props: { title: string; result?: HealthResult; busy: boolean; onCheck: () => void; testId: string }) {
  const { result } = props;
  const verdict = !result ? 'unknown' : result.ok ? 'healthy' : result.configured ? 'failing' : 'not-configured';
  const label = { unknown: 'Not checked yet', healthy: 'Healthy', failing: 'Failing', 'not-configured': 'Not configured' }[verdict];
  return (
    <section className={`card health ${verdict}`} data-testid={props.testId}>
      <header>
        <h2>{props.title}</h2>
        <button onClick={props.onCheck} disabled={props.busy}>
          {props.busy ? 'Checking…' : `Check ${props.title}`}
        </button>
      </header>
      <p className="verdict" data-testid={`${props.testId}-verdict`}>
        {label}
        {result?.latencyMs !== undefined && <span className="muted"> · {result.latencyMs} ms</span>}
        {result && result.statusCode > 0 && <span className="muted"> · HTTP {result.statusCode}</span>}
      </p>
      {!result && !props.busy && <p className="muted small">Check {props.title} tests the saved settings against the server now.</p>}
      {result?.resource && <p className="muted mono">{result.resource}</p>}
      {result?.reason && <p className="reason">{result.reason}</p>}
      {result?.hint && <p className="hint">{result.hint}</p>}
      <HealthFacts result={result} testId={`${props.testId}-facts`} />
    </section>
  );
}
