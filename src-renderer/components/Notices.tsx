import { useFlare } from '../store/context';

/** Results and errors of actions, newest last; each says what happened and, for errors, what to do. */
export function Notices() {
  const notices = useFlare((s) => s.notices);
  const dismiss = useFlare((s) => s.dismiss);
  if (!notices.length) return null;
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.kind}`} data-testid="notice">
          <strong>{n.title}</strong>
          <p>{n.message}</p>
          {n.hint && <p className="hint">{n.hint}</p>}
          <button className="link" onClick={() => dismiss(n.id)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
