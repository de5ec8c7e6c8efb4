// @vitest-environment happy-dom
import { describe, it, expect, afterEach } from 'vitest';
import { screen, fireEvent, cleanup, waitFor, within } from '@testing-library/react';
import { QuarantineView } from './QuarantineView';
import { counts, fakeClient, quarantined, run } from '../testing/fakeClient';
import { renderView } from '../testing/render';
import { ApiError, type PreviewResult } from '../../shared/api';

afterEach(cleanup);

const preview: PreviewResult = { event: { info: 'Package one', uuid: 'u-1', date: '2026-11-28', Attribute: [{ type: 'ip-dst', category: 'Network activity', value: '198.51.100.1', to_ids: true }] }, warnings: [], dropped: [], distributionDecision: '0 (your organisation only): tlp:amber → 0' };

describe('Quarantine', () => {
  it('loading', async () => {
    const { client } = fakeClient({ listQuarantine: () => new Promise(() => {}) });
    const { store } = await renderView(<QuarantineView />, client, { init: false });
    void store.getState().loadQuarantine();
    expect(await screen.findByText('Loading the quarantine…')).toBeTruthy();
  });

  it('empty: says nothing is waiting and what would appear', async () => {
    const { client } = fakeClient();
    await renderView(<QuarantineView />, client);
    expect(screen.getByTestId('empty-state').textContent).toContain('Nothing is quarantined');
    expect((screen.getByRole('button', { name: /^Retry all/ }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('error', async () => {
    const { client } = fakeClient({ listQuarantine: () => Promise.reject(new ApiError({ code: 'internal', message: 'Disk full.' })) });
    await renderView(<QuarantineView />, client);
    expect(screen.getByTestId('list-error').textContent).toContain('Disk full.');
  });

  it('data: reason, hint, attempts, first and last failure; Preview renders the event; Retry one and all', async () => {
    let items = [quarantined(), quarantined({ packageId: 'NCCIC:Package-2', attempts: 1, waitingForPerson: false })];
    const retried: unknown[] = [];
    const { client } = fakeClient({
      listQuarantine: async () => items,
      previewQuarantined: async () => preview,
      retryQuarantined: async (ids) => {
        retried.push(ids);
        items = ids ? items.filter((i) => !ids.includes(i.packageId)) : [];
        return run(8, { trigger: 'retry', counts: counts({ received: 1, uploaded: 1 }) });
      },
    });
    await renderView(<QuarantineView />, client);
    const table = screen.getByTestId('quarantine-table');
    const row = within(table).getAllByRole('row')[1]!;
    expect(row.textContent).toMatch(/NCCIC:Package-1.*MISP failed with 500.*MISP had an internal problem.*3.*waiting for you.*2026-11-28 01:00:00.*2026-11-28 02:00:00/);
    fireEvent.click(within(row).getByRole('button', { name: 'Preview NCCIC:Package-1' }));
    await waitFor(() => expect(screen.getByTestId('preview-info').textContent).toBe('Package one'));
    expect(screen.getByTestId('preview-distribution-verdict').textContent).toContain('your organisation only');
    fireEvent.click(within(row).getByRole('button', { name: 'Retry NCCIC:Package-1' }));
    await waitFor(() => expect(within(screen.getByTestId('quarantine-table')).getAllByRole('row')).toHaveLength(2));
    expect(retried[0]).toEqual(['NCCIC:Package-1']);
    fireEvent.click(screen.getByRole('button', { name: 'Retry all (1)' }));
    await waitFor(() => expect(screen.getByTestId('empty-state')).toBeTruthy());
    expect(retried[1]).toBeUndefined();
  });

  it('a preview that fails says why in place', async () => {
    const { client } = fakeClient({ listQuarantine: async () => [quarantined()], previewQuarantined: () => Promise.reject(new ApiError({ code: 'stix_malformed', message: 'Not well-formed XML (line 3, column 4)', hint: 'Fix the XML.' })) });
    await renderView(<QuarantineView />, client);
    fireEvent.click(screen.getByRole('button', { name: 'Preview NCCIC:Package-1' }));
    await waitFor(() => expect(screen.getByTestId('quarantine-preview').textContent).toContain('Not well-formed XML'));
  });
});
