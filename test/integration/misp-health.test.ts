import { describe, it, expect, afterEach } from 'vitest';
import { FlareService } from '../../src-main/core/service';
import { startServer, type RunningServer } from '../../src-main/headless/server';
import { startMispServer, ROLES, TEST_MISP_KEY, type MispTestServer } from '../../src-main/simulators/misp/index';
import { serviceWith } from '../support/service';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const serviceFor = (misp: MispTestServer) => serviceWith({ 'flare.misp.url': misp.url, 'misp.authorization.key': TEST_MISP_KEY }, cleanups);

describe('FlareService.checkMispStatus against the MISP test server', () => {
  it('healthy: version, organisation and role, with the old fields', async () => {
    const misp = await startMispServer();
    cleanups.push(() => misp.close());
    const { service, hub } = serviceFor(misp);
    const h = await service.checkMispStatus();
    expect(h).toMatchObject({ resourceType: 'Misp', resource: misp.url, statusCode: 200, ok: true, configured: true });
    expect(h.details).toMatchObject({ version: '2.5.1', organisation: 'FLARE Test Org', role: 'Org Admin', missingPermissions: [] });
    expect(typeof h.latencyMs).toBe('number');
    // The key never reaches the log.
    expect(JSON.stringify(hub.recent())).not.toContain(TEST_MISP_KEY);
  });

  it('a role without publish permission is named with what will not work, over GET /checkMispStatus', async () => {
    const misp = await startMispServer({ users: [{ key: TEST_MISP_KEY, role: ROLES.user }] });
    cleanups.push(() => misp.close());
    const { service, hub } = serviceFor(misp);
    await service.saveConfig({ 'stixtransclient.misp.published': 'true' });
    const http: RunningServer = await startServer({ api: service, events: service, host: '127.0.0.1', port: 0, log: hub.logger('http') });
    cleanups.push(() => http.close());
    const body = (await (await fetch(`${http.url}/checkMispStatus`)).json()) as { ok: boolean; statusCode: number; details: { missingPermissions: { permission: string; consequence: string }[] } };
    expect(body.ok).toBe(false);
    expect(body.statusCode).toBe(200);
    const perms = body.details.missingPermissions.map((p) => p.permission);
    expect(perms).toContain('perm_publish');
  });

  it('a wrong key is an authentication failure with a hint', async () => {
    const misp = await startMispServer({ users: [{ key: 'B'.repeat(40) }] });
    cleanups.push(() => misp.close());
    const { service } = serviceFor(misp);
    const h = await service.checkMispStatus();
    expect(h.ok).toBe(false);
    expect(h.statusCode).toBe(403);
    expect(h.reason).toMatch(/key/i);
    expect(h.hint).toBeTruthy();
  });

  it('a dead server is unreachable, statusCode 0', async () => {
    const misp = await startMispServer();
    const url = misp.url;
    await misp.close();
    const { service } = serviceWith({ 'flare.misp.url': url, 'misp.authorization.key': TEST_MISP_KEY }, cleanups);
    const h = await service.checkMispStatus();
    expect(h).toMatchObject({ ok: false, statusCode: 0, configured: true });
    expect(h.reason).toBeTruthy();
  });
});
