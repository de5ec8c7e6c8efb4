/**
 * XSD validation is optional: a shipped copy has neither xmllint-wasm (a devDependency) nor the schema files, and
 * the simulator must still serve (the demo), saying once that requests go unchecked.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

const here = path.dirname(new URL(import.meta.url).pathname);
const temp = mkdtempSync(path.join(tmpdir(), 'flare-xsd-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

vi.mock('./xsd', async (original) => {
  const real = await original<typeof import('./xsd')>();
  return { ...real, taxiiXsd: vi.fn(real.taxiiXsd) };
});

describe('TAXII XSD validation where it is not installed', () => {
  it('taxiiXsd says why when the schema files are not beside it, and validateTaxiiXml refuses to pretend', async () => {
    // A copy of xsd.ts alone, as a bundle outside a checkout would be.
    const dir = path.join(temp, 'alone');
    mkdirSync(dir);
    copyFileSync(path.join(here, 'xsd.ts'), path.join(dir, 'xsd.ts'));
    const copy = (await import(pathToFileURL(path.join(dir, 'xsd.ts')).href)) as typeof import('./xsd');
    expect(await copy.taxiiXsd()).toEqual({ reason: 'the TAXII XSD files are not installed beside the simulator' });
    await expect(copy.validateTaxiiXml('<x/>')).rejects.toThrow(/cannot validate against the TAXII XSD: the TAXII XSD files are not installed/);
  });

  it('in this checkout the validator is there (the tests stay strict)', async () => {
    const { taxiiXsd } = await import('./xsd');
    const xsd = await taxiiXsd();
    expect(xsd.validate).toBeTypeOf('function');
    expect((await xsd.validate!('<not-taxii/>')).valid).toBe(false);
  });

  it('the server serves unchecked and logs one line', async () => {
    const xsd = await import('./xsd');
    vi.mocked(xsd.taxiiXsd).mockResolvedValue({ reason: 'xmllint-wasm (a development dependency) is not installed' });
    const { startTaxiiServer } = await import('./server');
    const { makeBlocks } = await import('./fixtures');
    const lines: string[] = [];
    const s = await startTaxiiServer({ blocks: makeBlocks(2), log: (l) => lines.push(l) });
    try {
      const headers = {
        'content-type': 'application/xml',
        'x-taxii-content-type': 'urn:taxii.mitre.org:message:xml:1.1',
        'x-taxii-services': 'urn:taxii.mitre.org:services:1.1',
      };
      const poll = `<taxii_11:Poll_Request xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="m-1" collection_name="ais"><taxii_11:Poll_Parameters allow_asynch="false"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>`;
      for (let i = 0; i < 2; i++) expect(await (await fetch(s.urls.poll, { method: 'POST', headers, body: poll })).text()).toContain('Poll_Response');
      expect(lines).toEqual(['TAXII simulator: requests are not checked against the TAXII 1.1 XSD (xmllint-wasm (a development dependency) is not installed)']);
      expect(s.requests.map((r) => r.xsdValid)).toEqual([undefined, undefined]);
    } finally {
      await s.close();
    }
  });
});
