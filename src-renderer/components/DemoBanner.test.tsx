// @vitest-environment happy-dom
import { describe, it, expect, afterEach } from 'vitest';
import { screen, fireEvent, cleanup, waitFor } from '@testing-library/react';
import { App } from '../App';
import { config, fakeClient, status } from '../testing/fakeClient';
import { renderView } from '../testing/render';

afterEach(cleanup);

const demo = { taxiiUrl: 'http://127.0.0.1:4100/taxii-data', mispUrl: 'http://127.0.0.1:4200/' };
const unconfigured = () => config({ taxiiConfigured: false, mispConfigured: false, entries: config().entries.map((e) => ({ ...e, value: '', isSet: false, source: 'default' as const })) });

describe('The demo profile', () => {
  it('is labelled on every view and in the title, links to the MISP simulator, and the desktop app leaves it', async () => {
    const { client, calls } = fakeClient({ status: async () => status({ mode: 'desktop', demo, canSwitchProfile: true }), switchProfile: async () => 'FLARE MISP restarts on your configuration.' });
    await renderView(<App />, client);
    const banner = await screen.findByTestId('demo-banner');
    expect(banner.textContent).toContain('built-in TAXII simulator (http://127.0.0.1:4100/taxii-data)');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('FLARE MISPDEMO');
    expect(document.title).toBe('FLARE MISP — DEMO');
    expect(screen.getByRole('link', { name: 'The events in the MISP simulator' }).getAttribute('href')).toBe('http://127.0.0.1:4200/events/index');
    fireEvent.click(screen.getByRole('button', { name: 'Config' }));
    expect(screen.getByTestId('demo-banner')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Leave the demo' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'switchProfile' && c.args[0] === 'real')).toBe(true));
    expect(await screen.findByText('FLARE MISP restarts on your configuration.')).toBeTruthy();
  });

  it('the demo command (headless) cannot be left from the page: the banner says how it stops', async () => {
    const { client } = fakeClient({ status: async () => status({ demo, canSwitchProfile: false }) });
    await renderView(<App />, client);
    expect((await screen.findByTestId('demo-banner')).textContent).toContain("Ctrl-C in the demo's terminal stops it.");
    expect(screen.queryByRole('button', { name: 'Leave the demo' })).toBeNull();
  });

  it('the first run offers it: the desktop app switches, headless names the command; not shown once in the demo', async () => {
    const desktop = fakeClient({ status: async () => status({ mode: 'desktop', canSwitchProfile: true, taxiiConfigured: false, mispConfigured: false }), getConfig: async () => unconfigured(), switchProfile: async () => 'FLARE MISP restarts on the demo profile.' });
    await renderView(<App />, desktop.client);
    expect(document.title).toBe('FLARE MISP');
    fireEvent.click(await screen.findByRole('button', { name: 'Try with demo servers' }));
    await waitFor(() => expect(desktop.calls.some((c) => c.method === 'switchProfile' && c.args[0] === 'demo')).toBe(true));
    cleanup();

    const headless = fakeClient({ status: async () => status({ taxiiConfigured: false, mispConfigured: false }), getConfig: async () => unconfigured() });
    await renderView(<App />, headless.client);
    expect((await screen.findByTestId('try-demo')).textContent).toContain('run flare-misp demo');
    expect(screen.queryByRole('button', { name: 'Try with demo servers' })).toBeNull();
  });
});
