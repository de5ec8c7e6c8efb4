/**
 * Native mode over real sockets against the strict MISP test server: create, duplicate, update (a vanished
 * observable leaves MISP), tags, publish — including an add that happened but whose answer was lost.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mispClientOptions, OTHER_ORG, ROLES, startMispServer, type MispTestServer } from '../../../simulators/misp/index';
import { attribute, sampleEvent, uuidFor } from '../../../simulators/misp/sample-events';
import type { MispEvent } from '../model';
import { MispClient } from './client';
import { MispEventInvalidError, MispPermissionError, MispRejectedError } from './errors';
import { uploadAll } from './upload-all';

const NO_PUBLISH_KEY = 'UserRoleKey00000000000000000000000000002';
const OTHER_ORG_KEY = 'OtherOrgKey00000000000000000000000000002';

describe('native mode upsert', () => {
  let misp: MispTestServer;
  const clients: MispClient[] = [];
  const client = (overrides: Parameters<typeof mispClientOptions>[1] = {}): MispClient => {
    const c = new MispClient(mispClientOptions(misp, overrides));
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    misp = await startMispServer({ users: [{ key: mispClientOptions({ url: '' } as MispTestServer).key }, { key: NO_PUBLISH_KEY, role: ROLES.user }, { key: OTHER_ORG_KEY, org: OTHER_ORG }] });
  });
  afterEach(async () => {
    misp.setFaults([]);
    misp.resetCounters();
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => misp.close());

  it('creates a new event, publishes it, and reports a second upsert as a duplicate without writing', async () => {
    const c = client();
    const event = sampleEvent('create');
    const first = await c.upsert(event);
    expect(first).toMatchObject({ outcome: 'created', uuid: event.uuid, published: true, publishedNow: true, alreadyExisted: false, warnings: [] });
    expect(misp.record(event.uuid)?.publishCount).toBe(1);
    expect(misp.rejections).toEqual([]);

    misp.resetCounters();
    const second = await c.upsert(event);
    expect(second).toMatchObject({ outcome: 'duplicate', published: true, publishedNow: false });
    expect(misp.requests.map((r) => r.route)).toEqual(['GET /events/view']);
    expect(misp.record(event.uuid)?.publishCount).toBe(1);
  });

  it('updates a re-issued package: the removed observable is soft-deleted, new ones added, tags brought in line', async () => {
    const c = client();
    const v1 = sampleEvent('reissue');
    await c.upsert(v1);
    const storedTimestamp = misp.record(v1.uuid)?.timestamp ?? 0;

    const pii = v1.Attribute?.[2];
    const v2: MispEvent = {
      ...v1,
      info: `${v1.info} (revised)`,
      Tag: [{ name: 'tlp:amber' }, { name: 'ais-marking:AISConsent="EVERYONE"' }],
      Attribute: [...(v1.Attribute ?? []).slice(0, 2), attribute('reissue', 'url-1', 'url', 'Network activity', 'http://evil.example.com/x')],
    };
    const result = await c.upsert(v2);
    expect(result.outcome).toBe('updated');
    expect(result.changes).toEqual({
      eventFields: ['info'],
      attributesAdded: 1,
      attributesChanged: 0,
      attributesDeleted: 1,
      objectsAdded: 0,
      objectsChanged: 0,
      objectsDeleted: 0,
      tagsAdded: 1,
      tagsRemoved: 1,
    });
    expect(result.published).toBe(true);

    const live = misp.event(v1.uuid) as { Attribute: Array<{ uuid: string; value: string }>; Tag: Array<{ name: string }>; info: string; timestamp: string };
    expect(live.info).toBe(v2.info);
    expect(live.Attribute.map((a) => a.value)).toEqual(['31.7.185.23', 'evil.example.com', 'http://evil.example.com/x']);
    expect(live.Attribute.some((a) => a.uuid === pii?.uuid)).toBe(false);
    expect(live.Tag.map((t) => t.name).sort()).toEqual(['ais-marking:AISConsent="EVERYONE"', 'tlp:amber']);
    expect(Number(live.timestamp)).toBeGreaterThan(storedTimestamp);
    const withDeleted = misp.event(v1.uuid, { includeDeleted: true }) as { Attribute: Array<{ uuid: string; deleted: boolean }> };
    expect(withDeleted.Attribute.find((a) => a.uuid === pii?.uuid)?.deleted).toBe(true);
    expect(misp.record(v1.uuid)?.publishCount).toBe(2);
    expect(misp.rejections).toEqual([]);

    // The same version again changes nothing.
    expect((await c.upsert(v2)).outcome).toBe('duplicate');
  });

  it('brings back an attribute a previous version removed (it was soft-deleted, not gone)', async () => {
    const c = client({ publish: false });
    const v1 = sampleEvent('restore');
    await c.upsert(v1);
    const withoutPii = { ...v1, Attribute: (v1.Attribute ?? []).slice(0, 2) };
    expect((await c.upsert(withoutPii)).changes?.attributesDeleted).toBe(1);
    const again = await c.upsert(v1);
    expect(again.outcome).toBe('updated');
    expect(again.changes?.attributesAdded).toBe(1);
    const stored = misp.event(v1.uuid) as { Attribute: Array<{ uuid: string; deleted: boolean }> };
    expect(stored.Attribute.map((a) => a.uuid)).toEqual((v1.Attribute ?? []).map((a) => a.uuid));
    expect(misp.rejections).toEqual([]);
  });

  it('refuses clearly when another organisation holds the event uuid unshared', async () => {
    const theirs = sampleEvent('their-event');
    const other = new MispClient(mispClientOptions(misp, { key: OTHER_ORG_KEY, publish: false }));
    clients.push(other);
    await other.upsert(theirs);
    const error = await client().upsert(theirs).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MispRejectedError);
    expect((error as MispRejectedError).message).toMatch(/may not see/);
    expect(misp.count('POST /events/add')).toBe(2);
  });

  it('updates objects: a changed value, a vanished object', async () => {
    const c = client({ publish: false });
    const v1 = sampleEvent('objects');
    await c.upsert(v1);
    const file = v1.Object?.[0];
    if (!file) throw new Error('sample has a file object');
    const v2: MispEvent = { ...v1, Object: [] };
    expect((await c.upsert(v2)).changes?.objectsDeleted).toBe(1);
    expect((misp.event(v1.uuid) as { Object: unknown[] }).Object).toEqual([]);

    const v3: MispEvent = {
      ...v1,
      Object: [{ ...file, Attribute: file.Attribute.map((a) => (a.object_relation === 'filename' ? { ...a, value: 'renamed.exe' } : a)) }],
    };
    const third = await c.upsert(v3);
    expect(third.outcome).toBe('updated');
    const stored = misp.event(v1.uuid) as { Object: Array<{ uuid: string; Attribute: Array<{ value: string }>; ObjectReference: unknown[] }> };
    expect(stored.Object[0]?.uuid).toBe(file.uuid);
    expect(stored.Object[0]?.Attribute.map((a) => a.value).sort()).toEqual(['d41d8cd98f00b204e9800998ecf8427e', 'renamed.exe']);
    expect(stored.Object[0]?.ObjectReference).toHaveLength(1);
    expect((await c.upsert(v3)).outcome).toBe('duplicate');
    expect(misp.rejections).toEqual([]);
  });

  it('publishes an event an earlier run added but did not publish (the add answered, then the run stopped)', async () => {
    const event = sampleEvent('crash-before-publish');
    await client({ publish: false }).upsert(event);
    expect(misp.record(event.uuid)?.published).toBe(false);

    const result = await client({ publish: true }).upsert(event);
    expect(result).toMatchObject({ outcome: 'duplicate', published: true, publishedNow: true });
    expect(misp.record(event.uuid)?.publishCount).toBe(1);
  });

  it('recovers when MISP saved the add but the answer was lost, then publishes once', async () => {
    const event = sampleEvent('lost-answer');
    misp.setFaults([{ method: 'POST', path: '/events/add', fault: { kind: 'reset' }, when: 'after', times: 1 }]);
    const result = await client().upsert(event);
    expect(result).toMatchObject({ outcome: 'duplicate', published: true, publishedNow: true, attempts: 2 });
    expect(misp.count('POST /events/add')).toBeGreaterThanOrEqual(1);
    expect(misp.events().filter((e) => e.uuid === event.uuid)).toHaveLength(1);
    expect(misp.record(event.uuid)?.publishCount).toBe(1);
  });

  it.each([200, 302, 404] as const)('takes MISP\'s "Event already exists" answer (status %i) as exists, not failure', async (status) => {
    const other = await startMispServer({ duplicateStatus: status });
    try {
      const event = sampleEvent(`exists-${status}`);
      const c = new MispClient(mispClientOptions(other, { publish: false }));
      await c.upsert(event);
      // Make the existence check miss once, as when a parallel writer adds the event between the check and POST.
      other.setFaults([{ method: 'GET', path: '/events/view', fault: { kind: 'status', status: 404, json: {} }, times: 1 }]);
      const changed = { ...event, info: `${event.info} v2` };
      const result = await c.upsert(changed);
      expect(result).toMatchObject({ outcome: 'updated', alreadyExisted: true });
      expect(other.count('POST /events/add')).toBe(2);
      expect(other.events()).toHaveLength(1);
      expect(other.events()[0]?.info).toBe(changed.info);
      await c.close();
    } finally {
      await other.close();
    }
  });

  it('sends nothing for an event MISP would refuse whole', async () => {
    misp.resetCounters();
    const bad = { ...sampleEvent('invalid'), info: '' };
    await expect(client().upsert(bad)).rejects.toBeInstanceOf(MispEventInvalidError);
    expect(misp.count()).toBe(0);
  });

  it('leaves out invalid attributes with a warning and never sends them', async () => {
    const event = sampleEvent('partly-invalid');
    event.Attribute?.push({ uuid: uuidFor('partly-invalid/bad'), type: 'ip-dst', category: 'Network activity', value: 'not-an-ip', to_ids: true });
    const result = await client().upsert(event);
    expect(result.outcome).toBe('created');
    expect(result.warnings).toEqual([expect.stringContaining('IP address has an invalid format.')]);
    expect(misp.rejections).toEqual([]);
  });

  it('warns when MISP did not keep an attribute (its uuid belongs to another event)', async () => {
    const c = client({ publish: false });
    const owner = sampleEvent('uuid-owner');
    await c.upsert(owner);
    const borrower = sampleEvent('uuid-borrower', { Object: [] });
    borrower.Attribute = [{ ...(owner.Attribute?.[1] as NonNullable<MispEvent['Attribute']>[number]), value: 'borrowed.example.com' }];
    const result = await c.upsert(borrower);
    expect(result.warnings).toEqual([expect.stringContaining(`MISP did not keep ${owner.Attribute?.[1]?.uuid}`)]);
  });

  it('fails with a permission error when publishing is configured but the role may not publish', async () => {
    const c = client({ key: NO_PUBLISH_KEY });
    const error = await c.upsert(sampleEvent('no-publish')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MispPermissionError);
    expect((error as MispPermissionError).retryable).toBe(false);
    expect(misp.count('POST /events/publish')).toBeGreaterThanOrEqual(1);
  });

  it('keeps to its connection pool, however many upserts run at once', async () => {
    const pooled = await startMispServer();
    const c = new MispClient(mispClientOptions(pooled, { maxConnections: 2, publish: false }));
    await uploadAll(Array.from({ length: 12 }, (_, i) => sampleEvent(`pool-${i}`)), (e) => c.upsert(e), { concurrency: 8 });
    expect(pooled.count('POST /events/add')).toBe(12);
    expect(pooled.peakConnections()).toBe(2);
    await c.close();
    await pooled.close();
  });

  it('upserts many events eight at a time, twice, storing each exactly once', async () => {
    const c = client();
    const events = Array.from({ length: 24 }, (_, i) => sampleEvent(`bulk-${i}`));
    const before = misp.events().length;
    const first = await uploadAll(events, (e) => c.upsert(e), { concurrency: 8 });
    const second = await uploadAll([...events, ...events.slice(0, 4)], (e) => c.upsert(e), { concurrency: 8 });
    expect(first.map((s) => s.result?.outcome)).toEqual(events.map(() => 'created'));
    expect(second.every((s) => s.result?.outcome === 'duplicate')).toBe(true);
    expect(misp.events().length - before).toBe(events.length);
    for (const e of events) expect(misp.record(e.uuid)?.publishCount).toBe(1);
    expect(misp.rejections).toEqual([]);
  });
});
