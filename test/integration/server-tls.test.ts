/**
 * HTTPS for the headless service from the old service's keys (server.ssl.*), over real sockets with certificates
 * made at test time: a modern and a legacy (RC2/3DES) PKCS#12 key store, the ways a key store is refused at start
 * (instead of serving plain HTTP), and client certificates required and verified with flare.api.clientAuth
 * against flare.server.ca (PEM) or server.ssl.trust-store (PKCS#12).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../../src-main/core/config/index';
import { FlareService } from '../../src-main/core/service';
import { LogHub } from '../../src-main/core/log/index';
import { startServer, type RunningServer } from '../../src-main/headless/server';
import { serverTlsFromConfig } from '../../src-main/headless/tls';
import { raw } from '../../src-main/headless/test-requests';
import { pkcs12, trustStorePkcs12, TestCa, type KeyAndCert } from '../certs/pki';
import { memoryLogger } from '../support/memory-logger';
import { tempConfigDir } from '../support/config-dir';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let ca: TestCa;
let otherCa: TestCa;
let serverPair: KeyAndCert;
let client: KeyAndCert;
let stranger: KeyAndCert;
beforeAll(() => {
  ca = new TestCa();
  otherCa = new TestCa('Some Other CA');
  serverPair = ca.serverCert({ dns: ['localhost', 'flare.test.internal'], ips: ['127.0.0.1'] });
  client = ca.clientCert('admin-script');
  stranger = otherCa.clientCert('stranger');
});

/** A config folder with these application.properties keys (added after the shipped lines) and files beside it. */
function configWith(keys: Record<string, string>, files: Record<string, string | Buffer> = {}): string {
  const dir = tempConfigDir();
  for (const [name, data] of Object.entries(files)) writeFileSync(path.join(dir, name), data);
  const p = path.join(dir, 'application.properties');
  const lines = Object.entries(keys).map(([k, v]) => `${k}=${v.replace(/\{dir\}/g, dir)}`);
  writeFileSync(p, `${readFileSync(p, 'utf8')}\n${lines.join('\n')}\n`);
  return dir;
}

async function serveFrom(dir: string, host = '127.0.0.1'): Promise<{ s: RunningServer; lines: string[] }> {
  const { logger, lines } = memoryLogger();
  const { server } = loadServerConfig(dir, {});
  const tls = serverTlsFromConfig(server, logger);
  const hub = new LogHub();
  const service = new FlareService({ configDir: dir, mode: 'headless', version: '0.0.0', hub, env: {} });
  service.start();
  cleanups.push(() => service.close());
  const s = await startServer({ api: service, events: service, host, port: 0, log: logger, ...(tls && { tls }), ...(server.token && { token: server.token }), ...(server.names && { hostNames: server.names }) });
  cleanups.push(() => s.close());
  return { s, lines };
}

const statusOf = (base: string, tls: NonNullable<Parameters<typeof raw>[2]>['tls'], path_ = '/api/status') =>
  raw(base, path_, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]', tls });

