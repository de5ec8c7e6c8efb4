/**
 * "Check TAXII" over real sockets against the TAXII test server: healthy, not configured, unreachable, untrusted,
 * expired, wrong host, client certificate rejected, bad credentials files, and TAXII statuses — each with a reason
 * and a hint. The configuration is the typed `TaxiiConfig` the loader produces, with files written at test time.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeBlocks } from '../../simulators/taxii/fixtures';
import { startTaxiiServer, type TaxiiServerOptions, type TaxiiTestServer } from '../../simulators/taxii/server';
import { startConnectProxy } from '../../simulators/taxii/connect-proxy';
import { pkcs12, TestCa, type KeyAndCert } from '../../../test/certs/pki';
import type { HealthResult } from '../../../shared/api';
import type { TaxiiConfig } from '../config/config';
import { checkTaxiiHealth } from './health';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let ca: TestCa;
let serverPair: KeyAndCert;
let files: { ca: string; cert: string; key: string; legacyP12: string };
const dir = mkdtempSync(path.join(tmpdir(), 'flare-taxii-health-'));

beforeAll(() => {
  ca = new TestCa();
  serverPair = ca.serverCert();
  const client = ca.clientCert();
  files = { ca: path.join(dir, 'ca.pem'), cert: path.join(dir, 'client.crt'), key: path.join(dir, 'client.key'), legacyP12: path.join(dir, 'client-legacy.p12') };
  writeFileSync(files.ca, ca.cert);
  writeFileSync(files.cert, client.cert);
  writeFileSync(files.key, client.key);
  writeFileSync(files.legacyP12, pkcs12(client, 'keystore-pw', { legacy: true }));
});

/** Blocks labelled within the last hour (the health check's window). */
function recentBlocks(count: number): ReturnType<typeof makeBlocks> {
  return makeBlocks(count, { start: new Date(Date.now() - 20 * 60_000).toISOString(), stepSeconds: 60 });
}

async function server(options: TaxiiServerOptions): Promise<TaxiiTestServer> {
  const s = await startTaxiiServer({ blocks: recentBlocks(4), ...options });
  cleanups.push(() => s.close());
  return s;
}

function mtls(extra: TaxiiServerOptions['tls'] = {}): TaxiiServerOptions['tls'] {
  return { key: serverPair.key, cert: serverPair.cert, ca: ca.cert, requestCert: true, rejectUnauthorized: true, ...extra };
}

function config(over: Partial<TaxiiConfig>): TaxiiConfig {
  return {
    configured: true,
    collection: 'ais',
    collections: [],
    contentBindings: [],
    clientAuth: { kind: 'none' },
    connectTimeoutMs: 3000,
    readTimeoutMs: 5000,
    maxWaitSeconds: 10,
    ...over,
  };
}

const pemAuth = (): TaxiiConfig['clientAuth'] => ({ kind: 'pem', certFile: files.cert, keyFile: files.key });

function expectFailure(h: HealthResult, problem: string): void {
  expect(h.ok).toBe(false);
  expect(h.configured).toBe(true);
  expect(h.resourceType).toBe('FLARE/TAXII');
  expect(h.details?.problem).toBe(problem);
  expect(h.reason).toBeTruthy();
  expect(h.hint).toBeTruthy();
}

