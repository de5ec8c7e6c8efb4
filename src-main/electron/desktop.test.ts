// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADMIN_METHODS, IPC_EVENT_PREFIX, IPC_PREFIX, type AdminEventName, type AdminEvents, type ConfigView, type JobInfo, type RunRecord } from '../../shared/api';
import { CSP } from '../../shared/csp';
import type { ServiceOptions } from '../core/service';
import { startDesktop, type DesktopService } from './desktop';
import { FORCED_WEB_PREFERENCES, windowOptions } from './security';
import { localTime } from './tray';
import { fakeElectron, preventable, type FakeOptions } from '../../test/support/fake-electron';
import { startTaxiiServer } from '../simulators/taxii/server';
import { makeBlocks } from '../simulators/taxii/fixtures';
import { TEST_MISP_KEY } from '../simulators/misp/index';
import { setKeys } from '../../test/support/service';
import { tempConfigDir } from '../../test/support/config-dir';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Starts the desktop app on fakes (a real FlareService unless `service` is given). */
async function launch(opts: { fake?: FakeOptions; argv?: string[]; env?: NodeJS.ProcessEnv; service?: (o: ServiceOptions) => DesktopService; platform?: NodeJS.Platform; graceMs?: number } = {}) {
  const fake = fakeElectron(opts.fake);
  const started = startDesktop(fake.deps, {
    argv: opts.argv ?? ['electron', '.'],
    env: opts.env ?? {},
    platform: opts.platform ?? 'linux',
    stdout: { write: () => true } as unknown as NodeJS.WritableStream,
    ...(opts.service && { createService: opts.service }),
    ...(opts.graceMs !== undefined && { graceMs: opts.graceMs }),
  });
  if (!started.primary) throw new Error('not the primary instance');
  const desktop = await started.ready;
  cleanups.push(() => desktop.quit());
  // Let the first reads (settings, jobs, last run) land.
  await sleep(20);
  return { fake, desktop, window: fake.windows[0]!, tray: fake.trays[0]! };
}

type Calls = { method: string; args: unknown[] }[];

/** A service that records calls and lets the test emit its events; `close` resolves when the test says. */
function fakeService(config: Record<string, string> = {}, holdClose = false) {
  const calls: Calls = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  let finishClose: () => void = () => undefined;
  const closed = new Promise<void>((r) => (finishClose = r));
  if (!holdClose) finishClose();
  const view = { dir: '/x', files: [], warnings: [], taxiiConfigured: true, mispConfigured: true, entries: Object.entries(config).map(([key, value]) => ({ key, value, isSet: true, source: 'file', secret: false, describe: '' })) } as unknown as ConfigView;
  const answers: Record<string, unknown> = { getConfig: view, listJobs: [], listRuns: [], pauseSchedule: [], resumeSchedule: [] };
  const service: Record<string, unknown> = {};
  for (const m of ADMIN_METHODS) {
    service[m] = async (...args: unknown[]) => {
      calls.push({ method: m, args });
      return answers[m];
    };
  }
  Object.assign(service, {
    on(event: string, l: (p: unknown) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(l);
      return () => set!.delete(l);
    },
    start: () => void calls.push({ method: 'start', args: [] }),
    startScheduler: () => (calls.push({ method: 'startScheduler', args: [] }), 'Quartz Scheduler Started.'),
    close: (graceMs?: number) => (calls.push({ method: 'close', args: [graceMs] }), closed),
  });
  return {
    service: service as unknown as DesktopService,
    calls,
    options: undefined as ServiceOptions | undefined,
    emit<E extends AdminEventName>(event: E, payload: AdminEvents[E]) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    finishClose: () => finishClose(),
  };
}

function run(patch: Partial<RunRecord>): RunRecord {
  return {
    id: 7,
    processType: 'stixToMisp',
    feed: 'taxii.example/ais',
    collection: 'ais',
    trigger: 'scheduled',
    state: 'success',
    status: 'Success',
    detailedStatus: 'Run 7 done',
    beginTimestamp: '2024-05-01T00:00:00Z',
    endTimeStamp: '2024-05-01T01:00:00Z',
    startedAt: '2024-05-01T01:00:00Z',
    finishedAt: '2024-05-01T01:00:05Z',
    counts: { received: 0, new: 0, duplicate: 0, updated: 0, uploaded: 0, saved: 0, failed: 0, quarantined: 0, skipped: 0 },
    ...patch,
  };
}

