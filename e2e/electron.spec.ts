import { test, expect, _electron as electron, type ElectronApplication, type Page } from '@playwright/test';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stackInfo } from './support/ports';

// The desktop app itself (the Electron project of playwright.config.ts), where an Electron binary was installed
// (a networked `npm ci` on Node 22.12+, or `npm start` once). Here, where the binary cannot be downloaded, every
// test is skipped with the reason printed. The same UI runs in Chromium against the headless server (the other
// specs); these add what only the desktop has: IPC instead of HTTP, the tray, closing to the tray.
const root = path.resolve(import.meta.dirname, '..');
const electronDir = path.join(root, 'node_modules', 'electron');
const pathFile = path.join(electronDir, 'path.txt');
const binary = existsSync(pathFile) ? path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()) : undefined;
const reason = binary && existsSync(binary) ? undefined : `Electron binary not installed (${pathFile} ${existsSync(pathFile) ? 'names a missing file' : 'is absent'}; npm ci ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or offline)`;

test.beforeEach(() => {
  if (reason) console.log(`SKIPPED electron: ${reason}`);
  test.skip(reason !== undefined, reason);
});

/** A config folder of its own, with these keys set in place of the shipped lines. */
function configDir(values: Record<string, string> = {}): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'flare-electron-config-')), 'config');
  cpSync(path.join(root, 'config'), dir, { recursive: true });
  const file = path.join(dir, 'config.properties');
  let text = readFileSync(file, 'utf8');
  for (const [k, v] of Object.entries(values)) text = text.replace(new RegExp(`^${k.replace(/\./g, '\\.')}=.*$`, 'm'), `${k}=${v}`);
  writeFileSync(file, text);
  return dir;
}

async function launch(args: string[] = []): Promise<{ app: ElectronApplication; page: Page }> {
  const app = await electron.launch({
    executablePath: binary!,
    args: [root, '--disable-gpu', ...args],
    env: { ...process.env, ELECTRON_USER_DATA_PATH: mkdtempSync(path.join(tmpdir(), 'flare-electron-')), DISABLE_SINGLE_INSTANCE: 'true' },
  });
  return { app, page: await app.firstWindow() };
}

test('the desktop app opens its window with the dashboard, isolated from Node', async () => {
  const { app, page } = await launch();
  await expect(page.getByTestId('version')).toContainText('desktop');
  expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
  expect(await page.evaluate(() => typeof (window as unknown as { process?: unknown }).process)).toBe('undefined');
  const prefs = await app.evaluate(({ BrowserWindow }) => {
    const w = BrowserWindow.getAllWindows()[0]!;
    return { count: BrowserWindow.getAllWindows().length, url: w.webContents.getURL() };
  });
  expect(prefs.count).toBe(1);
  expect(prefs.url).toMatch(/^file:\/\/.*\/dist-renderer\/index\.html/);
  // New windows are refused.
  expect(await page.evaluate(() => window.open('https://example.org/') === null)).toBe(true);
  await app.close();
});

test('Check TAXII works over IPC against the test server', async () => {
  const info = await stackInfo();
  const { app, page } = await launch(['--config-dir', configDir({ 'stixtransclient.poll.baseurl': info.taxii.poll, 'stixtransclient.source.collection': 'ais', 'flare.misp.url': info.misp.url, 'misp.authorization.key': info.misp.key, 'flare.schedule.cron': '0 3 * * *' })]);
  await expect(page.getByTestId('version')).toContainText('desktop');
  await page.getByRole('button', { name: 'Check TAXII' }).click();
  await expect(page.getByTestId('health-taxii-verdict')).toContainText('Healthy');
  await expect(page.getByTestId('health-taxii-verdict')).toContainText('HTTP 200');
  await app.close();
});

test('closing the window hides it to the tray, and a scheduled run still happens', async () => {
  const info = await stackInfo();
  // xmlOutput every 2 seconds: files in this launch's own folder, nothing sent to the shared MISP test server.
  const { app, page } = await launch(['--config-dir', configDir({ 'stixtransclient.poll.baseurl': info.taxii.poll, 'stixtransclient.source.collection': 'ais', 'mtc.processtype': 'xmlOutput', 'flare.schedule.cron': '*/2 * * * * *' })]);
  await expect(page.getByTestId('version')).toContainText('desktop');
  await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
  await expect.poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.isVisible()))).toEqual([false]);
  type Bridge = { flareIpc: { invoke(m: string, ...a: unknown[]): Promise<{ ok: boolean; value: { trigger: string; state: string }[] }> } };
  await expect
    .poll(async () => {
      const r = await page.evaluate(() => (window as unknown as Bridge).flareIpc.invoke('listRuns', 10));
      return r.ok && r.value.some((run) => run.trigger === 'scheduled' && run.state === 'success');
    }, { timeout: 30_000 })
    .toBe(true);
  await app.close();
});

test('--demo: the demo profile on the simulators inside the app, labelled in the title and on the page', async () => {
  const { app, page } = await launch(['--demo']);
  await expect(page.getByTestId('demo-banner')).toBeVisible();
  await expect.poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.getTitle())).toBe('FLARE MISP — DEMO');
  await page.getByRole('button', { name: 'Check TAXII' }).click();
  await expect(page.getByTestId('health-taxii-verdict')).toContainText('Healthy');
  await page.getByRole('button', { name: 'Check MISP' }).click();
  await expect(page.getByTestId('health-misp-verdict')).toContainText('Healthy');
  await app.close();
});
