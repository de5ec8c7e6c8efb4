/**
 * The desktop app, wired from injected Electron objects (main.ts passes the real ones; the tests pass fakes and
 * run under plain Node): one instance (a second launch shows the first one's window), the engine (FlareService)
 * in this process with its config folder under userData (or --config-dir / FLARE_MISP_HOME) and its schedule
 * running, one secured window showing the built renderer, IPC for every AdminApi method from our page only, a
 * tray that keeps polling going while the window is closed, notifications, start at login, secrets through the
 * OS keychain, and a quit that lets a run reach a safe point first.
 */
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserWindowConstructorOptions, IpcMain } from 'electron';
import type { AdminApi, AdminEventName, AdminEvents, ConfigView, JobInfo, ProcessType, Profile, RunRecord } from '../../shared/api';
import { CSP } from '../../shared/csp';
import { resolveConfigDir } from '../core/config/index';
import { errorMessage } from '../core/errors';
import { LogHub, consoleSink } from '../core/log/index';
import { FlareService, type ServiceOptions } from '../core/service';
import { DEMO_FLAG, openDemoProfile, relaunchArgs, type DemoProfile } from './demo-profile';
import { forwardEvents, registerIpc, trustedSenders } from './ipc';
import { notifier, show as showNotice, type NotificationClass } from './notify';
import { safeStorageCodec, type SafeStorageLike } from './secrets';
import { guardContents, secureSession, windowOptions, type ContentsLike, type SessionLike } from './security';
import { TrayController, TrayModel, type MenuItem, type TrayLike } from './tray';

export const APP_ID = 'org.flare-misp.desktop';

export interface AppLike {
  readonly isPackaged: boolean;
  getAppPath(): string;
  getVersion(): string;
  getPath(name: 'userData'): string;
  setPath(name: 'userData', value: string): void;
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<unknown>;
  on(event: 'second-instance' | 'activate' | 'window-all-closed', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: ContentsLike) => void): unknown;
  quit(): void;
  exit(code?: number): void;
  relaunch(options?: { args?: string[] }): void;
  setAppUserModelId(id: string): void;
  getLoginItemSettings(options?: { args?: string[] }): { openAtLogin: boolean; wasOpenedAtLogin?: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
}

export interface WindowLike {
  readonly webContents: {
    readonly id: number;
    send(channel: string, payload: unknown): void;
    once(event: 'destroyed', listener: () => void): unknown;
  };
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
  loadFile(file: string): Promise<void>;
  show(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isVisible(): boolean;
  isDestroyed(): boolean;
}

/** The Electron objects the desktop app uses, injected. */
export interface ElectronDeps {
  app: AppLike;
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => WindowLike;
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  Tray: new (icon: string) => TrayLike;
  Menu: { buildFromTemplate(items: MenuItem[]): unknown };
  Notification: NotificationClass;
  safeStorage: SafeStorageLike;
  shell: { openExternal(url: string): Promise<void> };
  session: { defaultSession: SessionLike };
}

/** What the desktop needs of the engine (FlareService; the tests may pass a fake). */
export interface DesktopService extends AdminApi {
  on<E extends AdminEventName>(event: E, listener: (payload: AdminEvents[E]) => void): () => void;
  start(): void;
  startScheduler(): string;
  close(graceMs?: number): Promise<void>;
}

export interface DesktopOptions {
  argv?: string[];
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** process.resourcesPath: where a packaged app finds the shipped config defaults (extraResources). */
  resourcesPath?: string;
  /** How long a quit waits for running runs to reach a safe point. */
  graceMs?: number;
  stdout?: NodeJS.WritableStream;
  createService?(options: ServiceOptions): DesktopService;
}

export interface Desktop {
  service: DesktopService;
  window: WindowLike;
  tray: TrayController;
  hub: LogHub;
  configDir: string;
  /** The demo profile, when launched with --demo. */
  demo?: DemoProfile;
  /** Every AdminApi call must come from here: our window, showing our page. */
  rendererUrl: string;
  readonly quitting: boolean;
  /** Quit: runs reach a safe point (service.close(graceMs)), then the app exits. */
  quit(): Promise<void>;
  showWindow(): void;
}

export type StartResult = { primary: false } | { primary: true; ready: Promise<Desktop> };

/** `--name value` or `--name=value`. */
export function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === name) return argv[i + 1];
    if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
  }
  return undefined;
}

