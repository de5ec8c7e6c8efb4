import { lazy, Suspense, useEffect } from 'react';
import { useFlare } from './store/context';
import { Dashboard } from './views/Dashboard';
import { FirstRun } from './views/FirstRun';
import { JobsView } from './views/JobsView';
import { QuarantineView } from './views/QuarantineView';
import { ConfigView } from './views/ConfigView';
import { LogView } from './views/LogView';
import { PreviewView } from './views/PreviewView';
import { ErrorNotices, Toasts } from './components/Notices';
import { DemoBanner } from './components/DemoBanner';
import { SignIn } from './components/SignIn';
import type { View } from './store/store';

// The charts library is loaded with the Runs view only: the rest of the UI starts without it.
const RunsView = lazy(() => import('./views/RunsView').then((m) => ({ default: m.RunsView })));

const TABS: { id: View; label: string }[] = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'runs', label: 'Runs' },
  { id: 'jobs', label: 'Jobs' },
  { id: 'quarantine', label: 'Quarantine' },
  { id: 'preview', label: 'Preview STIX' },
  { id: 'config', label: 'Config' },
  { id: 'log', label: 'Log' },
];

export function App() {
  const view = useFlare((s) => s.view);
  const setView = useFlare((s) => s.setView);
  const status = useFlare((s) => s.status);
  const auth = useFlare((s) => s.auth);
  const setup = useFlare((s) => s.setup);
  const quarantined = useFlare((s) => s.quarantine.data?.length ?? s.status?.quarantined ?? 0);
  const active = useFlare((s) => Object.keys(s.active).length);
  const init = useFlare((s) => s.init);
  useEffect(() => {
    void init();
  }, [init]);
  return (
    <div className="app">
      <header className="topbar">
        <h1>
          FLARE MISP
          {status?.demo && <span className="demo-badge">DEMO</span>}
        </h1>
        <nav aria-label="Views">
          {TABS.map((t) => (
            <button key={t.id} className={view === t.id ? 'tab active' : 'tab'} onClick={() => setView(t.id)} aria-current={view === t.id ? 'page' : undefined} disabled={auth.required}>
              {t.label}
              {t.id === 'quarantine' && quarantined > 0 && (
                <span className="count" aria-label={`, ${quarantined} quarantined`}>
                  {quarantined}
                </span>
              )}
              {t.id === 'dashboard' && active > 0 && <span className="dot" aria-label=", a run in progress" />}
            </button>
          ))}
        </nav>
        <span className="muted small" data-testid="version">
          {status ? `v${status.version} · ${status.mode}` : auth.required ? 'sign-in needed' : 'connecting…'}
        </span>
      </header>
      <main>
        <DemoBanner />
        <ErrorNotices />
        {auth.required ? (
          <SignIn />
        ) : (
          <>
            {view === 'dashboard' && (setup ? <FirstRun /> : <Dashboard />)}
            {view === 'runs' && (
              <Suspense fallback={<p className="muted" role="status">Loading the run history…</p>}>
                <RunsView />
              </Suspense>
            )}
            {view === 'jobs' && <JobsView />}
            {view === 'quarantine' && <QuarantineView />}
            {view === 'preview' && <PreviewView />}
            {view === 'config' && <ConfigView />}
            {view === 'log' && <LogView />}
          </>
        )}
      </main>
      <Toasts />
    </div>
  );
}
