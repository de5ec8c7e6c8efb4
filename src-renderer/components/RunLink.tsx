import { useFlare } from '../store/context';

/** A link to a run in the Runs view (a button: it changes the view, not the page). */
export function RunLink(props: { id: number; children?: React.ReactNode; className?: string }) {
  const openRun = useFlare((s) => s.openRun);
  return (
    <button type="button" className={`link ${props.className ?? ''}`} onClick={() => openRun(props.id)} aria-label={`Run ${props.id}`}>
      {props.children ?? `Run ${props.id}`}
    </button>
  );
}

/** A link out (MISP's web UI): a new tab without access to this page; Electron opens it in the system browser. */
export function ExternalLink(props: { href: string; children: React.ReactNode }) {
  return (
    <a href={props.href} target="_blank" rel="noopener noreferrer">
      {props.children}
      <span className="sr-only"> (opens in a new tab)</span>
    </a>
  );
}
