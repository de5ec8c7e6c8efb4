/**
 * The system tray: closing the window keeps scheduled polling running, and the tray is how the analyst gets
 * back (Show), polls at once, or quits. Its icon and tooltip say whether FLARE MISP is idle, polling (with
 * progress) or in error. Electron objects are injected so the controller is testable under plain Node; on Linux
 * a click on the icon may never arrive (app indicators), so the menu always carries Show and Quit.
 */
export type TrayState = 'idle' | 'polling' | 'error';

export interface TrayLike {
  setToolTip(text: string): void;
  setImage(icon: string): void;
  setContextMenu(menu: unknown): void;
  on(event: 'click', listener: () => void): void;
  destroy(): void;
}

export interface MenuItem {
  label?: string;
  type?: 'separator';
  enabled?: boolean;
  click?: () => void;
}

export interface TrayDeps {
  createTray(icon: string): TrayLike;
  buildMenu(items: MenuItem[]): unknown;
  icons: Record<TrayState, string>;
  show(): void;
  pollNow(): void;
  quit(): void;
}

export class TrayController {
  private readonly tray: TrayLike;
  private state: TrayState = 'idle';
  private detail = '';
  private destroyed = false;

  constructor(private readonly deps: TrayDeps) {
    this.tray = deps.createTray(deps.icons.idle);
    this.tray.on('click', () => deps.show());
    this.render();
  }

  /** `detail` is shown in the tooltip, e.g. "run 12: part 3, 240 packages". */
  setState(state: TrayState, detail = ''): void {
    if (this.destroyed || (state === this.state && detail === this.detail)) return;
    this.state = state;
    this.detail = detail;
    this.render();
  }

  tooltip(): string {
    const head = { idle: 'FLARE MISP — idle', polling: 'FLARE MISP — polling', error: 'FLARE MISP — last run failed' }[this.state];
    return this.detail ? `${head}\n${this.detail}` : head;
  }

  private render(): void {
    this.tray.setImage(this.deps.icons[this.state]);
    this.tray.setToolTip(this.tooltip());
    this.tray.setContextMenu(
      this.deps.buildMenu([
        { label: 'Show FLARE MISP', click: () => this.deps.show() },
        { label: 'Poll to MISP now', enabled: this.state !== 'polling', click: () => this.deps.pollNow() },
        { type: 'separator' },
        { label: 'Quit (stops scheduled polling)', click: () => this.deps.quit() },
      ]),
    );
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.tray.destroy();
  }
}
