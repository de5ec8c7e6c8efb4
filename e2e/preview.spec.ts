import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CORPUS_DIR, REPO_ROOT } from '../test/paths';

// "Preview STIX" against the real headless server and engine, with real corpus files (never edited).
const AIS = path.join(CORPUS_DIR, 'STIXProject__python-stix', 'stix', 'test', 'extensions', 'marking', 'ais_test_files');
const SAMPLES = path.join(CORPUS_DIR, 'STIXProject__schemas', 'samples');

async function openPreview(page: Page) {
  await page.goto('/');
  await expect(page.getByTestId('version')).toContainText('headless');
  await page.getByRole('button', { name: 'Preview STIX', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Preview a STIX package' })).toBeVisible();
}

/** Chooses a file the way a person does: the button opens the file chooser. */
async function chooseFile(page: Page, file: string) {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose a file…' }).click();
  await (await chooser).setFiles(file);
}

/** Drops a file onto the panel (a DataTransfer built in the page holds the real bytes). */
async function dropFile(page: Page, file: string) {
  const dataTransfer = await page.evaluateHandle(
    ({ b64, name }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type: 'text/xml' }));
      return dt;
    },
    { b64: readFileSync(file).toString('base64'), name: path.basename(file) },
  );
  const zone = page.getByTestId('preview-dropzone');
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
}

test.describe('Preview STIX', () => {
  test('an AIS package marked TLP:AMBER stays in your organisation; its indicators are listed', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await openPreview(page);
    await chooseFile(page, path.join(AIS, 'stix_ais_1.xml'));
    await expect(page.getByTestId('preview-info')).toHaveText('IIR 4 213 5311 16 - Indicators of Compromise - FO00');
    await expect(page.getByTestId('preview-uuid')).toHaveText('e36222b0-b4ce-47dd-9d97-9b268170bac2');
    await expect(page.getByTestId('preview-date')).toHaveText('2016-07-22');
    await expect(page.getByTestId('preview-distribution-verdict')).toContainText('your organisation only');
    await expect(page.getByTestId('preview-distribution-reasons')).toContainText('tlp:amber → 0');
    await expect(page.getByTestId('preview-tags')).toContainText('tlp:amber');
    await expect(page.getByTestId('preview-counts')).toContainText('18 attributes (11 for IDS)');
    const row = page.getByTestId('preview-attributes').getByRole('row').filter({ hasText: 'bulbagop.website' });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('domain');
    await expect(row).toContainText('Network activity');
    await expect(row).toContainText('yes');
    await expect(page.getByTestId('preview-report')).toContainText('Nothing was dropped, refanged or warned about.');
    await page.screenshot({ path: path.join(REPO_ROOT, 'docs', 'screenshot-preview.png'), fullPage: true });
  });

  test('the report puts warnings first and groups what was dropped (file dropped on the panel)', async ({ page }) => {
    await openPreview(page);
    // An AIS package whose CybOX File names are "N/A" placeholders: ten lines of one kind, one group.
    await dropFile(page, path.join(AIS, 'stix_ais_20.xml'));
    await expect(page.getByTestId('preview-report-dropped')).toContainText('10× File File_Name: "…" is a placeholder, not a value; skipped.');
    await expect(page.getByTestId('preview-report-warning')).toHaveCount(0);
    // A TLP:AMBER package without any time: a warning, shown before anything else in the report.
    await chooseFile(page, path.join(CORPUS_DIR, 'STIXProject__stix-ramrod', 'samples', 'stix_1.1_upgradable.xml'));
    await expect(page.getByTestId('preview-report-warning')).toContainText('the package has no time at all: the event is dated 1970-01-01');
    await expect(page.getByTestId('preview-distribution-verdict')).toContainText('your organisation only');
    await expect(page.getByTestId('preview-date')).toHaveText('1970-01-01');
    await page.screenshot({ path: 'test-results/e2e/preview-warning.png', fullPage: true });
  });

  test('a large package (3.9 MB) goes through and its long lists are capped until asked for', async ({ page }) => {
    await openPreview(page);
    await chooseFile(page, path.join(SAMPLES, 'APT1', 'Appendix_G_IOCs_Full.xml'));
    await expect(page.getByTestId('preview-counts')).toContainText('1699 attributes', { timeout: 30_000 });
    const attributes = page.getByTestId('preview-attributes');
    await expect(attributes.getByRole('row')).toHaveCount(201);
    await expect(page.getByText('Showing the first 200 of 1,699 attributes.')).toBeVisible();
    await page.getByRole('button', { name: 'Show all 1,699' }).click();
    await expect(attributes.getByRole('row')).toHaveCount(1700);
    await expect(page.getByTestId('preview-report-dropped')).toContainText('WindowsExecutableFile: the object gave nothing MISP can hold');
    await page.screenshot({ path: 'test-results/e2e/preview-large.png' });
    await page.getByLabel('Filter attributes and objects').fill('no such value anywhere');
    await expect(page.getByText('No attribute matches the filter.')).toBeVisible();
  });

  test('malformed XML: the error names line and column, shows the line, and gives the hint', async ({ page }) => {
    await openPreview(page);
    // An official STIX sample that is only a snippet: its prefixes are never declared.
    await chooseFile(page, path.join(SAMPLES, 'STIX_Snippet_Handling.xml'));
    const error = page.getByTestId('preview-error');
    await expect(error).toContainText('STIX_Snippet_Handling.xml was not previewed.');
    await expect(page.getByTestId('preview-error-message')).toHaveText('not well-formed XML: unbound namespace prefix: "indicator" (line 11, column 20)');
    await expect(error).toContainText('Line 11, column 20:');
    await expect(page.getByTestId('preview-error-excerpt')).toContainText('<indicator:Handling>');
    await expect(error.locator('.hint')).not.toBeEmpty();
    await expect(error).toContainText('stix_malformed');
    await page.screenshot({ path: 'test-results/e2e/preview-error.png', fullPage: true });
  });

  test('pasted XML that is not STIX, and a file over the size limit, are refused with a reason', async ({ page }) => {
    await openPreview(page);
    await page.getByLabel('Or paste the XML').fill('<html><body>not a package</body></html>');
    await page.getByRole('button', { name: 'Preview pasted XML' }).click();
    await expect(page.getByTestId('preview-error')).toContainText('The pasted XML was not previewed.');
    await expect(page.getByTestId('preview-error')).toContainText('Only STIX 1.x STIX_Package documents are read');
    // 33 MB (made in the page, so the test does not ship it over the wire) is refused before it is read.
    const dataTransfer = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(33 * 1024 * 1024).fill(0x20)], 'feed-dump.xml', { type: 'text/xml' }));
      return dt;
    });
    await page.getByTestId('preview-dropzone').dispatchEvent('drop', { dataTransfer });
    await expect(page.getByTestId('preview-error')).toContainText('feed-dump.xml is 33.0 MB; the preview reads files up to 32.0 MB.');
  });
});
