/**
 * "Check MISP" over real sockets — version, organisation, the permissions the key's role lacks for the mode — and
 * TLS: a custom CA, a client certificate, a wrong host name, an untrusted server, an HTTP proxy.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCa, type KeyAndCert } from '../../../../test/certs/pki';
import { mispClientOptions, ROLES, startMispServer, TEST_MISP_KEY, type MispTestServer } from '../../../simulators/misp/index';
import { sampleEvent } from '../../../simulators/misp/sample-events';
import { MispClient } from './client';

const USER_KEY = 'UserRoleKey00000000000000000000000000003';
const READER_KEY = 'ReadOnlyKey00000000000000000000000000003';
const WRONG_KEY = 'WrongKey0000000000000000000000000000000Y';

async function withClient<T>(options: ConstructorParameters<typeof MispClient>[0], work: (c: MispClient) => Promise<T>): Promise<T> {
  const c = new MispClient(options);
  try {
    return await work(c);
  } finally {
    await c.close();
  }
}

describe('checkMispStatus', () => {
  let misp: MispTestServer;
  beforeAll(async () => {
    misp = await startMispServer({ users: [{ key: TEST_MISP_KEY }, { key: USER_KEY, role: ROLES.user }, { key: READER_KEY, role: ROLES.readOnly }] });
  });
  afterAll(() => misp.close());

  it('reports version, organisation and user in the old shape when all is well', async () => {
    const health = await withClient(mispClientOptions(misp), (c) => c.checkMispStatus());
    expect(health).toMatchObject({
      resourceType: 'Misp',
      resource: misp.url,
      statusCode: 200,
      ok: true,
      version: '2.5.1',
      organisation: 'FLARE Test Org',
      role: 'Org Admin',
      missingPermissions: [],
    });
  });

  it('names the permissions a plain user role lacks for native mode with publishing, each with its consequence', async () => {
    const health = await withClient(mispClientOptions(misp, { key: USER_KEY, publish: true }), (c) => c.checkMispStatus());
    expect(health.ok).toBe(false);
    expect(health.statusCode).toBe(200);
    expect(health.missingPermissions.map((g) => [g.permission, g.required])).toEqual([
      ['perm_publish', true],
      ['perm_tag_editor', false],
    ]);
    expect(health.missingPermissions[0]?.consequence).toMatch(/cannot be published/);
    expect(health.message).toMatch(/lacks perm_publish/);
  });

  it('is ok without publishing, still naming what is limited', async () => {
    const health = await withClient(mispClientOptions(misp, { key: USER_KEY, publish: false }), (c) => c.checkMispStatus());
    expect(health.ok).toBe(true);
    expect(health.missingPermissions.map((g) => g.permission)).toEqual(['perm_tag_editor']);
  });

  it('lists what stix mode needs from a read-only role', async () => {
    const health = await withClient(mispClientOptions(misp, { key: READER_KEY, mode: 'stix', publish: false }), (c) => c.checkMispStatus());
    expect(health.ok).toBe(false);
    expect(health.missingPermissions.filter((g) => g.required).map((g) => g.permission)).toEqual(['perm_modify', 'perm_add']);
  });

  it('says the key was refused, with status 403 and no key in the answer', async () => {
    const health = await withClient(mispClientOptions(misp, { key: WRONG_KEY }), (c) => c.checkMispStatus());
    expect(health).toMatchObject({ ok: false, statusCode: 403, errorCode: 'misp_auth' });
    expect(JSON.stringify(health)).not.toContain(WRONG_KEY);
  });

  it('says MISP is unreachable with status 0', async () => {
    const closed = await startMispServer();
    const url = closed.url;
    await closed.close();
    const health = await withClient({ ...mispClientOptions(misp), url, retry: { attempts: 1 } }, (c) => c.checkMispStatus());
    expect(health).toMatchObject({ ok: false, statusCode: 0, errorCode: 'misp_network' });
  });
});

describe('TLS', () => {
  let ca: TestCa;
  let server: KeyAndCert;
  let client: KeyAndCert;
  let misp: MispTestServer;
  let mtls: MispTestServer;

  beforeAll(async () => {
    ca = new TestCa();
    server = ca.serverCert();
    client = ca.clientCert();
    misp = await startMispServer({ tls: { cert: server.cert, key: server.key } });
    mtls = await startMispServer({ tls: { cert: server.cert, key: server.key, ca: ca.cert, requestCert: true } });
  });
  afterAll(async () => {
    await misp.close();
    await mtls.close();
  });

  it('trusts a server signed by the configured CA', async () => {
    const health = await withClient(mispClientOptions(misp, { ca: ca.cert }), (c) => c.checkMispStatus());
    expect(health).toMatchObject({ ok: true, statusCode: 200 });
  });

  it('refuses a server it cannot verify, with a hint to configure the CA (verification is never switched off)', async () => {
    const health = await withClient(mispClientOptions(misp), (c) => c.checkMispStatus());
    expect(health).toMatchObject({ ok: false, statusCode: 0, errorCode: 'misp_tls' });
    expect(health.hint).toMatch(/flare\.misp\.ca/);
    const other = new TestCa('Some Other CA');
    const wrongCa = await withClient(mispClientOptions(misp, { ca: other.cert }), (c) => c.checkMispStatus());
    expect(wrongCa.errorCode).toBe('misp_tls');
  });

  it('refuses a certificate issued for another name', async () => {
    const localhostOnly = ca.serverCert({ dns: ['misp.example.org'], ips: [] });
    const named = await startMispServer({ tls: { cert: localhostOnly.cert, key: localhostOnly.key } });
    try {
      const health = await withClient(mispClientOptions(named, { ca: ca.cert }), (c) => c.checkMispStatus());
      expect(health).toMatchObject({ ok: false, errorCode: 'misp_tls' });
      expect(health.message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID/);
    } finally {
      await named.close();
    }
  });

  it('presents the client certificate to a server that requires one, and upserts through it', async () => {
    const options = mispClientOptions(mtls, { ca: ca.cert, clientCert: client.cert, clientKey: client.key });
    const result = await withClient(options, (c) => c.upsert(sampleEvent('mtls')));
    expect(result.outcome).toBe('created');
  });

  it('fails as a TLS problem without a client certificate where one is required', async () => {
    const health = await withClient(mispClientOptions(mtls, { ca: ca.cert, retry: { attempts: 1 } }), (c) => c.checkMispStatus());
    expect(health.ok).toBe(false);
    // TLS 1.3: the server's "certificate required" alert comes after the handshake, so the client sees a hang-up.
    expect(['misp_tls', 'misp_network']).toContain(health.errorCode);
    expect(health.hint).toMatch(/client certificate/);
    expect(health.statusCode).toBe(0);
  });

  it('tunnels through an HTTP proxy with CONNECT, still verifying MISP\'s certificate', async () => {
    const tunnels: string[] = [];
    const proxy = http.createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req, socket, head) => {
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const health = await withClient(mispClientOptions(misp, { ca: ca.cert, proxy: proxyUrl }), (c) => c.checkMispStatus());
      expect(health.ok).toBe(true);
      expect(tunnels[0]).toBe(new URL(misp.url).host);
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});
