/**
 * The TAXII transport over real sockets against the TAXII test server, with certificates made at test time:
 * mutual TLS with every client-certificate form admins have, the ways a TLS connection is refused, basic auth,
 * connect and read timeouts, DNS failure and the proxy path.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo, type LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeBlocks } from '../../simulators/taxii/fixtures';
import { startTaxiiServer, type TaxiiServerOptions, type TaxiiTestServer } from '../../simulators/taxii/server';
import { startConnectProxy, type ConnectProxy } from '../../simulators/taxii/connect-proxy';
import { encryptKey, pkcs12, TestCa, type KeyAndCert } from '../../../test/certs/pki';
import type { TaxiiConfig } from '../config/config';
import { buildDiscoveryRequest } from './build-messages';
import { TaxiiCredentialsError, TaxiiHttpError, TaxiiTransportError } from './errors';
import { exchange } from './exchange';
import { basicAuthHeader, taxiiTransportFromConfig } from './from-config';
import { createHttpTransport, type HttpTransport, type HttpTransportOptions } from './http-transport';
import { discover } from './services';
import { TaxiiStatusError } from './status';
import { memoryLogger } from '../../../test/support/memory-logger';
import { rejection, thrown } from '../../../test/support/errors';
import { pollAll } from './testing';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let ca: TestCa;
let server: KeyAndCert;
let client: KeyAndCert;
let ecClient: KeyAndCert;
beforeAll(() => {
  ca = new TestCa();
  server = ca.serverCert();
  client = ca.clientCert();
  ecClient = ca.ecClientCert();
});

function transport(options: HttpTransportOptions = {}): HttpTransport {
  const t = createHttpTransport(options);
  cleanups.push(() => t.close());
  return t;
}

async function taxiiServer(options: TaxiiServerOptions): Promise<TaxiiTestServer> {
  const s = await startTaxiiServer(options);
  cleanups.push(() => s.close());
  return s;
}

/** An HTTPS TAXII server that demands a client certificate signed by `ca`. */
function mtlsServer(extra: TaxiiServerOptions = {}): Promise<TaxiiTestServer> {
  return taxiiServer({ blocks: makeBlocks(3), tls: { key: server.key, cert: server.cert, ca: ca.cert, requestCert: true, rejectUnauthorized: true }, ...extra });
}

