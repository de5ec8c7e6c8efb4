/**
 * Desktop notifications from the run events: a run that failed, a run that quarantined packages, and (while the
 * window is hidden, so nobody is watching the dashboard) a scheduled run that sent new packages to MISP.
 * `flare.desktop.notifications=false` turns them off. Electron's Notification is injected (notifier()), so the
 * rules are testable under plain Node.
 */
import type { RunRecord } from '../../shared/api';

export interface NotificationLike {
  show(): void;
  on(event: 'click', listener: () => void): unknown;
}

export interface NotificationClass {
  new (options: { title: string; body: string; icon?: string; silent?: boolean }): NotificationLike;
  isSupported(): boolean;
}

export interface Notice {
  title: string;
  body: string;
}

/** What a finished run has to say to someone not looking at the window, if anything. */
export function noticeFor(run: RunRecord, windowVisible: boolean): Notice | undefined {
  if (run.state === 'running') return undefined;
  const what = run.trigger === 'scheduled' ? 'Scheduled run' : run.trigger === 'retry' ? 'Quarantine retry' : 'Run';
  const target = run.processType === 'stixToMisp' ? 'MISP' : 'XML files';
  if (run.state === 'failed') {
    return { title: `FLARE MISP: ${what.toLowerCase()} ${run.id} failed`, body: `${run.error?.message ?? run.detailedStatus}${run.error?.hint ? ` ${run.error.hint}` : ''}` };
  }
  const q = run.counts.quarantined;
  if (q > 0) {
    return {
      title: `FLARE MISP: ${q} package${q === 1 ? '' : 's'} quarantined`,
      body: `${what} ${run.id} (to ${target}) could not process ${q === 1 ? 'one package' : `${q} packages`}; they are retried with the next runs. Open Quarantine to see why.`,
    };
  }
  const fresh = run.counts.new + run.counts.updated;
  if (!windowVisible && run.trigger === 'scheduled' && run.processType === 'stixToMisp' && fresh > 0) {
    return { title: `FLARE MISP: ${fresh} new event${fresh === 1 ? '' : 's'} in MISP`, body: `Scheduled run ${run.id}: ${run.counts.new} new, ${run.counts.updated} updated.` };
  }
  return undefined;
}

export interface NotifierDeps {
  Notification: NotificationClass;
  icon?: string;
  /** flare.desktop.notifications */
  enabled(): boolean;
  windowVisible(): boolean;
  /** A click on a notification shows the window. */
  onClick(): void;
}

/** Returns the listener for the service's `run` events. */
export function notifier(deps: NotifierDeps): (run: RunRecord) => void {
  return (run) => {
    if (!deps.enabled()) return;
    const notice = noticeFor(run, deps.windowVisible());
    if (notice) show(deps, notice);
  };
}

/** Shows one notification where the platform supports them; false where it does not. */
export function show(deps: Pick<NotifierDeps, 'Notification' | 'icon' | 'onClick'>, notice: Notice): boolean {
  if (!deps.Notification.isSupported()) return false;
  const n = new deps.Notification({ title: notice.title, body: notice.body, ...(deps.icon && { icon: deps.icon }) });
  n.on('click', () => deps.onClick());
  n.show();
  return true;
}
