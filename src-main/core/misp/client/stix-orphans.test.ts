/**
 * Stix mode's crash window over real sockets: MISP's upload_stix answered (or did the work and the answer was lost)
 * but the run died before the package-id attribute was added. The next run must find that event by what MISP's
 * importer put into it — proven by the original file MISP keeps — and take it over instead of uploading a twin;
 * and it must leave alone what it cannot prove is this package's.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fetch } from 'undici';
import { readPackage } from '../../stix/index';
import { HOME_ORG, OTHER_ORG, TEST_MISP_KEY, mispClientOptions, startMispServer, type MispTestServer } from '../../../simulators/misp/index';
import { sampleStixPackage, uuidFor } from '../../../simulators/misp/sample-events';
import { MispClient } from './client';
import { MispUploadUncertainError } from './errors';
import type { MispClientOptions } from './options';
import { PACKAGE_MARKER, type StixPackageUpload } from './stix-mode';

const OTHER_ORG_KEY = 'OtherOrgKey00000000000000000000000000001';
/** The run "dies" after MISP stored the upload: recording the package id fails until the process is gone. */
const MARKER_FAILS = [{ method: 'POST', path: '/attributes/add', fault: { kind: 'status' as const, status: 500 } }];

const packageId = (name: string): string => `NCCIC:STIX_Package-${uuidFor(`orphan-package/${name}`)}`;
const upload = (name: string, options: Parameters<typeof sampleStixPackage>[1] = {}): StixPackageUpload => ({
  packageId: packageId(name),
  xml: sampleStixPackage(packageId(name), { objectUuid: uuidFor(`orphan-object/${name}`), ...options }),
});

type Rendered = { id: string; distribution: string; published: boolean; Attribute: Array<{ type: string; value: string; comment: string; deleted: boolean }> };

