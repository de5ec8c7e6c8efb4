import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { REPO_ROOT } from '../../test/paths';

/**
 * The README's pictures come from these specs. A test run only writes them under test-results (so `npm test` leaves
 * the checkout clean); `FLARE_README_SCREENSHOTS=1 npm run test:e2e` refreshes the copies in docs/.
 */
export async function readmeShot(target: Page | Locator, name: string, options: { fullPage?: boolean } = {}) {
  const shot = (file: string) =>
    'goto' in target ? target.screenshot({ path: file, ...options }) : target.screenshot({ path: file });
  await shot(path.join(REPO_ROOT, 'test-results', 'e2e', `readme-${name}.png`));
  if (process.env.FLARE_README_SCREENSHOTS === '1') await shot(path.join(REPO_ROOT, 'docs', `screenshot-${name}.png`));
}
