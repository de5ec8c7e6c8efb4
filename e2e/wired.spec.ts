import { test, expect } from '@playwright/test';
import { WIRED_PORT } from '../playwright.config';

// The same UI against a service configured for the strict TAXII and MISP test servers: real health checks.
const WIRED = `http://127.0.0.1:${WIRED_PORT}/`;

test('health checks against real TAXII and MISP test servers', async ({ page }) => {
  await page.goto(WIRED);
  await expect(page.getByTestId('version')).toContainText('headless');
  await expect(page.getByTestId('first-run')).toHaveCount(0);
  await page.getByRole('button', { name: 'Check TAXII' }).click();
  await expect(page.getByTestId('health-taxii-verdict')).toContainText('Healthy');
  await expect(page.getByTestId('health-taxii-verdict')).toContainText('HTTP 200');
  // What the check found, under the verdict.
  await expect(page.getByTestId('health-taxii-facts')).toContainText('Collection');
  await expect(page.getByTestId('health-taxii-facts')).toContainText('Records in the check window');
  await page.getByRole('button', { name: 'Check MISP' }).click();
  await expect(page.getByTestId('health-misp-verdict')).toContainText('Healthy');
  await expect(page.getByTestId('health-misp-facts')).toContainText('MISP version');
  await expect(page.getByTestId('health-misp-facts')).toContainText('2.5.1');
  await expect(page.getByTestId('health-misp-facts')).toContainText('Organisation');
  await page.getByRole('button', { name: 'Log', exact: true }).click();
  await expect(page.getByTestId('log-lines')).toContainText('MISP health check: healthy');
  await expect(page.getByTestId('log-lines')).toContainText('TAXII health check: healthy');
  await page.getByRole('button', { name: 'Dashboard', exact: true }).click();
  await page.screenshot({ path: 'test-results/e2e/dashboard-wired.png', fullPage: true });
});
