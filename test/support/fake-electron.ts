/**
 * Fakes of the Electron objects the desktop app is given (src-main/electron/desktop.ts ElectronDeps), recording
 * what the app does with them, so the shell's wiring runs under plain Node: app (single-instance lock, paths,
 * quit/exit, login items), BrowserWindow, ipcMain, Tray, Menu, Notification, safeStorage, shell and session.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserWindowConstructorOptions, IpcMainInvokeEvent } from 'electron';
import type { ElectronDeps } from '../../src-main/electron/desktop';
import type { IpcResult } from '../../src-main/electron/ipc';
import type { MenuItem } from '../../src-main/electron/tray';
import { REPO_ROOT } from '../paths';

type Listener = (...args: never[]) => unknown;

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    const wrapped = ((...args: never[]) => {
      this.listeners.set(event, (this.listeners.get(event) ?? []).filter((l) => l !== wrapped));
      return listener(...args);
    }) as Listener;
    return this.on(event, wrapped);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const l of [...(this.listeners.get(event) ?? [])]) (l as (...a: unknown[]) => unknown)(...args);
  }
}

export interface Prevented {
  preventDefault(): void;
  readonly prevented: boolean;
  url?: string;
}
export function preventable(url?: string): Prevented {
  let prevented = false;
  return {
    preventDefault: () => void (prevented = true),
    get prevented() {
      return prevented;
    },
    ...(url !== undefined && { url }),
  };
}

export interface FakeOptions {
  lock?: boolean;
  encryption?: boolean;
  backend?: string;
  packaged?: boolean;
  notificationsSupported?: boolean;
  userData?: string;
}

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<IpcResult>;

export function fakeElectron(options: FakeOptions = {}) {
  const userData = options.userData ?? mkdtempSync(path.join(tmpdir(), 'flare-desktop-'));
  const record = {
    quit: 0,
    exit: [] as number[],
    relaunch: [] as { args?: string[] }[],
    loginItems: [] as { openAtLogin: boolean; args?: string[] }[],
    opened: [] as string[],
    notifications: [] as { title: string; body: string }[],
    appUserModelId: undefined as string | undefined,
  };
  let nextId = 1;

  class FakeApp extends Emitter {
    isPackaged = options.packaged ?? false;
    private readonly paths: Record<string, string> = { userData };
    openAtLogin = false;
    getAppPath = () => REPO_ROOT;
    getVersion = () => '9.9.9';
    getPath = (name: string) => this.paths[name]!;
    setPath = (name: string, value: string) => void (this.paths[name] = value);
    requestSingleInstanceLock = () => options.lock ?? true;
    whenReady = () => Promise.resolve();
    quit = () => void record.quit++;
    exit = (code = 0) => void record.exit.push(code);
    relaunch = (o: { args?: string[] } = {}) => void record.relaunch.push(o);
    setAppUserModelId = (id: string) => void (record.appUserModelId = id);
    getLoginItemSettings = () => ({ openAtLogin: this.openAtLogin, wasOpenedAtLogin: false });
    setLoginItemSettings = (s: { openAtLogin: boolean; args?: string[] }) => {
      this.openAtLogin = s.openAtLogin;
      record.loginItems.push(s);
    };
  }
  const app = new FakeApp();

  const windows: FakeWindow[] = [];
  class FakeWindow extends Emitter {
    readonly options: BrowserWindowConstructorOptions;
    visible = false;
    focused = false;
    destroyed = false;
    loaded: string | undefined;
    readonly webContents = Object.assign(new Emitter(), { id: nextId++, sent: [] as [string, unknown][], send: (c: string, p: unknown) => void this.webContents.sent.push([c, p]) });
    constructor(o: BrowserWindowConstructorOptions) {
      super();
      this.options = o;
      windows.push(this);
    }
    loadFile = async (file: string) => {
      this.loaded = file;
      this.emit('ready-to-show');
    };
    show = () => void (this.visible = true);
    hide = () => void ((this.visible = false), (this.focused = false));
    focus = () => void (this.focused = true);
    restore = () => undefined;
    isMinimized = () => false;
    isVisible = () => this.visible;
    isDestroyed = () => this.destroyed;
    /** What a click on the window's close button does: 'close' (preventable), else the window goes. */
    close(): boolean {
      const e = preventable();
      this.emit('close', e);
      if (!e.prevented) {
        this.destroyed = true;
        this.visible = false;
        this.webContents.emit('destroyed');
      }
      return !e.prevented;
    }
  }

  const handlers = new Map<string, Handler>();
  const ipcMain = {
    handlers,
    handle(channel: string, fn: Handler) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, fn);
    },
    removeHandler(channel: string) {
      handlers.delete(channel);
    },
  };

  const trays: FakeTray[] = [];
  class FakeTray {
    image: string;
    tooltip = '';
    menu: MenuItem[] = [];
    click: (() => void) | undefined;
    destroyed = 0;
    constructor(icon: string) {
      this.image = icon;
      trays.push(this);
    }
    setImage = (i: string) => void (this.image = i);
    setToolTip = (t: string) => void (this.tooltip = t);
    setContextMenu = (m: unknown) => void (this.menu = m as MenuItem[]);
    on = (_e: 'click', l: () => void) => void (this.click = l);
    destroy = () => void this.destroyed++;
    /** The item with this label, searched in submenus too. */
    item(label: string): MenuItem {
      const find = (items: MenuItem[]): MenuItem | undefined => {
        for (const i of items) {
          if (i.label === label) return i;
          const inner = i.submenu && find(i.submenu);
          if (inner) return inner;
        }
        return undefined;
      };
      const found = find(this.menu);
      if (!found) throw new Error(`no tray menu item "${label}" in ${JSON.stringify(this.menu.map((i) => i.label))}`);
      return found;
    }
  }

  class FakeNotification {
    static isSupported = () => options.notificationsSupported ?? true;
    private clickListener: (() => void) | undefined;
    constructor(readonly o: { title: string; body: string }) {}
    on(_e: 'click', l: () => void) {
      this.clickListener = l;
      return this;
    }
    show() {
      record.notifications.push({ title: this.o.title, body: this.o.body });
      lastNotification = this;
    }
    click() {
      this.clickListener?.();
    }
  }
  let lastNotification: FakeNotification | undefined;

  const encryption = options.encryption ?? true;
  const safeStorage = {
    isEncryptionAvailable: () => encryption,
    // A reversible stand-in for the OS keychain: the plain text never appears in what it returns.
    encryptString: (s: string) => Buffer.from(`enc:${[...s].reverse().join('')}`, 'utf8').map((b) => b ^ 0x5a) as Buffer,
    decryptString: (b: Buffer) => {
      const t = Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8');
      if (!t.startsWith('enc:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return [...t.slice(4)].reverse().join('');
    },
    getSelectedStorageBackend: () => (options.backend ?? 'gnome_libsecret') as 'gnome_libsecret',
  };

  const sessionRecord = {
    permissionRequest: undefined as undefined | ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void),
    permissionCheck: undefined as undefined | ((wc: unknown, permission: string) => boolean),
    headers: undefined as undefined | ((details: { responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders?: Record<string, string[]> }) => void) => void),
  };
  const session = {
    defaultSession: {
      setPermissionRequestHandler: (h: typeof sessionRecord.permissionRequest) => void (sessionRecord.permissionRequest = h),
      setPermissionCheckHandler: (h: typeof sessionRecord.permissionCheck) => void (sessionRecord.permissionCheck = h),
      webRequest: { onHeadersReceived: (l: typeof sessionRecord.headers) => void (sessionRecord.headers = l) },
    },
  };

  const deps = {
    app,
    BrowserWindow: FakeWindow,
    ipcMain,
    Tray: FakeTray,
    Menu: { buildFromTemplate: (items: MenuItem[]) => items },
    Notification: FakeNotification,
    safeStorage,
    shell: { openExternal: async (url: string) => void record.opened.push(url) },
    session,
  } satisfies ElectronDeps;

  return {
    deps,
    app,
    windows,
    trays,
    ipcMain,
    record,
    session: sessionRecord,
    userData,
    get lastNotification() {
      return lastNotification;
    },
    /** A renderer (or another page) asking over IPC. */
    invokeEvent(id: number, url: string, parent: unknown = null): IpcMainInvokeEvent {
      return { sender: { id }, senderFrame: { url, parent } } as unknown as IpcMainInvokeEvent;
    },
    /** A webContents as app `web-contents-created` gives it, recording the guards put on it. */
    contents() {
      const c = Object.assign(new Emitter(), {
        openHandler: undefined as undefined | ((d: { url: string }) => { action: string }),
        setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
          c.openHandler = h;
        },
      });
      app.emit('web-contents-created', {}, c);
      return c;
    },
  };
}

export type FakeElectron = ReturnType<typeof fakeElectron>;