const job = (patch: Partial<JobInfo> = {}): JobInfo => ({ name: 'poll-ais-stixToMisp', group: 'group1', processType: 'stixToMisp', feed: 'f', collection: 'ais', frequencyMinutes: 5, schedule: 'every 5 minutes', paused: false, running: false, nextRun: '2030-01-01T10:05:00Z', ...patch });

describe('desktop start-up', () => {
  it('a second launch quits at once and the first one shows its window', async () => {
    const second = fakeElectron({ lock: false });
    expect(startDesktop(second.deps, { env: {}, argv: [] })).toEqual({ primary: false });
    expect(second.record.quit).toBe(1);
    expect(second.windows).toHaveLength(0);

    const { fake, window } = await launch();
    window.hide();
    fake.app.emit('second-instance');
    expect(window.visible).toBe(true);
    expect(window.focused).toBe(true);
  });

  it('keeps its config under userData (made from the shipped defaults); --config-dir and FLARE_MISP_HOME win', async () => {
    const a = await launch();
    expect(a.desktop.configDir).toBe(path.join(a.fake.userData, 'config'));
    expect(existsSync(path.join(a.desktop.configDir, 'config.properties'))).toBe(true);
    expect((await a.desktop.service.status()).mode).toBe('desktop');

    const own = tempConfigDir();
    const b = await launch({ argv: ['electron', '.', '--config-dir', own] });
    expect(b.desktop.configDir).toBe(own);
    expect(existsSync(path.join(b.fake.userData, 'config'))).toBe(false);
    const c = await launch({ argv: ['electron', '.', `--config-dir=${own}`] });
    expect(c.desktop.configDir).toBe(own);
    const d = await launch({ env: { FLARE_MISP_HOME: path.dirname(own) } });
    expect(d.desktop.configDir).toBe(own);
    const e = await launch({ env: { ELECTRON_USER_DATA_PATH: mkdtempSync(path.join(tmpdir(), 'flare-profile-')) } });
    expect(e.desktop.configDir).toBe(path.join(e.fake.app.getPath('userData'), 'config'));
  });

  it('starts the engine and its schedule, and loads the built renderer into a hidden-until-ready window', async () => {
    const f = fakeService();
    const { window, desktop } = await launch({ service: (o) => ((f.options = o), f.service) });
    expect(f.calls.slice(0, 2).map((c) => c.method)).toEqual(['start', 'startScheduler']);
    expect(f.options).toMatchObject({ mode: 'desktop', version: '9.9.9', configDir: desktop.configDir });
    expect(f.options!.secrets).toBeDefined();
    expect(window.loaded).toMatch(/dist-renderer[\\/]index\.html$/);
    expect(desktop.rendererUrl).toMatch(/^file:\/\/.*\/dist-renderer\/index\.html$/);
    expect(window.options.show).toBe(false);
    expect(window.visible).toBe(true);

    const hidden = await launch({ argv: ['electron', '.', '--hidden'], service: () => fakeService().service });
    expect(hidden.window.visible).toBe(false);
  });
});

