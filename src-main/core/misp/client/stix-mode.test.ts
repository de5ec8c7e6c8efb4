/**
 * Stix mode over real sockets: MISP's own importer does the conversion; the client makes the upload findable,
 * idempotent, replaced on change, and shared at the configured distribution — not the server's default.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HOME_ORG, OTHER_ORG, TEST_MISP_KEY, mispClientOptions, startMispServer, type MispTestServer } from '../../../simulators/misp/index';
import { sampleStixPackage, uuidFor } from '../../../simulators/misp/sample-events';
import { MispClient } from './client';
import { MispUploadUncertainError, MispValidationError } from './errors';
import { PACKAGE_MARKER } from './stix-mode';
import { uploadAll } from './upload-all';

const OTHER_ORG_KEY = 'OtherOrgKey00000000000000000000000000001';
const SERVER_DEFAULT_DISTRIBUTION = 3;

const packageId = (name: string): string => `NCCIC:STIX_Package-${uuidFor(`package/${name}`)}`;
const upload = (name: string, options: Parameters<typeof sampleStixPackage>[1] = {}) => ({ packageId: packageId(name), xml: sampleStixPackage(packageId(name), options) });

describe('stix mode upload', () => {
  let misp: MispTestServer;
  const clients: MispClient[] = [];
  const client = (overrides: Parameters<typeof mispClientOptions>[1] = {}): MispClient => {
    const c = new MispClient(mispClientOptions(misp, { mode: 'stix', distribution: 0, ...overrides }));
    clients.push(c);
    return c;
  };
  /** Our events recorded for this package (live marker attribute). */
  const eventsOf = (id: string) =>
    misp.events().filter((e) => (e.Attribute as Array<{ value: string; deleted: boolean; comment: string }>).some((a) => a.value === id && !a.deleted && a.comment.startsWith(PACKAGE_MARKER)));

  beforeAll(async () => {
    misp = await startMispServer({
      users: [{ key: TEST_MISP_KEY, org: HOME_ORG }, { key: OTHER_ORG_KEY, org: OTHER_ORG }],
      defaultEventDistribution: SERVER_DEFAULT_DISTRIBUTION,
      sharingGroups: [1, 5],
    });
  });
  afterEach(async () => {
    misp.setFaults([]);
    misp.resetCounters();
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => misp.close());

  it('uploads, records the package id, sets the configured distribution, then publishes', async () => {
    const pkg = upload('create');
    const result = await client().uploadStix(pkg);
    expect(result).toMatchObject({ outcome: 'created', distribution: 0, published: true, publishedNow: true, attempts: 1 });
    const event = misp.event(result.eventId) as { distribution: string; published: boolean; Attribute: Array<{ type: string; value: string; comment: string }> };
    expect(event.distribution).toBe('0');
    expect(event.published).toBe(true);
    expect(event.Attribute.find((a) => a.type === 'text')?.comment).toMatch(new RegExp(`^${PACKAGE_MARKER}; content sha256:[0-9a-f]{64}$`));
    expect(misp.requests.map((r) => r.route)).toEqual([
      'POST /attributes/restSearch',
      'GET /users/view', // once per client: our organisation, to ignore other organisations' package ids
      'POST /events/restSearch', // an event an interrupted earlier upload may have left (none here)
      'POST /events/upload_stix',
      'POST /attributes/add',
      'POST /events/restSearch',
      'POST /events/edit',
      'POST /events/publish',
    ]);
  });

  it('finds an uploaded package again and does not upload it twice', async () => {
    const pkg = upload('twice');
    const c = client();
    const first = await c.uploadStix(pkg);
    const second = await c.uploadStix(pkg);
    expect(second).toMatchObject({ outcome: 'duplicate', eventId: first.eventId, published: true, publishedNow: false });
    expect(misp.count('POST /events/upload_stix')).toBe(1);
    expect(eventsOf(pkg.packageId)).toHaveLength(1);
    expect(misp.record(first.eventId)?.publishCount).toBe(1);
  });

  it('replaces the event of a changed package (delete, then upload), so the new one is complete, not a near-empty twin', async () => {
    const objectUuid = uuidFor('replace/object');
    const c = client();
    const first = await c.uploadStix(upload('replace', { ip: '10.0.0.1', objectUuid }));
    const second = await c.uploadStix(upload('replace', { ip: '10.0.0.2', objectUuid }));
    expect(second).toMatchObject({ outcome: 'updated', replacedEventId: first.eventId });
    expect(misp.record(first.eventId)).toBeUndefined();
    const events = eventsOf(packageId('replace'));
    expect(events).toHaveLength(1);
    expect((events[0]?.Attribute as Array<{ type: string; value: string }>).filter((a) => a.type === 'ip-dst').map((a) => a.value)).toEqual(['10.0.0.2']);
    expect(events[0]?.distribution).toBe('0');
  });

  it('resumes after the package id could not be recorded, without a second upload', async () => {
    misp.setFaults([{ method: 'POST', path: '/attributes/add', fault: { kind: 'status', status: 500 }, times: 2 }]);
    const pkg = upload('resume-marker');
    const result = await client().uploadStix(pkg);
    expect(result).toMatchObject({ outcome: 'created', attempts: 3, distribution: 0, published: true });
    expect(misp.count('POST /events/upload_stix')).toBe(1);
    expect(eventsOf(pkg.packageId)).toHaveLength(1);
  });

  it('finishes the distribution and publishing an earlier run left undone', async () => {
    const pkg = upload('unfinished');
    misp.setFaults([{ method: 'POST', path: '/events/edit', fault: { kind: 'status', status: 500 } }]);
    await expect(client({ retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } }).uploadStix(pkg)).rejects.toMatchObject({ code: 'misp_server' });
    const [stuck] = eventsOf(pkg.packageId);
    expect(stuck?.distribution).toBe(String(SERVER_DEFAULT_DISTRIBUTION));
    expect(stuck?.published).toBe(false);

    misp.setFaults([]);
    const result = await client().uploadStix(pkg);
    expect(result).toMatchObject({ outcome: 'duplicate', distribution: 0, published: true, publishedNow: true });
    const [done] = eventsOf(pkg.packageId);
    expect(done?.distribution).toBe('0');
    expect(misp.count('POST /events/upload_stix')).toBe(1);
  });

  it('does not repeat an upload whose answer was lost (MISP may have created the event)', async () => {
    misp.setFaults([{ method: 'POST', path: '/events/upload_stix', fault: { kind: 'reset' }, when: 'after', times: 1 }]);
    const error = await client().uploadStix(upload('uncertain')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MispUploadUncertainError);
    expect((error as MispUploadUncertainError).retryable).toBe(false);
    expect(misp.count('POST /events/upload_stix')).toBe(1);
  });

  it('repeats an upload that certainly did not reach MISP (503 in front of it)', async () => {
    misp.setFaults([{ method: 'POST', path: '/events/upload_stix', fault: { kind: 'status', status: 503 }, times: 1 }]);
    const result = await client().uploadStix(upload('retry-503'));
    expect(result).toMatchObject({ outcome: 'created', attempts: 2 });
    expect(misp.count('POST /events/upload_stix')).toBe(2);
    expect(eventsOf(packageId('retry-503'))).toHaveLength(1);
  });

  it('reports MISP\'s refusal of a STIX version it cannot load as a validation error, without retrying', async () => {
    const error = await client().uploadStix(upload('stix-1.0', { version: '1.0' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MispValidationError);
    expect((error as MispValidationError).fieldErrors._?.[0]).toMatch(/STIX version 1.0 is not supported/);
    expect(misp.count('POST /events/upload_stix')).toBe(1);
  });

  it('ends at a sharing group when configured, and honours a per-package distribution', async () => {
    const bySharingGroup = await client({ distribution: 4, sharingGroupId: 5 }).uploadStix(upload('sharing-group'));
    expect(misp.record(bySharingGroup.eventId)).toMatchObject({ distribution: 4, sharingGroupId: 5 });
    const perPackage = await client({ distribution: 3 }).uploadStix({ ...upload('per-package'), distribution: 1 });
    expect(misp.record(perPackage.eventId)?.distribution).toBe(1);
  });

  it('ignores the package id recorded by another organisation', async () => {
    const pkg = upload('two-orgs');
    const theirs = await client({ key: OTHER_ORG_KEY, distribution: 3 }).uploadStix(pkg);
    const ours = await client().uploadStix(pkg);
    expect(ours.outcome).toBe('created');
    expect(ours.eventId).not.toBe(theirs.eventId);
    expect(misp.record(ours.eventId)?.orgc.id).toBe(HOME_ORG.id);
  });

  it('uploads many packages eight at a time, twice: each stored once, each at the configured distribution', async () => {
    const c = client();
    const packages = Array.from({ length: 16 }, (_, i) => upload(`bulk-${i}`, { ip: `10.1.0.${i + 1}` }));
    const first = await uploadAll(packages, (p) => c.uploadStix(p), { concurrency: 8 });
    const second = await uploadAll(packages, (p) => c.uploadStix(p), { concurrency: 8 });
    expect(first.map((s) => s.result?.outcome)).toEqual(packages.map(() => 'created'));
    expect(second.map((s) => s.result?.outcome)).toEqual(packages.map(() => 'duplicate'));
    for (const p of packages) {
      const events = eventsOf(p.packageId);
      expect(events, p.packageId).toHaveLength(1);
      expect(events[0]?.distribution).toBe('0');
      expect(events[0]?.published).toBe(true);
    }
    expect(misp.count('POST /events/upload_stix')).toBe(packages.length);
  });
});