describe('checkTaxiiHealth', () => {
  it('healthy over mTLS: a COUNT_ONLY poll of the collection, sent to the poll URL', async () => {
    const s = await server({ tls: mtls() });
    const h = await checkTaxiiHealth(config({ pollUrl: s.urls.poll, caFile: files.ca, clientAuth: pemAuth() }));
    expect(h).toMatchObject({ resourceType: 'FLARE/TAXII', resource: s.urls.poll, statusCode: 200, ok: true, configured: true });
    expect(typeof h.latencyMs).toBe('number');
    expect(h.reason).toMatch(/answered for collection "ais": 4 content blocks/);
    expect(h.details).toMatchObject({ collection: 'ais', recordCount: { count: 4, partial: false }, clientCertificate: { format: 'pem', reader: 'openssl' } });
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]?.path).toBe('/taxii-data');
    expect(s.requests[0]?.request).toMatchObject({ type: 'Poll_Request', responseType: 'COUNT_ONLY' });
    expect(s.requests[0]?.xsdValid).toBe(true);
  });

  it('healthy with a legacy PKCS#12 key store and basic auth; lists services and collections when a discovery URL is set', async () => {
    const s = await server({ tls: mtls(), basicAuth: { username: 'analyst', password: 'pw-basic' } });
    const h = await checkTaxiiHealth(
      config({
        pollUrl: s.urls.poll,
        discoveryUrl: s.urls.discovery,
        caFile: files.ca,
        clientAuth: { kind: 'pkcs12', file: files.legacyP12, password: 'keystore-pw' },
        username: 'analyst',
        password: 'pw-basic',
      }),
    );
    expect(h.ok).toBe(true);
    expect(h.details?.clientCertificate).toMatchObject({ format: 'pkcs12', reader: 'node-forge' });
    expect(h.details?.services).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'POLL', address: s.urls.poll })]));
    expect(h.details?.collections).toEqual([expect.objectContaining({ name: 'ais' })]);
    expect(h.reason).toMatch(/offers 1 collection/);
    expect(JSON.stringify(h)).not.toMatch(/pw-basic|keystore-pw/);
  });

  it('not configured', async () => {
    const h = await checkTaxiiHealth(config({ configured: false, collection: undefined }));
    expect(h).toMatchObject({ ok: false, configured: false, statusCode: 0, reason: 'The TAXII feed is not configured.' });
    expect(h.hint).toMatch(/stixtransclient\.poll\.baseurl/);
  });

  it('unreachable: connection refused, and a host name that does not resolve', async () => {
    const s = await server({});
    const url = s.urls.poll;
    await s.close();
    const refused = await checkTaxiiHealth(config({ pollUrl: url }));
    expectFailure(refused, 'unreachable');
    expect(refused.statusCode).toBe(0);
    expect(refused.reason).toMatch(/refused the connection/);

    const nowhere: LookupFunction = (hostname, _o, cb) => process.nextTick(() => (cb as (e: Error) => void)(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })));
    // An empty environment: a proxy variable of the machine running the tests must not send this name to a proxy.
    const dns = await checkTaxiiHealth(config({ pollUrl: 'https://taxii.feed.invalid/taxii-data' }), { lookup: nowhere, env: {} });
    expectFailure(dns, 'unreachable');
    expect(dns.reason).toMatch(/could not be resolved/);
  });

  it('untrusted server certificate (no flare.taxii.ca), expired, wrong host', async () => {
    const s = await server({ tls: { key: serverPair.key, cert: serverPair.cert } });
    const untrusted = await checkTaxiiHealth(config({ pollUrl: s.urls.poll }));
    expectFailure(untrusted, 'untrusted');
    expect(untrusted.hint).toMatch(/flare\.taxii\.ca/);

    const expired = await server({ tls: ca.expiredServerCert() });
    expectFailure(await checkTaxiiHealth(config({ pollUrl: expired.urls.poll, caFile: files.ca })), 'expired');
    const wrongHost = await server({ tls: ca.wrongHostServerCert() });
    expectFailure(await checkTaxiiHealth(config({ pollUrl: wrongHost.urls.poll, caFile: files.ca })), 'wrong-host');
  });

  it('client certificate rejected: none configured, or one from another CA', async () => {
    const s = await server({ tls: mtls() });
    const missing = await checkTaxiiHealth(config({ pollUrl: s.urls.poll, caFile: files.ca }));
    expectFailure(missing, 'client-certificate-rejected');
    expect(missing.reason).toMatch(/requires a client certificate/);
    expect(missing.hint).toMatch(/client certificate/);

    const other = new TestCa('Foreign CA').clientCert('stranger');
    const foreignCert = path.join(dir, 'foreign.crt');
    const foreignKey = path.join(dir, 'foreign.key');
    writeFileSync(foreignCert, other.cert);
    writeFileSync(foreignKey, other.key);
    const foreign = await checkTaxiiHealth(config({ pollUrl: s.urls.poll, caFile: files.ca, clientAuth: { kind: 'pem', certFile: foreignCert, keyFile: foreignKey } }));
    expectFailure(foreign, 'client-certificate-rejected');
  });

  it('credentials that cannot be used are reported before connecting', async () => {
    const s = await server({ tls: mtls() });
    const wrongPassword = await checkTaxiiHealth(config({ pollUrl: s.urls.poll, caFile: files.ca, clientAuth: { kind: 'pkcs12', file: files.legacyP12, password: 'wrong' } }));
    expectFailure(wrongPassword, 'credentials');
    expect(wrongPassword.hint).toMatch(/client\.ssl\.key-store-password/);
    const missingFile = await checkTaxiiHealth(config({ pollUrl: s.urls.poll, caFile: path.join(dir, 'nope.pem') }));
    expectFailure(missingFile, 'credentials');
    expect(missingFile.reason).toMatch(/does not exist/);
    expect(s.requests).toHaveLength(0);
  });

  it('TAXII status UNAUTHORIZED: credentials missing or not accepted', async () => {
    const s = await server({ basicAuth: { username: 'analyst', password: 'right' } });
    const none = await checkTaxiiHealth(config({ pollUrl: s.urls.poll }));
    expectFailure(none, 'taxii-status');
    expect(none.statusCode).toBe(200);
    expect(none.details?.statusType).toBe('UNAUTHORIZED');
    expect(none.reason).toMatch(/requires credentials/);
    expect(none.hint).toMatch(/flare\.taxii\.username/);
    const wrong = await checkTaxiiHealth(config({ pollUrl: s.urls.poll, username: 'analyst', password: 'wrong' }));
    expect(wrong.details?.statusType).toBe('UNAUTHORIZED');
    expect(wrong.reason).toMatch(/did not accept/);
  });

  it('TAXII status NOT_FOUND for an unknown collection: the hint names the collections the server offers', async () => {
    const s = await server({ collections: [{ name: 'ais', blocks: recentBlocks(1) }, { name: 'guest.phishtank_com', blocks: [] }] });
    const h = await checkTaxiiHealth(config({ pollUrl: s.urls.poll, collection: 'AIS-typo', collectionManagementUrl: s.urls.collections }));
    expectFailure(h, 'taxii-status');
    expect(h.details?.statusType).toBe('NOT_FOUND');
    expect(h.reason).toMatch(/does not know the collection "AIS-typo"/);
    expect(h.hint).toMatch(/ais, guest\.phishtank_com/);
    // Without a collection management URL, the hint says how to get the list.
    const bare = await checkTaxiiHealth(config({ pollUrl: s.urls.poll, collection: 'AIS-typo' }));
    expect(bare.hint).toMatch(/flare\.taxii\.collection-management\.url/);
  });

  it('a poll URL that is not the poll service (FAILURE "Message not supported by this service")', async () => {
    const s = await server({});
    const h = await checkTaxiiHealth(config({ pollUrl: s.urls.discovery }));
    expectFailure(h, 'taxii-status');
    expect(h.details?.statusType).toBe('FAILURE');
    expect(h.reason).toMatch(/not the poll service/);
  });

  it('through a proxy with credentials', async () => {
    const proxy = await startConnectProxy({ auth: { username: 'u', password: 'proxy-secret' } });
    cleanups.push(() => proxy.close());
    const s = await server({ tls: mtls() });
    const h = await checkTaxiiHealth(config({ pollUrl: s.urls.poll, caFile: files.ca, clientAuth: pemAuth(), proxy: proxy.urlWithAuth }));
    expect(h.ok).toBe(true);
    expect(h.details?.proxy).toBe(proxy.url);
    expect(proxy.connects).toEqual([`127.0.0.1:${s.port}`]);
    expect(JSON.stringify(h)).not.toContain('proxy-secret');
    const denied = await checkTaxiiHealth(config({ pollUrl: s.urls.poll, caFile: files.ca, clientAuth: pemAuth(), proxy: proxy.url }));
    expectFailure(denied, 'proxy');
  });
});
