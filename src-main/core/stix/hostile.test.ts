/**
 * Hostile and broken input: every case ends in a typed StixError (with line and column where the text has
 * them), quickly, without fetching anything and without memory growing with what the input asks for.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR, REPO_ROOT } from '../../../test/paths';
import { isStixError, readPackages, type ReadOptions, type StixErrorCode } from './index';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const STIX_NS = 'xmlns:stix="http://stix.mitre.org/stix-1"';
const AIS = readFileSync(path.join(CORPUS_DIR, 'STIXProject__python-stix/stix/test/extensions/marking/ais_test_files/stix_ais_21.xml'), 'utf8');

function refusal(content: string | Uint8Array, options?: ReadOptions): { code: StixErrorCode; message: string; line?: number; column?: number } {
  try {
    readPackages(content, options);
  } catch (e) {
    if (!isStixError(e)) throw e;
    return { code: e.code, message: e.message, ...(e.line !== undefined ? { line: e.line, column: e.column! } : {}) };
  }
  throw new Error('the content was read, not refused');
}

function pkg(body: string, attrs = ''): string {
  return `<stix:STIX_Package ${STIX_NS} id="x:p-1" version="1.1.1"${attrs}>${body}</stix:STIX_Package>`;
}

describe('DTDs and entities are never processed', () => {
  let server: http.Server;
  let requests = 0;
  let base = '';
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      requests++;
      res.end('<!ENTITY secret "leaked">');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses XXE reading a local file', () => {
    const r = refusal(`<?xml version="1.0"?>\n<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n${pkg('<stix:STIX_Header><stix:Title>&xxe;</stix:Title></stix:STIX_Header>')}`);
    expect(r.code).toBe('stix_doctype');
    expect(r.line).toBe(2);
    expect(r.message).not.toContain('root:');
  });

  it('refuses XXE by URL, an external DTD and parameter entities, and fetches nothing', async () => {
    const cases = [
      `<!DOCTYPE foo [<!ENTITY xxe SYSTEM "${base}/entity">]>${pkg('<stix:STIX_Header><stix:Title>&xxe;</stix:Title></stix:STIX_Header>')}`,
      `<!DOCTYPE stix:STIX_Package SYSTEM "${base}/evil.dtd">${pkg('')}`,
      `<!DOCTYPE foo [<!ENTITY % remote SYSTEM "${base}/param"> %remote;]>${pkg('<stix:STIX_Header><stix:Title>&secret;</stix:Title></stix:STIX_Header>')}`,
    ];
    for (const c of cases) expect(refusal(c).code).toBe('stix_doctype');
    // Give any (wrongly) started request time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(requests).toBe(0);
  });

  it('refuses a billion laughs', () => {
    let dtd = '<!ENTITY lol "lol">';
    for (let i = 1; i <= 9; i++) dtd += `<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`;
    expect(refusal(`<?xml version="1.0"?><!DOCTYPE lolz [${dtd}]>${pkg('<stix:STIX_Header><stix:Title>&lol9;</stix:Title></stix:STIX_Header>')}`).code).toBe('stix_doctype');
  });

  it('refuses a quadratic blow-up', () => {
    const doc = `<!DOCTYPE kaboom [<!ENTITY a "${'x'.repeat(100_000)}">]>${pkg(`<stix:STIX_Header><stix:Title>${'&a;'.repeat(20_000)}</stix:Title></stix:STIX_Header>`)}`;
    expect(refusal(doc).code).toBe('stix_doctype');
  });

  it('refuses an entity that no DTD declares', () => {
    const r = refusal(pkg('<stix:STIX_Header><stix:Title>&nbsp;</stix:Title></stix:STIX_Header>'));
    expect(r.code).toBe('stix_malformed');
    expect(r.message).toContain('undefined entity');
  });
});

describe('size, depth and length caps', () => {
  it('refuses 10,000-deep nesting at the depth cap', () => {
    const deep = pkg(`${'<stix:STIX_Header>'.repeat(10_000)}${'</stix:STIX_Header>'.repeat(10_000)}`);
    const r = refusal(deep);
    expect(r.code).toBe('stix_too_deep');
    expect(r.message).toContain('deeper than 100 levels');
    expect(r.line).toBe(1);
  });

  it('refuses a 50 MB text node: over the document cap by default, at the text cap when the document cap allows it', () => {
    const huge = pkg(`<stix:STIX_Header><stix:Title>${'A'.repeat(50 * 1024 * 1024)}</stix:Title></stix:STIX_Header>`);
    expect(refusal(huge).code).toBe('stix_too_large');
    const r = refusal(huge, { limits: { maxDocumentBytes: 64 * 1024 * 1024 } });
    expect(r.code).toBe('stix_too_long');
    expect(r.message).toMatch(/longer than 16777216 characters/);
  });

  it('reads a 50 MB text node in bounded memory: a child process with a 128 MB heap refuses it cleanly', () => {
    const script = `
      const { readPackages } = await import(${JSON.stringify(path.join(HERE, 'index.ts'))});
      const doc = '<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" id="x:1" version="1.2"><stix:STIX_Header><stix:Title>' + 'A'.repeat(50 * 1024 * 1024) + '</stix:Title></stix:STIX_Header></stix:STIX_Package>';
      try { readPackages(doc, { limits: { maxDocumentBytes: 64 * 1024 * 1024, maxTextLength: 4 * 1024 * 1024 } }); console.log('READ'); }
      catch (e) { console.log(e.code, Math.round(process.memoryUsage().heapUsed / 1048576)); }`;
    const r = spawnSync(process.execPath, ['--max-old-space-size=128', '--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).not.toMatch(/heap out of memory/i);
    expect(r.status).toBe(0);
    const [code, heapMb] = r.stdout.trim().split(' ');
    expect(code).toBe('stix_too_long');
    expect(Number(heapMb)).toBeLessThan(128);
  });

  it('refuses an attribute over its cap', () => {
    const r = refusal(pkg('', ` xmlns:x="urn:x" x:big="${'b'.repeat(70_000)}"`));
    expect(r.code).toBe('stix_too_long');
    expect(r.message).toContain('x:big');
  });

  it('refuses too many elements', () => {
    const r = refusal(pkg('<stix:Observables/>'.repeat(2_000)), { limits: { maxElements: 1_000 } });
    expect(r.code).toBe('stix_too_many_elements');
  });

  it('accepts raised caps for genuine large content', () => {
    const big = pkg(`<stix:STIX_Header><stix:Title>${'t'.repeat(200_000)}</stix:Title></stix:STIX_Header>`);
    expect(refusal(big, { limits: { maxTextLength: 100_000 } }).code).toBe('stix_too_long');
    expect(readPackages(big, { limits: { maxTextLength: 300_000 } })[0]!.model.header!.title).toHaveLength(200_000);
  });
});

describe('broken and foreign input', () => {
  it('refuses invalid UTF-8 with its line and column', () => {
    const bytes = Buffer.concat([Buffer.from(`<stix:STIX_Package ${STIX_NS} id="x:1" version="1.2">\n  <stix:STIX_Header><stix:Title>caf`), Buffer.from([0xc3, 0x28]), Buffer.from('</stix:Title></stix:STIX_Header></stix:STIX_Package>')]);
    const r = refusal(bytes);
    expect(r.code).toBe('stix_encoding');
    expect(r.message).toContain('not valid UTF-8');
    expect(r).toMatchObject({ line: 2, column: 36 });
  });

  it('refuses a truncated document with the line and column where it ends', () => {
    const cut = AIS.slice(0, Math.floor(AIS.length / 2));
    const r = refusal(cut);
    expect(r.code).toBe('stix_malformed');
    expect(r.line).toBe(cut.split('\n').length);
    expect(r.column).toBeGreaterThan(0);
  });

  it('names binary files instead of parsing them', () => {
    const zip = Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00', 'latin1'), Buffer.alloc(64, 7)]);
    expect(refusal(zip)).toMatchObject({ code: 'stix_not_xml', message: 'the content is a ZIP archive, not XML' });
    expect(refusal(gzipSync(AIS))).toMatchObject({ code: 'stix_not_xml', message: 'the content is a gzip file, not XML' });
    expect(refusal(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toMatchObject({ code: 'stix_not_xml' });
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37 + 11) % 256));
    expect(['stix_not_xml', 'stix_encoding']).toContain(refusal(noise).code);
  });

  it('refuses text that is not XML, and empty content', () => {
    expect(refusal('{"type": "bundle", "spec_version": "2.1"}')).toMatchObject({ code: 'stix_not_xml' });
    expect(refusal('')).toMatchObject({ code: 'stix_empty' });
    expect(refusal(' \n\t ')).toMatchObject({ code: 'stix_empty' });
    expect(refusal('<!-- only a comment -->')).toMatchObject({ code: 'stix_empty' });
    expect(refusal(`${pkg('')} trailing text`)).toMatchObject({ code: 'stix_malformed' });
  });

  it('says which root a non-package has', () => {
    expect(refusal('<foo/>').message).toBe('not a STIX package (root: foo)');
    expect(refusal('<STIX_Package xmlns="urn:not-stix" version="1.1.1"/>').message).toBe('not a STIX package (root: STIX_Package in namespace "urn:not-stix")');
    expect(refusal('<taxii_11:Poll_Response xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1"/>').code).toBe('stix_not_a_package');
  });

  it('refuses a STIX version that is not 1.x', () => {
    expect(refusal(`<stix:STIX_Package ${STIX_NS} version="2.0"/>`)).toMatchObject({ code: 'stix_unsupported_version' });
    const [p] = readPackages(`<stix:STIX_Package ${STIX_NS} version="1.3"/>`);
    expect(p!.warnings.join()).toContain('1.3');
  });

  it('honours a declared legacy encoding and refuses an unknown one', () => {
    const latin1 = Buffer.from(`<?xml version="1.0" encoding="ISO-8859-1"?>${pkg('<stix:STIX_Header><stix:Title>Café</stix:Title></stix:STIX_Header>')}`, 'latin1');
    expect(readPackages(latin1)[0]!.model.header!.title).toBe('Café');
    expect(refusal(Buffer.from(`<?xml version="1.0" encoding="x-klingon"?>${pkg('')}`))).toMatchObject({ code: 'stix_encoding' });
  });

  it('reports well-formedness errors with line and column', () => {
    const r = refusal(`<stix:STIX_Package ${STIX_NS} version="1.2">\n  <stix:STIX_Header>\n  </stix:Wrong>\n</stix:STIX_Package>`);
    expect(r.code).toBe('stix_malformed');
    expect(r.line).toBe(3);
  });
});