describe('window security', () => {
  it('forces isolation, the sandbox and no Node over any override', () => {
    const o = windowOptions(
      { preload: '/app/dist-main/preload.cjs', icon: '/app/assets/icon.png' },
      { width: 10, webPreferences: { contextIsolation: false, sandbox: false, nodeIntegration: true, nodeIntegrationInWorker: true, webSecurity: false, webviewTag: true, preload: '/tmp/evil.js', allowRunningInsecureContent: true } },
    );
    expect(o.width).toBe(10);
    expect(o.webPreferences).toMatchObject({ ...FORCED_WEB_PREFERENCES, preload: '/app/dist-main/preload.cjs' });
  });

  it('the app window has them, the session denies permissions and sends the CSP, and navigation and new windows are blocked', async () => {
    const { fake, window, desktop } = await launch({ service: () => fakeService().service });
    expect(window.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preload: expect.stringMatching(/dist-main[\\/]preload\.cjs$/) });

    let granted: boolean | undefined;
    fake.session.permissionRequest!({}, 'media', (g) => (granted = g));
    expect(granted).toBe(false);
    expect(fake.session.permissionCheck!({}, 'clipboard-read')).toBe(false);
    let headers: Record<string, string[]> | undefined;
    fake.session.headers!({ responseHeaders: { 'content-security-policy': ["default-src *"], 'X-Other': ['1'] } }, (r) => (headers = r.responseHeaders));
    expect(headers).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [CSP] });

    const contents = fake.contents();
    // New windows: never; MISP event links (http/https) go to the system browser, nothing else does.
    expect(contents.openHandler!({ url: 'https://misp.example.org/events/view/12' })).toEqual({ action: 'deny' });
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'ms-msdt:whatever', 'https://user:pw@misp.example.org/']) expect(contents.openHandler!({ url })).toEqual({ action: 'deny' });
    // Navigation: our page stays; anything else is stopped, http(s) opened outside.
    const ours = preventable(desktop.rendererUrl + '#/runs');
    contents.emit('will-navigate', ours, ours.url);
    expect(ours.prevented).toBe(false);
    const away = preventable('http://misp.example.org/events/view/13');
    contents.emit('will-navigate', away);
    expect(away.prevented).toBe(true);
    const redirect = preventable('https://elsewhere.example/');
    contents.emit('will-redirect', redirect);
    expect(redirect.prevented).toBe(true);
    const webview = preventable();
    contents.emit('will-attach-webview', webview);
    expect(webview.prevented).toBe(true);
    await sleep(5);
    expect(fake.record.opened).toEqual(['https://misp.example.org/events/view/12', 'http://misp.example.org/events/view/13']);
  });

  it('registers every AdminApi method and answers only our window showing our page', async () => {
    const { fake, window, desktop } = await launch();
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual(ADMIN_METHODS.map((m) => IPC_PREFIX + m).sort());
    const ok = await fake.ipcMain.handlers.get('flare:status')!(fake.invokeEvent(window.webContents.id, desktop.rendererUrl));
    expect(ok).toMatchObject({ ok: true, value: { mode: 'desktop', version: '9.9.9' } });
    const refused = { ok: false, error: { code: 'forbidden', message: 'This window may not call FLARE MISP.' } };
    expect(await fake.ipcMain.handlers.get('flare:getConfig')!(fake.invokeEvent(window.webContents.id + 100, desktop.rendererUrl))).toEqual(refused);
    expect(await fake.ipcMain.handlers.get('flare:getConfig')!(fake.invokeEvent(window.webContents.id, 'https://evil.example/'))).toEqual(refused);
    expect(await fake.ipcMain.handlers.get('flare:getConfig')!(fake.invokeEvent(window.webContents.id, desktop.rendererUrl, { url: 'x' }))).toEqual(refused);
    // Engine events reach the window.
    await desktop.service.refreshConfig();
    expect(window.webContents.sent.some(([c]) => c === IPC_EVENT_PREFIX + 'status')).toBe(true);
    // Quitting removes every handler.
    await desktop.quit();
    expect(fake.ipcMain.handlers.size).toBe(0);
  });
});

