// @vitest-environment happy-dom
import { describe, it, expect, afterEach, beforeAll, vi } from 'vitest';
import { screen, fireEvent, cleanup, waitFor, act } from '@testing-library/react';
import { LogView, filterLog } from './LogView';
import { fakeClient } from '../testing/fakeClient';
import { fakeLayout, renderView } from '../testing/render';
import type { LogEntry } from '../../shared/api';

beforeAll(() => fakeLayout());
afterEach(cleanup);

const entry = (i: number, o: Partial<LogEntry> = {}): LogEntry => ({ time: `2026-11-28T01:00:00.000Z`, level: 'info', message: `line ${i}`, ...o });

describe('Log', () => {
  it('empty: says what will appear', async () => {
    const { client } = fakeClient({ recentLog: async () => [] });
    await renderView(<LogView />, client);
    expect(screen.getByTestId('log-lines').textContent).toContain('Nothing logged yet');
  });

  it('100,000 lines: only the lines in view are in the page', async () => {
    const many = Array.from({ length: 100_000 }, (_, i) => entry(i));
    const { client } = fakeClient({ recentLog: async () => [] });
    const { store } = await renderView(<LogView />, client);
    act(() => store.setState({ log: many }));
    // (happy-dom has no scrolling: which lines are in view is for the browser test to see; here, how many.)
    await waitFor(() => expect(screen.getByTestId('log-lines').textContent).toContain('line 1'));
    const rows = screen.getByTestId('log-lines').querySelectorAll('.line');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(200);
    expect(screen.getByRole('status').textContent).toContain('100,000 of 100,000 entries');
  });

  it('streams entries pushed by the engine; filters by level and text; a run line links to its run', async () => {
    const { client, push } = fakeClient();
    const { store } = await renderView(<LogView />, client);
    act(() => {
      push('log', entry(1, { level: 'warn', message: 'part 2 of 3 arrived', module: 'taxii' }));
      push('log', entry(2, { level: 'info', message: 'Processing events: Success', runId: 12 }));
    });
    await waitFor(() => expect(screen.getByTestId('log-lines').textContent).toContain('[taxii] part 2 of 3 arrived'));
    fireEvent.change(screen.getByRole('combobox', { name: 'Level' }), { target: { value: 'warn' } });
    await waitFor(() => expect(screen.getByTestId('log-lines').textContent).not.toContain('Processing events'));
    fireEvent.change(screen.getByRole('combobox', { name: 'Level' }), { target: { value: 'debug' } });
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search the log' }), { target: { value: 'processing' } });
    await waitFor(() => expect(screen.getByTestId('log-lines').textContent).not.toContain('part 2 of 3'));
    fireEvent.click(screen.getByRole('button', { name: 'Open run 12' }));
    expect(store.getState()).toMatchObject({ view: 'runs', runId: 12 });
  });

  it('copies the shown lines; pause stops following', async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    const { client } = fakeClient();
    await renderView(<LogView />, client);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Pause autoscroll' }));
    expect((screen.getByRole('checkbox', { name: 'Pause autoscroll' }) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('2026-11-28 01:00:00 INFO  FLARE MISP started\n'));
    expect(screen.getByRole('status').textContent).toBe('Copied 1 lines.');
  });

  it('filterLog keeps the array when nothing filters', () => {
    const log = [entry(1), entry(2, { level: 'debug' })];
    expect(filterLog(log, 'debug', '')).toBe(log);
    expect(filterLog(log, 'info', '')).toHaveLength(1);
  });
});
