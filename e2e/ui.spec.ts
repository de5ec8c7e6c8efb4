import { test, expect } from '@playwright/test';

// The same UI a desktop user sees, driven in Chromium against the real headless server and engine.
test.describe('FLARE MISP in a browser (headless server)', () => {
  test('first run: not configured, health checks explain what to set', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByTestId('version')).toContainText('headless');
    await expect(page.getByTestId('first-run')).toContainText('No TAXII feed is configured yet.');
    await page.getByRole('button', { name: 'Check TAXII' }).click();
    await expect(page.getByTestId('health-taxii-verdict')).toHaveText('Not configured');
    await expect(page.getByTestId('health-taxii')).toContainText('stixtransclient.poll.baseurl');
    await page.getByRole('button', { name: 'Check MISP' }).click();
    await expect(page.getByTestId('health-misp-verdict')).toHaveText('Not configured');
    await page.screenshot({ path: 'test-results/e2e/dashboard.png', fullPage: true });
  });

  test('reload config shows its result and the live log receives it over SSE', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByTestId('version')).toContainText('headless');
    await page.getByRole('button', { name: 'Config', exact: true }).click();
    await page.getByRole('button', { name: 'Reload config' }).click();
    await expect(page.getByTestId('notice').last()).toContainText('Configuration reloaded');
    await page.getByRole('button', { name: 'Log', exact: true }).click();
    await expect(page.getByTestId('log-lines')).toContainText('Configuration reloaded: nothing changed');
  });

  test('Stop all jobs answers what the scheduler did', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Jobs', exact: true }).click();
    await expect(page.getByTestId('empty-state')).toContainText('No job is scheduled');
    await page.getByRole('button', { name: 'Stop all jobs' }).click();
    await expect(page.getByTestId('notice').last()).toContainText('the scheduler stopped the Jobs for group1');
  });

  test('the Config view saves into the properties files and masks secrets', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Config', exact: true }).click();
    await expect(page.getByTestId('config-table')).toBeVisible();
    await expect(page.getByLabel('misp.authorization.key', { exact: true })).toHaveAttribute('type', 'password');
    await page.getByLabel('stixtransclient.source.collection', { exact: true }).fill('system.Default');
    await page.getByRole('button', { name: /^Save/ }).click();
    await expect(page.getByTestId('notice').last()).toContainText('Changed: stixtransclient.source.collection');
    await page.getByLabel('mtc.quartz.frequency', { exact: true }).fill('often');
    await page.getByRole('button', { name: /^Save/ }).click();
    // The refusal stays beside the field it is about (and above the form), not in a notice that covers the view.
    await expect(page.getByTestId('config-save-error')).toContainText('mtc.quartz.frequency: expected a whole number of minutes, at least 1, found "often"');
    await expect(page.locator('[data-key="mtc.quartz.frequency"] .field-error')).toContainText('found "often"');
    await page.screenshot({ path: 'test-results/e2e/config.png', fullPage: true });
  });
});
