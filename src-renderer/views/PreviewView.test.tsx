// @vitest-environment happy-dom
import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, screen, fireEvent, cleanup, waitFor, within } from '@testing-library/react';
import { PreviewView } from './PreviewView';
import { createFlareStore } from '../store/store';
import { StoreContext } from '../store/context';
import { ApiError, type FlareClient, type PreviewResult } from '../../shared/api';

afterEach(cleanup);

const RESULT: PreviewResult = {
  event: {
    uuid: 'e36222b0-b4ce-47dd-9d97-9b268170bac2',
    info: 'IIR 4 213 5311 16 - Indicators of Compromise - FO00',
    date: '2016-07-22',
    threat_level_id: 4,
    analysis: 0,
    distribution: 0,
    Tag: [{ name: 'tlp:amber' }, { name: 'ais-marking:AISConsent="EVERYONE"' }],
    Attribute: Array.from({ length: 250 }, (_, i) => ({ uuid: `u${i}`, type: 'domain', category: 'Network activity', value: i === 0 ? 'bulbagop.website' : `host${i}.example`, to_ids: true, comment: 'Indicator: Malicious FQDN Indicator' })),
  },
  warnings: ['the package has no time at all: the event is dated 1970-01-01'],
  dropped: ['File File_Name: "N/A" is a placeholder, not a value; skipped. (NCCIC:Object-1)', 'File File_Name: "N/A" is a placeholder, not a value; skipped. (NCCIC:Object-2)'],
  refanged: [],
  distributionDecision: '0 (your organisation only): tlp:amber → 0; ais:everyone → default (0)',
  packages: 1,
};

function setup(previewPackage: (xml: string) => Promise<PreviewResult>) {
  const spy = vi.fn(previewPackage);
  const store = createFlareStore({ previewPackage: spy, on: () => () => {} } as unknown as FlareClient);
  render(
    <StoreContext.Provider value={store}>
      <PreviewView />
    </StoreContext.Provider>,
  );
  return spy;
}

const xmlFile = (text: string, name = 'stix_ais_1.xml') => new File([text], name, { type: 'text/xml' });