const parseBool = (text: string | undefined, fallback: boolean): boolean => (text === undefined || text === '' ? fallback : /^(true|yes|--misp-published)$/i.test(text.trim()));

export function startDesktop(electron: ElectronDeps, options: DesktopOptions = {}): StartResult {
  const { app } = electron;
  const env = options.env ?? process.env;
  const argv = options.argv ?? process.argv;
  // Tests give each launch its own profile (and may run several at once); users get the platform's userData.
  if (env.ELECTRON_USER_DATA_PATH) app.setPath('userData', env.ELECTRON_USER_DATA_PATH);
  if (env.DISABLE_SINGLE_INSTANCE !== 'true' && env.DISABLE_SINGLE_INSTANCE !== '1' && !app.requestSingleInstanceLock()) {
    // Another FLARE MISP runs (with this tracker and schedule): it shows its window (second-instance), we leave.
    app.quit();
    return { primary: false };
  }
  let desktop: Desktop | undefined;
  // Registered before ready, so a second launch during start-up is not lost.
  app.on('second-instance', () => desktop?.showWindow());
  app.on('activate', () => desktop?.showWindow());
  return { primary: true, ready: app.whenReady().then(async () => (desktop = await ready(electron, { ...options, env, argv }))) };
}

async function ready(electron: ElectronDeps, options: DesktopOptions & { env: NodeJS.ProcessEnv; argv: string[] }): Promise<Desktop> {
  const { app, env, argv } = { ...electron, ...options };
  const platform = options.platform ?? process.platform;
  const appRoot = app.getAppPath();
  const rendererIndex = path.join(appRoot, 'dist-renderer', 'index.html');
  const rendererUrl = pathToFileURL(rendererIndex).href;
  const asset = (name: string) => path.join(appRoot, 'assets', name);
  if (platform === 'win32') app.setAppUserModelId(APP_ID);

  const hub = new LogHub();
  hub.addSink(consoleSink(options.stdout ?? process.stdout));
  const log = hub.logger('desktop');

  // The config folder: the demo's own with --demo; else --config-dir, FLARE_MISP_HOME, else userData/config, made
  // from the shipped defaults.
  const demo = argv.includes(DEMO_FLAG) ? await openDemoProfile(app.getPath('userData'), (line) => log.warn(line)) : undefined;
  const choice = demo ? { dir: demo.configDir, reason: 'the demo profile (built-in TAXII and MISP simulators)' } : resolveConfigDir(flagValue(argv, '--config-dir'), env, path.join(app.getPath('userData'), 'config'));
  if (demo && (flagValue(argv, '--config-dir') || env.FLARE_MISP_HOME)) log.warn(`The demo profile uses its own configuration (${demo.configDir}); --config-dir and FLARE_MISP_HOME apply to the real one.`);
  if (choice.reason === 'default' && !existsSync(choice.dir)) {
    const shipped = app.isPackaged && options.resourcesPath ? path.join(options.resourcesPath, 'config') : path.join(appRoot, 'config');
    cpSync(shipped, choice.dir, { recursive: true });
  }

  const secrets = safeStorageCodec(electron.safeStorage, platform);
  // The other profile is another launch of the app: nothing of one (schedule, tracker, keys) leaks into the other.
  const switchProfile = async (profile: Profile): Promise<string> => {
    if ((profile === 'demo') === !!demo) return profile === 'demo' ? 'This is the demo profile already.' : 'This is your configuration already.';
    app.relaunch({ args: relaunchArgs(argv, profile === 'demo') });
    void quit();
    return profile === 'demo'
      ? 'FLARE MISP restarts on the demo profile: built-in TAXII and MISP simulators, a configuration of their own.'
      : 'FLARE MISP restarts on your configuration.';
  };
  const serviceOptions: ServiceOptions = {
    configDir: choice.dir,
    configDirReason: choice.reason,
    mode: 'desktop',
    version: app.getVersion(),
    hub,
    env,
    secrets,
    switchProfile,
    ...(demo && { demo: demo.info }),
  };
  const service = options.createService ? options.createService(serviceOptions) : new FlareService(serviceOptions);
  service.start();
  if (secrets.unavailable) log.warn(`Secrets typed into the Config view are written in plain text: ${secrets.unavailable}.`);
  service.startScheduler();

  // The window's rules: session policy, guards on every webContents, IPC from our page only.
  secureSession(electron.session.defaultSession, CSP);
  const isOurPage = (url: string) => url.split(/[?#]/)[0] === rendererUrl;
  app.on('web-contents-created', (_e, contents) =>
    guardContents(contents, {
      isOurPage,
      openExternal: (url) => electron.shell.openExternal(url),
      onBlocked: (what, url) => log.warn(`Blocked ${what}${url ? ` to ${url}` : ''}: the FLARE MISP window shows only its own page.`),
    }),
  );
  const trusted = new Set<number>();
  const unregisterIpc = registerIpc(electron.ipcMain, service, trustedSenders(trusted, isOurPage), log);

  const win = new electron.BrowserWindow(windowOptions({ preload: path.join(appRoot, 'dist-main', 'preload.cjs'), icon: asset('icon.png') }, demo ? { title: 'FLARE MISP — DEMO' } : {}));
  const contentsId = win.webContents.id;
  trusted.add(contentsId);
  win.webContents.once('destroyed', () => trusted.delete(contentsId));
  const offEvents = forwardEvents(service, (channel, payload) => {
    if (!win.isDestroyed()) win.webContents.send(channel, payload);
  });
  const hidden = argv.includes('--hidden') || (platform === 'darwin' && safely(() => app.getLoginItemSettings().wasOpenedAtLogin === true, false));
  win.once('ready-to-show', () => {
    if (!hidden) win.show();
  });
  void win.loadFile(rendererIndex).catch((e: unknown) => log.error(`The window could not load ${rendererIndex}: ${errorMessage(e)} (run \`npm run build\`)`));

  const showWindow = () => {
    if (win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };

  // Settings of the desktop app (config keys flare.desktop.*), read again whenever the configuration may have changed.
  const settings = { notifications: true, startAtLogin: false };
  let loginApplied: boolean | undefined;
  const applyLoginItem = () => {
    if (settings.startAtLogin === loginApplied) return;
    const first = loginApplied === undefined;
    loginApplied = settings.startAtLogin;
    if (platform !== 'win32' && platform !== 'darwin') {
      if (settings.startAtLogin) log.warn('flare.desktop.start-at-login works on Windows and macOS; on Linux add FLARE MISP to your desktop\'s autostart (with --hidden).');
      return;
    }
    if (!app.isPackaged) {
      if (settings.startAtLogin) log.info('flare.desktop.start-at-login applies to the installed app, not to a development launch.');
      return;
    }
    const args = ['--hidden'];
    const now = safely(() => app.getLoginItemSettings({ args }).openAtLogin, !settings.startAtLogin);
    if (first && now === settings.startAtLogin) return;
    app.setLoginItemSettings({ openAtLogin: settings.startAtLogin, args });
    log.info(settings.startAtLogin ? 'FLARE MISP starts at login (in the tray).' : 'FLARE MISP no longer starts at login.');
  };
  const readSettings = async () => {
    let view: ConfigView | undefined;
    try {
      view = await service.getConfig();
    } catch {
      // a configuration that does not load: the defaults
    }
    const text = (key: string) => view?.entries.find((e) => e.key === key)?.value;
    settings.notifications = parseBool(text('flare.desktop.notifications'), true);
    settings.startAtLogin = parseBool(text('flare.desktop.start-at-login'), false);
    applyLoginItem();
  };
  const settingsRead = readSettings();

  const notices = { Notification: electron.Notification, icon: asset('icon.png'), onClick: showWindow };
  const onRunNotice = notifier({ ...notices, enabled: () => settings.notifications, windowVisible: () => !win.isDestroyed() && win.isVisible() });

  // The tray, following the runs and the schedule.
  let quitting = false;
  let closing: Promise<void> | undefined;
  const model = new TrayModel();
  const fail = (what: string) => (e: unknown) => {
    log.error(`${what}: ${errorMessage(e)}`);
    if (!showNotice(notices, { title: `FLARE MISP: ${what.toLowerCase()}`, body: errorMessage(e) })) showWindow();
  };
  const tray = new TrayController({
    createTray: (icon) => new electron.Tray(icon),
    buildMenu: (items) => electron.Menu.buildFromTemplate(items),
    icons: { idle: asset('tray-idle.png'), polling: asset('tray-polling.png'), error: asset('tray-error.png') },
    show: showWindow,
    pollNow: (processType: ProcessType) => void service.poll(processType).catch(fail(`Poll to ${processType === 'stixToMisp' ? 'MISP' : 'XML'} did not start`)),
    pauseSchedule: () => void service.pauseSchedule().catch(fail('The schedule could not be paused')),
    resumeSchedule: () => void service.resumeSchedule().catch(fail('The schedule could not be resumed')),
    quit: () => void quit(),
  });
  const refreshTray = () => tray.update({ progress: undefined, lastRun: undefined, nextRun: undefined, ...model.view() });
  const offRun = service.on('run', (run: RunRecord) => {
    model.onRun(run);
    refreshTray();
    onRunNotice(run);
  });
  const offJobs = service.on('jobs', (jobs: JobInfo[]) => {
    model.onJobs(jobs);
    refreshTray();
  });
  const offStatus = service.on('status', () => void readSettings());
  void Promise.all([service.listJobs().catch(() => [] as JobInfo[]), service.listRuns(1).catch(() => [] as RunRecord[])]).then(([jobs, runs]) => {
    model.onJobs(jobs);
    for (const run of runs) model.onRun(run);
    refreshTray();
  });

  // Closing the window hides it: the schedule goes on in the tray until Quit.
  let toldAboutTray = false;
  win.on('close', (e) => {
    if (quitting) return;
    e.preventDefault();
    win.hide();
    log.info('Window closed; FLARE MISP keeps running in the system tray (Quit from its menu stops it).');
    if (!toldAboutTray && settings.notifications) {
      toldAboutTray = true;
      showNotice(notices, { title: 'FLARE MISP keeps running', body: 'Scheduled polling goes on in the system tray. Use the tray menu to show the window or quit.' });
    }
  });
  app.on('window-all-closed', () => {
    /* stay alive in the tray */
  });

  const quit = (): Promise<void> =>
    (closing ??= (async () => {
      quitting = true;
      tray.update({ quitting: true });
      log.info('Quitting: running runs first reach a safe point (every package in flight recorded).');
      try {
        await service.close(options.graceMs);
      } catch (e) {
        log.error(`Closing the engine failed: ${errorMessage(e)}`);
      }
      await demo?.close().catch((e: unknown) => log.warn(`Stopping the demo's simulators: ${errorMessage(e)}`));
      offRun();
      offJobs();
      offStatus();
      offEvents();
      unregisterIpc();
      tray.destroy();
      await settingsRead.catch(() => undefined);
      await hub.close();
      app.exit(0);
    })());
  // Quit from elsewhere (macOS menu or Dock, Cmd+Q, the OS): the same orderly quit; app.exit() ends it.
  app.on('before-quit', (e) => {
    e.preventDefault();
    void quit();
  });

  return {
    service,
    window: win,
    tray,
    hub,
    configDir: choice.dir,
    ...(demo && { demo }),
    rendererUrl,
    get quitting() {
      return quitting;
    },
    quit,
    showWindow,
  };
}

function safely<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
