import { useEffect } from 'react';
import { useFlare } from './store/context';
import { Dashboard } from './views/Dashboard';
import { ConfigView } from './views/ConfigView';
import { LogView } from './views/LogView';
import { PreviewView } from './views/PreviewView';
import { Notices } from './components/Notices';
import type { View } from './store/store';

const TABS: { id: View; label: string }[] = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'preview', label: 'Preview STIX' },
  { id: 'config', label: 'Config' },
  { id: 'log', label: 'Log' },
];

export function App() {
  const view = useFlare((s) => s.view);
  const setView = useFlare((s) => s.setView);
  const status = useFlare((s) => s.status);
  const init = useFlare((s) => s.init);
  useEffect(() => {
    void init();
  }, [init]);
  return (
    <div className="app">
      <header className="topbar">
        <h1>FLARE MISP</h1>
        <nav>
          {TABS.map((t) => (
            <button key={t.id} className={view === t.id ? 'tab active' : 'tab'} onClick={() => setView(t.id)} aria-current={view === t.id}>
              {t.label}
            </button>
          ))}
        </nav>
        <span className="muted small" data-testid="version">
          {status ? `v${status.version} · ${status.mode}` : 'connecting…'}
        </span>
      </header>
      <main>
        {view === 'dashboard' && <Dashboard />}
        {view === 'preview' && <PreviewView />}
        {view === 'config' && <ConfigView />}
        {view === 'log' && <LogView />}
      </main>
      <Notices />
    </div>
  );
}
