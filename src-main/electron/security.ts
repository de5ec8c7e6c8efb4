/**
 * The desktop window's security, in one place (DESIGN.md §8): contextIsolation + sandbox, no Node in the page,
 * forced after any caller's overrides; the shared strict CSP on every response; permission requests and checks
 * denied; navigation and new windows blocked — http(s) links (MISP events) open in the system browser instead.
 * Only Electron types are imported: the tests pass fakes.
 */
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/** Set last, so nothing spread before them can weaken them. */
export const FORCED_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
} as const satisfies WebPreferences;

/** The main window's options: ours, then the caller's, then the preload and the forced preferences. */
export function windowOptions(base: { preload: string; icon: string }, overrides: BrowserWindowConstructorOptions = {}): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    title: 'FLARE MISP',
    show: false,
    ...overrides,
    icon: base.icon,
    webPreferences: { spellcheck: false, ...overrides.webPreferences, preload: base.preload, ...FORCED_WEB_PREFERENCES },
  };
}

/** Only http(s) URLs leave for the system browser (no file:, javascript:, custom schemes, or credentials in URLs). */
export function isExternalWebUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

export interface PreventableEvent {
  preventDefault(): void;
  url?: string;
}

export interface ContentsLike {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableEvent, url?: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
}

export interface GuardOptions {
  /** Our own page (the built renderer), the one place the window may show. */
  isOurPage(url: string): boolean;
  openExternal(url: string): unknown;
  onBlocked?(what: string, url: string): void;
}

/** Applied to every webContents the app creates (app `web-contents-created`). */
export function guardContents(contents: ContentsLike, options: GuardOptions): void {
  const leave = (url: string) => {
    if (isExternalWebUrl(url)) void Promise.resolve(options.openExternal(url)).catch(() => undefined);
    else options.onBlocked?.('a link', url);
  };
  contents.setWindowOpenHandler(({ url }) => {
    leave(url);
    return { action: 'deny' };
  });
  const navigation = (kind: string) => (event: PreventableEvent, legacyUrl?: string) => {
    const url = event.url ?? legacyUrl ?? '';
    if (options.isOurPage(url)) return;
    event.preventDefault();
    if (kind === 'will-navigate') leave(url);
    else options.onBlocked?.(kind, url);
  };
  contents.on('will-navigate', navigation('will-navigate'));
  contents.on('will-redirect', navigation('will-redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    options.onBlocked?.('a webview', '');
  });
}

export interface SessionLike {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  webRequest: {
    onHeadersReceived(listener: (details: { responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void): void;
  };
}

/**
 * The session's rules: no permission (camera, notifications for pages, clipboard-read…) is ever granted to the
 * page, and every response carries the CSP (replacing any the response had). The page's own <meta> CSP covers
 * file:// loads, which have no response headers.
 */
export function secureSession(session: SessionLike, csp: string): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = Object.fromEntries(Object.entries(details.responseHeaders ?? {}).filter(([k]) => k.toLowerCase() !== 'content-security-policy'));
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [csp] } });
  });
}
