import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CORPUS_DIR, corpusFile } from '../test/paths';
import { readmeShot } from './support/readme-shot';

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

/** The CybOX coverage table, row by row (header left out): type, mapped, as text, skipped. */
async function coverageRows(page: Page): Promise<string[][]> {
  const table = page.getByTestId('preview-coverage').getByRole('table');
  await expect(table).toBeVisible();
  return table.locator('tbody tr, tfoot tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent ?? '')));
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
    await expect(page.getByTestId('preview-report-warning')).toHaveCount(0);
    expect(await coverageRows(page)).toEqual([['DomainName', '11', '0', '0']]);
    await readmeShot(page, 'preview', { fullPage: true });
  });

  test('the report puts warnings first and groups them by code, with the ids to open (file dropped on the panel)', async ({ page }) => {
    await openPreview(page);
    // An AIS package whose CybOX File names are "N/A" placeholders: ten warnings of one code, one group.
    await dropFile(page, path.join(AIS, 'stix_ais_20.xml'));
    const placeholder = page.getByTestId('preview-report-warning').getByTestId('preview-code-warning-placeholder');
    await expect(placeholder.locator(':scope > summary')).toHaveText('10× Placeholder values skipped placeholder');
    await expect(placeholder).toContainText('File File_Name: "N/A" is a placeholder, not a value; skipped. (10×)');
    // The ids are there, closed until asked for.
    const ids = placeholder.getByTestId('preview-report-where');
    await expect(ids.locator(':scope > summary')).toHaveText('10 STIX ids');
    await expect(ids.getByRole('listitem', { includeHidden: true })).toHaveCount(10);
    await expect(ids.getByRole('listitem')).toHaveCount(0);
    await ids.locator(':scope > summary').click();
    await expect(ids.getByRole('listitem')).toHaveCount(10);
    await expect(ids.getByRole('listitem').first()).toHaveText('NCCIC:Object-ef5ef23d-4dc2-11e6-af1f-eccd6d4fa460');
    // The other codes: a merge the analyst reads, the distribution note closed at the end; not grouped by text shape.
    await expect(page.getByTestId('preview-report').locator('.report-section')).toHaveText([/^Warnings \(10\)/, /^Changed on the way \(1\)/, /^Other notes \(1\)/]);
    await expect(page.getByTestId('preview-code-info-merged')).toContainText('1× Repeated attributes merged merged');
    await expect(page.getByTestId('preview-code-info-distribution')).not.toHaveAttribute('open');
    await expect(page.getByTestId('preview-report-dropped')).toHaveCount(0);
    expect(await coverageRows(page)).toEqual([
      ['DomainName', '4', '0', '0'],
      ['File', '10', '0', '0'],
      ['All types', '14', '0', '0'],
    ]);
    await page.getByTestId('preview-report').screenshot({ path: 'test-results/e2e/preview-report-codes.png' });
    // A TLP:AMBER package without any time: a warning, shown before anything else in the report.
    await chooseFile(page, path.join(CORPUS_DIR, 'STIXProject__stix-ramrod', 'samples', 'stix_1.1_upgradable.xml'));
    await expect(page.getByTestId('preview-code-warning-no-timestamp')).toContainText('the package has no time at all: the event is dated 1970-01-01');
    await expect(page.getByTestId('preview-report').locator('.report-section').first()).toHaveAttribute('data-testid', 'preview-report-warning');
    await expect(page.getByTestId('preview-code-warning-no-timestamp').getByTestId('preview-report-where')).toHaveCount(0);
    await expect(page.getByTestId('preview-distribution-verdict')).toContainText('your organisation only');
    await expect(page.getByTestId('preview-date')).toHaveText('1970-01-01');
    await expect(page.getByTestId('preview-coverage')).toContainText('The package has no CybOX objects.');
    await page.screenshot({ path: 'test-results/e2e/preview-warning.png', fullPage: true });
  });

  test('a large package (3.9 MB) goes through and its long lists are capped until asked for', async ({ page }) => {
    const apt1 = corpusFile('STIXProject__schemas/samples/APT1/Appendix_G_IOCs_Full.xml');
    test.skip(apt1 === undefined, `needs the APT1 Appendix G file, withheld from the repository (third-party copyright); set FLARE_EXTRA_CORPUS to a copy of the full corpus to run it`);
    await openPreview(page);
    await chooseFile(page, apt1!);
    await expect(page.getByTestId('preview-counts')).toContainText('1699 attributes', { timeout: 30_000 });
    const attributes = page.getByTestId('preview-attributes');
    await expect(attributes.getByRole('row')).toHaveCount(201);
    await expect(page.getByText('Showing the first 200 of 1,699 attributes.')).toBeVisible();
    await page.getByRole('button', { name: 'Show all 1,699' }).click();
    await expect(attributes.getByRole('row')).toHaveCount(1700);
    // 183 skipped objects: one code, one message, the biggest warning first; their ids capped like the tables.
    const warnings = page.getByTestId('preview-report-warning');
    await expect(warnings.locator('[data-testid^="preview-code-"]')).toHaveCount(2);
    await expect(warnings.locator('[data-testid^="preview-code-"]').first()).toHaveAttribute('data-testid', 'preview-code-warning-skipped');
    const skipped = page.getByTestId('preview-code-warning-skipped');
    await expect(skipped.locator(':scope > summary')).toHaveText('183× CybOX objects skipped skipped');
    await expect(skipped).toContainText('WindowsExecutableFile: the object gave nothing MISP can hold (no usable value); skipped. (183×)');
    await skipped.getByTestId('preview-report-where').locator(':scope > summary').click();
    await expect(skipped.getByTestId('preview-report-where').getByRole('listitem')).toHaveCount(25);
    await skipped.getByRole('button', { name: 'Show all 183' }).click();
    await expect(skipped.getByTestId('preview-report-where').getByRole('listitem')).toHaveCount(183);
    await expect(page.getByTestId('preview-code-warning-unsupported-test-mechanism').locator(':scope > summary')).toHaveText('47× Test mechanisms not converted unsupported-test-mechanism');
    const exe = page.getByTestId('preview-coverage').getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'WindowsExecutableFile', exact: true }) });
    await expect(exe).toHaveClass('has-skipped');
    await expect(exe.getByRole('cell')).toHaveText(['502', '0', '183']);
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
    await expect(page.getByTestId('preview-error-message')).toHaveText('Not well-formed XML: unbound namespace prefix: "indicator" (line 11, column 20)');
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
    await expect(page.getByTestId('preview-error')).toContainText('Only STIX 1.x STIX_Package documents can be previewed');
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

