/**
 * The Electron entry, kept thin: it hands the real Electron objects to startDesktop (desktop.ts), where all the
 * wiring lives and is tested with fakes under plain Node. This is the only file of the desktop app that imports
 * electron's values (the bundle dist-main/main.cjs; electron-builder.yml packages it).
 */
import { app, BrowserWindow, ipcMain, Menu, Notification, safeStorage, session, shell, Tray } from 'electron';
import { startDesktop } from './desktop';

const started = startDesktop(
  { app, BrowserWindow, ipcMain, Tray, Menu, Notification, safeStorage, shell, session },
  { argv: process.argv, env: process.env, platform: process.platform, resourcesPath: process.resourcesPath },
);
if (started.primary) {
  started.ready.catch((e: unknown) => {
    process.stderr.write(`FLARE MISP could not start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    app.exit(1);
  });
}
