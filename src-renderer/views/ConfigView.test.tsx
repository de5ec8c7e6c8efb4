// @vitest-environment happy-dom
import { describe, it, expect, afterEach } from 'vitest';
import { screen, fireEvent, cleanup, waitFor, within } from '@testing-library/react';
import { ConfigView, sectionOf } from './ConfigView';
import { config, fakeClient, healthy } from '../testing/fakeClient';
import { renderView } from '../testing/render';
import { ApiError } from '../../shared/api';

afterEach(cleanup);

describe('Config', () => {
  it('loading', async () => {
    const { client } = fakeClient({ getConfig: () => new Promise(() => {}) });
    await renderView(<ConfigView />, client, { init: false });
    expect(screen.getByText('Loading the configuration…')).toBeTruthy();
  });

  it('error: the file and line, the hint, and Reload config', async () => {
    const { client } = fakeClient({ getConfig: () => Promise.reject(new ApiError({ code: 'config_invalid', message: 'config.properties line 7: flare.misp.url: not a URL', hint: 'Fix it.' })) });
    await renderView(<ConfigView />, client);
    expect(screen.getByTestId('config-error').textContent).toContain('config.properties line 7');
    expect(screen.getByRole('button', { name: 'Reload config' })).toBeTruthy();
  });

  it('data: grouped sections, secrets masked with a reveal toggle, sources named, ignored keys apart', async () => {
    const { client } = fakeClient();
    await renderView(<ConfigView />, client);
    for (const h of ['TAXII feed', 'MISP', 'Schedule', 'Logging', 'Headless API']) expect(screen.getByRole('heading', { name: h })).toBeTruthy();
    const key = screen.getByLabelText('misp.authorization.key') as HTMLInputElement;
    expect(key.type).toBe('password');
    expect(key.value).toBe('');
    expect(key.placeholder).toContain('set');
    fireEvent.click(screen.getByRole('button', { name: 'Show MISP automation (API) key' }));
    expect(key.type).toBe('text');
    expect(screen.getByText('config.properties:21')).toBeTruthy();
    expect(screen.getByText('1 keys kept for compatibility and ignored')).toBeTruthy();
  });

  it('Save writes the changes; a refusal names the key and is shown beside its field', async () => {
    const saves: unknown[] = [];
    const { client } = fakeClient({
      saveConfig: async (changes) => {
        saves.push(changes);
        if ((changes as Record<string, string>)['mtc.quartz.frequency'] === 'often')
          throw new ApiError({ code: 'config_invalid', message: 'config.properties line 30: mtc.quartz.frequency: expected a whole number of minutes, at least 1, found "often"', hint: 'Correct the named line.' });
        return { changed: Object.keys(changes), view: config() };
      },
    });
    const { store } = await renderView(<ConfigView />, client);
    const freq = screen.getByLabelText('mtc.quartz.frequency');
    fireEvent.change(freq, { target: { value: 'often' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save (1)' }));
    await waitFor(() => expect(screen.getByTestId('config-save-error').textContent).toContain('found "often"'));
    expect(freq.getAttribute('aria-invalid')).toBe('true');
    expect(store.getState().notices.filter((n) => n.kind === 'error')).toHaveLength(0);
    fireEvent.change(freq, { target: { value: '10' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save (1)' }));
    await waitFor(() => expect(screen.queryByTestId('config-save-error')).toBeNull());
    expect(saves.at(-1)).toEqual({ 'mtc.quartz.frequency': '10' });
    expect(store.getState().notices.at(-1)?.message).toBe('Changed: mtc.quartz.frequency');
  });

  it('each section has its test: the feed and MISP checks answer in place', async () => {
    const { client } = fakeClient({ checkMispStatus: async () => ({ ...healthy('Misp'), reason: 'MISP 2.5.1 is reachable' }) });
    await renderView(<ConfigView />, client);
    fireEvent.click(screen.getByRole('button', { name: 'Test the MISP settings' }));
    await waitFor(() => expect(screen.getByTestId('test-misp').textContent).toContain('Healthy: MISP 2.5.1 is reachable'));
    fireEvent.click(screen.getByRole('button', { name: 'Test the schedule' }));
    await waitFor(() => expect(within(screen.getByTestId('test-schedule')).getByText(/Next run: Poll to MISP/)).toBeTruthy());
  });

  it('sectionOf', () => {
    expect(sectionOf('client.ssl.key-store')).toBe('taxii');
    expect(sectionOf('stixtransclient.misp.published')).toBe('misp');
    expect(sectionOf('mtc.start.time')).toBe('schedule');
    expect(sectionOf('flare.server.token')).toBe('server');
    expect(sectionOf('flare.data.dir')).toBe('output');
  });
});
