import { useFlare } from '../store/context';

/**
 * Errors stay in one place: a strip at the top of the view, in the page's flow (it pushes the view down, never
 * covers it), until dismissed. Successes are a small toast that fades on its own.
 */
export function ErrorNotices() {
  const notices = useFlare((s) => s.notices);
  const dismiss = useFlare((s) => s.dismiss);
  const errors = notices.filter((n) => n.kind === 'error');
  if (errors.length === 0) return null;
  return (
    <div className="error-notices" role="alert">
      {errors.map((n) => (
        <div key={n.id} className="notice error" data-testid="notice">
          <div>
            <strong>{n.title}</strong>
            <p>{n.message}</p>
            {n.hint && <p className="hint">{n.hint}</p>}
          </div>
          <button className="link dismiss" onClick={() => dismiss(n.id)} aria-label={`Dismiss: ${n.title}`}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

export function Toasts() {
  const notices = useFlare((s) => s.notices);
  const dismiss = useFlare((s) => s.dismiss);
  const toasts = notices.filter((n) => n.kind !== 'error');
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((n) => (
        <div key={n.id} className={`notice toast ${n.kind}`} data-testid="notice">
          <div>
            <strong>{n.title}</strong>
            <p>{n.message}</p>
          </div>
          <button className="link dismiss" onClick={() => dismiss(n.id)} aria-label={`Dismiss: ${n.title}`}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
