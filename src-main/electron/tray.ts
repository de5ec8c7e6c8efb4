/**
 * The system tray: closing the window keeps scheduled polling running, and the tray is how the analyst gets
 * back (Show), polls at once (to MISP or to XML files), pauses or resumes the schedule, or quits. Its icon says
 * whether FLARE MISP is idle, polling or in error; its tooltip (and, for Linux, whose app indicators show no
 * tooltip and may never deliver a click, the top lines of its menu) says what runs now, how far it got, and the
 * last and the next run. Electron objects are injected, so the controller is testable under plain Node.
 */
import type { JobInfo, ProcessType, RunRecord } from '../../shared/api';

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
  submenu?: MenuItem[];
}

export interface TrayDeps {
  createTray(icon: string): TrayLike;
  buildMenu(items: MenuItem[]): unknown;
  icons: Record<TrayState, string>;
  show(): void;
  pollNow(processType: ProcessType): void;
  pauseSchedule(): void;
  resumeSchedule(): void;
  quit(): void;
  /** A time for people ("14:05", or "2 May 14:05" on another day); local time by default. */
  formatTime?: (iso: string) => string;
}

/** What the tray shows, derived from the service's run and jobs events (trayView). */
export interface TrayView {
  state: TrayState;
  /** "run 12 (stixToMisp): part 3, 240 packages, 180 uploaded" — while runs are going on. */
  progress?: string;
  /** "Success at 14:05: 12 new, 3 duplicate" — the last finished run. */
  lastRun?: string;
  /** ISO time of the next scheduled run (absent while paused or with nothing scheduled). */
  nextRun?: string;
  scheduled: boolean;
  paused: boolean;
  quitting: boolean;
}

export function localTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  if (d.toDateString() === now.toDateString()) return hm;
  return `${d.getDate()} ${d.toLocaleString('en', { month: 'short' })} ${hm}`;
}

export class TrayController {
  private readonly tray: TrayLike;
  private view: TrayView = { state: 'idle', scheduled: false, paused: false, quitting: false };
  private destroyed = false;
  private rendered = '';

  constructor(private readonly deps: TrayDeps) {
    this.tray = deps.createTray(deps.icons.idle);
    this.tray.on('click', () => deps.show());
    this.render();
  }

  get current(): Readonly<TrayView> {
    return this.view;
  }

  update(patch: Partial<TrayView>): void {
    if (this.destroyed) return;
    this.view = { ...this.view, ...patch };
    this.render();
  }

  /** The status lines: the tooltip, and the disabled top items of the menu. */
  lines(): string[] {
    const v = this.view;
    const time = this.deps.formatTime ?? ((iso: string) => localTime(iso));
    const head = v.quitting
      ? 'FLARE MISP — quitting (letting the run reach a safe point)'
      : { idle: 'FLARE MISP — idle', polling: 'FLARE MISP — polling', error: 'FLARE MISP — last run failed' }[v.state];
    const out = [head];
    if (v.progress) out.push(v.progress);
    if (v.lastRun) out.push(`Last run: ${v.lastRun}`);
    if (!v.scheduled) out.push('Next run: nothing is scheduled');
    else if (v.paused) out.push('Next run: schedule paused');
    else if (v.nextRun) out.push(`Next run: ${time(v.nextRun)}`);
    return out;
  }

  tooltip(): string {
    return this.lines().join('\n');
  }

  private render(): void {
    const v = this.view;
    const polling = v.state === 'polling';
    const lines = this.lines();
    const key = JSON.stringify([v.state, lines, v.paused, v.scheduled]);
    if (key === this.rendered) return;
    this.rendered = key;
    this.tray.setImage(this.deps.icons[v.state]);
    this.tray.setToolTip(lines.join('\n'));
    const idle = !v.quitting;
    this.tray.setContextMenu(
      this.deps.buildMenu([
        ...lines.flatMap((l) => l.split('\n')).map((label) => ({ label, enabled: false })),
        { type: 'separator' },
        { label: 'Show FLARE MISP', enabled: idle, click: () => this.deps.show() },
        {
          label: 'Poll now',
          enabled: idle && !polling,
          submenu: [
            { label: 'To MISP', enabled: idle && !polling, click: () => this.deps.pollNow('stixToMisp') },
            { label: 'To XML files', enabled: idle && !polling, click: () => this.deps.pollNow('xmlOutput') },
          ],
        },
        v.paused
          ? { label: 'Resume schedule', enabled: idle && v.scheduled, click: () => this.deps.resumeSchedule() }
          : { label: 'Pause schedule', enabled: idle && v.scheduled, click: () => this.deps.pauseSchedule() },
        { type: 'separator' },
        { label: v.quitting ? 'Quitting…' : 'Quit (stops scheduled polling)', enabled: idle, click: () => this.deps.quit() },
      ]),
    );
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.tray.destroy();
  }
}

/** Follows the service's run and jobs events into the tray's view. */
export class TrayModel {
  private readonly running = new Map<number, RunRecord>();
  private last: RunRecord | undefined;
  private jobs: JobInfo[] = [];

  constructor(private readonly formatTime: (iso: string) => string = (iso) => localTime(iso)) {}

  onRun(run: RunRecord): void {
    if (run.state === 'running') {
      this.running.set(run.id, run);
      return;
    }
    this.running.delete(run.id);
    if (!this.last || run.id >= this.last.id) this.last = run;
  }

  onJobs(jobs: JobInfo[]): void {
    this.jobs = jobs;
  }

  view(): Omit<TrayView, 'quitting'> {
    const running = [...this.running.values()].sort((a, b) => a.id - b.id);
    const next = this.jobs
      .filter((j) => !j.paused && j.nextRun)
      .map((j) => j.nextRun!)
      .sort()[0];
    const view: Omit<TrayView, 'quitting'> = {
      state: running.length > 0 ? 'polling' : this.last?.state === 'failed' ? 'error' : 'idle',
      scheduled: this.jobs.length > 0,
      paused: this.jobs.length > 0 && this.jobs.every((j) => j.paused),
    };
    if (running.length > 0) view.progress = running.map(progressLine).join('\n');
    if (this.last) view.lastRun = lastRunLine(this.last, this.formatTime);
    if (next) view.nextRun = next;
    return view;
  }
}

function progressLine(run: RunRecord): string {
  const p = run.progress;
  const target = run.processType === 'stixToMisp' ? 'uploaded' : 'saved';
  if (!p) return `Run ${run.id} (${run.processType}): starting`;
  const parts = [p.part > 0 ? `part ${p.part}` : 'waiting for the feed', `${p.packages}${p.recordCount !== undefined ? ` of about ${p.recordCount}` : ''} packages`, `${p.uploadsDone} ${target}`];
  return `Run ${run.id} (${run.processType}): ${parts.join(', ')}`;
}

function lastRunLine(run: RunRecord, formatTime: (iso: string) => string): string {
  const c = run.counts;
  const facts = [
    c.new && `${c.new} new`,
    c.updated && `${c.updated} updated`,
    c.duplicate && `${c.duplicate} duplicate`,
    c.failed && `${c.failed} failed`,
    c.quarantined && `${c.quarantined} quarantined`,
  ].filter(Boolean);
  const when = run.finishedAt ? ` at ${formatTime(run.finishedAt)}` : '';
  return `${run.status}${when} (run ${run.id}, ${run.processType})${facts.length ? `: ${facts.join(', ')}` : ': nothing new'}`;
}
