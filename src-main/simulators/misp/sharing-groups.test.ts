/**
 * The test server's sharing groups answer like MISP's (SharingGroupsController::index, SharingGroup::authorizedIds):
 * checked with plain HTTP requests, so the client's sharing-group tests can trust them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetch } from 'undici';
import { HOME_ORG, OTHER_ORG, ROLES, TEST_MISP_KEY, sharingGroupUuid, startMispServer, type MispTestServer, type TestOrg } from './index';
import { sampleEvent } from './sample-events';

const THIRD_ORG: TestOrg = { id: 3, name: 'Third Org', uuid: '5f6e7d8c-3333-4a2b-9c3d-000000000003' };
const OTHER_KEY = 'OtherOrgKey00000000000000000000000000001';
const LONELY_KEY = 'LonelyOrgKey0000000000000000000000000001';
const ADMIN_KEY = 'SiteAdminKey0000000000000000000000000001';
const PARTNERS_UUID = 'a1b2c3d4-0000-4000-8000-00000000aaaa';

async function call(server: MispTestServer, method: string, path: string, key = TEST_MISP_KEY, json?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { Authorization: key, Accept: 'application/json' };
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(new URL(path.replace(/^\//, ''), server.url), { method, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('MISP test server: sharing groups', () => {
  let misp: MispTestServer;
  beforeAll(async () => {
    misp = await startMispServer({
      users: [
        { key: TEST_MISP_KEY, org: HOME_ORG, role: ROLES.user },
        { key: OTHER_KEY, org: OTHER_ORG, role: ROLES.user },
        { key: LONELY_KEY, org: THIRD_ORG, role: ROLES.user },
        { key: ADMIN_KEY, org: THIRD_ORG, role: { perm_site_admin: true } },
      ],
      sharingGroups: [
        { id: 3, uuid: PARTNERS_UUID, name: 'FLARE partners', org: HOME_ORG, members: [OTHER_ORG] },
        { id: 7, name: 'Home only', org: HOME_ORG, members: [] },
        { id: 9, name: 'Retired', org: HOME_ORG, members: [], active: false },
      ],
    });
  });
  afterAll(() => misp.close());

  it('lists the active groups the key\'s organisation belongs to, in MISP\'s REST shape', async () => {
    const answer = await call(misp, 'GET', '/sharing_groups/index');
    expect(answer.status).toBe(200);
    expect(answer.body.response.map((e: any) => e.SharingGroup.id)).toEqual(['3', '7']);
    const partners = answer.body.response[0];
    expect(partners.SharingGroup).toMatchObject({ id: '3', uuid: PARTNERS_UUID, name: 'FLARE partners', active: true, org_count: '2' });
    expect(partners.Organisation).toEqual({ id: String(HOME_ORG.id), name: HOME_ORG.name, uuid: HOME_ORG.uuid });
    expect(partners.SharingGroupOrg.map((o: any) => o.Organisation.name)).toEqual([HOME_ORG.name, OTHER_ORG.name]);
    expect(partners).toMatchObject({ editable: false, deletable: false });
    // PyMISP's spelling of the controller reaches the same action.
    expect((await call(misp, 'GET', '/sharingGroups/index')).body).toEqual(answer.body);
  });

  it('leaves out, without an error, what the key may not see; a key in no group gets an empty list', async () => {
    expect((await call(misp, 'GET', '/sharing_groups/index', OTHER_KEY)).body.response.map((e: any) => e.SharingGroup.name)).toEqual(['FLARE partners']);
    expect(await call(misp, 'GET', '/sharing_groups/index', LONELY_KEY)).toEqual({ status: 200, body: { response: [] } });
    expect((await call(misp, 'GET', '/sharing_groups/index', ADMIN_KEY)).body.response.map((e: any) => e.SharingGroup.id)).toEqual(['3', '7']);
  });

  it('lists inactive groups only under index/true', async () => {
    expect((await call(misp, 'GET', '/sharing_groups/index/true')).body.response.map((e: any) => e.SharingGroup.name)).toEqual(['Retired']);
  });

  it('refuses a wrong key with the authentication body, not an empty list', async () => {
    const answer = await call(misp, 'GET', '/sharing_groups/index', 'x'.repeat(40));
    expect(answer.status).toBe(403);
    expect(answer.body.name).toMatch(/^Authentication failed/);
  });

  it('lets a key put only its own groups on an event (405 otherwise, as MISP)', async () => {
    const mine = await call(misp, 'POST', '/events/add', OTHER_KEY, { Event: sampleEvent('sg-member', { distribution: 4, sharing_group_id: 3 }) });
    expect(mine.status).toBe(200);
    expect(mine.body.Event.sharing_group_id).toBe('3');
    const notMine = await call(misp, 'POST', '/events/add', OTHER_KEY, { Event: sampleEvent('sg-stranger', { distribution: 4, sharing_group_id: 7 }) });
    expect(notMine.status).toBe(405);
    expect(notMine.body.name).toBe('Invalid Sharing Group or not authorised.');
  });

  it('gives a group configured by id alone a stable uuid and name, visible to every organisation', async () => {
    const plain = await startMispServer({ users: [{ key: LONELY_KEY, org: THIRD_ORG }] });
    try {
      const answer = await call(plain, 'GET', '/sharing_groups/index', LONELY_KEY);
      expect(answer.body.response.map((e: any) => e.SharingGroup)).toMatchObject([{ id: '1', uuid: sharingGroupUuid(1), name: 'Sharing group 1' }]);
    } finally {
      await plain.close();
    }
  });
});
