import { test, expect, type Page } from '@playwright/test';
import { setMisp, WIRED } from './support/ports';
import { readmeShot } from './support/readme-shot';

// The admin console against the service wired to the TAXII and MISP test servers: polls with live progress, the
// run history and its charts, the jobs, the configuration and the quarantine. Each spec uses its own collection
// (start-stack.ts), so none depends on what another sent.

async function open(page: Page, view?: string) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(WIRED);
  await expect(page.getByTestId('version')).toContainText('headless');
  if (view) await page.getByRole('button', { name: view, exact: true }).click();
}

async function api<T>(page: Page, method: string, ...args: unknown[]): Promise<T> {
  const res = await page.request.post(`${WIRED}api/${method}`, { data: args });
  expect(res.ok(), `${method}: ${await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

/** Success notices fade on their own; a screenshot for the README should not wait for that. */
async function dismissToasts(page: Page) {
  const buttons = page.locator('.toasts button');
  while ((await buttons.count()) > 0) await buttons.first().click({ timeout: 2000 }).catch(() => {});
}

test.describe.configure({ mode: 'serial' });

test('Poll to XML and Poll to MISP each make a run with its counts while progress and log lines stream', async ({ page }) => {
  await open(page);
  // 60 packages nobody has polled, MISP slowed down so the run lasts long enough to watch.
  await api(page, 'saveConfig', { 'stixtransclient.source.collection': 'big' });
  await setMisp({ latencyMs: 60 });
  try {
    await page.getByRole('button', { name: 'Check TAXII' }).click();
    await expect(page.getByTestId('health-taxii-verdict')).toContainText('Healthy');
    await page.getByRole('button', { name: 'Check MISP' }).click();
    await expect(page.getByTestId('health-misp-verdict')).toContainText('Healthy');
    const xml = page.getByTestId('poll-xmlOutput');
    await xml.getByRole('button', { name: 'Poll to XML' }).click();
    await expect(xml.getByTestId('last-run')).toContainText('60 received', { timeout: 30_000 });
    await expect(xml.getByTestId('last-run')).toContainText('60 saved');
    await expect(xml.getByRole('button', { name: 'Poll to XML' })).toBeEnabled();

    const misp = page.getByTestId('poll-stixToMisp');
    const button = misp.getByRole('button', { name: 'Poll to MISP' });
    await button.click();
    await expect(button).toBeDisabled();
    const progress = page.getByTestId('progress-stixToMisp');
    await expect(progress).toContainText(/part \d+, \d+ packages so far, \d+ uploads done/);
    await expect(progress).toContainText(/[1-9]\d* uploads done/, { timeout: 20_000 });
    await dismissToasts(page);
    await readmeShot(page, 'dashboard-run');
    await expect(misp.getByTestId('last-run')).toContainText('60 uploaded', { timeout: 60_000 });
    await expect(misp.getByTestId('last-run')).toContainText('60 new');
    await expect(button).toBeEnabled();
    await page.screenshot({ path: 'test-results/e2e/dashboard-after-runs.png', fullPage: true });

    // The log streamed the run's lines; a line of the run links to it.
    await page.getByRole('button', { name: 'Log', exact: true }).click();
    await expect(page.getByTestId('log-lines')).toContainText('Processing events: Success');
    await page.screenshot({ path: 'test-results/e2e/log.png' });
    await page.getByRole('searchbox', { name: 'Search the log' }).fill('Processing events');
    const runRef = page.getByTestId('log-lines').getByRole('button', { name: /^Open run \d+$/ }).last();
    if (await runRef.count()) {
      await runRef.click();
      await expect(page.getByTestId('run-detail')).toBeVisible();
    }
  } finally {
    await setMisp({ latencyMs: 0 });
    await api(page, 'saveConfig', { 'stixtransclient.source.collection': 'ais' });
  }
});

test('the run history: a table that filters, charts of packages and duration, a run with its packages linked to MISP', async ({ page }) => {
  await open(page, 'Runs');
  const table = page.getByTestId('runs-table');
  await expect(table).toBeVisible();
  await expect(page.getByTestId('run-charts')).toBeVisible();
  await expect(page.getByTestId('run-charts').locator('.recharts-bar-rectangle').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/e2e/runs.png', fullPage: true });
  await page.getByRole('combobox', { name: 'Process type' }).selectOption('xmlOutput');
  await expect(table.getByRole('row').filter({ hasText: 'MISP' })).toHaveCount(0);
  await page.getByRole('combobox', { name: 'Process type' }).selectOption('stixToMisp');
  const row = table.getByRole('row').filter({ hasText: 'manual' }).first();
  await row.getByRole('button', { name: /^Run \d+$/ }).click();
  const detail = page.getByTestId('run-detail');
  await expect(detail.getByTestId('run-counts')).toContainText('60 received');
  const packages = detail.getByTestId('run-packages');
  await expect(packages.getByRole('row')).toHaveCount(61);
  const link = packages.getByRole('link').first();
  await expect(link).toHaveAttribute('href', /\/events\/view\/\d+$/);
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', /noopener/);
  await page.screenshot({ path: 'test-results/e2e/run-detail.png' });
  // The system's dark theme is followed.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('button', { name: 'Dashboard', exact: true }).click();
  await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(15, 20, 28)');
  await page.screenshot({ path: 'test-results/e2e/dashboard-dark.png', fullPage: true });
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  await page.screenshot({ path: 'test-results/e2e/runs-dark.png', fullPage: true });
});

test('Jobs: pause and resume the schedule, stop all jobs, restart the scheduler', async ({ page }) => {
  await open(page, 'Jobs');
  const jobs = page.getByTestId('jobs-table');
  await expect(jobs).toContainText('poll-ais-stixToMisp');
  await expect(jobs).toContainText('cron "0 3 * * *"');
  await page.getByRole('button', { name: 'Pause schedule' }).click();
  await expect(page.getByTestId('scheduler-state')).toHaveText('paused');
  await expect(jobs).toContainText('paused');
  await page.getByRole('button', { name: 'Resume schedule' }).click();
  await expect(page.getByTestId('scheduler-state')).toHaveText('running');
  await page.screenshot({ path: 'test-results/e2e/jobs.png', fullPage: true });
  await page.getByRole('button', { name: 'Stop all jobs' }).click();
  await expect(page.getByTestId('notice').last()).toContainText('the scheduler stopped the Jobs for group1');
  await expect(page.getByTestId('scheduler-state')).toHaveText('stopped');
  await page.getByRole('button', { name: 'Restart scheduler' }).click();
  await expect(page.getByTestId('scheduler-state')).toHaveText(/^running/);
  await expect(page.getByTestId('jobs-table')).toContainText('poll-ais-stixToMisp');
  // At 800 px the notices never cover the buttons.
  await page.setViewportSize({ width: 800, height: 700 });
  await page.getByRole('button', { name: 'Restart scheduler' }).click();
  await page.getByRole('button', { name: 'Restart scheduler' }).click({ trial: true });
  await page.screenshot({ path: 'test-results/e2e/jobs-800.png' });
});

test('Config: edit, save and reload a value; a refused value is shown beside its field', async ({ page }) => {
  await open(page, 'Config');
  await expect(page.getByRole('heading', { name: 'TAXII feed' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Headless API' })).toBeVisible();
  const tags = page.getByLabel('flare.misp.tags', { exact: true });
  await tags.fill('e2e:edited');
  await page.getByRole('button', { name: /^Save/ }).click();
  await expect(page.getByTestId('notice').last()).toContainText('Changed: flare.misp.tags');
  await page.getByRole('button', { name: 'Reload config' }).click();
  await expect(page.getByTestId('notice').last()).toContainText('Configuration reloaded');
  await page.reload();
  await page.getByRole('button', { name: 'Config', exact: true }).click();
  await expect(page.getByLabel('flare.misp.tags', { exact: true })).toHaveValue('e2e:edited');
  // Secrets are masked, with a reveal toggle for what is typed.
  const key = page.getByLabel('misp.authorization.key', { exact: true });
  await expect(key).toHaveAttribute('type', 'password');
  await expect(key).toHaveValue('');
  await page.getByRole('button', { name: /^Show MISP automation/ }).click();
  await expect(key).toHaveAttribute('type', 'text');
  await page.getByLabel('flare.misp.threat-level', { exact: true }).fill('9');
  await page.getByRole('button', { name: /^Save/ }).click();
  await expect(page.getByTestId('config-save-error')).toContainText('flare.misp.threat-level');
  await expect(page.locator('[data-key="flare.misp.threat-level"] .field-error')).toBeVisible();
  // The test button of a section checks what is saved.
  await page.getByRole('button', { name: 'Test the MISP settings' }).click();
  await expect(page.getByTestId('test-misp')).toContainText('Healthy');
  await page.screenshot({ path: 'test-results/e2e/config-wired.png', fullPage: true });
  await page.getByRole('button', { name: 'Discard changes' }).click();
  await api(page, 'saveConfig', { 'flare.misp.tags': null });
});

test('Quarantine: a package MISP refused is listed with its reason, previewed and retried', async ({ page }) => {
  await open(page);
  await setMisp({ faults: [{ method: 'POST', path: '/events/add', fault: { kind: 'status', status: 500 } }] });
  let run: { counts: { quarantined: number } };
  try {
    run = await api(page, 'poll', 'stixToMisp', 'quarantine');
  } finally {
    await setMisp({ faults: [] });
  }
  expect(run.counts.quarantined).toBe(2);
  await expect(page.getByTestId('attention')).toContainText('2 packages are quarantined');
  await page.getByTestId('attention').getByRole('button', { name: 'Open Quarantine' }).click();
  const table = page.getByTestId('quarantine-table');
  await expect(table.getByRole('row')).toHaveCount(3);
  await expect(table).toContainText('500');
  await table.getByRole('button', { name: /^Preview / }).first().click();
  const preview = page.getByTestId('quarantine-preview');
  await expect(preview.getByTestId('preview-info')).toContainText('Synthetic AIS test package');
  await expect(preview.getByTestId('preview-counts')).toContainText('attributes');
  await page.screenshot({ path: 'test-results/e2e/quarantine.png', fullPage: true });
  await table.getByRole('button', { name: /^Retry NCCIC/ }).first().click();
  await expect(page.getByTestId('notice').last()).toContainText(/Retry: run \d+ done/);
  await expect(table.getByRole('row')).toHaveCount(2);
  await page.getByRole('button', { name: /^Retry all/ }).click();
  await expect(page.getByTestId('empty-state')).toContainText('Nothing is quarantined');
  await page.screenshot({ path: 'test-results/e2e/quarantine-empty.png' });
  // By now the history holds polls, a run that quarantined, and retries: the README's picture of the charts.
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  await expect(page.getByTestId('run-charts').locator('.recharts-bar-rectangle').first()).toBeVisible();
  await dismissToasts(page);
  await expect(page.locator('.toasts .notice')).toHaveCount(0);
  await readmeShot(page, 'runs');
});
