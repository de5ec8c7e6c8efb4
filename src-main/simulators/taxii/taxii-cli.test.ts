/**
 * The TAXII feed end to end from the outside: FlareService.checkTaxiiStatus over GET /checkTaxiiStatus and
 * POST /api/checkTaxiiStatus, the CLI `flare-misp check taxii`, and `flare-misp taxii poll` writing every block of a
 * 3-part poll — a real config folder, the real CLI process, the TAXII test server over mTLS with certificates made
 * at test time.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlareService } from '../../core/service';
import { LogHub } from '../../core/log/index';
import { startServer } from '../../headless/server';
import { REPO_ROOT } from '../../../test/paths';
import { tempConfigDir } from '../../../test/support/config-dir';
import { pkcs12, TestCa } from '../../../test/certs/pki';
import { makeBlocks, packageId } from './fixtures';
import { startTaxiiServer, type TaxiiTestServer } from './server';
import { blockFiles, parseCliTimestamp, writeInside } from '../../headless/commands/taxii';
import type { PolledBlock } from '../../core/taxii/poll';

const BIN = path.join(REPO_ROOT, 'bin', 'flare-misp.mjs');
const P12_PASSWORD = 'cli-keystore-secret';

function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, FLARE_MISP_HOME: '', FLARE_TAXII_PASSWORD: '', FLARE_TAXII_KEYSTORE_PASSWORD: '', FLARE_TAXII_KEY_PASSPHRASE: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A config folder with these keys set in config.properties / application.properties. */
function configWith(config: Record<string, string>, application: Record<string, string> = {}): string {
  const dir = tempConfigDir();
  for (const [file, settings] of [['config.properties', config], ['application.properties', application]] as const) {
    const p = path.join(dir, file);
    let text = readFileSync(p, 'utf8');
    for (const [key, value] of Object.entries(settings)) {
      const line = new RegExp(`^${key.replace(/\./g, '\\.')}=.*$`, 'm');
      text = line.test(text) ? text.replace(line, `${key}=${value}`) : `${text}\n${key}=${value}\n`;
    }
    writeFileSync(p, text);
  }
  return dir;
}

let ca: TestCa;
let taxii: TaxiiTestServer;
let certDir: string;
/** Config keys for the mTLS test server with a legacy PKCS#12 key store (the Java service's setup). */
let feedKeys: { config: Record<string, string>; application: Record<string, string> };

beforeAll(async () => {
  ca = new TestCa();
  const serverPair = ca.serverCert();
  const client = ca.clientCert('cli-client');
  certDir = mkdtempSync(path.join(tmpdir(), 'flare-taxii-cli-'));
  writeFileSync(path.join(certDir, 'ca.pem'), ca.cert);
  writeFileSync(path.join(certDir, 'client.p12'), pkcs12(client, P12_PASSWORD, { legacy: true }));
  // 7 blocks, 3 per part: a 3-part poll. Labels within the last hour, so the health check counts them too.
  const blocks = makeBlocks(7, { start: new Date(Date.now() - 30 * 60_000).toISOString(), stepSeconds: 60 });
  taxii = await startTaxiiServer({ blocks, partSize: 3, tls: { key: serverPair.key, cert: serverPair.cert, ca: ca.cert, requestCert: true, rejectUnauthorized: true } });
  feedKeys = {
    config: { 'stixtransclient.poll.baseurl': taxii.urls.poll, 'stixtransclient.source.collection': 'ais', 'flare.taxii.ca': path.join(certDir, 'ca.pem') },
    application: { '2way.ssl.auth': 'true', 'client.ssl.key-store': path.join(certDir, 'client.p12'), 'client.ssl.key-store-password': P12_PASSWORD },
  };
});
afterAll(() => taxii.close());