describe('HTTPS from server.ssl.key-store', () => {
  it('a PKCS#12 key store (modern encryption): HTTPS only, verified by its CA; plain HTTP gets no answer', async () => {
    const dir = configWith({ 'server.ssl.key-store': 'file:{dir}/server.p12', 'server.ssl.key-store-password': 'changeit', 'server.ssl.key-store-type': 'PKCS12' }, { 'server.p12': pkcs12(serverPair, 'changeit', { name: 'localhost.localdomain' }) });
    const { s, lines } = await serveFrom(dir);
    expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const r = await statusOf(s.url, { ca: ca.cert });
    expect(r.status).toBe(200);
    expect(lines.join('\n')).toContain('HTTPS certificate read by OpenSSL');
    // Not trusted without the CA: nothing is answered to a client that cannot verify the service.
    await expect(statusOf(s.url, {})).rejects.toThrow(/self-signed|unable to verify|certificate/i);
    // The name in the certificate is one the Host header may carry.
    expect((await raw(s.url, '/health', { headers: { host: `flare.test.internal:${s.port}` }, tls: { ca: ca.cert } })).status).not.toBe(403);
    await expect(raw(`http://127.0.0.1:${s.port}`, '/api/status', { method: 'POST', body: '[]' })).rejects.toThrow();
  });

  it('a legacy PKCS#12 key store (RC2-40/3DES, what OpenSSL 1.x and older keytool write) is read with node-forge', async () => {
    const dir = configWith({ 'server.ssl.key-store': '{dir}/legacy.p12', 'server.ssl.key-password': 'old-pass' }, { 'legacy.p12': pkcs12(serverPair, 'old-pass', { legacy: true }) });
    const { s, lines } = await serveFrom(dir);
    expect((await statusOf(s.url, { ca: ca.cert })).status).toBe(200);
    expect(lines.join('\n')).toContain('node-forge');
  });

  it('a key store that cannot be used stops the start with the reason, never plain HTTP', async () => {
    const p12 = pkcs12(serverPair, 'right');
    const start = (keys: Record<string, string>, files: Record<string, string | Buffer> = { 'server.p12': p12 }) => {
      const { server } = loadServerConfig(configWith(keys, files), {});
      return serverTlsFromConfig(server, memoryLogger().logger);
    };
    expect(() => start({ 'server.ssl.key-store': '{dir}/server.p12', 'server.ssl.key-store-password': 'wrong' })).toThrow(/The password of the server key store .*server\.p12 \(PKCS#12\) is wrong/);
    expect(() => start({ 'server.ssl.key-store': '{dir}/server.p12' })).toThrow(/server key store .* (needs a password|is wrong)/);
    expect(() => start({ 'server.ssl.key-store': '{dir}/missing.p12', 'server.ssl.key-store-password': 'right' })).toThrow(/server\.ssl\.key-store: file not found: .*missing\.p12/);
    expect(() => start({ 'server.ssl.key-store': '{dir}/server.p12', 'server.ssl.key-store-password': 'right' }, { 'server.p12': 'not a key store' })).toThrow(/not a readable PKCS#12 file/);
    // Key store types other than PKCS#12 (JKS) and HTTPS keys without a key store are configuration errors.
    expect(() => start({ 'server.ssl.key-store': '{dir}/server.p12', 'server.ssl.key-store-type': 'JKS' })).toThrow(/server\.ssl\.key-store-type: expected one of PKCS12/);
    expect(() => start({ 'server.ssl.key-store-password': 'right' })).toThrow(/server\.ssl\.key-store-password: is set but server\.ssl\.key-store is empty/);
  });
});

describe('client certificates (flare.api.clientAuth)', () => {
  const p12 = () => pkcs12(serverPair, 'changeit');

  it('required and verified against flare.server.ca: none, or one from another CA, gets no answer', async () => {
    const dir = configWith(
      { 'server.ssl.key-store': '{dir}/server.p12', 'server.ssl.key-store-password': 'changeit', 'flare.api.clientAuth': 'true', 'flare.server.ca': '{dir}/clients-ca.pem' },
      { 'server.p12': p12(), 'clients-ca.pem': ca.cert },
    );
    // Beyond loopback without a token: the client certificates are the protection.
    const { s } = await serveFrom(dir, '0.0.0.0');
    const base = `https://127.0.0.1:${s.port}`;
    expect((await statusOf(base, { ca: ca.cert, cert: client.cert, key: client.key })).status).toBe(200);
    await expect(statusOf(base, { ca: ca.cert })).rejects.toThrow();
    await expect(statusOf(base, { ca: ca.cert, cert: stranger.cert, key: stranger.key })).rejects.toThrow();
  });

  it('the CA from server.ssl.trust-store (PKCS#12, legacy encryption too)', async () => {
    const dir = configWith(
      { 'server.ssl.key-store': '{dir}/server.p12', 'server.ssl.key-store-password': 'changeit', 'flare.api.clientAuth': 'true', 'server.ssl.trust-store': '{dir}/trust.p12', 'server.ssl.trust-store-password': 'trustpw' },
      { 'server.p12': p12(), 'trust.p12': trustStorePkcs12([ca.cert], 'trustpw', { legacy: true }) },
    );
    const { s } = await serveFrom(dir);
    expect((await statusOf(s.url, { ca: ca.cert, cert: client.cert, key: client.key })).status).toBe(200);
    await expect(statusOf(s.url, { ca: ca.cert, cert: stranger.cert, key: stranger.key })).rejects.toThrow();
  });

  it('refused at start without a CA, or without HTTPS', () => {
    expect(() => loadServerConfig(configWith({ 'server.ssl.key-store': '{dir}/server.p12', 'flare.api.clientAuth': 'true' }), {})).toThrow(/flare\.api\.clientAuth: is true but neither flare\.server\.ca nor server\.ssl\.trust-store/);
    expect(() => loadServerConfig(configWith({ 'flare.api.clientAuth': 'true', 'flare.server.ca': '{dir}/ca.pem' }), {})).toThrow(/flare\.api\.clientAuth: is true but server\.ssl\.key-store is empty/);
    const wrongPassword = configWith(
      { 'server.ssl.key-store': '{dir}/server.p12', 'server.ssl.key-store-password': 'changeit', 'flare.api.clientAuth': 'true', 'server.ssl.trust-store': '{dir}/trust.p12', 'server.ssl.trust-store-password': 'nope' },
      { 'server.p12': p12(), 'trust.p12': trustStorePkcs12([ca.cert], 'trustpw') },
    );
    expect(() => serverTlsFromConfig(loadServerConfig(wrongPassword, {}).server, memoryLogger().logger)).toThrow(/password of the server trust store .* is wrong/);
  });
});
