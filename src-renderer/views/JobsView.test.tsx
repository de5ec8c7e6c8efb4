// @vitest-environment happy-dom
import { describe, it, expect, afterEach } from 'vitest';
import { screen, fireEvent, cleanup, waitFor } from '@testing-library/react';
import { JobsView } from './JobsView';
import { fakeClient, job, status } from '../testing/fakeClient';
import { renderView } from '../testing/render';
import { ApiError } from '../../shared/api';

afterEach(cleanup);

describe('Jobs', () => {
  it('loading', async () => {
    const { client } = fakeClient({ listJobs: () => new Promise(() => {}) });
    const { store } = await renderView(<JobsView />, client, { init: false });
    void store.getState().loadJobs();
    expect(await screen.findByText('Loading the jobs…')).toBeTruthy();
  });

  it('empty: says what to configure, then restart', async () => {
    const { client } = fakeClient({ listJobs: async () => [], status: async () => status({ taxiiConfigured: false, schedulerRunning: false }) });
    await renderView(<JobsView />, client);
    expect(screen.getByTestId('empty-state').textContent).toContain('Configure the TAXII feed first');
    expect(screen.getByTestId('scheduler-state').textContent).toBe('stopped');
  });

  it('error', async () => {
    const { client } = fakeClient({ listJobs: () => Promise.reject(new ApiError({ code: 'not_available', message: 'The scheduler is not available.', hint: 'Later.' })) });
    await renderView(<JobsView />, client);
    expect(screen.getByTestId('list-error').textContent).toContain('The scheduler is not available.');
  });

  it('data: schedule, next and last run; pause, resume, stop all, restart call the engine', async () => {
    const { client, calls } = fakeClient({ listJobs: async () => [job({ lastRun: { id: 5, state: 'success', status: 'Success', detailedStatus: 'ok', finishedAt: '2026-11-28T01:00:00.000Z' } })] });
    await renderView(<JobsView />, client);
    const table = screen.getByTestId('jobs-table');
    expect(table.textContent).toMatch(/poll-ais-stixToMisp.*Poll to MISP.*ais.*every 5 minutes.*\(in 4 min\).*Run 5.*Success/);
    fireEvent.click(screen.getByRole('button', { name: 'Pause schedule' }));
    await waitFor(() => expect(screen.getByTestId('scheduler-state').textContent).toBe('paused'));
    fireEvent.click(screen.getByRole('button', { name: 'Resume schedule' }));
    await waitFor(() => expect(screen.getByTestId('scheduler-state').textContent).toBe('running'));
    fireEvent.click(screen.getByRole('button', { name: 'Stop all jobs' }));
    fireEvent.click(screen.getByRole('button', { name: 'Restart scheduler' }));
    await waitFor(() => expect(calls.map((c) => c.method)).toEqual(expect.arrayContaining(['pauseSchedule', 'resumeSchedule', 'stopAllJobs', 'restartScheduler'])));
  });
});
