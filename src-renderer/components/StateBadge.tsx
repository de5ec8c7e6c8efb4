import type { RunState } from '../../shared/api';
import { STATE_LABEL } from '../format/format';

export function StateBadge(props: { state: RunState }) {
  return <span className={`badge state-${props.state}`}>{STATE_LABEL[props.state]}</span>;
}

/** What a view says while its list is loading, when it could not be loaded, and when it is empty. */
export function ListState(props: { loading?: boolean; error?: { message: string; hint?: string } | undefined; empty?: boolean; emptyText: React.ReactNode; what: string; onRetry?: () => void }) {
  if (props.error)
    return (
      <div className="banner error" role="alert" data-testid="list-error">
        <strong>{props.what} could not be loaded.</strong> {props.error.message}
        {props.error.hint && <p className="hint">{props.error.hint}</p>}
        {props.onRetry && (
          <button type="button" onClick={props.onRetry}>
            Try again
          </button>
        )}
      </div>
    );
  if (props.loading && props.empty) return <p className="muted" role="status">Loading {props.what.toLowerCase()}…</p>;
  if (props.empty) return <div className="empty-state" data-testid="empty-state">{props.emptyText}</div>;
  return null;
}
