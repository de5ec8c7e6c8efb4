/**
 * A sharing group configured by uuid or name (flare.misp.sharing-group) over real sockets: looked up once in MISP's
 * listing, before the first request that needs it, then remembered; a group the key cannot see is a clear error
 * before anything is uploaded; a numeric id costs no request at all.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HOME_ORG, OTHER_ORG, TEST_MISP_KEY, mispClientOptions, startMispServer, type MispTestServer } from '../../../simulators/misp/index';
import { sampleEvent, sampleStixPackage, uuidFor } from '../../../simulators/misp/sample-events';
import { MispClient } from './client';
import { MispConfigError, MispSharingGroupError } from './errors';
import type { MispClientOptions } from './options';
import { uploadAll } from './upload-all';

const OTHER_ORG_KEY = 'OtherOrgKey00000000000000000000000000001';
const PARTNERS_UUID = 'a1b2c3d4-0000-4000-8000-00000000aaaa';
const THEIRS_UUID = 'a1b2c3d4-0000-4000-8000-00000000bbbb';
const UNKNOWN_UUID = 'a1b2c3d4-0000-4000-8000-00000000ffff';
const LISTING = 'GET /sharing_groups/index';

const packageId = (name: string): string => `NCCIC:STIX_Package-${uuidFor(`sg-package/${name}`)}`;
const upload = (name: string) => ({ packageId: packageId(name), xml: sampleStixPackage(packageId(name), { ip: `10.9.${name.length}.1` }) });

describe('sharing group by uuid or name', () => {
  let misp: MispTestServer;
  const clients: MispClient[] = [];
  const client = (overrides: Partial<MispClientOptions> = {}): MispClient => {
    const c = new MispClient(mispClientOptions(misp, { mode: 'stix', distribution: 4, ...overrides }));
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    misp = await startMispServer({
      users: [{ key: TEST_MISP_KEY, org: HOME_ORG }, { key: OTHER_ORG_KEY, org: OTHER_ORG }],
      sharingGroups: [
        { id: 1, name: 'Everyone here' },
        { id: 12, uuid: PARTNERS_UUID, name: 'FLARE Partners', org: HOME_ORG, members: [OTHER_ORG] },
        // A group of another organisation that ours is not in: MISP leaves it out of our listing.
        { id: 13, uuid: THEIRS_UUID, name: 'Their group', org: OTHER_ORG, members: [] },
      ],
    });
  });
  afterEach(async () => {
    misp.setFaults([]);
    misp.resetCounters();
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => misp.close());

  it('uploads at the group a uuid names, looking it up once for many uploads', async () => {
    const c = client({ sharingGroup: PARTNERS_UUID.toUpperCase() });
    const packages = ['uuid-a', 'uuid-b', 'uuid-c', 'uuid-d'].map(upload);
    const settled = await uploadAll(packages, (p) => c.uploadStix(p), { concurrency: 4 });
    for (const s of settled) expect(misp.record(s.result?.eventId ?? '')).toMatchObject({ distribution: 4, sharingGroupId: 12 });
    expect(misp.count(LISTING)).toBe(1);
    // The lookup came before the first upload: nothing reached MISP at its default distribution first.
    expect(misp.requests.findIndex((r) => r.route === LISTING)).toBeLessThan(misp.requests.findIndex((r) => r.route === 'POST /events/upload_stix'));
  });

  it('takes a name, written exactly or in another case', async () => {
    expect(await client({ sharingGroup: 'FLARE Partners' }).sharingGroup()).toEqual({ id: 12, uuid: PARTNERS_UUID, name: 'FLARE Partners' });
    expect((await client({ sharingGroup: '  flare partners ' }).sharingGroup())?.id).toBe(12);
  });

  it('uses a numeric id as written, without asking MISP, for uploads and for the health check', async () => {
    const c = client({ sharingGroup: '12' });
    const result = await c.uploadStix(upload('numeric'));
    expect(misp.record(result.eventId)).toMatchObject({ distribution: 4, sharingGroupId: 12 });
    const health = await c.checkMispStatus();
    expect(health.sharingGroup).toEqual({ configured: 'id 12', id: 12 });
    expect(misp.count(LISTING)).toBe(0);
  });

  it('refuses a uuid the key cannot see before uploading anything, with the hint, and does not ask again', async () => {
    const c = client({ sharingGroup: UNKNOWN_UUID });
    const error = await c.uploadStix(upload('unknown')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MispSharingGroupError);
    const e = error as MispSharingGroupError;
    expect(e.message).toBe(`No sharing group with uuid ${UNKNOWN_UUID} is visible to this API key (flare.misp.sharing-group).`);
    expect(e.hint).toMatch(/^List them in MISP: Global Actions → List Sharing Groups\./);
    expect(e.hint).toContain('"FLARE Partners" (id 12');
    expect(e.retryable).toBe(false);
    expect(misp.count('POST /events/upload_stix')).toBe(0);
    await expect(c.uploadStix(upload('unknown-2'))).rejects.toBeInstanceOf(MispSharingGroupError);
    expect(misp.count(LISTING)).toBe(1);
  });

  it('does not see a group its organisation is not in, even by its exact uuid or name', async () => {
    await expect(client({ sharingGroup: THEIRS_UUID }).sharingGroup()).rejects.toThrow(`No sharing group with uuid ${THEIRS_UUID} is visible to this API key`);
    await expect(client({ sharingGroup: 'Their group' }).sharingGroup()).rejects.toThrow('No sharing group named "Their group" is visible to this API key');
    // The other organisation sees it.
    expect((await client({ key: OTHER_ORG_KEY, sharingGroup: THEIRS_UUID }).sharingGroup())?.id).toBe(13);
  });

  it('asks again after a failure that can pass (503), instead of remembering it', async () => {
    misp.setFaults([{ method: 'GET', path: '/sharing_groups/index', fault: { kind: 'status', status: 503 }, times: 1 }]);
    const c = client({ sharingGroup: PARTNERS_UUID, retry: { attempts: 1 } });
    await expect(c.sharingGroup()).rejects.toMatchObject({ code: 'misp_server' });
    expect((await c.sharingGroup())?.id).toBe(12);
    expect(misp.count(LISTING)).toBe(2);
  });

  it('reports the group in the health check, and a group it cannot see as a failure with the hint', async () => {
    const good = await client({ sharingGroup: PARTNERS_UUID }).checkMispStatus();
    expect(good).toMatchObject({ ok: true, sharingGroup: { configured: `uuid ${PARTNERS_UUID}`, id: 12, name: 'FLARE Partners', uuid: PARTNERS_UUID } });
    const bad = await client({ sharingGroup: UNKNOWN_UUID }).checkMispStatus();
    expect(bad).toMatchObject({ ok: false, statusCode: 200, errorCode: 'misp_sharing_group', version: '2.5.1' });
    expect(bad.message).toContain(`No sharing group with uuid ${UNKNOWN_UUID} is visible to this API key`);
    expect(bad.hint).toMatch(/Global Actions → List Sharing Groups/);
    expect(bad.sharingGroup).toMatchObject({ configured: `uuid ${UNKNOWN_UUID}`, problem: bad.message });
  });

  it('native mode: gives the event the group\'s id where the event names none', async () => {
    const c = client({ mode: 'native', sharingGroup: 'FLARE Partners' });
    const event = sampleEvent('sg-native', { distribution: 4 });
    const result = await c.upsert(event);
    expect(result.outcome).toBe('created');
    expect(misp.record(event.uuid)).toMatchObject({ distribution: 4, sharingGroupId: 12 });
    // An event that does not use a sharing group costs no lookup.
    await c.upsert(sampleEvent('sg-native-plain', { distribution: 1 }));
    expect(misp.count(LISTING)).toBe(1);
  });

  it('still needs some sharing group for distribution 4', () => {
    expect(() => client({ sharingGroup: '  ' })).toThrow(MispConfigError);
    expect(() => client({ sharingGroup: '0' })).toThrow(/above 0/);
  });
});
