import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { test, expect, type Page } from '@playwright/test';

// `flare-misp demo` as a newcomer runs it: its own process (not the suite's web servers), its printed addresses
// opened in Chromium, and everything the demo promises seen in the console — healthy checks, scheduled runs with
// new events, the re-issued package's updated event, the malformed package in the quarantine, the charts, and
// event links that open the MISP simulator's pages. `--every 10` so the feed's first trickle (with the re-issue)
// and the run that takes it come within seconds, not a minute.
const root = path.resolve(import.meta.dirname, '..');
const EVERY_SECONDS = 10;

interface RunRow {
  id: number;
  trigger: string;
  state: string;
  counts: { new: number; updated: number; quarantined: number };
}

let demo: ChildProcess | undefined;
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
let output = '';
let ui = '';
let misp = '';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  demo = spawn(process.execPath, [path.join(root, 'bin', 'flare-misp.mjs'), 'demo', '--port', '0', '--every', String(EVERY_SECONDS)], {
    cwd: root,
    // No FLARE_MISP_HOME from the developer's shell; no "building the CLI" line when the bundle is rebuilt.
    env: { ...process.env, FLARE_MISP_HOME: '', FLARE_MISP_BUILD_QUIET: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  demo.stdout!.on('data', (d) => (output += d));
  demo.stderr!.on('data', (d) => (output += d));
  exited = new Promise((resolve) => demo!.on('exit', (code, signal) => resolve({ code, signal })));
  // A stale bundle is rebuilt first (bin/flare-misp.mjs), which takes longer than the demo's own start.
  await expect
    .poll(
      () => {
        if (demo!.exitCode !== null) throw new Error(`the demo exited with ${demo!.exitCode}:\n${output}`);
        ui = /^ {2}web UI +(http:\/\/127\.0\.0\.1:\d+)\/$/m.exec(output)?.[1] ?? '';
        misp = /^ {2}MISP simulator +(http:\/\/127\.0\.0\.1:\d+)\/events\/index /m.exec(output)?.[1] ?? '';
        return Boolean(ui && misp);
      },
      { message: 'the demo prints its web UI and MISP simulator addresses', timeout: 60_000, intervals: [100] },
    )
    .toBe(true);
  expect(output).toContain(`A run every ${EVERY_SECONDS} seconds; the first one now.`);
});

test.afterAll(async () => {
  if (!demo || demo.exitCode !== null) return;
  demo.kill('SIGINT');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 20_000));
  const exit = await Promise.race([exited, timeout]);
  if (exit === 'timeout') demo.kill('SIGKILL');
  expect(exit, `the demo stops on SIGINT with exit 0:\n${output.slice(-3000)}`).toEqual({ code: 0, signal: null });
  expect(output).toContain('SIGINT received; stopping the demo');
  // Its servers went with it.
  for (const url of [`${ui}/health`, `${misp}/events/index`]) await expect(fetch(url)).rejects.toThrow();
});

async function runs(page: Page): Promise<RunRow[]> {
  const res = await page.request.post(`${ui}/api/listRuns`, { data: [] });
  expect(res.ok()).toBe(true);
  return (await res.json()) as RunRow[];
}

/** The run's detail in the Runs view, opened from the run table as a user would. */
async function openRun(page: Page, id: number) {
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  await page.getByTestId('runs-table').getByRole('button', { name: `Run ${id}`, exact: true }).click();
  const detail = page.getByTestId('run-detail');
  await expect(detail.getByRole('heading', { name: new RegExp(`^Run ${id}:`) })).toBeVisible();
  return detail;
}

/** Clicks an event link of the run detail and checks the MISP simulator's page it opens in a new tab. */
async function followEventLink(page: Page, packages: ReturnType<Page['getByTestId']>, outcome: string, content: RegExp) {
  const row = packages.getByRole('row').filter({ has: page.locator(`.badge.outcome-${outcome}`) }).first();
  const link = row.getByRole('link', { name: /^Event \S+/ });
  await expect(link).toHaveAttribute('href', new RegExp(`^${misp.replace(/[.]/g, '\\.')}/events/view/`));
  const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
  await tab.waitForLoadState('domcontentloaded');
  expect(tab.url().startsWith(`${misp}/events/view/`), tab.url()).toBe(true);
  await expect(tab.locator('h1')).toHaveText(content);
  await tab.close();
}

test('the health cards turn green against the simulators', async ({ page }) => {
  await page.goto(`${ui}/`);
  await expect(page.getByTestId('version')).toContainText('headless');
  await expect(page.getByTestId('first-run')).toHaveCount(0);
  for (const [name, id] of [
    ['Check TAXII', 'health-taxii'],
    ['Check MISP', 'health-misp'],
  ] as const) {
    await page.getByRole('button', { name }).click();
    await expect(page.getByTestId(`${id}-verdict`)).toContainText('Healthy', { timeout: 15_000 });
    await expect(page.getByTestId(id)).toHaveClass(/\bhealthy\b/);
  }
});

test('a scheduled run brought new events, shown with its counts, the chart and event links into the MISP simulator', async ({ page }) => {
  await page.goto(`${ui}/`);
  let first: RunRow | undefined;
  await expect
    .poll(async () => (first = (await runs(page)).find((r) => r.trigger === 'scheduled' && r.state !== 'running' && r.counts.new > 0)) !== undefined, {
      message: 'a finished scheduled run with new events',
      timeout: 30_000,
    })
    .toBe(true);
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  const charts = page.getByTestId('run-charts');
  await expect(charts).toBeVisible();
  await expect(charts.locator('svg.recharts-surface').first()).toBeVisible();
  await expect(charts.locator('.recharts-bar-rectangle').first()).toBeVisible();
  const table = page.getByTestId('runs-table');
  await expect(table.getByRole('row').filter({ hasText: 'scheduled' }).first()).toBeVisible();

  const detail = await openRun(page, first!.id);
  await expect(detail.getByRole('definition').filter({ hasText: /^scheduled$/ })).toBeVisible();
  await expect(detail.getByTestId('run-counts')).toContainText(`${first!.counts.new} new`);
  await expect(detail.getByTestId('run-counts')).toContainText(/ [1-9]\d* uploaded/);
  await followEventLink(page, detail.getByTestId('run-packages'), 'uploaded', /^Demo AIS package \d+ \(/);
});

test('the re-issued package updates its event, and its link shows the revised event', async ({ page }) => {
  await page.goto(`${ui}/`);
  let updated: RunRow | undefined;
  // The feed's first trickle comes EVERY_SECONDS after the start, the run that takes it at most as long after.
  await expect
    .poll(async () => (updated = (await runs(page)).find((r) => r.state !== 'running' && r.counts.updated >= 1)) !== undefined, {
      message: 'a finished run with an updated event',
      timeout: 45_000,
    })
    .toBe(true);
  expect(updated!.trigger).toBe('scheduled');
  const detail = await openRun(page, updated!.id);
  await expect(detail.getByTestId('run-counts')).toContainText(/ [1-9]\d* updated/);
  await followEventLink(page, detail.getByTestId('run-packages'), 'updated', /^Demo AIS package 1 \(.*\) — revised$/);
});

test('the quarantine holds exactly the malformed package', async ({ page }) => {
  await page.goto(`${ui}/`);
  // The tab's name carries its count ("Quarantine 1").
  await page.getByRole('button', { name: /^Quarantine\b/ }).click();
  const table = page.getByTestId('quarantine-table');
  // A header row and one package.
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table).toContainText('stix_malformed');
  await expect(table).toContainText('cannot be read as STIX');
});
