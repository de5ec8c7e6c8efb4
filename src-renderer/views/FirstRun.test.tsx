// @vitest-environment happy-dom
import { describe, it, expect, afterEach } from 'vitest';
import { screen, fireEvent, cleanup, waitFor } from '@testing-library/react';
import { App } from '../App';
import { config, fakeClient, healthy, status } from '../testing/fakeClient';
import { renderView } from '../testing/render';
import { ApiError, type HealthResult } from '../../shared/api';

afterEach(cleanup);

const empty = () => config({ taxiiConfigured: false, mispConfigured: false, entries: config().entries.map((e) => ({ ...e, value: e.secret ? '' : '', isSet: false, source: 'default' as const })) });

describe('First run', () => {
  it('nothing configured: the guided setup instead of the dashboard; each step is saved, then checked live', async () => {
    const order: string[] = [];
    let taxii: HealthResult = { resourceType: 'FLARE/TAXII', resource: '', statusCode: 200, ok: false, configured: true, reason: 'The collection nope is not offered.', details: { collections: [{ name: 'ais' }, { name: 'system.Default' }] } };
    const { client } = fakeClient({
      status: async () => status({ taxiiConfigured: false, mispConfigured: false }),
      getConfig: async () => empty(),
      saveConfig: async (changes) => {
        order.push(`save ${Object.keys(changes).sort().join(',')}`);
        return { changed: Object.keys(changes), view: empty() };
      },
      checkTaxiiStatus: async () => {
        order.push('checkTaxii');
        return taxii;
      },
      checkMispStatus: async () => {
        order.push('checkMisp');
        return healthy('Misp');
      },
    });
    const { store } = await renderView(<App />, client);
    expect(screen.getByTestId('first-run').textContent).toContain('No TAXII feed is configured yet.');
    fireEvent.change(screen.getByLabelText(/^Poll service URL/), { target: { value: 'https://taxii.test/taxii-data' } });
    fireEvent.change(screen.getByLabelText(/^Collection stixtransclient/), { target: { value: 'nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and check the feed' }));
    await waitFor(() => expect(screen.getByTestId('health-taxii-verdict').textContent).toContain('Failing'));
    expect(order).toEqual(['save stixtransclient.poll.baseurl,stixtransclient.source.collection', 'checkTaxii']);
    // The collections the server offered are offered here.
    const select = screen.getByLabelText(/^Collection stixtransclient/) as HTMLSelectElement;
    expect(select.tagName).toBe('SELECT');
    expect([...select.options].map((o) => o.value)).toEqual(['', 'ais', 'system.Default']);
    fireEvent.change(select, { target: { value: 'ais' } });
    taxii = healthy('FLARE/TAXII');
    fireEvent.click(screen.getByRole('button', { name: 'Save and check the feed' }));
    await waitFor(() => expect(screen.getByTestId('health-taxii-verdict').textContent).toContain('Healthy'));
    // MISP: the key is a secret field.
    fireEvent.change(screen.getByLabelText(/^MISP URL/), { target: { value: 'https://misp.test' } });
    const key = screen.getByLabelText(/^API key/) as HTMLInputElement;
    expect(key.type).toBe('password');
    fireEvent.change(key, { target: { value: 'k'.repeat(40) } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and check the MISP server' }));
    await waitFor(() => expect(screen.getByTestId('health-misp-verdict').textContent).toContain('Healthy'));
    expect(order.slice(-2)[0]).toMatch(/^save .*flare\.misp\.url.*misp\.authorization\.key/);
    expect(key.value).toBe('');
    fireEvent.click(screen.getByRole('button', { name: 'Done — open the dashboard' }));
    expect(store.getState().setup).toBe(false);
    expect(screen.queryByTestId('first-run')).toBeNull();
  });

  it('a refused value is shown in its step, beside the field', async () => {
    const { client } = fakeClient({
      status: async () => status({ taxiiConfigured: false, mispConfigured: false }),
      getConfig: async () => empty(),
      saveConfig: () => Promise.reject(new ApiError({ code: 'config_invalid', message: 'stixtransclient.poll.baseurl: expected an http(s) URL, found "taxii"', hint: 'Give the full URL.' })),
    });
    await renderView(<App />, client);
    const url = screen.getByLabelText(/^Poll service URL/);
    fireEvent.change(url, { target: { value: 'taxii' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and check the feed' }));
    await waitFor(() => expect(screen.getByTestId('step-error').textContent).toContain('expected an http(s) URL'));
    expect(url.getAttribute('aria-invalid')).toBe('true');
  });

  it('a configured service shows the dashboard', async () => {
    const { client } = fakeClient();
    await renderView(<App />, client);
    expect(screen.queryByTestId('first-run')).toBeNull();
    expect(screen.getByRole('button', { name: 'Poll to MISP' })).toBeTruthy();
  });
});
