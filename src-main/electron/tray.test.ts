import { describe, it, expect } from 'vitest';
import { TrayController, type MenuItem, type TrayLike } from './tray';

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

describe('TrayController', () => {
  it('shows state in icon and tooltip, always offers Show and Quit, and routes clicks', () => {
    const { tray, calls } = fakeTray();
    const actions: string[] = [];
    const c = new TrayController({
      createTray: () => tray,
      buildMenu: (items) => items,
      icons: { idle: 'idle.png', polling: 'polling.png', error: 'error.png' },
      show: () => actions.push('show'),
      pollNow: () => actions.push('poll'),
      quit: () => actions.push('quit'),
    });
    expect(calls.tooltip.at(-1)).toBe('FLARE MISP — idle');
    c.setState('polling', 'run 3: part 2, 180 packages');
    expect(calls.image.at(-1)).toBe('polling.png');
    expect(calls.tooltip.at(-1)).toBe('FLARE MISP — polling\nrun 3: part 2, 180 packages');
    const menu = calls.menus.at(-1)!;
    expect(menu.map((i) => i.label ?? '—')).toEqual(['Show FLARE MISP', 'Poll to MISP now', '—', 'Quit (stops scheduled polling)']);
    expect(menu[1]!.enabled).toBe(false);
    menu[0]!.click!();
    menu[3]!.click!();
    calls.click!();
    expect(actions).toEqual(['show', 'quit', 'show']);
    c.setState('error');
    expect(calls.image.at(-1)).toBe('error.png');
    c.destroy();
    c.destroy();
    expect(calls.destroyed).toBe(1);
  });
});