describe('tray and quitting', () => {
  it('closing the window hides it to the tray (said once), and the tray menu brings it back', async () => {
    const { fake, window, tray } = await launch({ service: () => fakeService().service });
    expect(window.close()).toBe(false);
    expect(window.visible).toBe(false);
    expect(window.destroyed).toBe(false);
    expect(fake.record.exit).toEqual([]);
    expect(fake.record.notifications.map((n) => n.title)).toEqual(['FLARE MISP keeps running']);
    window.close();
    expect(fake.record.notifications).toHaveLength(1);
    tray.item('Show FLARE MISP').click!();
    expect(window.visible).toBe(true);
    window.hide();
    tray.click!();
    expect(window.visible).toBe(true);
  });

  it('the tray menu polls, pauses and resumes through the service', async () => {
    const f = fakeService();
    const { tray } = await launch({ service: () => f.service });
    f.emit('jobs', [job()]);
    tray.item('To MISP').click!();
    tray.item('To XML files').click!();
    tray.item('Pause schedule').click!();
    f.emit('jobs', [job({ paused: true, nextRun: undefined })]);
    expect(tray.tooltip).toContain('Next run: schedule paused');
    tray.item('Resume schedule').click!();
    await sleep(5);
    const actions = f.calls.filter((c) => ['poll', 'pauseSchedule', 'resumeSchedule'].includes(c.method));
    expect(actions).toEqual([
      { method: 'poll', args: ['stixToMisp'] },
      { method: 'poll', args: ['xmlOutput'] },
      { method: 'pauseSchedule', args: [] },
      { method: 'resumeSchedule', args: [] },
    ]);
  });

  it('the tray follows the runs: polling with progress, the last and the next run, error after a failure', async () => {
    const f = fakeService();
    const { tray, fake } = await launch({ service: () => f.service });
    expect(tray.image).toMatch(/tray-idle\.png$/);
    expect(tray.tooltip).toContain('Next run: nothing is scheduled');
    f.emit('jobs', [job()]);
    expect(tray.tooltip).toContain(`Next run: ${localTime('2030-01-01T10:05:00Z')}`);
    f.emit('run', run({ state: 'running', status: '', finishedAt: undefined, progress: { part: 3, blocks: 250, packages: 240, uploadsDone: 180 } }));
    expect(tray.image).toMatch(/tray-polling\.png$/);
    expect(tray.tooltip).toContain('FLARE MISP — polling\nRun 7 (stixToMisp): part 3, 240 packages, 180 uploaded');
    expect(tray.item('Poll now').enabled).toBe(false);
    // Linux app indicators show no tooltip: the same lines head the menu.
    expect(tray.menu[1]).toEqual({ label: 'Run 7 (stixToMisp): part 3, 240 packages, 180 uploaded', enabled: false });
    f.emit('run', run({ state: 'failed', status: 'Failed', detailedStatus: 'TAXII refused', error: { code: 'taxii_unauthorized', message: 'The TAXII server refused the client certificate.' } }));
    expect(tray.image).toMatch(/tray-error\.png$/);
    expect(tray.tooltip).toMatch(/^FLARE MISP — last run failed\nLast run: Failed at .* \(run 7, stixToMisp\): nothing new\nNext run: /);
    expect(tray.item('Poll now').enabled).toBe(true);
    expect(fake.record.notifications.at(-1)).toEqual({ title: 'FLARE MISP: scheduled run 7 failed', body: 'The TAXII server refused the client certificate.' });
    f.emit('run', run({ id: 8, counts: { ...run({}).counts, received: 5, new: 5, uploaded: 5 } }));
    expect(tray.image).toMatch(/tray-idle\.png$/);
    expect(tray.tooltip).toContain('(run 8, stixToMisp): 5 new');
  });

  it('Quit waits for the engine to reach a safe point before the app exits; other quits take the same way', async () => {
    const f = fakeService({}, true);
    const { fake, tray, desktop, window } = await launch({ service: () => f.service, graceMs: 1234 });
    tray.item('Quit (stops scheduled polling)').click!();
    await sleep(10);
    expect(desktop.quitting).toBe(true);
    expect(f.calls.at(-1)).toEqual({ method: 'close', args: [1234] });
    expect(tray.tooltip).toContain('quitting');
    expect(tray.item('Quitting…').enabled).toBe(false);
    expect(fake.record.exit).toEqual([]);
    // While quitting, closing the window really closes it.
    expect(window.close()).toBe(true);
    f.finishClose();
    await until('the exit', () => fake.record.exit.length > 0);
    expect(fake.record.exit).toEqual([0]);
    expect(tray.destroyed).toBe(1);

    // Cmd+Q / the OS: before-quit is held until the same orderly quit has run.
    const g = fakeService({}, true);
    const other = await launch({ service: () => g.service });
    const e = preventable();
    other.fake.app.emit('before-quit', e);
    expect(e.prevented).toBe(true);
    expect(g.calls.at(-1)?.method).toBe('close');
    g.finishClose();
    await until('the exit', () => other.fake.record.exit.length > 0);
  });
});