describe('Preview STIX', () => {
  it('previews a chosen file: busy state, decision and why, attributes capped with "show all", report grouped', async () => {
    let answer!: (r: PreviewResult) => void;
    const spy = setup(() => new Promise((resolve) => (answer = resolve)));
    fireEvent.change(screen.getByTestId('preview-file-input'), { target: { files: [xmlFile('<stix:STIX_Package/>')] } });
    await waitFor(() => expect(screen.getByTestId('preview-status').textContent).toContain('Converting stix_ais_1.xml'));
    expect(screen.getByRole('button', { name: 'Choose a file…' })).toHaveProperty('disabled', true);
    expect(spy).toHaveBeenCalledWith({ base64: btoa('<stix:STIX_Package/>'), name: expect.any(String) });
    answer(RESULT);
    const verdict = await screen.findByTestId('preview-distribution-verdict');
    expect(verdict.textContent).toContain('your organisation only');
    expect(screen.getByTestId('preview-distribution-reasons').textContent).toContain('tlp:amber → 0');
    expect(screen.getByTestId('preview-uuid').textContent).toBe('e36222b0-b4ce-47dd-9d97-9b268170bac2');
    expect(screen.getByTestId('preview-counts').textContent).toContain('250 attributes (250 for IDS)');
    const table = screen.getByTestId('preview-attributes');
    expect(within(table).getAllByRole('row')).toHaveLength(201); // header + the first 200
    expect(table.textContent).toContain('bulbagop.website');
    fireEvent.click(screen.getByRole('button', { name: 'Show all 250' }));
    expect(within(screen.getByTestId('preview-attributes')).getAllByRole('row')).toHaveLength(251);
    const report = screen.getByTestId('preview-report');
    expect(report.textContent!.indexOf('Warnings')).toBeLessThan(report.textContent!.indexOf('Not in the event'));
    // An engine without the structured report: its lines grouped by shape, no coverage.
    expect(screen.getByTestId('preview-report-dropped').textContent).toContain('2× File File_Name: "…" is a placeholder');
    expect(screen.queryByTestId('preview-coverage')).toBeNull();
    expect(screen.getByTestId('preview-status').textContent).not.toContain('Converting');
  });

  it('groups the structured report by code, with a count, the message and the ids to open; shows the coverage', async () => {
    const where = ['NCCIC:Object-3f600e43-4dc3-11e6-bc71-eccd6d4fa460', 'NCCIC:Object-3f600e46-4dc3-11e6-b66a-eccd6d4fa460', 'NCCIC:Object-3f600e49-4dc3-11e6-8591-eccd6d4fa460'];
    setup(async () => ({
      ...RESULT,
      report: [
        { level: 'info', code: 'distribution', message: 'distribution 0 (your organisation only): tlp:amber → 0', where: 'NCCIC:STIX_Package-1' },
        ...where.map((w) => ({ level: 'warning' as const, code: 'placeholder', message: 'File File_Name: "N/A" is a placeholder, not a value; skipped.', where: w })),
        { level: 'info', code: 'as-text', message: 'Address Address_Value: "10.0.0.999" is not a valid ip-dst (octet over 255); kept as text.', where: 'NCCIC:Object-7' },
        { level: 'warning', code: 'no-timestamp', message: 'the package has no time at all: the event is dated 1970-01-01' },
      ],
      coverage: [
        { type: 'Address', mapped: 0, text: 1, skipped: 0 },
        { type: 'File', mapped: 7, text: 0, skipped: 3 },
      ],
    }));
    fireEvent.change(screen.getByTestId('preview-file-input'), { target: { files: [xmlFile('<x/>')] } });
    const report = await screen.findByTestId('preview-report');
    const text = report.textContent!;
    expect(text).not.toContain('Nothing was dropped');
    // Warnings, then what changed on the way, then the other notes.
    expect(text.indexOf('Warnings (4)')).toBeGreaterThanOrEqual(0);
    expect(text.indexOf('Warnings (4)')).toBeLessThan(text.indexOf('Changed on the way (1)'));
    expect(text.indexOf('Changed on the way (1)')).toBeLessThan(text.indexOf('Other notes (1)'));
    // Not the shape grouping: no section of dropped lines, no "…" labels.
    expect(screen.queryByTestId('preview-report-dropped')).toBeNull();
    expect(text).not.toContain('"…"');

    const placeholder = within(screen.getByTestId('preview-report-warning')).getByTestId('preview-code-warning-placeholder');
    expect(placeholder.querySelector('summary')!.textContent).toBe('3× Placeholder values skipped placeholder');
    expect(placeholder.textContent).toContain('File File_Name: "N/A" is a placeholder, not a value; skipped. (3×)');
    const ids = within(placeholder).getByTestId('preview-report-where') as HTMLDetailsElement;
    expect(ids.open).toBe(false);
    expect(ids.querySelector('summary')!.textContent).toBe('3 STIX ids');
    expect(within(ids).getAllByRole('listitem').map((li) => li.textContent)).toEqual(where);
    // The biggest warning first; one without an id has no list of ids.
    const codes = [...screen.getByTestId('preview-report-warning').querySelectorAll('[data-testid^="preview-code-"]')].map((e) => e.getAttribute('data-testid'));
    expect(codes).toEqual(['preview-code-warning-placeholder', 'preview-code-warning-no-timestamp']);
    expect(within(screen.getByTestId('preview-code-warning-no-timestamp')).queryByTestId('preview-report-where')).toBeNull();
    // A single id goes on the line.
    expect(screen.getByTestId('preview-code-info-as-text').textContent).toContain('kept as text. (NCCIC:Object-7)');
    // The distribution decision is in the Distribution card: its note stays closed under "Other notes".
    expect((screen.getByTestId('preview-code-info-distribution') as HTMLDetailsElement).open).toBe(false);

    const coverage = within(screen.getByTestId('preview-coverage')).getByRole('table');
    const rows = within(coverage).getAllByRole('row').map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent));
    expect(rows).toEqual([
      ['CybOX type', 'Mapped', 'As text', 'Skipped'],
      ['Address', '0', '1', '0'],
      ['File', '7', '0', '3'],
      ['All types', '7', '1', '3'],
    ]);
    expect(within(coverage).getByRole('rowheader', { name: 'File' }).closest('tr')!.className).toBe('has-skipped');
  });

  it('says nothing was dropped when the structured report holds only other notes', async () => {
    setup(async () => ({
      ...RESULT,
      warnings: [],
      dropped: [],
      report: [{ level: 'info', code: 'distribution', message: 'distribution 0 (your organisation only): tlp:amber → 0', where: 'NCCIC:STIX_Package-1' }],
      coverage: [],
    }));
    fireEvent.change(screen.getByTestId('preview-file-input'), { target: { files: [xmlFile('<x/>')] } });
    const report = await screen.findByTestId('preview-report');
    expect(report.textContent).toContain('Nothing was dropped, refanged or warned about.');
    expect(screen.queryByTestId('preview-report-warning')).toBeNull();
    expect(screen.getByTestId('preview-report-other').textContent).toContain('1× Distribution decisions distribution');
    expect(screen.getByTestId('preview-coverage').textContent).toContain('The package has no CybOX objects.');
  });

  it('filters attributes by value', async () => {
    setup(async () => RESULT);
    fireEvent.change(screen.getByTestId('preview-file-input'), { target: { files: [xmlFile('<x/>')] } });
    await screen.findByTestId('preview-attributes');
    fireEvent.change(screen.getByLabelText('Filter attributes and objects'), { target: { value: 'BULBAGOP' } });
    await waitFor(() => expect(within(screen.getByTestId('preview-attributes')).getAllByRole('row')).toHaveLength(2));
  });

  it('shows a parse error with the line it points at and the hint', async () => {
    setup(() =>
      Promise.reject(
        new ApiError({ code: 'stix_malformed', message: 'not well-formed XML: unbound namespace prefix: "indicator" (line 2, column 20)', hint: 'The content was kept aside.' }),
      ),
    );
    fireEvent.change(screen.getByLabelText('Or paste the XML'), { target: { value: '<!-- c -->\n<indicator:Handling>\n' } });
    fireEvent.keyDown(screen.getByLabelText('Or paste the XML'), { key: 'Enter', ctrlKey: true });
    const err = await screen.findByTestId('preview-error');
    expect(err.textContent).toContain('The pasted XML was not previewed.');
    expect(err.textContent).toContain('(line 2, column 20)');
    expect(err.textContent).toContain('The content was kept aside.');
    expect(screen.getByTestId('preview-error-excerpt').textContent).toContain('<indicator:Handling>');
  });

  it('refuses a file over the limit without reading or sending it', async () => {
    const spy = setup(async () => RESULT);
    const big = xmlFile('<x/>', 'feed-dump.xml');
    Object.defineProperty(big, 'size', { value: 40 * 1024 * 1024 });
    const text = vi.spyOn(big, 'text');
    fireEvent.drop(screen.getByTestId('preview-dropzone'), { dataTransfer: { files: [big], types: ['Files'] } });
    const err = await screen.findByTestId('preview-error');
    expect(err.textContent).toContain('feed-dump.xml is 40.0 MB; the preview reads files up to 32.0 MB.');
    expect(text).not.toHaveBeenCalled();
    expect(spy).not.toHaveBeenCalled();
  });

  it('previews the first of several dropped files and says so', async () => {
    const spy = setup(async () => RESULT);
    fireEvent.drop(screen.getByTestId('preview-dropzone'), { dataTransfer: { files: [xmlFile('<a/>', 'a.xml'), xmlFile('<b/>', 'b.xml')], types: ['Files'] } });
    await screen.findByTestId('preview-result');
    expect(spy).toHaveBeenCalledWith({ base64: btoa('<a/>'), name: expect.any(String) });
    expect(screen.getByTestId('preview-status').textContent).toContain('2 files were given; only a.xml is previewed.');
  });
});