function harness(serverOptions: Parameters<typeof startMispServer>[0] = {}) {
  const h = {
    misp: undefined as unknown as MispTestServer,
    clients: [] as MispClient[],
    /** A new client each time, as a new process after a crash would have. */
    client(overrides: Partial<MispClientOptions> = {}): MispClient {
      const c = new MispClient(mispClientOptions(h.misp, { mode: 'stix', distribution: 0, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 }, ...overrides }));
      h.clients.push(c);
      return c;
    },
    /** Every event MISP's importer made from this package (by the package id inside the file it kept). */
    copiesOf(id: string): string[] {
      return [...h.misp.store.events.values()]
        .filter((e) => e.fromStix && e.objects.some((o) => o.attributes.some((a) => a.data !== undefined && Buffer.from(a.data, 'base64').toString('utf8').includes(`id="${id}"`))))
        .map((e) => String(e.id));
    },
    rendered(eventId: string): Rendered {
      return h.misp.event(eventId) as unknown as Rendered;
    },
    markers(eventId: string): string[] {
      return h.rendered(eventId).Attribute.filter((a) => a.type === 'text' && !a.deleted && a.comment.startsWith(PACKAGE_MARKER)).map((a) => a.value);
    },
    /** A run that uploads and dies before recording the package id; returns the event it left (counters reset). */
    async crashAfterUpload(pkg: StixPackageUpload, overrides: Partial<MispClientOptions> = {}): Promise<string> {
      const before = new Set(h.copiesOf(pkg.packageId));
      h.misp.setFaults(MARKER_FAILS);
      await expect(h.client(overrides).uploadStix(pkg)).rejects.toMatchObject({ code: 'misp_server' });
      h.misp.setFaults([]);
      const left = h.copiesOf(pkg.packageId).filter((id) => !before.has(id));
      expect(left).toHaveLength(1);
      expect(h.markers(left[0]!)).toEqual([]);
      h.misp.resetCounters(); // from here on, the counters tell what the next run does
      return left[0]!;
    },
    /** Uploads straight to MISP, as a user importing the file in MISP's web interface would: no package id recorded (counters reset). */
    async importByHand(xml: string, key = TEST_MISP_KEY): Promise<string> {
      const res = await fetch(new URL('events/upload_stix/1', h.misp.url), { method: 'POST', headers: { Authorization: key, Accept: 'application/json', 'Content-Type': 'application/xml' }, body: xml });
      expect(res.status).toBe(200);
      const id = String(((await res.json()) as { Event: { id: string } }).Event.id);
      h.misp.resetCounters();
      return id;
    },
  };
  beforeAll(async () => {
    h.misp = await startMispServer({ users: [{ key: TEST_MISP_KEY, org: HOME_ORG }, { key: OTHER_ORG_KEY, org: OTHER_ORG }], defaultEventDistribution: 3, ...serverOptions });
  });
  afterEach(async () => {
    h.misp.setFaults([]);
    h.misp.resetCounters();
    await Promise.all(h.clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => h.misp.close());
  return h;
}

describe('stix mode: an upload interrupted before the package id was recorded', () => {
  const h = harness();

  it('is taken over by the next run instead of uploaded again: one event, recorded, shared as configured, published', async () => {
    const pkg = upload('crash');
    const orphan = await h.crashAfterUpload(pkg);
    expect(h.rendered(orphan).distribution).toBe('3'); // MISP's default: the crashed run never got to step 5

    const result = await h.client().uploadStix(pkg);
    expect(result).toMatchObject({ outcome: 'created', eventId: orphan, adoptedEventId: orphan, distribution: 0, published: true, publishedNow: true });
    expect(result.warnings.join('\n')).toContain(`Took over MISP event ${orphan}`);
    expect(h.misp.count('POST /events/upload_stix')).toBe(0);
    expect(h.copiesOf(pkg.packageId)).toEqual([orphan]);
    expect(h.markers(orphan)).toEqual([pkg.packageId]);
    expect(h.rendered(orphan)).toMatchObject({ distribution: '0', published: true });

    // Recorded now: the run after that finds it by its package id, as usual.
    const again = await h.client().uploadStix(pkg);
    expect(again).toMatchObject({ outcome: 'duplicate', eventId: orphan });
    expect(again.adoptedEventId).toBeUndefined();
    expect(h.misp.count('POST /events/upload_stix')).toBe(0);
  });

  it('is taken over after MISP did the work and the answer was lost (the upload is not repeated in the same run either)', async () => {
    const pkg = upload('lost-answer');
    h.misp.setFaults([{ method: 'POST', path: '/events/upload_stix', fault: { kind: 'reset' }, when: 'after', times: 1 }]);
    await expect(h.client().uploadStix(pkg)).rejects.toBeInstanceOf(MispUploadUncertainError);
    const [orphan] = h.copiesOf(pkg.packageId);
    expect(orphan).toBeDefined();

    const result = await h.client().uploadStix(pkg);
    expect(result).toMatchObject({ outcome: 'created', adoptedEventId: orphan, eventId: orphan });
    expect(h.misp.count('POST /events/upload_stix')).toBe(1); // the lost one only
    expect(h.copiesOf(pkg.packageId)).toEqual([orphan]);
  });

  it('takes over the same content delivered with other bytes (same canonical hash)', async () => {
    const pkg = upload('other-bytes');
    const orphan = await h.crashAfterUpload(pkg);
    const redelivered = { ...pkg, xml: String(pkg.xml).replace('<stix:STIX_Header>', '<stix:STIX_Header>\n\n      ') };
    expect(redelivered.xml).not.toBe(pkg.xml);
    expect(readPackage(redelivered.xml).hash).toBe(readPackage(pkg.xml).hash);

    const result = await h.client().uploadStix(redelivered);
    expect(result.adoptedEventId).toBe(orphan);
    expect(h.copiesOf(pkg.packageId)).toEqual([orphan]);
  });

  it('replaces an unrecorded upload of an earlier version of the package rather than taking it over', async () => {
    const v1 = upload('versions', { ip: '10.20.0.1' });
    const orphan = await h.crashAfterUpload(v1);
    const v2 = upload('versions', { ip: '10.20.0.2' });

    const result = await h.client().uploadStix(v2);
    expect(result).toMatchObject({ outcome: 'updated', replacedEventId: orphan });
    expect(result.adoptedEventId).toBeUndefined();
    expect(h.misp.record(orphan)).toBeUndefined();
    const copies = h.copiesOf(v2.packageId);
    expect(copies).toEqual([result.eventId]);
    // The new event is complete (the old one was gone before the upload, so no attribute uuid collided).
    expect(h.rendered(result.eventId).Attribute.filter((a) => a.type === 'ip-dst').map((a) => a.value)).toEqual(['10.20.0.2']);
  });

  it('leaves alone an unrecorded import of another package with the same title, date and CybOX object', async () => {
    const shared = { objectUuid: uuidFor('orphan-object/shared'), title: 'Same title' };
    const theirs = upload('lookalike-theirs', { ...shared, ip: '10.30.0.1' });
    const ours = upload('lookalike-ours', { ...shared, ip: '10.30.0.2' });
    const lookalike = await h.importByHand(String(theirs.xml));

    const result = await h.client().uploadStix(ours);
    expect(result.outcome).toBe('created');
    expect(result.adoptedEventId).toBeUndefined();
    expect(result.eventId).not.toBe(lookalike);
    expect(h.misp.requests.map((r) => r.route)).toContain('GET /events/view'); // it was a candidate, and was checked
    expect(h.markers(lookalike)).toEqual([]);
    expect(h.copiesOf(theirs.packageId)).toEqual([lookalike]);
    expect(h.copiesOf(ours.packageId)).toEqual([result.eventId]);
  });

  it('never takes over another organisation\'s event', async () => {
    const pkg = upload('two-orgs');
    const theirs = await h.crashAfterUpload(pkg, { key: OTHER_ORG_KEY, distribution: 3 });
    const result = await h.client().uploadStix(pkg);
    expect(result.adoptedEventId).toBeUndefined();
    expect(result.eventId).not.toBe(theirs);
    expect(h.misp.record(result.eventId)?.orgc.id).toBe(HOME_ORG.id);
    expect(h.markers(theirs)).toEqual([]);
  });

  it('without CybOX object uuids, finds it by the importer\'s info and date; keeps the newest copy and deletes older twins', async () => {
    // Object ids that are not UUIDs: MISP's importer gives their attributes random uuids, so only the info is left.
    const pkg = upload('no-uuids', { objectUuid: 'not-a-uuid', title: 'Package without object uuids' });
    const first = await h.importByHand(String(pkg.xml));
    const second = await h.importByHand(String(pkg.xml));

    const result = await h.client().uploadStix(pkg);
    expect(result).toMatchObject({ adoptedEventId: second, eventId: second });
    expect(result.warnings.join('\n')).toContain(`Deleted MISP event ${first}, a second copy of ${pkg.packageId}`);
    expect(h.misp.record(first)).toBeUndefined();
    expect(h.copiesOf(pkg.packageId)).toEqual([second]);
    expect(h.misp.count('POST /events/upload_stix')).toBe(0);
  });
});

describe('stix mode: a MISP that does not return the original file', () => {
  const h = harness({ attachmentsInView: false });

  it('adopts and deletes nothing it cannot prove; uploads and warns, naming the likely twin', async () => {
    const pkg = upload('unprovable');
    const orphan = await h.crashAfterUpload(pkg);

    const result = await h.client().uploadStix(pkg);
    expect(result.outcome).toBe('created');
    expect(result.adoptedEventId).toBeUndefined();
    expect(result.eventId).not.toBe(orphan);
    expect(result.warnings.join('\n')).toContain(`MISP event ${orphan} may be a twin of event ${result.eventId} (${pkg.packageId})`);
    expect(h.misp.record(orphan)).toBeDefined();
    expect(h.copiesOf(pkg.packageId).sort()).toEqual([orphan, result.eventId].sort());
  });
});
