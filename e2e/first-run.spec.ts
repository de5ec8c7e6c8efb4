import { test, expect } from '@playwright/test';
import { FRESH, FRESH_TOKEN, stackInfo } from './support/ports';
import { readmeShot } from './support/readme-shot';

// A new user on a token-protected service with nothing configured: sign in, then the guided setup configures the
// feed and MISP (each saved, then checked live) and the schedule; both cards go healthy.
test('sign in, then the first-run setup configures TAXII and MISP and both go healthy', async ({ page }) => {
  const info = await stackInfo();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(FRESH);
  await expect(page.getByTestId('sign-in')).toBeVisible();
  await page.getByLabel('Access token').fill('not-the-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('sign-in')).toContainText('did not accept that token');
  await page.getByLabel('Access token').fill(FRESH_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('version')).toContainText('headless');
  const setup = page.getByTestId('first-run');
  await expect(setup).toContainText('No TAXII feed is configured yet.');

  // 1. The feed: the collection management URL makes the check list the collections to choose from.
  await page.getByLabel(/^Poll service URL/).fill(info.taxii.poll);
  await page.getByLabel(/^Collection management URL/).fill(info.taxii.collections);
  // A name the feed does not have: the check fails and lists the collections it does have.
  await page.getByLabel(/^Collection stixtransclient/).fill('not-a-collection');
  await page.getByRole('button', { name: 'Save and check the feed' }).click();
  await expect(page.getByTestId('health-taxii-verdict')).toContainText('Failing', { timeout: 20_000 });
  const collection = page.getByLabel(/^Collection stixtransclient/);
  await expect(collection).toHaveJSProperty('tagName', 'SELECT', { timeout: 20_000 });
  await collection.selectOption('ais');
  await page.getByRole('button', { name: 'Save and check the feed' }).click();
  await expect(page.getByTestId('health-taxii-verdict')).toContainText('Healthy', { timeout: 20_000 });

  // 2. MISP.
  await page.getByLabel(/^MISP URL/).fill(info.misp.url);
  await page.getByLabel(/^API key/).fill(info.misp.key);
  await page.getByRole('button', { name: 'Save and check the MISP server' }).click();
  await expect(page.getByTestId('health-misp-verdict')).toContainText('Healthy', { timeout: 20_000 });

  // 3. The schedule.
  await page.getByLabel(/^Every \(minutes\)/).fill('60');
  await page.getByRole('button', { name: 'Save and start the schedule' }).click();
  await expect(page.getByTestId('setup-next-run')).toContainText(/Saved. The next run \(Poll to MISP\) starts at/);
  await readmeShot(page, 'first-run', { fullPage: true });

  await page.getByRole('button', { name: 'Done — open the dashboard' }).click();
  await expect(page.getByTestId('health-taxii-verdict')).toContainText('Healthy');
  await expect(page.getByTestId('health-misp-verdict')).toContainText('Healthy');
  // The token is kept for the session: a reload needs no new sign-in.
  await page.reload();
  await expect(page.getByTestId('version')).toContainText('headless');
  await expect(page.getByTestId('sign-in')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/e2e/first-run-dashboard.png', fullPage: true });
});
