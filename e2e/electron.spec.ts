import { test, expect, _electron as electron } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Launches the real desktop app where an Electron binary was installed (a networked `npm ci`). Here, where
// the binary cannot be downloaded, it is skipped with the reason printed.
const root = path.resolve(import.meta.dirname, '..');
const electronDir = path.join(root, 'node_modules', 'electron');
const pathFile = path.join(electronDir, 'path.txt');
const binary = existsSync(pathFile) ? path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()) : undefined;
const reason = binary && existsSync(binary) ? undefined : `Electron binary not installed (${pathFile} ${existsSync(pathFile) ? 'names a missing file' : 'is absent'}; npm ci ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or offline)`;

test('the desktop app opens its window with the dashboard', async () => {
  if (reason) console.log(`SKIPPED electron launch: ${reason}`);
  test.skip(reason !== undefined, reason);
  const app = await electron.launch({
    executablePath: binary!,
    args: [root, '--disable-gpu'],
    env: { ...process.env, ELECTRON_USER_DATA_PATH: mkdtempSync(path.join(tmpdir(), 'flare-electron-')), DISABLE_SINGLE_INSTANCE: 'true' },
  });
  const page = await app.firstWindow();
  await expect(page.getByTestId('version')).toContainText('desktop');
  const isolated = await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require === 'undefined');
  expect(isolated).toBe(true);
  await app.close();
});
