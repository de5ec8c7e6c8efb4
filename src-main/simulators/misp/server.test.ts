/**
 * The MISP test server answers like MISP where a client can tell: checked here with plain HTTP requests, so the
 * client tests can trust it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetch } from 'undici';
import { ROLES, startMispServer, TEST_MISP_KEY, type MispTestServer } from './index';
import { sampleEvent, sampleStixPackage, uuidFor } from './sample-events';

const USER_KEY = 'UserRoleKey00000000000000000000000000001';
const READER_KEY = 'ReadOnlyKey00000000000000000000000000001';

interface Answer {
  status: number;
  body: any;
  location: string | null;
}

async function call(server: MispTestServer, method: string, path: string, options: { key?: string; accept?: string | null; json?: unknown; xml?: string; contentType?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.key !== '') headers.Authorization = options.key ?? TEST_MISP_KEY;
  if (options.accept !== null) headers.Accept = options.accept ?? 'application/json';
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['Content-Type'] = options.contentType ?? 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.xml !== undefined) {
    headers['Content-Type'] = options.contentType ?? 'application/xml';
    body = options.xml;
  }
  const res = await fetch(new URL(path.replace(/^\//, ''), server.url), { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual' });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, location: res.headers.get('location') };
}

describe('MISP test server', () => {
  let misp: MispTestServer;
  beforeAll(async () => {
    misp = await startMispServer({
      users: [{ key: TEST_MISP_KEY }, { key: USER_KEY, role: ROLES.user }, { key: READER_KEY, role: ROLES.readOnly }],
      defaultEventDistribution: 3,
    });
  });
  afterAll(() => misp.close());

  it('sends requests without Accept: application/json to the login page, like MISP', async () => {
    const answer = await call(misp, 'GET', '/servers/getVersion', { accept: '*/*' });
    expect(answer.status).toBe(302);
    expect(answer.location).toBe('/users/login');
  });

  it('answers a wrong key with MISP\'s 403 authentication body', async () => {
    const answer = await call(misp, 'GET', '/servers/getVersion', { key: 'x'.repeat(40) });
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({
      name: 'Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.',
      message: 'Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.',
      url: '/servers/getVersion',
    });
  });

  it('answers a role without the permission with MISP\'s ACL sentence', async () => {
    const answer = await call(misp, 'POST', '/events/add', { key: READER_KEY, json: { Event: sampleEvent('acl') } });
    expect(answer.status).toBe(403);
    expect(answer.body.name).toBe('You do not have permission to use this functionality.');
    expect(answer.body.saved).toBeUndefined();
  });

  it('tells version and identity', async () => {
    const version = await call(misp, 'GET', '/servers/getVersion');
    expect(version.body.version).toBe('2.5.1');
    const me = await call(misp, 'GET', '/users/view/me', { key: USER_KEY });
    expect(me.body.Role.perm_publish).toBe(false);
    expect(me.body.Organisation.name).toBe('FLARE Test Org');
  });

  it('refuses an event without info with a 403 saveFail body naming the field', async () => {
    const event = { ...sampleEvent('no-info'), info: '' };
    const answer = await call(misp, 'POST', '/events/add', { json: { Event: event } });
    expect(answer.status).toBe(403);
    expect(answer.body.saved).toBe(false);
    expect(answer.body.errors.Event.info).toEqual(['Info cannot be empty.']);
  });

  it('ignores a JSON body sent without the JSON content type', async () => {
    const answer = await call(misp, 'POST', '/events/add', { json: { Event: sampleEvent('ctype') }, contentType: 'text/plain' });
    expect(answer.status).toBe(405);
    expect(answer.body.name).toBe('No valid event data received.');
  });

  it('stores an event, drops invalid attributes, and answers a second add with the Location of the first', async () => {
    const event = sampleEvent('stored');
    event.Attribute?.push({ uuid: uuidFor('stored/bad-ip'), type: 'ip-dst', category: 'Network activity', value: '999.1.1.1', to_ids: true });
    const first = await call(misp, 'POST', '/events/add', { json: { Event: event } });
    expect(first.status).toBe(200);
    expect(first.body.Event.uuid).toBe(event.uuid);
    expect(first.body.Event.distribution).toBe('0');
    expect(first.body.Event.Attribute.map((a: any) => a.value)).toEqual(['31.7.185.23', 'evil.example.com', 'john.doe@victim.example']);
    expect(first.body.Event.Object[0].ObjectReference[0].referenced_uuid).toBe(event.Attribute?.[0]?.uuid);
    expect(misp.rejections.some((r) => r.uuid === uuidFor('stored/bad-ip'))).toBe(true);

    const second = await call(misp, 'POST', '/events/add', { json: { Event: event } });
    expect(second.status).toBe(302);
    expect(second.location).toBe(`/events/${first.body.Event.id}`);
    expect(second.body.name).toMatch(/^Event already exists/);
  });

  it('drops attributes whose uuid another event holds', async () => {
    const original = sampleEvent('owner');
    await call(misp, 'POST', '/events/add', { json: { Event: original } });
    const thief = sampleEvent('thief');
    thief.Attribute = [{ ...(original.Attribute?.[1] as any), value: 'other.example.com' }];
    thief.Object = [];
    const answer = await call(misp, 'POST', '/events/add', { json: { Event: thief } });
    expect(answer.status).toBe(200);
    expect(answer.body.Event.Attribute).toEqual([]);
  });

  it('answers HEAD for existence and refuses edits that are not newer', async () => {
    const event = sampleEvent('edit');
    await call(misp, 'POST', '/events/add', { json: { Event: event } });
    expect((await call(misp, 'HEAD', `/events/view/${event.uuid}`)).status).toBe(200);
    expect((await call(misp, 'HEAD', `/events/view/${uuidFor('absent')}`)).status).toBe(404);
    const stale = await call(misp, 'POST', `/events/edit/${event.uuid}`, { json: { Event: { info: 'x', timestamp: event.timestamp } } });
    expect(stale.status).toBe(403);
    expect(stale.body.errors).toBe('Event could not be saved: Event in the request not newer than the local copy.');
  });

  it('soft-deletes an attribute sent with deleted: true, and unpublishes on an edit without published: true', async () => {
    const event = sampleEvent('soft');
    await call(misp, 'POST', '/events/add', { json: { Event: event } });
    await call(misp, 'POST', `/events/publish/${event.uuid}`);
    expect(misp.record(event.uuid)?.published).toBe(true);
    const pii = event.Attribute?.[2] as any;
    const edit = await call(misp, 'POST', `/events/edit/${event.uuid}`, { json: { Event: { timestamp: 1469152452, Attribute: [{ ...pii, deleted: true }] } } });
    expect(edit.status).toBe(200);
    expect(edit.body.Event.Attribute.map((a: any) => a.uuid)).not.toContain(pii.uuid);
    expect(edit.body.Event.published).toBe(false);
    const withDeleted = misp.event(event.uuid, { includeDeleted: true }) as any;
    expect(withDeleted.Attribute.find((a: any) => a.uuid === pii.uuid).deleted).toBe(true);
  });

  it('imports STIX with a random uuid at the server\'s default distribution, ignoring the request\'s', async () => {
    const xml = sampleStixPackage('NCCIC:STIX_Package-11111111-2222-4333-8444-555555555555');
    const answer = await call(misp, 'POST', '/events/upload_stix/1/distribution:0', { xml });
    expect(answer.status).toBe(200);
    expect(answer.body.Event.distribution).toBe('3');
    expect(answer.body.Event.info).toBe('IIR test package');
    expect(answer.body.Event.Attribute.map((a: any) => a.type)).toEqual(['ip-dst']);
    expect(answer.body.Event.Object[0].name).toBe('original-imported-file');
    // A second upload makes a second, nearly empty event: the attribute uuid is taken.
    const twin = await call(misp, 'POST', '/events/upload_stix/1', { xml });
    expect(twin.body.Event.uuid).not.toBe(answer.body.Event.uuid);
    expect(twin.body.Event.Attribute).toEqual([]);
  });

  it('keeps the uploaded file in the event and returns it, base64, from the REST event view (unless includeAttachments:0)', async () => {
    const xml = sampleStixPackage('NCCIC:STIX_Package-31111111-2222-4333-8444-555555555555');
    const uploaded = await call(misp, 'POST', '/events/upload_stix/1', { xml });
    const sampleOf = (event: any) => event.Object.find((o: any) => o.name === 'original-imported-file').Attribute.find((a: any) => a.object_relation === 'imported-sample');
    const view = await call(misp, 'GET', `/events/view/${uploaded.body.Event.id}`);
    expect(sampleOf(view.body.Event)).toMatchObject({ type: 'attachment', value: 'uploaded_stix_file.xml' });
    expect(Buffer.from(sampleOf(view.body.Event).data, 'base64').toString('utf8')).toBe(xml);
    const without = await call(misp, 'GET', `/events/view/${uploaded.body.Event.id}/includeAttachments:0`);
    expect(sampleOf(without.body.Event).data).toBeUndefined();
  });

  it('refuses XML sent as JSON and STIX versions MISP cannot load', async () => {
    const xml = sampleStixPackage('NCCIC:STIX_Package-21111111-2222-4333-8444-555555555555');
    expect((await call(misp, 'POST', '/events/upload_stix/1', { xml, contentType: 'application/json' })).status).toBe(405);
    const old = await call(misp, 'POST', '/events/upload_stix/1', { xml: sampleStixPackage('x:STIX_Package-1', { version: '1.0' }) });
    expect(old.status).toBe(403);
    expect(old.body.saved).toBe(false);
    expect(old.body.errors).toMatch(/STIX version 1.0/);
  });

  it('searches events and attributes like restSearch, and refuses an empty search', async () => {
    const event = sampleEvent('search');
    await call(misp, 'POST', '/events/add', { json: { Event: event } });
    expect((await call(misp, 'POST', '/events/restSearch', { json: {} })).status).toBe(400);
    const byAttributeUuid = await call(misp, 'POST', '/events/restSearch', { json: { returnFormat: 'json', uuid: event.Attribute?.[0]?.uuid, metadata: true } });
    expect(byAttributeUuid.body.response.map((e: any) => e.Event.uuid)).toEqual([event.uuid]);
    expect(byAttributeUuid.body.response[0].Event.Attribute).toBeUndefined();
    const attributes = await call(misp, 'POST', '/attributes/restSearch', { json: { returnFormat: 'json', value: 'evil.example.com', type: 'domain' } });
    expect(attributes.body.response.Attribute.some((a: any) => a.Event.uuid === event.uuid)).toBe(true);
  });

  it('publishes only for roles with perm_publish', async () => {
    const event = sampleEvent('publish-acl');
    await call(misp, 'POST', '/events/add', { key: USER_KEY, json: { Event: event } });
    const refused = await call(misp, 'POST', `/events/publish/${event.uuid}`, { key: USER_KEY });
    expect(refused.status).toBe(403);
    const done = await call(misp, 'POST', `/events/publish/${event.uuid}`);
    expect(done.body).toMatchObject({ saved: true, success: true });
    expect(misp.record(event.uuid)?.publishCount).toBe(1);
  });

  it('injects faults and counts requests per route', async () => {
    misp.resetCounters();
    misp.setFaults([{ path: '/servers/getVersion', fault: { kind: 'status', status: 503, retryAfter: '1' }, times: 1 }]);
    const failed = await call(misp, 'GET', '/servers/getVersion');
    expect(failed.status).toBe(503);
    expect((await call(misp, 'GET', '/servers/getVersion')).status).toBe(200);
    misp.setFaults([{ path: '/servers/getVersion', fault: { kind: 'reset' }, times: 1 }]);
    await expect(call(misp, 'GET', '/servers/getVersion')).rejects.toThrow();
    misp.setFaults([]);
    expect(misp.count('GET /servers/getVersion')).toBe(3);
    expect(misp.requests.map((r) => r.status)).toEqual([503, 200, 'reset']);
  });
});
