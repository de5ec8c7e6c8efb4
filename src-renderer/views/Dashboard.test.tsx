// @vitest-environment happy-dom
import { describe, it, expect, afterEach } from 'vitest';
import { screen, fireEvent, cleanup, waitFor, act, within } from '@testing-library/react';
import { Dashboard, problems } from './Dashboard';
import { counts, fakeClient, job, quarantined, run, status } from '../testing/fakeClient';
import { renderView } from '../testing/render';
import type { RunRecord } from '../../shared/api';

afterEach(cleanup);

describe('Dashboard', () => {
  it('shows the last run of each process type with its counts and a link, and the next scheduled run', async () => {
    const { client } = fakeClient();
    await renderView(<Dashboard />, client);
    const xml = screen.getByTestId('poll-xmlOutput');
    expect(within(xml).getByTestId('last-run').textContent).toContain('4 saved');
    const misp = screen.getByTestId('poll-stixToMisp');
    expect(within(misp).getByTestId('last-run').textContent).toMatch(/5 received.*3 new.*0 updated.*2 duplicate.*3 uploaded/);
    expect(within(misp).getByRole('button', { name: 'Run 1' })).toBeTruthy();
    expect(screen.getByTestId('next-run').textContent).toMatch(/Next run: Poll to MISP of ais at .* \(in 4 min, every 5 minutes\)/);
    expect(screen.queryByTestId('attention')).toBeNull();
  });

  it('while a run is active: its button is disabled and its progress streams, with a bar when the server gave a count', async () => {
    let finish!: (r: RunRecord) => void;
    const { client, push } = fakeClient({ poll: () => new Promise<RunRecord>((r) => (finish = r)) });
    const { store } = await renderView(<Dashboard />, client);
    const button = screen.getByRole('button', { name: 'Poll to MISP' });
    fireEvent.click(button);
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(true));
    act(() => push('run', run(9, { state: 'running', progress: { part: 2, blocks: 150, packages: 140, uploadsDone: 120, recordCount: 300 } })));
    const progress = screen.getByTestId('progress-stixToMisp');
    expect(progress.textContent).toContain('part 2, 140 packages so far, 120 uploads done (150 of 300 blocks)');
    expect((progress.querySelector('progress') as HTMLProgressElement).value).toBe(150);
    expect((screen.getByRole('button', { name: 'Poll to XML' }) as HTMLButtonElement).disabled).toBe(false);
    await act(async () => finish(run(9, { counts: counts({ received: 300, new: 290, uploaded: 290, duplicate: 10 }) })));
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    expect(screen.queryByTestId('progress-stixToMisp')).toBeNull();
    expect(within(screen.getByTestId('poll-stixToMisp')).getByTestId('last-run').textContent).toContain('290 new');
    expect(store.getState().notices.at(-1)?.title).toBe('Poll to MISP: run 9 done');
  });

  it('a scheduled run started elsewhere disables the button too', async () => {
    const { client, push } = fakeClient();
    await renderView(<Dashboard />, client);
    act(() => push('run', run(3, { trigger: 'scheduled', processType: 'xmlOutput', state: 'running' })));
    expect((screen.getByRole('button', { name: 'Poll to XML' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('progress-xmlOutput').textContent).toContain('starting');
  });

  it('lists what needs a person: quarantined packages, a failed last run, a stopped scheduler — each with what to do', async () => {
    const { client } = fakeClient({
      status: async () => status({ schedulerRunning: false, quarantined: 2 }),
      listQuarantine: async () => [quarantined(), quarantined({ packageId: 'p2', waitingForPerson: false })],
      listRuns: async () => [run(4, { state: 'failed', status: 'Failed', error: { code: 'taxii_tls', message: 'The TAXII server certificate is not trusted.', hint: 'Add its CA under flare.taxii.ca.' } })],
    });
    const { store } = await renderView(<Dashboard />, client);
    const list = screen.getByTestId('attention');
    expect(list.textContent).toContain('2 packages are quarantined (1 waiting for a person).');
    expect(list.textContent).toContain('The last Poll to MISP run failed: The TAXII server certificate is not trusted.');
    expect(list.textContent).toContain('Add its CA under flare.taxii.ca.');
    expect(list.textContent).toContain('The scheduler is stopped');
    fireEvent.click(within(list).getByRole('button', { name: 'Open Quarantine' }));
    expect(store.getState().view).toBe('quarantine');
  });

  it('before anything was polled: each panel says how to start', async () => {
    const { client } = fakeClient({ listRuns: async () => [], listJobs: async () => [] });
    await renderView(<Dashboard />, client);
    expect(screen.getAllByText('No run yet: the button above starts the first one.')).toHaveLength(2);
    expect(screen.getByTestId('next-run').textContent).toContain('No scheduled run');
  });

  it('a configuration error is a sentence with its hint, not a stack', async () => {
    const { client } = fakeClient({ status: async () => status({ configError: { code: 'config_invalid', message: 'config.properties line 4: mtc.quartz.frequency: expected a whole number', hint: 'Fix the line.' } }) });
    await renderView(<Dashboard />, client);
    expect(screen.getByTestId('config-error').textContent).toContain('config.properties line 4');
    expect(screen.getByTestId('config-error').textContent).toContain('Fix the line.');
  });

  it('problems(): a paused schedule is named as paused, not stopped', () => {
    const p = problems({ status: status({ schedulerRunning: false }), jobs: { data: [job({ paused: true })] }, runs: {}, quarantine: {}, health: {} });
    expect(p.map((x) => x.id)).toEqual(['paused']);
  });
});