describe('notifications and settings', () => {
  it('tell about failed and quarantining runs, and about new events while the window is hidden', async () => {
    const f = fakeService();
    const { fake, window } = await launch({ service: () => f.service });
    const counts = run({}).counts;
    f.emit('run', run({ counts: { ...counts, quarantined: 2, failed: 2 } }));
    f.emit('run', run({ id: 8, counts: { ...counts, new: 3, uploaded: 3 } })); // window visible: no news
    window.hide();
    f.emit('run', run({ id: 9, counts: { ...counts, new: 3, updated: 1, uploaded: 4 } }));
    f.emit('run', run({ id: 10, trigger: 'manual', counts: { ...counts, new: 3 } }));
    f.emit('run', run({ id: 11, state: 'running' }));
    expect(fake.record.notifications).toEqual([
      { title: 'FLARE MISP: 2 packages quarantined', body: 'Scheduled run 7 (to MISP) could not process 2 packages; they are retried with the next runs. Open Quarantine to see why.' },
      { title: 'FLARE MISP: 4 new events in MISP', body: 'Scheduled run 9: 3 new, 1 updated.' },
    ]);
    fake.lastNotification!.click();
    expect(window.visible).toBe(true);
  });

  it('flare.desktop.notifications=false turns them off; start at login follows flare.desktop.start-at-login where it can', async () => {
    const f = fakeService({ 'flare.desktop.notifications': 'false', 'flare.desktop.start-at-login': 'true' });
    const { fake, window } = await launch({ service: () => f.service, fake: { packaged: true }, platform: 'win32' });
    f.emit('run', run({ state: 'failed', status: 'Failed' }));
    window.close();
    expect(fake.record.notifications).toEqual([]);
    expect(fake.record.loginItems).toEqual([{ openAtLogin: true, args: ['--hidden'] }]);
    expect(fake.record.appUserModelId).toBe('org.flare-misp.desktop');

    const linux = await launch({ service: () => fakeService({ 'flare.desktop.start-at-login': 'true' }).service, fake: { packaged: true }, platform: 'linux' });
    expect(linux.fake.record.loginItems).toEqual([]);
  });
});

describe('secrets', () => {
  const KEY = TEST_MISP_KEY;

  it('go through safeStorage: the properties file holds a reference, never the secret, and it reads back', async () => {
    const { desktop } = await launch();
    const file = path.join(desktop.configDir, 'config.properties');
    await desktop.service.saveConfig({ 'misp.authorization.key': KEY, 'flare.taxii.password': 'hunter2-but-longer' });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('hunter2');
    // (the properties editor escapes ':' and '=' in values; the parser reads them back)
    expect(text).toMatch(/^misp\.authorization\.key=safe\\?:[A-Za-z0-9+/=\\]+$/m);
    const view = await desktop.service.getConfig();
    expect(view.entries.find((e) => e.key === 'misp.authorization.key')).toMatchObject({ value: '••••••', isSet: true, source: 'file' });
    expect(view.warnings.join('\n')).not.toMatch(/plain text/);
    expect(JSON.stringify(view)).not.toContain(KEY);
    // The engine has the secret itself; a new start reads it back.
    const again = await launch({ argv: ['electron', '.', '--config-dir', desktop.configDir] });
    const seen = (again.desktop.service as unknown as { loaded: { config: { misp: { key?: string }; taxii: { password?: string } } } }).loaded.config;
    expect(seen.misp.key).toBe(KEY);
    expect(seen.taxii.password).toBe('hunter2-but-longer');
  });

  it('without an OS keychain they are written as typed, and the Config view says so and where', async () => {
    for (const fake of [{ encryption: false }, { encryption: true, backend: 'basic_text' }] satisfies FakeOptions[]) {
      const { desktop } = await launch({ fake });
      await desktop.service.saveConfig({ 'misp.authorization.key': KEY });
      const file = path.join(desktop.configDir, 'config.properties');
      expect(readFileSync(file, 'utf8')).toContain(`misp.authorization.key=${KEY}`);
      const warnings = (await desktop.service.getConfig()).warnings.join('\n');
      expect(warnings).toContain(`written in plain text to ${file} and ${path.join(desktop.configDir, 'application.properties')}`);
    }
  });
});

