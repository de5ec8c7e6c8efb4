import { defineConfig } from '@playwright/test';

// e2e in two projects: "chromium" drives the UI in Debian's Chromium (/usr/bin/chromium; never a downloaded
// browser) against the real headless server; "electron" drives the desktop app itself over IPC (e2e/electron.spec.ts:
// its window, Check TAXII against the test server, closing to the tray while the schedule runs), where an Electron
// binary exists, and says why it skipped where it does not. `npx playwright test --project electron` runs it alone.
const PORT = Number(process.env.FLARE_E2E_PORT ?? 18765);
/** The headless service wired to the TAXII and MISP test servers (e2e/support/start-stack.ts). */
export const WIRED_PORT = PORT + 1;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  timeout: 60_000,
  retries: 0,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: '.tmp/playwright.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    headless: true,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: CHROMIUM,
      // Without the background-networking switches Chromium keeps dialling out on this closed network.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [
    { name: 'chromium', testIgnore: /electron\.spec\.ts$/ },
    // Launches Electron itself (_electron.launch): the browser options above are not used.
    { name: 'electron', testMatch: /electron\.spec\.ts$/, timeout: 90_000 },
  ],
  webServer: [
    {
      // The shipped, unconfigured setup: what a new user sees first.
      command: `node e2e/support/start-server.mjs ${PORT}`,
      url: `http://127.0.0.1:${PORT}/`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: `node node_modules/tsx/dist/cli.mjs e2e/support/start-stack.ts ${WIRED_PORT}`,
      url: `http://127.0.0.1:${WIRED_PORT}/`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
    },
  ],
});