describe('FlareService.checkTaxiiStatus', () => {
  it('healthy over GET /checkTaxiiStatus (old shape plus ok/latency/details) and POST /api/checkTaxiiStatus; secrets stay out of the log', async () => {
    const dir = configWith({ ...feedKeys.config, 'flare.taxii.discovery.url': taxii.urls.discovery }, { ...feedKeys.application, 'logging.level.root': 'DEBUG' });
    const hub = new LogHub({ level: 'debug' });
    const service = new FlareService({ configDir: dir, mode: 'headless', version: '0.0.0', hub });
    service.start();
    const http = await startServer({ api: service, events: service, host: '127.0.0.1', port: 0, log: hub.logger('http') });
    try {
      const legacy = (await (await fetch(`${http.url}/checkTaxiiStatus`)).json()) as Record<string, unknown>;
      expect(legacy).toMatchObject({ resourceType: 'FLARE/TAXII', resource: taxii.urls.poll, statusCode: 200, ok: true, configured: true });
      expect(typeof legacy.latencyMs).toBe('number');
      expect(legacy.details).toMatchObject({ collection: 'ais', recordCount: { count: 7 }, clientCertificate: { format: 'pkcs12', reader: 'node-forge' } });
      expect((legacy.details as { collections: { name: string }[] }).collections.map((c) => c.name)).toEqual(['ais']);

      const api = await fetch(`${http.url}/api/checkTaxiiStatus`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
      expect(api.status).toBe(200);
      expect(await api.json()).toMatchObject({ resourceType: 'FLARE/TAXII', ok: true });

      const log = JSON.stringify(hub.recent(1000));
      expect(log).toContain('node-forge');
      expect(log).toContain('TAXII health check: healthy');
      expect(log).not.toContain(P12_PASSWORD);
    } finally {
      await http.close();
      await service.close();
    }
  });

  it('not configured: the shipped defaults', async () => {
    const service = new FlareService({ configDir: tempConfigDir(), mode: 'headless', version: '0.0.0', hub: new LogHub() });
    service.start();
    try {
      const h = await service.checkTaxiiStatus();
      expect(h).toMatchObject({ resourceType: 'FLARE/TAXII', ok: false, configured: false, statusCode: 0 });
      expect(h.hint).toMatch(/stixtransclient\.poll\.baseurl/);
    } finally {
      await service.close();
    }
  });
});

describe('flare-misp check taxii', () => {
  it('healthy: JSON on stdout, exit 0', async () => {
    const dir = configWith(feedKeys.config, feedKeys.application);
    const r = await cli('check', 'taxii', '--config-dir', dir, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const h = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(h).toMatchObject({ resourceType: 'FLARE/TAXII', resource: taxii.urls.poll, statusCode: 200, ok: true });
    expect(r.stdout).not.toContain(P12_PASSWORD);
  });

  it('rejected client certificate: a reason and a hint, exit 1', async () => {
    const dir = configWith(feedKeys.config);
    const r = await cli('check', 'taxii', '--config-dir', dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('NOT OK');
    expect(r.stdout).toMatch(/requires a client certificate/);
    expect(r.stdout).toMatch(/hint: .*client certificate/);
  });

  it('not configured: exit 1', async () => {
    const r = await cli('check', 'taxii', '--config-dir', tempConfigDir(), '--json');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, configured: false, reason: 'The TAXII feed is not configured.' });
  });
});

describe('flare-misp taxii poll', () => {
  it('writes every block of a 3-part poll, named by position and Timestamp_Label, with progress and a summary', async () => {
    const dir = configWith(feedKeys.config, feedKeys.application);
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'flare-taxii-out-')), 'blocks');
    const before = taxii.requests.length;
    const r = await cli('taxii', 'poll', '--collection', 'ais', '--begin', '2000-01-01T00:00:00Z', '--out', out, '--config-dir', dir);
    expect(r.status).toBe(0);
    // Progress on stderr, one line per part; the summary on stdout.
    expect(r.stderr).toMatch(/part 1: 3 blocks \(3 of 7 so far\), more to come/);
    expect(r.stderr).toMatch(/part 2: 3 blocks \(6 of 7 so far\), more to come/);
    expect(r.stderr).toMatch(/part 3: 1 block \(7 of 7 so far\)/);
    expect(r.stdout).toContain('7 content blocks in 3 parts; 7 files written to');
    const requests = taxii.requests.slice(before);
    expect(requests.map((q) => q.request?.type)).toEqual(['Poll_Request', 'Poll_Fulfillment', 'Poll_Fulfillment']);
    expect(requests.every((q) => q.clientCertificate?.subjectCN === 'cli-client')).toBe(true);

    const names = readdirSync(out).sort();
    expect(names).toHaveLength(7);
    names.forEach((name, i) => expect(name).toMatch(new RegExp(`^${String(i + 1).padStart(6, '0')}_\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}(\\.\\d+)?Z\\.xml$`)));
    // Each file is a standalone STIX document: the package, every namespace declared on it.
    for (const [i, name] of names.entries()) {
      const xml = readFileSync(path.join(out, name), 'utf8');
      expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<stix:STIX_Package ')).toBe(true);
      expect(xml).toContain(`id="${packageId(i)}"`);
      expect(xml).toContain('xmlns:stix="http://stix.mitre.org/stix-1"');
    }
    // Nothing else was left behind (no temporary files), and nothing outside the folder.
    expect(readdirSync(out).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(path.dirname(out))).toEqual(['blocks']);
  });

  it('a window with an end, and a failure says why with a hint (exit 1)', async () => {
    const dir = configWith(feedKeys.config, feedKeys.application);
    const out = mkdtempSync(path.join(tmpdir(), 'flare-taxii-out-'));
    const empty = await cli('taxii', 'poll', '--collection', 'ais', '--begin', '2000-01-01', '--end', '2000-01-02T00:00', '--out', out, '--config-dir', dir);
    expect(empty.status).toBe(0);
    expect(empty.stdout).toContain('0 content blocks in 1 part; 0 files written');

    const missing = await cli('taxii', 'poll', '--collection', 'no-such-collection', '--out', out, '--config-dir', dir);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/error: The TAXII server does not know "no-such-collection"/);
    expect(missing.stderr).toMatch(/hint: /);
    expect(existsSync(out)).toBe(true);
    expect(readdirSync(out)).toEqual([]);

    const badTime = await cli('taxii', 'poll', '--begin', 'yesterday', '--out', out, '--config-dir', dir);
    expect(badTime.status).toBe(1);
    expect(badTime.stderr).toMatch(/--begin yesterday/);
  });
});