describe('background polling', () => {
  it('with the window closed to the tray, scheduled runs go on and the tray shows them', async () => {
    const taxii = await startTaxiiServer({ collections: [{ name: 'ais', blocks: makeBlocks(3) }], partSize: 10 });
    cleanups.push(() => taxii.close());
    const dir = tempConfigDir();
    setKeys(dir, {
      'stixtransclient.poll.baseurl': taxii.urls.poll,
      'stixtransclient.source.collection': 'ais',
      'mtc.processtype': 'xmlOutput',
      'flare.schedule.cron': '* * * * * *',
    });
    const { desktop, window, tray } = await launch({ argv: ['electron', '.', '--config-dir', dir] });
    window.close();
    expect(window.visible).toBe(false);
    await until('a scheduled run to finish', async () => (await desktop.service.listRuns(5)).some((r) => r.trigger === 'scheduled' && r.state !== 'running'));
    const [last] = (await desktop.service.listRuns(5)).filter((r) => r.state !== 'running');
    expect(last).toMatchObject({ trigger: 'scheduled', processType: 'xmlOutput', state: 'success' });
    await until('the tray to show it', () => tray.tooltip.includes(`(run ${last!.id}, xmlOutput)`));
    expect(tray.tooltip).toMatch(/Next run: \d\d:\d\d/);
  });
});

describe('the demo profile', () => {
  it('--demo runs on the simulators inside the app with a configuration of its own, labelled demo, and quits them', async () => {
    const { desktop, window, fake } = await launch({ argv: ['electron', '.', '--demo'] });
    expect(desktop.configDir).toBe(path.join(fake.userData, 'demo', 'config'));
    expect(existsSync(path.join(fake.userData, 'config'))).toBe(false);
    expect(window.options.title).toBe('FLARE MISP — DEMO');
    const status = await desktop.service.status();
    expect(status).toMatchObject({ mode: 'desktop', canSwitchProfile: true, taxiiConfigured: true, mispConfigured: true });
    expect(status.demo!.mispUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    expect(status.demo!.taxiiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect((await desktop.service.checkTaxiiStatus()).ok).toBe(true);
    expect((await desktop.service.checkMispStatus()).ok).toBe(true);
    // The schedule's first run takes what the demo feed holds to the MISP simulator; its page lists them.
    await until('the first run', async () => (await desktop.service.listRuns(5)).some((r) => r.state !== 'running'), 60_000);
    const [run] = await desktop.service.listRuns(1);
    expect(run!.counts.uploaded).toBeGreaterThan(0);
    expect(run!.counts.quarantined).toBe(1);
    const page = await fetch(`${status.demo!.mispUrl.replace(/\/+$/, '')}/events/index`);
    expect(await page.text()).toContain('Demo AIS package');

    await desktop.quit();
    expect(fake.record.exit).toEqual([0]);
    await expect(fetch(`${status.demo!.mispUrl.replace(/\/+$/, '')}/events/index`)).rejects.toThrow();
  }, 90_000);

  it('a second demo launch starts afresh: nothing of the last demo (tracker, runs) is taken for the new simulators', async () => {
    const userData = mkdtempSync(path.join(tmpdir(), 'flare-demo-again-'));
    const a = await launch({ argv: ['electron', '.', '--demo'], fake: { userData } });
    const leftover = path.join(a.desktop.configDir, '..', 'data', 'left-over');
    writeFileSync(leftover, 'x');
    await a.desktop.quit();
    const b = await launch({ argv: ['electron', '.', '--demo'], fake: { userData } });
    expect(b.desktop.configDir).toBe(a.desktop.configDir);
    expect(existsSync(leftover)).toBe(false);
  });

  it('switchProfile restarts the app on the other profile (only the --demo flag changes) after an orderly quit', async () => {
    const real = await launch({ argv: ['electron', '.', '--config-dir', tempConfigDir(), '--hidden'] });
    expect((await real.desktop.service.status()).demo).toBeUndefined();
    expect(await real.desktop.service.switchProfile('real')).toMatch(/already/);
    expect(real.fake.record.relaunch).toEqual([]);
    expect(await real.desktop.service.switchProfile('demo')).toMatch(/restarts on the demo profile/);
    await until('the quit', () => real.fake.record.exit.length > 0);
    expect(real.fake.record.relaunch).toEqual([{ args: ['.', '--config-dir', expect.any(String), '--demo'] }]);
    expect(real.fake.record.exit).toEqual([0]);

    const demo = await launch({ argv: ['electron', '.', '--demo'] });
    expect(await demo.desktop.service.switchProfile('real')).toMatch(/restarts on your configuration/);
    await until('the quit', () => demo.fake.record.exit.length > 0);
    expect(demo.fake.record.relaunch).toEqual([{ args: ['.'] }]);
  }, 60_000);
});
