import { useEffect } from 'react';
import { useFlare } from '../store/context';

/**
 * The demo profile says so on every view and in the window's title: its events are made up and go to the
 * built-in MISP simulator, and nothing of it may be taken for the real feed.
 */
export function DemoBanner() {
  const demo = useFlare((s) => s.status?.demo);
  const canSwitch = useFlare((s) => !!s.status?.canSwitchProfile);
  const leaving = useFlare((s) => !!s.busy['profile:real']);
  const switchProfile = useFlare((s) => s.switchProfile);
  useEffect(() => {
    document.title = demo ? 'FLARE MISP — DEMO' : 'FLARE MISP';
  }, [demo]);
  if (!demo) return null;
  const events = `${demo.mispUrl.replace(/\/+$/, '')}/events/index`;
  return (
    <section className="banner demo" role="note" aria-label="Demo profile" data-testid="demo-banner">
      <strong>Demo.</strong> FLARE MISP polls the built-in TAXII simulator ({demo.taxiiUrl}) and sends to the built-in MISP simulator: made-up packages, a throwaway
      configuration, nothing reaches a real MISP.{' '}
      <a href={events} target="_blank" rel="noreferrer">
        The events in the MISP simulator
      </a>
      {canSwitch ? (
        <>
          {' · '}
          <button className="link" onClick={() => void switchProfile('real')} disabled={leaving}>
            {leaving ? 'Leaving…' : 'Leave the demo'}
          </button>
        </>
      ) : (
        <span className="muted"> · Ctrl-C in the demo's terminal stops it.</span>
      )}
    </section>
  );
}

/** What a person without a feed yet can do: the desktop app switches to the demo; headless, the demo command. */
export function TryDemo() {
  const status = useFlare((s) => s.status);
  const busy = useFlare((s) => !!s.busy['profile:demo']);
  const switchProfile = useFlare((s) => s.switchProfile);
  if (!status || status.demo) return null;
  return (
    <section className="card try-demo" aria-labelledby="try-demo" data-testid="try-demo">
      <h2 id="try-demo">No feed or MISP server yet?</h2>
      {status.canSwitchProfile ? (
        <>
          <p className="muted">
            FLARE MISP can show its whole flow on built-in TAXII and MISP servers with made-up AIS-like packages. The demo has its own profile: what you set up here is not
            touched, and you come back to it with “Leave the demo”.
          </p>
          <button onClick={() => void switchProfile('demo')} disabled={busy}>
            {busy ? 'Starting the demo…' : 'Try with demo servers'}
          </button>
        </>
      ) : (
        <p className="muted">
          To see FLARE MISP work on built-in TAXII and MISP servers with made-up packages, run <code>flare-misp demo</code> (in a checkout: <code>npm run demo</code>) on this
          machine; it prints the address of its own console.
        </p>
      )}
    </section>
  );
}