describe('taxii poll file naming and writing', () => {
  const block = (over: Partial<PolledBlock>): PolledBlock => ({
    binding: 'urn:stix.mitre.org:xml:1.1.1',
    deliveredAs: 'xml',
    content: { kind: 'xml', documents: ['<a/>'] },
    partNumber: 1,
    index: 0,
    ...over,
  });

  it('names files by position and label; several documents, text and unreadable content get their own names', () => {
    expect(blockFiles(block({ index: 41, timestampLabel: '2016-01-01T00:00:01.123456Z' })).map((f) => f.name)).toEqual(['000042_2016-01-01T00-00-01.123456Z.xml']);
    expect(blockFiles(block({ content: { kind: 'xml', documents: ['<a/>', '<b/>'] } })).map((f) => f.name)).toEqual(['000001_no-timestamp_1.xml', '000001_no-timestamp_2.xml']);
    expect(blockFiles(block({ content: { kind: 'text', text: 'alert tcp any' } }))).toEqual([{ name: '000001_no-timestamp.txt', data: 'alert tcp any' }]);
    expect(blockFiles(block({ content: { kind: 'invalid', problem: 'bad', raw: '<a' } }))[0]?.name).toBe('000001_no-timestamp.invalid.txt');
  });

  it('writes only inside the folder', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'flare-write-'));
    await writeInside(out, 'x.xml', '<x/>');
    expect(readFileSync(path.join(out, 'x.xml'), 'utf8')).toBe('<x/>');
    for (const bad of ['../escape.xml', 'sub/x.xml', '/etc/x.xml']) await expect(writeInside(out, bad, '<x/>')).rejects.toThrow(/outside the folder/);
    expect(readdirSync(out)).toEqual(['x.xml']);
  });

  it('reads --begin/--end like cabby: no zone means UTC, a bare date means midnight', () => {
    expect(parseCliTimestamp('2024-01-31', '--begin')).toBe('2024-01-31T00:00:00Z');
    expect(parseCliTimestamp('2024-01-31T10:20', '--begin')).toBe('2024-01-31T10:20:00Z');
    expect(parseCliTimestamp('2024-01-31 10:20:30.5', '--begin')).toBe('2024-01-31T10:20:30.5Z');
    expect(parseCliTimestamp('2024-01-31T10:20:30+02:00', '--end')).toBe('2024-01-31T08:20:30Z');
    expect(() => parseCliTimestamp('last week', '--end')).toThrow(/--end last week/);
  });
});
