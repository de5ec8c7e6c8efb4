import { describe, it, expect } from 'vitest';
import type { RunRecord } from '../../shared/api';
import { TrayController, TrayModel, localTime, type MenuItem, type TrayLike } from './tray';

function fakeTray() {
  const calls = { tooltip: [] as string[], image: [] as string[], menus: [] as MenuItem[][], click: undefined as undefined | (() => void), destroyed: 0 };
  const tray: TrayLike = {
    setToolTip: (t) => void calls.tooltip.push(t),
    setImage: (i) => void calls.image.push(i),
    setContextMenu: (m) => void calls.menus.push(m as MenuItem[]),
    on: (_e, l) => void (calls.click = l),
    destroy: () => void calls.destroyed++,
  };
  return { tray, calls };
}

const labels = (menu: MenuItem[]): string[] => menu.map((i) => (i.type === 'separator' ? '—' : `${i.label}${i.enabled === false ? ' (off)' : ''}${i.submenu ? ` [${labels(i.submenu).join(', ')}]` : ''}`));

function controller() {
  const { tray, calls } = fakeTray();
  const actions: string[] = [];
  const c = new TrayController({
    createTray: () => tray,
    buildMenu: (items) => items,
    icons: { idle: 'idle.png', polling: 'polling.png', error: 'error.png' },
    show: () => actions.push('show'),
    pollNow: (p) => actions.push(`poll ${p}`),
    pauseSchedule: () => actions.push('pause'),
    resumeSchedule: () => actions.push('resume'),
    quit: () => actions.push('quit'),
    formatTime: (iso) => `<${iso}>`,
  });
  return { c, calls, actions };
}

describe('TrayController', () => {
  it('always offers Show, Poll now (MISP, XML), Pause or Resume, and Quit, with the status lines on top', () => {
    const { c, calls, actions } = controller();
    expect(calls.tooltip.at(-1)).toBe('FLARE MISP — idle\nNext run: nothing is scheduled');
    expect(labels(calls.menus.at(-1)!)).toEqual([
      'FLARE MISP — idle (off)',
      'Next run: nothing is scheduled (off)',
      '—',
      'Show FLARE MISP',
      'Poll now [To MISP, To XML files]',
      'Pause schedule (off)',
      '—',
      'Quit (stops scheduled polling)',
    ]);
    c.update({ scheduled: true, nextRun: '2030-01-01T00:05:00Z' });
    const menu = calls.menus.at(-1)!;
    const find = (label: string, items = menu): MenuItem => items.flatMap((i) => [i, ...(i.submenu ?? [])]).find((i) => i.label === label)!;
    find('Show FLARE MISP').click!();
    find('To MISP').click!();
    find('To XML files').click!();
    find('Pause schedule').click!();
    c.update({ paused: true });
    find('Resume schedule', calls.menus.at(-1)!).click!();
    find('Quit (stops scheduled polling)').click!();
    calls.click!();
    expect(actions).toEqual(['show', 'poll stixToMisp', 'poll xmlOutput', 'pause', 'resume', 'quit', 'show']);
    expect(calls.tooltip.at(-1)).toBe('FLARE MISP — idle\nNext run: schedule paused');
  });

  it('shows the state in icon and tooltip, progress while polling, and nothing to click while quitting', () => {
    const { c, calls } = controller();
    c.update({ state: 'polling', progress: 'Run 3 (stixToMisp): part 2, 180 packages, 90 uploaded', scheduled: true, nextRun: 'T' });
    expect(calls.image.at(-1)).toBe('polling.png');
    expect(calls.tooltip.at(-1)).toBe('FLARE MISP — polling\nRun 3 (stixToMisp): part 2, 180 packages, 90 uploaded\nNext run: <T>');
    expect(labels(calls.menus.at(-1)!)).toContain('Poll now (off) [To MISP (off), To XML files (off)]');
    const renders = calls.menus.length;
    c.update({ state: 'polling' });
    expect(calls.menus.length).toBe(renders); // nothing changed, nothing redrawn
    c.update({ state: 'error', progress: undefined, lastRun: 'Failed at 10:00 (run 3, stixToMisp): nothing new' });
    expect(calls.image.at(-1)).toBe('error.png');
    c.update({ quitting: true });
    expect(calls.tooltip.at(-1)!.split('\n')[0]).toBe('FLARE MISP — quitting (letting the run reach a safe point)');
    expect(calls.menus.at(-1)!.filter((i) => i.click && i.enabled !== false)).toEqual([]);
    c.destroy();
    c.destroy();
    expect(calls.destroyed).toBe(1);
    c.update({ state: 'idle' });
    expect(calls.image.at(-1)).toBe('error.png');
  });
});

describe('TrayModel', () => {
  const base = { processType: 'stixToMisp', feed: 'f', collection: 'ais', trigger: 'scheduled', status: 'Success', detailedStatus: '', beginTimestamp: '', endTimeStamp: '', startedAt: '', counts: { received: 0, new: 0, duplicate: 0, updated: 0, uploaded: 0, saved: 0, failed: 0, quarantined: 0, skipped: 0 } } as const;
  const run = (p: Partial<RunRecord>): RunRecord => ({ ...base, counts: { ...base.counts }, id: 1, state: 'success', ...p }) as RunRecord;

  it('is polling while any run runs, in error after a failed last run, and names the earliest next run', () => {
    const m = new TrayModel((iso) => iso.slice(11, 16));
    expect(m.view()).toEqual({ state: 'idle', scheduled: false, paused: false });
    m.onJobs([
      { name: 'a', group: 'group1', processType: 'stixToMisp', feed: 'f', collection: 'ais', frequencyMinutes: 5, schedule: '', paused: false, running: false, nextRun: '2030-01-01T10:10:00Z' },
      { name: 'b', group: 'group1', processType: 'xmlOutput', feed: 'f', collection: 'ais', frequencyMinutes: 5, schedule: '', paused: false, running: false, nextRun: '2030-01-01T10:05:00Z' },
    ]);
    m.onRun(run({ id: 4, state: 'running', processType: 'xmlOutput' }));
    m.onRun(run({ id: 5, state: 'running', progress: { part: 1, blocks: 10, packages: 10, uploadsDone: 4, recordCount: 50 } }));
    expect(m.view()).toEqual({
      state: 'polling',
      scheduled: true,
      paused: false,
      nextRun: '2030-01-01T10:05:00Z',
      progress: 'Run 4 (xmlOutput): starting\nRun 5 (stixToMisp): part 1, 10 of about 50 packages, 4 uploaded',
    });
    m.onRun(run({ id: 5, state: 'failed', status: 'Failed', finishedAt: '2030-01-01T10:01:00Z', counts: { ...base.counts, failed: 1, quarantined: 1 } }));
    m.onRun(run({ id: 4, state: 'success', processType: 'xmlOutput', finishedAt: '2030-01-01T10:00:30Z', counts: { ...base.counts, new: 3, saved: 3 } }));
    // The last run is the newest one, whatever order they end in.
    expect(m.view()).toMatchObject({ state: 'error', lastRun: 'Failed at 10:01 (run 5, stixToMisp): 1 failed, 1 quarantined' });
    expect(m.view().progress).toBeUndefined();
  });

  it('formats times for people', () => {
    const now = new Date(2030, 0, 1, 12, 0);
    expect(localTime(new Date(2030, 0, 1, 9, 5).toISOString(), now)).toBe('09:05');
    expect(localTime(new Date(2030, 0, 2, 9, 5).toISOString(), now)).toBe('2 Jan 09:05');
    expect(localTime('not a time', now)).toBe('not a time');
  });
});