describe('mutual TLS: the client certificate forms admins have', () => {
  it('PEM certificate and key', async () => {
    const s = await mtlsServer();
    const { logger, lines } = memoryLogger();
    const t = transport({ tls: { ca: ca.cert, cert: client.cert, key: client.key }, logger });
    expect(await pollAll(s.urls.poll, t)).toBe(3);
    expect(s.requests[0]?.clientCertificate).toEqual({ authorized: true, subjectCN: 'flare-misp-client' });
    expect(t.info.clientCertificate).toMatchObject({ format: 'pem', reader: 'openssl', expired: false });
    expect(t.info.clientCertificate?.subject).toContain('CN=flare-misp-client');
    expect(lines.join('\n')).toContain('PEM read by OpenSSL');
    expect(lines.join('\n')).not.toContain('PRIVATE KEY');
  });

  it('an encrypted PEM key with its passphrase; without it or with a wrong one, a clear credentials error', async () => {
    const s = await mtlsServer();
    const encrypted = encryptKey(client.key, 'correct horse');
    expect(encrypted).toContain('ENCRYPTED PRIVATE KEY');
    expect(await pollAll(s.urls.poll, transport({ tls: { ca: ca.cert, cert: client.cert, key: encrypted, passphrase: 'correct horse' } }))).toBe(3);
    expect(s.requests[0]?.clientCertificate?.authorized).toBe(true);

    const missing = thrown(() => createHttpTransport({ tls: { cert: client.cert, key: encrypted } }), TaxiiCredentialsError);
    expect(missing.code).toBe('taxii_client_credentials');
    expect(missing.message).toMatch(/encrypted and no passphrase/);
    expect(missing.hint).toMatch(/flare\.taxii\.client\.key\.passphrase/);
    const wrong = thrown(() => createHttpTransport({ tls: { cert: client.cert, key: encrypted, passphrase: 'battery staple' } }), TaxiiCredentialsError);
    expect(wrong.message).toMatch(/passphrase is wrong/);
    expect(wrong.message).not.toContain('battery staple');
  });

  it('a key that does not belong to the certificate is named as such', () => {
    const other = ca.clientCert('someone-else');
    const e = thrown(() => createHttpTransport({ tls: { cert: client.cert, key: other.key } }), TaxiiCredentialsError);
    expect(e.message).toMatch(/does not belong/);
  });

  it('a modern PKCS#12 file (AES-256, SHA-256 MAC) is read by OpenSSL', async () => {
    const s = await mtlsServer();
    const p12 = pkcs12(client, 's3cret-p12', { chain: [ca.cert] });
    const { logger, lines } = memoryLogger();
    const t = transport({ tls: { ca: ca.cert, pfx: p12, passphrase: 's3cret-p12' }, logger });
    expect(await pollAll(s.urls.poll, t)).toBe(3);
    expect(s.requests[0]?.clientCertificate).toEqual({ authorized: true, subjectCN: 'flare-misp-client' });
    expect(t.info.clientCertificate).toMatchObject({ format: 'pkcs12', reader: 'openssl' });
    expect(lines.join('\n')).toContain('PKCS#12 read by OpenSSL');
    expect(lines.join('\n')).not.toContain('s3cret-p12');
  });

  it('a legacy PKCS#12 file (openssl -legacy: RC2-40/3DES), which OpenSSL 3 refuses, is read by node-forge and says so', async () => {
    const s = await mtlsServer();
    const p12 = pkcs12(client, 'legacy-pw', { legacy: true });
    // The premise: Node's own OpenSSL cannot read it.
    const tls = await import('node:tls');
    expect(() => tls.createSecureContext({ pfx: p12, passphrase: 'legacy-pw' })).toThrow(/Unsupported PKCS12 PFX data/);

    const { logger, lines } = memoryLogger();
    const t = transport({ tls: { ca: ca.cert, pfx: p12, passphrase: 'legacy-pw' }, logger });
    expect(await pollAll(s.urls.poll, t)).toBe(3);
    expect(s.requests[0]?.clientCertificate).toEqual({ authorized: true, subjectCN: 'flare-misp-client' });
    expect(t.info.clientCertificate).toMatchObject({ format: 'pkcs12', reader: 'node-forge' });
    expect(lines.some((l) => l.startsWith('debug') && l.includes('node-forge'))).toBe(true);
    expect(lines.join('\n')).not.toContain('legacy-pw');

    const wrong = thrown(() => createHttpTransport({ tls: { pfx: p12, passphrase: 'nope' } }), TaxiiCredentialsError);
    expect(wrong.message).toMatch(/password of the client key store .* is wrong/);
    expect(wrong.hint).toMatch(/client\.ssl\.key-store-password/);
  });

  it('an EC (P-256) key: PEM, and a modern PKCS#12 read by OpenSSL; the server gets an EC client certificate', async () => {
    const s = await mtlsServer();
    expect(ecClient.key).toContain('-----BEGIN PRIVATE KEY-----');
    const pem = transport({ tls: { ca: ca.cert, cert: ecClient.cert, key: ecClient.key } });
    expect(await pollAll(s.urls.poll, pem)).toBe(3);
    expect(pem.info.clientCertificate).toMatchObject({ format: 'pem', keyType: 'ec', curve: 'prime256v1' });

    const p12 = pkcs12(ecClient, 'ec-modern-pw', { chain: [ca.cert] });
    const { logger, lines } = memoryLogger();
    const t = transport({ tls: { ca: ca.cert, pfx: p12, passphrase: 'ec-modern-pw' }, logger });
    expect(await pollAll(s.urls.poll, t)).toBe(3);
    expect(s.requests.map((r) => r.clientCertificate)).toEqual(Array(2).fill({ authorized: true, subjectCN: 'flare-misp-ec-client', curve: 'P-256' }));
    expect(t.info.clientCertificate).toMatchObject({ format: 'pkcs12', reader: 'openssl', keyType: 'ec', curve: 'prime256v1', expired: false });
    expect(t.info.clientCertificate?.subject).toContain('CN=flare-misp-ec-client');
    expect(lines.join('\n')).toContain('PKCS#12 read by OpenSSL');
    expect(lines.join('\n')).toContain('EC key (prime256v1)');
    expect(lines.join('\n')).not.toContain('ec-modern-pw');
  });

  it('a legacy PKCS#12 with an EC (P-256) key: node-forge decrypts it, Node reads the EC key, and the handshake uses it', async () => {
    const s = await mtlsServer();
    // The CA certificate goes in too, so the client certificate must be picked out by its key.
    const p12 = pkcs12(ecClient, 'ec-legacy-pw', { legacy: true, chain: [ca.cert] });
    const tls = await import('node:tls');
    expect(() => tls.createSecureContext({ pfx: p12, passphrase: 'ec-legacy-pw' })).toThrow(/Unsupported PKCS12 PFX data/);

    const { logger, lines } = memoryLogger();
    const t = transport({ tls: { ca: ca.cert, pfx: p12, passphrase: 'ec-legacy-pw' }, logger });
    expect(await pollAll(s.urls.poll, t)).toBe(3);
    expect(s.requests[0]?.clientCertificate).toEqual({ authorized: true, subjectCN: 'flare-misp-ec-client', curve: 'P-256' });
    expect(t.info.clientCertificate).toMatchObject({ format: 'pkcs12', reader: 'node-forge', keyType: 'ec', curve: 'prime256v1', expired: false });
    expect(t.info.clientCertificate?.subject).toContain('CN=flare-misp-ec-client');
    expect(lines.some((l) => l.startsWith('debug') && l.includes('read by node-forge') && l.includes('EC key (prime256v1)'))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/ec-legacy-pw|PRIVATE KEY/);

    const wrong = thrown(() => createHttpTransport({ tls: { pfx: p12, passphrase: 'nope' } }), TaxiiCredentialsError);
    expect(wrong.message).toMatch(/password of the client key store .* is wrong/);
  });

  it('a legacy PKCS#12 no reader can decrypt (RC4 key) is a config error naming the file, with the openssl command that fixes it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flare-mtls-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    // A folder name with a space: the command in the hint must quote the paths.
    mkdirSync(path.join(dir, 'key stores'));
    const file = path.join(dir, 'key stores', 'client.p12');
    writeFileSync(file, pkcs12(ecClient, 'rc4-old-pw', { legacy: true, keyPbe: 'PBE-SHA1-RC4-128' }), { mode: 0o600 });
    const caFile = path.join(dir, 'ca.pem');
    writeFileSync(caFile, ca.cert);
    const config = (clientAuth: TaxiiConfig['clientAuth']): TaxiiConfig => ({
      configured: true,
      collection: 'ais',
      collections: [],
      contentBindings: [],
      caFile,
      clientAuth,
      connectTimeoutMs: 5000,
      readTimeoutMs: 5000,
      maxWaitSeconds: 10,
    });

    const e = thrown(() => taxiiTransportFromConfig(config({ kind: 'pkcs12', file, password: 'rc4-old-pw' })), TaxiiCredentialsError);
    expect(e.code).toBe('taxii_client_credentials');
    expect(e.message).toContain(`The client key store ${file} (PKCS#12) uses legacy encryption that OpenSSL 3 refuses`);
    expect(e.message).toMatch(/encryption algorithm is not supported/);
    const stem = path.join(dir, 'key stores', 'client');
    const command = `openssl pkcs12 -legacy -in "${file}" -out "${stem}-tmp.pem" && openssl pkcs12 -export -in "${stem}-tmp.pem" -out "${stem}-aes.p12"`;
    expect(e.hint).toContain(command);
    expect(e.hint).toContain(`set client.ssl.key-store to ${stem}-aes.p12`);
    expect(e.hint).toContain(`delete ${stem}-tmp.pem`);
    expect(`${e.message} ${e.hint} ${JSON.stringify(e.detail)}`).not.toContain('rc4-old-pw');

    // The hint's command does what it says (passwords given through the environment instead of the prompts).
    const scripted = command
      .replace('-legacy ', '-legacy -passin env:OLD_PW -passout env:TMP_PW ')
      .replace('-export ', '-export -passin env:TMP_PW -passout env:NEW_PW ');
    const run = spawnSync('sh', ['-c', scripted], { env: { ...process.env, OLD_PW: 'rc4-old-pw', TMP_PW: 'tmp-pw', NEW_PW: 'rc4-new-pw' }, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const s = await mtlsServer();
    const fixed = taxiiTransportFromConfig(config({ kind: 'pkcs12', file: `${stem}-aes.p12`, password: 'rc4-new-pw' }));
    cleanups.push(() => fixed.close());
    expect(fixed.info.clientCertificate).toMatchObject({ format: 'pkcs12', reader: 'openssl', keyType: 'ec', curve: 'prime256v1' });
    expect(await pollAll(s.urls.poll, fixed)).toBe(3);
    expect(s.requests[0]?.clientCertificate).toEqual({ authorized: true, subjectCN: 'flare-misp-ec-client', curve: 'P-256' });
  });

  it('a file that is not PKCS#12 at all is named as such', () => {
    const e = thrown(() => createHttpTransport({ tls: { pfx: Buffer.from('not a key store'), passphrase: 'x' } }), TaxiiCredentialsError);
    expect(e.message).toMatch(/not a readable PKCS#12/);
  });
});

describe('refused TLS connections, each with its own reason', () => {
  it('no client certificate where one is required: "client certificate rejected"', async () => {
    const s = await mtlsServer();
    const e = await rejection(pollAll(s.urls.poll, transport({ tls: { ca: ca.cert } })), TaxiiTransportError);
    expect(e.code).toBe('taxii_client_cert_rejected');
    expect(e.message).toMatch(/requires a client certificate/);
    expect(e.hint).toMatch(/flare\.taxii\.client\.cert/);
    expect(e.retryable).toBe(false);
  });

  it('a client certificate from a CA the server does not know: "client certificate rejected"', async () => {
    const s = await mtlsServer();
    const foreign = new TestCa('Some Other CA').clientCert('stranger');
    const e = await rejection(pollAll(s.urls.poll, transport({ tls: { ca: ca.cert, cert: foreign.cert, key: foreign.key } })), TaxiiTransportError);
    expect(e.code).toBe('taxii_client_cert_rejected');
    expect(e.message).toMatch(/client certificate/);
    expect(e.retryable).toBe(false);
  });

  it('the same over TLS 1.2, where servers answer a handshake failure or drop the handshake', async () => {
    const s = await mtlsServer({ tls: { key: server.key, cert: server.cert, ca: ca.cert, requestCert: true, rejectUnauthorized: true, maxVersion: 'TLSv1.2' } });
    const none = await rejection(pollAll(s.urls.poll, transport({ tls: { ca: ca.cert } })), TaxiiTransportError);
    expect(none.code).toBe('taxii_client_cert_rejected');
    expect(none.message).toMatch(/handshake failure/);
    const foreign = new TestCa('Yet Another CA').clientCert('stranger');
    const e = await rejection(pollAll(s.urls.poll, transport({ tls: { ca: ca.cert, cert: foreign.cert, key: foreign.key } })), TaxiiTransportError);
    expect(e.code).toBe('taxii_client_cert_rejected');
    expect(await pollAll(s.urls.poll, transport({ tls: { ca: ca.cert, cert: client.cert, key: client.key } }))).toBe(3);
  });

  it('an HTML 400 from a TLS-terminating proxy that wanted a certificate: "client certificate rejected"', async () => {
    const s = await taxiiServer({
      blocks: makeBlocks(1),
      faults: [
        {
          on: 'poll',
          action: {
            type: 'raw',
            status: 400,
            headers: { 'content-type': 'text/html' },
            body: '<html>\r\n<head><title>400 No required SSL certificate was sent</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>No required SSL certificate was sent</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
          },
        },
      ],
    });
    const e = await rejection(pollAll(s.urls.poll, transport()), TaxiiHttpError);
    expect(e.code).toBe('taxii_client_cert_rejected');
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/rejected the client certificate/);
  });

  it('an untrusted server certificate is refused unless its CA is configured', async () => {
    const s = await taxiiServer({ blocks: makeBlocks(2), tls: { key: server.key, cert: server.cert } });
    const e = await rejection(pollAll(s.urls.poll, transport()), TaxiiTransportError);
    expect(e.code).toBe('taxii_tls_untrusted');
    expect(e.hint).toMatch(/flare\.taxii\.ca/);
    expect(s.requests).toHaveLength(0);
    // A CA file may hold several certificates (a bundle), in any order.
    const bundle = new TestCa('Unrelated CA').cert + ca.cert;
    expect(await pollAll(s.urls.poll, transport({ tls: { ca: bundle } }))).toBe(2);
  });

  it('a CA file without a certificate is a credentials error, not a silent trust-nothing', () => {
    const e = thrown(() => createHttpTransport({ tls: { ca: 'hello' } }), TaxiiCredentialsError);
    expect(e.code).toBe('taxii_ca_file');
  });

  it('an expired server certificate', async () => {
    const s = await taxiiServer({ blocks: makeBlocks(1), tls: { ...ca.expiredServerCert() } });
    const e = await rejection(pollAll(s.urls.poll, transport({ tls: { ca: ca.cert } })), TaxiiTransportError);
    expect(e.code).toBe('taxii_tls_expired');
    expect(e.message).toMatch(/expired/);
  });

  it('a server certificate for another host name', async () => {
    const s = await taxiiServer({ blocks: makeBlocks(1), tls: { ...ca.wrongHostServerCert() } });
    const e = await rejection(pollAll(s.urls.poll, transport({ tls: { ca: ca.cert } })), TaxiiTransportError);
    expect(e.code).toBe('taxii_tls_wrong_host');
    expect(e.message).toMatch(/another host name/);
  });

  it('https:// to a plain-HTTP port says the server does not speak TLS there', async () => {
    const s = await taxiiServer({ blocks: makeBlocks(1) });
    const e = await rejection(pollAll(s.urls.poll.replace('http:', 'https:'), transport()), TaxiiTransportError);
    expect(e.code).toBe('taxii_tls');
    expect(e.message).toMatch(/does not speak TLS/);
  });
});

describe('basic auth, timeouts and names', () => {
  it('HTTP basic authentication: accepted, and UNAUTHORIZED without it', async () => {
    const s = await taxiiServer({ blocks: makeBlocks(2), basicAuth: { username: 'analyst', password: 'p@ss:word' } });
    expect(await pollAll(s.urls.poll, transport({ headers: basicAuthHeader('analyst', 'p@ss:word') }))).toBe(2);
    const e = await rejection(pollAll(s.urls.poll, transport()), TaxiiStatusError);
    expect(e.statusType).toBe('UNAUTHORIZED');
    const wrong = await rejection(pollAll(s.urls.poll, transport({ headers: basicAuthHeader('analyst', 'guess') })), TaxiiStatusError);
    expect(wrong.statusType).toBe('UNAUTHORIZED');
  });

  it('connect timeout: a server that accepts TCP but never completes the TLS handshake', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          silent.close(() => r());
        }),
    );
    const url = `https://127.0.0.1:${(silent.address() as AddressInfo).port}/taxii-data`;
    const e = await rejection(transport({ connectTimeoutMs: 150 }).post(url, buildDiscoveryRequest().xml), TaxiiTransportError);
    expect(e.code).toBe('taxii_timeout');
    expect(e.detail).toMatchObject({ phase: 'connect' });
    expect(e.retryable).toBe(true);
  });

  it('read timeout: the answer stalls half-way', async () => {
    const s = await taxiiServer({ blocks: makeBlocks(3), faults: [{ on: 'poll', action: { type: 'slow', delayMs: 1500 } }] });
    const e = await rejection(pollAll(s.urls.poll, transport({ readTimeoutMs: 150 })), TaxiiTransportError);
    expect(e.code).toBe('taxii_timeout');
    expect(e.detail).toMatchObject({ phase: 'read' });
  });

  it('DNS failure: an injected resolver that knows no such host, and a real name under .invalid', async () => {
    const nowhere: LookupFunction = (hostname, _options, callback) => {
      const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
      process.nextTick(() => (callback as (e: Error) => void)(err));
    };
    const injected = await rejection(transport({ lookup: nowhere }).post('http://feed.example.test:9/taxii-data', '<x/>'), TaxiiTransportError);
    expect(injected.code).toBe('taxii_host_not_found');
    expect(injected.message).toMatch(/could not be resolved/);
    // A reserved name (RFC 2606): the resolver answers NXDOMAIN (or, offline, cannot answer); nothing is sent.
    const real = await rejection(transport({ connectTimeoutMs: 5000 }).post('http://taxii.flare-misp-test.invalid/taxii-data', '<x/>'), TaxiiTransportError);
    expect(['taxii_host_not_found', 'taxii_timeout']).toContain(real.code);
  });
});

