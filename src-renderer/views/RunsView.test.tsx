// @vitest-environment happy-dom
import { describe, it, expect, afterEach } from 'vitest';
import { screen, fireEvent, cleanup, waitFor, within } from '@testing-library/react';
import { RunsView, chartRows, filterRuns } from './RunsView';
import { counts, fakeClient, run } from '../testing/fakeClient';
import { renderView } from '../testing/render';
import { ApiError } from '../../shared/api';

afterEach(cleanup);

describe('Runs', () => {
  it('loading: says so', async () => {
    const { client } = fakeClient({ listRuns: () => new Promise(() => {}) });
    const { store } = await renderView(<RunsView />, client, { init: false });
    void store.getState().loadRuns();
    expect(await screen.findByText('Loading the run history…')).toBeTruthy();
  });

  it('empty: says how to make the first run', async () => {
    const { client } = fakeClient({ listRuns: async () => [] });
    await renderView(<RunsView />, client);
    expect(screen.getByTestId('empty-state').textContent).toContain('No run yet. Start one with Poll to XML or Poll to MISP');
  });

  it('error: the sentence, the hint and a way to try again', async () => {
    let fail = true;
    const { client } = fakeClient({ listRuns: async () => (fail ? Promise.reject(new ApiError({ code: 'tracker_locked', message: 'Another FLARE MISP holds the tracker.', hint: 'Stop the other one.' })) : [run(1)]) });
    await renderView(<RunsView />, client);
    const err = screen.getByTestId('list-error');
    expect(err.textContent).toContain('Another FLARE MISP holds the tracker.');
    expect(err.textContent).toContain('Stop the other one.');
    fail = false;
    fireEvent.click(within(err).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(screen.getByTestId('runs-table')).toBeTruthy());
  });

  it('data: a row per run with time, trigger, process type, window, counts, duration and status; filters', async () => {
    const { client } = fakeClient({
      listRuns: async () => [
        run(3, { trigger: 'scheduled', state: 'failed', status: 'Failed', counts: counts({ received: 2, failed: 2 }) }),
        run(2, { processType: 'xmlOutput', counts: counts({ received: 4, new: 4, saved: 4 }) }),
        run(1),
      ],
    });
    await renderView(<RunsView />, client);
    expect(screen.getByTestId('run-charts').querySelectorAll('figure')).toHaveLength(2);
    const table = screen.getByTestId('runs-table');
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(4);
    expect(rows[1]!.textContent).toMatch(/#3.*scheduled.*MISP.*2026-11-28 00:00:00 →.*2026-11-28 01:00:00.*5\.0 s.*Failed/);
    fireEvent.change(screen.getByRole('combobox', { name: 'Process type' }), { target: { value: 'xmlOutput' } });
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    fireEvent.change(screen.getByRole('combobox', { name: 'Process type' }), { target: { value: '' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'Status' }), { target: { value: 'failed' } });
    expect(within(screen.getByTestId('runs-table')).getAllByRole('row')).toHaveLength(2);
    fireEvent.change(screen.getByRole('searchbox', { name: 'Filter runs' }), { target: { value: 'nothing like this' } });
    expect(screen.getByText(/No run matches these filters/)).toBeTruthy();
  });

  it('a run in detail: its packages and outcomes, each uploaded one linked to its MISP event in a new tab', async () => {
    const { client } = fakeClient();
    const { store } = await renderView(<RunsView />, client);
    fireEvent.click(within(screen.getByTestId('runs-table')).getByRole('button', { name: 'Run 1' }));
    await waitFor(() => expect(screen.getByTestId('run-packages')).toBeTruthy());
    const link = within(screen.getByTestId('run-packages')).getByRole('link');
    expect(link.getAttribute('href')).toBe('https://misp.test/events/view/42');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toContain('noopener');
    expect(screen.getByTestId('run-counts').textContent).toContain('5 received');
    fireEvent.click(screen.getByRole('button', { name: '← All runs' }));
    expect(store.getState().runId).toBeUndefined();
  });

  it('filterRuns and chartRows', () => {
    const runs = [run(2, { processType: 'xmlOutput' }), run(1, { durationMs: 1234 }), run(3, { state: 'running' })];
    expect(filterRuns(runs, { processType: 'stixToMisp', state: '', trigger: '', text: '' }).map((r) => r.id)).toEqual([1, 3]);
    const rows = chartRows(runs);
    expect(rows.map((r) => r.name)).toEqual(['#1', '#2']);
    expect(rows[0]).toMatchObject({ new: 3, duplicate: 2, failed: 0, seconds: 1.2 });
    expect(chartRows([run(4, { counts: counts({ received: 2, new: 2, failed: 2 }) })])[0]).toMatchObject({ new: 0, failed: 2 });
  });
});
