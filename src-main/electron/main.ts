/**
 * The Electron shell, kept thin: one window showing the renderer, the engine (FlareService) in this process,
 * IPC wired generically (ipc.ts), and a tray so scheduled polling goes on while the window is closed.
 * Security: contextIsolation + sandbox, no nodeIntegration, a strict CSP, navigation / new windows /
 * permission requests denied, and every IPC call checked against the trusted window.
 */
import { app, BrowserWindow, ipcMain, Menu, session, shell, Tray } from 'electron';
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FlareService } from '../core/service';
import { LogHub, consoleSink } from '../core/log/index';
import { resolveConfigDir } from '../core/config/index';
import { CSP } from '../headless/server';
import { forwardEvents, registerIpc, trustedSenders } from './ipc';
import { TrayController } from './tray';

const appRoot = app.getAppPath();
const rendererIndex = path.join(appRoot, 'dist-renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;
const asset = (name: string) => path.join(appRoot, 'assets', name);

// Tests give each launch its own profile; users get the platform's userData folder.
if (process.env.ELECTRON_USER_DATA_PATH) app.setPath('userData', process.env.ELECTRON_USER_DATA_PATH);

if (!process.env.DISABLE_SINGLE_INSTANCE && !app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(start);
}

let quitting = false;

function configDir(): string {
  const flag = process.argv.find((a) => a.startsWith('--config-dir='))?.slice('--config-dir='.length);
  const choice = resolveConfigDir(flag, process.env, path.join(app.getPath('userData'), 'config'));
  // First run: start from the shipped, unconfigured defaults.
  if (choice.reason === 'default' && !existsSync(choice.dir)) cpSync(path.join(appRoot, 'config'), choice.dir, { recursive: true });
  return choice.dir;
}

function start(): void {
  const hub = new LogHub();
  hub.addSink(consoleSink(process.stdout));
  const log = hub.logger('desktop');
  const service = new FlareService({ configDir: configDir(), mode: 'desktop', version: app.getVersion(), hub });
  service.start();

  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } }),
  );
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      if (/^https?:\/\//.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (e, url) => {
      if (url !== rendererUrl) e.preventDefault();
    });
  });

  const trusted = new Set<number>();
  const isOurPage = (url: string) => url.split(/[?#]/)[0] === rendererUrl;
  registerIpc(ipcMain, service, trustedSenders(trusted, isOurPage), log);

  const win = new BrowserWindow({
    width: 1200,
    height: 820,
    title: 'FLARE MISP',
    icon: asset('icon.png'),
    show: false,
    webPreferences: {
      preload: path.join(appRoot, 'dist-main', 'preload.cjs'),
      // Forced last so nothing above can weaken them.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  trusted.add(win.webContents.id);
  win.webContents.once('destroyed', () => trusted.delete(win.webContents.id));
  forwardEvents(service, (channel, payload) => {
    if (!win.isDestroyed()) win.webContents.send(channel, payload);
  });
  win.once('ready-to-show', () => win.show());
  void win.loadFile(rendererIndex);

  const showWindow = () => {
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };
  app.on('second-instance', showWindow);

  const tray = new TrayController({
    createTray: (icon) => new Tray(icon),
    buildMenu: (items) => Menu.buildFromTemplate(items),
    icons: { idle: asset('tray-idle.png'), polling: asset('tray-polling.png'), error: asset('tray-error.png') },
    show: showWindow,
    pollNow: () => void service.poll('stixToMisp').catch((e: Error) => log.error(`Poll from the tray failed: ${e.message}`)),
    quit: () => app.quit(),
  });
  service.on('run', (run) => {
    if (run.state === 'running') tray.setState('polling', run.progress ? `run ${run.id}: part ${run.progress.part}, ${run.progress.blocks} blocks` : `run ${run.id}`);
    else tray.setState(run.state === 'failed' ? 'error' : 'idle', `last run ${run.id}: ${run.detailedStatus}`);
  });

  // Closing the window hides it: scheduled polling goes on in the tray until Quit.
  win.on('close', (e) => {
    if (!quitting) {
      e.preventDefault();
      win.hide();
      log.info('Window closed; FLARE MISP keeps running in the system tray.');
    }
  });
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('window-all-closed', () => {
    /* stay alive in the tray */
  });
  app.on('will-quit', () => {
    tray.destroy();
    void service.close().then(() => hub.close());
  });
}