describe('through an HTTP proxy', () => {
  let proxy: ConnectProxy;
  beforeAll(async () => {
    proxy = await startConnectProxy({ auth: { username: 'proxy-user', password: 'proxy pass' } });
    return () => proxy.close();
  });

  it('tunnels https:// with CONNECT and proxy credentials; the TAXII server still sees our client certificate and we still verify it', async () => {
    const s = await mtlsServer();
    const before = proxy.connects.length;
    const t = transport({ proxy: proxy.urlWithAuth, tls: { ca: ca.cert, cert: client.cert, key: client.key } });
    expect(t.info.proxy).toBe(proxy.url);
    expect(await pollAll(s.urls.poll, t)).toBe(3);
    expect(proxy.connects.slice(before)).toEqual([`127.0.0.1:${s.port}`]);
    expect(s.requests[0]?.clientCertificate).toEqual({ authorized: true, subjectCN: 'flare-misp-client' });
    // Verification is end to end: without the CA, the tunnelled connection is refused like a direct one.
    const e = await rejection(pollAll(s.urls.poll, transport({ proxy: proxy.urlWithAuth, tls: { cert: client.cert, key: client.key } })), TaxiiTransportError);
    expect(e.code).toBe('taxii_tls_untrusted');
  });

  it('forwards http:// in absolute form with proxy credentials', async () => {
    const s = await taxiiServer({ blocks: makeBlocks(2) });
    const answer = await discover(s.urls.discovery, { transport: transport({ proxy: proxy.urlWithAuth }) });
    expect(answer.services.length).toBeGreaterThan(0);
    expect(proxy.forwarded).toContain(s.urls.discovery);
    expect(s.requests[0]?.headers['proxy-authorization']).toBeUndefined();
  });

  it('wrong or missing proxy credentials: "proxy auth", for CONNECT and for forwarding alike', async () => {
    const s = await mtlsServer();
    const e = await rejection(pollAll(s.urls.poll, transport({ proxy: proxy.url, tls: { ca: ca.cert, cert: client.cert, key: client.key } })), TaxiiTransportError);
    expect(e.code).toBe('taxii_proxy_auth');
    expect(e.message).toMatch(/asks for credentials/);
    const wrong = await rejection(
      pollAll(s.urls.poll, transport({ proxy: proxy.urlWithAuth.replace('proxy%20pass', 'nope'), tls: { ca: ca.cert, cert: client.cert, key: client.key } })),
      TaxiiTransportError,
    );
    expect(wrong.code).toBe('taxii_proxy_auth');
    expect(wrong.message).toMatch(/did not accept its credentials/);
    expect(wrong.message).not.toContain('nope');

    const plain = await taxiiServer({ blocks: makeBlocks(1) });
    // A 407 from a forward proxy is the proxy's answer, never the TAXII server's: the same error as a refused CONNECT.
    const http407 = await rejection(exchange(plain.urls.discovery, buildDiscoveryRequest(), { transport: transport({ proxy: proxy.url }) }), TaxiiTransportError);
    expect(http407.code).toBe('taxii_proxy_auth');
    expect(http407.detail).toMatchObject({ status: 407, proxySource: 'flare.taxii.proxy' });
    expect(plain.requests).toHaveLength(0);
  });

  it('a proxy that is not running is named as the proxy, not the TAXII server', async () => {
    const gone = await startConnectProxy();
    const url = gone.url;
    await gone.close();
    const s = await mtlsServer();
    const e = await rejection(pollAll(s.urls.poll, transport({ proxy: url, tls: { ca: ca.cert, cert: client.cert, key: client.key } })), TaxiiTransportError);
    expect(e.code).toBe('taxii_proxy');
    expect(e.message).toMatch(/proxy/);
  });

  it('an https:// proxy is verified with the configured CA too', async () => {
    const secureProxy = await startConnectProxy({ tls: ca.serverCert() });
    cleanups.push(() => secureProxy.close());
    const s = await mtlsServer();
    expect(await pollAll(s.urls.poll, transport({ proxy: secureProxy.url, tls: { ca: ca.cert, cert: client.cert, key: client.key } }))).toBe(3);
    expect(secureProxy.connects).toEqual([`127.0.0.1:${s.port}`]);
  });

  it('a proxy setting that is not a URL is refused up front', () => {
    const e = thrown(() => createHttpTransport({ proxy: 'proxy.example:3128' }), TaxiiCredentialsError);
    expect(e.code).toBe('taxii_proxy_setting');
  });
});
