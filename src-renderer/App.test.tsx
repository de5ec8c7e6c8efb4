// @vitest-environment happy-dom
import { describe, it, expect, afterEach, beforeAll } from 'vitest';
import { render, screen, fireEvent, cleanup, waitFor } from '@testing-library/react';
import { App } from './App';
import { createFlareStore } from './store/store';
import { StoreContext } from './store/context';
import { fakeLayout } from './testing/render';
import { ApiError, type AdminEventName, type FlareClient, type HealthResult, type LogEntry } from '../shared/api';

beforeAll(() => fakeLayout());
afterEach(cleanup);

/** A client whose methods answer like a fresh, unconfigured engine; events are pushed by the test. */
function fakeClient(overrides: Partial<FlareClient> = {}) {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const notAvailable = () => Promise.reject(new ApiError({ code: 'not_available', message: 'The scheduler is not available yet in this version of FLARE MISP.', hint: 'This feature is still being built.' }));
  const client = {
    status: async () => ({ version: '0.1.0', mode: 'headless', startedAt: '', configDir: '/cfg', taxiiConfigured: false, mispConfigured: false, schedulerRunning: false, activeRuns: 0 }),
    recentLog: async () => [{ time: '2026-11-28T01:00:00.000Z', level: 'info', message: 'FLARE MISP started' }] as LogEntry[],
    getConfig: async () => ({ dir: '/cfg', files: [], entries: [{ key: 'misp.authorization.key', value: '••••••', isSet: true, source: 'file', secret: true, describe: 'MISP automation (API) key', file: 'config.properties', line: 3 }], warnings: [], taxiiConfigured: false, mispConfigured: false, summary: { processType: 'stixToMisp', frequencyMinutes: 5, mispMode: 'native', clientAuth: 'none' } }),
    checkTaxiiStatus: async (): Promise<HealthResult> => ({ resourceType: 'FLARE/TAXII', resource: '', statusCode: 0, ok: false, configured: false, reason: 'The TAXII feed is not configured.', hint: 'Set stixtransclient.poll.baseurl.' }),
    checkMispStatus: async (): Promise<HealthResult> => ({ resourceType: 'Misp', resource: 'https://misp.test', statusCode: 200, ok: true, configured: true, latencyMs: 42 }),
    stopAllJobs: notAvailable,
    listRuns: async () => [],
    listJobs: async () => [],
    listQuarantine: async () => [],
    on: (event: AdminEventName, l: (p: unknown) => void) => {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(l);
      return () => set!.delete(l);
    },
    ...overrides,
  } as unknown as FlareClient;
  const push = (event: AdminEventName, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
  return { client, push };
}

function renderApp(client: FlareClient) {
  const store = createFlareStore(client);
  render(
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>,
  );
  return store;
}

describe('App', () => {
  it('shows the first-run banner and health verdicts with reasons and hints', async () => {
    const { client } = fakeClient();
    renderApp(client);
    expect(await screen.findByTestId('first-run')).toHaveProperty('textContent', expect.stringContaining('No TAXII feed is configured yet.'));
    fireEvent.click(screen.getByRole('button', { name: 'Check TAXII' }));
    await waitFor(() => expect(screen.getByTestId('health-taxii-verdict').textContent).toBe('Not configured'));
    expect(screen.getByTestId('health-taxii').textContent).toContain('Set stixtransclient.poll.baseurl.');
    fireEvent.click(screen.getByRole('button', { name: 'Check MISP' }));
    await waitFor(() => expect(screen.getByTestId('health-misp-verdict').textContent).toContain('Healthy'));
    expect(screen.getByTestId('health-misp-verdict').textContent).toContain('42 ms');
  });

  it('turns a failed action into a notice with the sentence and the hint', async () => {
    const { client } = fakeClient();
    renderApp(client);
    fireEvent.click(screen.getByRole('button', { name: 'Jobs' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Stop all jobs' }));
    const notice = await screen.findByTestId('notice');
    expect(notice.textContent).toContain('The scheduler is not available yet');
    expect(notice.textContent).toContain('This feature is still being built.');
  });

  it('shows live log entries pushed by the engine', async () => {
    const { client, push } = fakeClient();
    renderApp(client);
    fireEvent.click(screen.getByRole('button', { name: 'Log' }));
    await waitFor(() => expect(screen.getByTestId('log-lines').textContent).toContain('FLARE MISP started'));
    push('log', { time: '2026-11-28T01:00:01.000Z', level: 'warn', message: 'part 2 of 3 arrived', module: 'taxii' });
    await waitFor(() => expect(screen.getByTestId('log-lines').textContent).toContain('[taxii] part 2 of 3 arrived'));
  });

  it('never shows a secret value in the Config view', async () => {
    const { client } = fakeClient();
    renderApp(client);
    fireEvent.click(screen.getByRole('button', { name: 'Config' }));
    const input = (await screen.findByLabelText('misp.authorization.key')) as HTMLInputElement;
    expect(input.type).toBe('password');
    expect(input.value).toBe('');
    expect(input.placeholder).toBe('•••••• (set; type to replace)');
  });

  it('a token-protected service: the sign-in form, then the app; a refused token says so', async () => {
    const good = 't'.repeat(40);
    let token = '';
    const guard = <T,>(v: T) => (token === good ? Promise.resolve(v) : Promise.reject(new ApiError({ code: 'unauthorized', message: 'The service needs its access token.' })));
    const { client } = fakeClient({ status: () => guard({ version: '0.1.0', mode: 'headless', startedAt: '', configDir: '/cfg', taxiiConfigured: true, mispConfigured: true, schedulerRunning: true, activeRuns: 0 }), recentLog: () => guard([]) });
    const store = createFlareStore(client, { set: (t) => (token = t), clear: () => (token = '') });
    render(
      <StoreContext.Provider value={store}>
        <App />
      </StoreContext.Provider>,
    );
    expect(await screen.findByTestId('sign-in')).toBeTruthy();
    expect(screen.getByTestId('version').textContent).toBe('sign-in needed');
    fireEvent.change(screen.getByLabelText('Access token'), { target: { value: 'wrong' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(screen.getByTestId('sign-in').textContent).toContain('did not accept that token'));
    fireEvent.change(screen.getByLabelText('Access token'), { target: { value: good } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(screen.queryByTestId('sign-in')).toBeNull());
    expect(screen.getByTestId('version').textContent).toContain('v0.1.0');
  });
});