test.describe('Preview STIX: the engine decodes a file as it decodes a feed', () => {
  const pkg = (encoding: string) =>
    `<?xml version="1.0" encoding="${encoding}"?>\n<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" id="example:Package-1" version="1.1.1" timestamp="2016-01-01T00:00:00Z"><stix:STIX_Header><stix:Title>Le caf\u00e9</stix:Title></stix:STIX_Header></stix:STIX_Package>\n`;

  test('a latin-1 file that says so reads "café"; one that claims UTF-8 is refused with its line and a hint for the person previewing', async ({ page }) => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(path.join(tmpdir(), 'flare-e2e-preview-'));
    const latin1 = path.join(dir, 'latin1.xml');
    const wrong = path.join(dir, 'claims-utf8.xml');
    writeFileSync(latin1, Buffer.from(pkg('ISO-8859-1'), 'latin1'));
    writeFileSync(wrong, Buffer.from(pkg('UTF-8'), 'latin1'));
    await openPreview(page);
    await chooseFile(page, latin1);
    await expect(page.getByTestId('preview-info')).toHaveText('Le café');
    await chooseFile(page, wrong);
    await expect(page.getByTestId('preview-error-message')).toContainText('not valid UTF-8 (line 2');
    await expect(page.getByTestId('preview-error')).toContainText('Save the file as UTF-8');
    await expect(page.getByTestId('preview-error')).not.toContainText('the rest of the feed goes on');
  });
});

test('the built UI serves its favicon', async ({ request }) => {
  for (const p of ['/favicon.ico', '/favicon.png']) {
    const res = await request.get(p);
    expect(res.status(), p).toBe(200);
    expect(res.headers()['content-type']).toMatch(/^image\//);
  }
});
