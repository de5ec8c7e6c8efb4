/**
 * flare.misp.sharing-group written as a uuid or a name, end to end: config file → FlareService → MISP client →
 * the MISP test server's sharing-group listing. The health check says which group it resolved to, or that the key
 * cannot see it (with the hint), and the key never reaches the log.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../paths';
import { FlareService } from '../../src-main/core/service';
import { HOME_ORG, OTHER_ORG, TEST_MISP_KEY, startMispServer, type MispTestServer } from '../../src-main/simulators/misp/index';
import { serviceWith } from '../support/service';

const PARTNERS_UUID = 'c0ffee00-1234-4abc-8def-000000000042';
const THEIRS_UUID = 'c0ffee00-1234-4abc-8def-000000000043';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function mispWithGroups(): Promise<MispTestServer> {
  const misp = await startMispServer({
    users: [{ key: TEST_MISP_KEY, org: HOME_ORG }],
    sharingGroups: [
      { id: 42, uuid: PARTNERS_UUID, name: 'FLARE Partners', members: [OTHER_ORG] },
      { id: 43, uuid: THEIRS_UUID, name: 'Their group', org: OTHER_ORG, members: [] },
    ],
  });
  cleanups.push(() => misp.close());
  return misp;
}

const serviceFor = (misp: MispTestServer, sharingGroup: string) =>
  serviceWith({ 'flare.misp.url': misp.url, 'misp.authorization.key': TEST_MISP_KEY, 'flare.misp.distribution': '4', 'flare.misp.sharing-group': sharingGroup }, cleanups);

describe('flare.misp.sharing-group by uuid or name, through the service', () => {
  it('a uuid the key can see: healthy, and the health names the group\'s id', async () => {
    const misp = await mispWithGroups();
    const { service, hub } = serviceFor(misp, PARTNERS_UUID);
    const h = await service.checkMispStatus();
    expect(h).toMatchObject({ ok: true, statusCode: 200 });
    expect(h.details?.sharingGroup).toEqual({ configured: `uuid ${PARTNERS_UUID}`, id: 42, uuid: PARTNERS_UUID, name: 'FLARE Partners' });
    expect(misp.count('GET /sharing_groups/index')).toBe(1);
    expect(JSON.stringify(hub.recent())).not.toContain(TEST_MISP_KEY);
  });

  it('a name works the same way', async () => {
    const misp = await mispWithGroups();
    const { service } = serviceFor(misp, 'FLARE Partners');
    const h = await service.checkMispStatus();
    expect(h.ok).toBe(true);
    expect(h.details?.sharingGroup).toMatchObject({ configured: 'named "FLARE Partners"', id: 42 });
  });

  it('a uuid of a group the key\'s organisation is not in: unhealthy, with the sentence and the hint', async () => {
    const misp = await mispWithGroups();
    const { service, hub } = serviceFor(misp, THEIRS_UUID);
    const h = await service.checkMispStatus();
    expect(h).toMatchObject({ ok: false, statusCode: 200, configured: true });
    expect(h.reason).toBe(`No sharing group with uuid ${THEIRS_UUID} is visible to this API key (flare.misp.sharing-group).`);
    expect(h.hint).toMatch(/^List them in MISP: Global Actions → List Sharing Groups\./);
    expect(h.details).toMatchObject({ errorCode: 'misp_sharing_group', sharingGroup: { configured: `uuid ${THEIRS_UUID}`, problem: h.reason } });
    const logged = JSON.stringify(hub.recent());
    expect(logged).toContain(THEIRS_UUID);
    expect(logged).not.toContain(TEST_MISP_KEY);
  });

  it('the preview asks MISP for the id (once), so it shows the sharing group the upload would use', async () => {
    const misp = await mispWithGroups();
    const { service } = serviceFor(misp, 'FLARE Partners');
    // AIS, TLP:WHITE and consent EVERYONE: the policy lets it reach flare.misp.distribution (4 here).
    const xml = readFileSync(path.join(CORPUS_DIR, 'STIXProject__python-stix/stix/test/extensions/marking/ais_test_files/stix_ais_20.xml'), 'utf8');
    const preview = await service.previewPackage(xml);
    expect(preview.event).toMatchObject({ distribution: 4, sharing_group_id: 42 });
    expect(preview.distributionDecision).toMatch(/^4 \(sharing group 42\)/);
    expect(preview.report!.some((e) => e.code === 'sharing-group-lookup')).toBe(false);
    await service.previewPackage(xml);
    expect(misp.count('GET /sharing_groups/index')).toBe(1);
  });

  it('a preview whose group MISP does not know goes on offline: the event stays in the organisation, and the report says why', async () => {
    const misp = await mispWithGroups();
    const { service } = serviceFor(misp, THEIRS_UUID);
    const xml = readFileSync(path.join(CORPUS_DIR, 'STIXProject__python-stix/stix/test/extensions/marking/ais_test_files/stix_ais_20.xml'), 'utf8');
    const preview = await service.previewPackage(xml);
    expect(preview.event).toMatchObject({ distribution: 0 });
    const problem = preview.report!.find((e) => e.code === 'sharing-group-lookup');
    expect(problem).toMatchObject({ level: 'warning', message: expect.stringContaining(`The sharing group "${THEIRS_UUID}" could not be looked up in MISP for this preview`) });
    expect(problem!.message).toContain('Global Actions → List Sharing Groups');
    expect(preview.warnings).toContain(problem!.message);
    expect(JSON.stringify(preview)).not.toContain(TEST_MISP_KEY);
  });

  it('a numeric id is not looked up', async () => {
    const misp = await mispWithGroups();
    const { service } = serviceFor(misp, '42');
    const h = await service.checkMispStatus();
    expect(h.ok).toBe(true);
    expect(h.details?.sharingGroup).toEqual({ configured: 'id 42', id: 42 });
    expect(misp.count('GET /sharing_groups/index')).toBe(0);
  });
});
