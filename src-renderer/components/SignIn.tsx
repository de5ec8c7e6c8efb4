import { useState } from 'react';
import { useFlare } from '../store/context';

/** A token-protected service: ask for the token once; it is kept for this browser session only. */
export function SignIn() {
  const auth = useFlare((s) => s.auth);
  const signIn = useFlare((s) => s.signIn);
  const [token, setToken] = useState('');
  const [reveal, setReveal] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <section className="card sign-in" aria-labelledby="sign-in-title" data-testid="sign-in">
      <h2 id="sign-in-title">Sign in to FLARE MISP</h2>
      <p>This service asks for its access token: the value of <span className="mono">flare.server.token</span> (or <span className="mono">FLARE_SERVER_TOKEN</span>) on the server.</p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!token.trim()) return;
          setBusy(true);
          await signIn(token.trim());
          setBusy(false);
        }}
      >
        <label htmlFor="access-token">Access token</label>
        <div className="field-control">
          <input id="access-token" type={reveal ? 'text' : 'password'} value={token} onChange={(e) => setToken(e.target.value)} autoComplete="current-password" autoFocus aria-describedby="sign-in-note" aria-invalid={auth.error ? true : undefined} />
          <button type="button" className="reveal" onClick={() => setReveal(!reveal)} aria-pressed={reveal} aria-label={reveal ? 'Hide the token' : 'Show the token'}>
            {reveal ? 'Hide' : 'Show'}
          </button>
        </div>
        {auth.error && (
          <p className="field-error" role="alert">
            {auth.error}
          </p>
        )}
        <p className="muted small" id="sign-in-note">
          Kept for this browser session only (closing the tab forgets it).
        </p>
        <button type="submit" className="primary" disabled={busy || !token.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
