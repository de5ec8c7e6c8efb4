import path from 'node:path';
import type { Page } from '@playwright/test';
import { REPO_ROOT } from '../../test/paths';

/**
 * The README's pictures come from these specs. A test run only writes them under test-results (so `npm test` leaves
 * the checkout clean); `FLARE_README_SCREENSHOTS=1 npm run test:e2e` refreshes the copies in docs/.
 */
export async function readmeShot(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'e2e', `readme-${name}.png`), ...options });
  if (process.env.FLARE_README_SCREENSHOTS === '1') {
    await page.screenshot({ path: path.join(REPO_ROOT, 'docs', `screenshot-${name}.png`), ...options });
  }
}
