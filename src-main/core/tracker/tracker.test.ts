import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../test/support/memory-logger';
import { Tracker, type Verdict } from './tracker';
import type { TrackOutcome, TrackRecord } from './record';
import { nodeFs, type TrackerFs } from './fs-seam';
import { rec, sha, tempTrackerFile, uuid } from './test-helpers';

const kind = (v: Verdict) => v.kind;

describe('Tracker', () => {
  it('appends, answers from the index, and answers the same after reopening', async () => {
    const file = tempTrackerFile();
    const [a, b, c, d, e] = [uuid(), uuid(), uuid(), uuid(), uuid()];
    const t = await Tracker.open(file);
    expect(kind(t.verdict('stixToMisp', `NCCIC:STIX_Package-${a}`, sha(a)))).toBe('new');
    await t.append(rec(a, { runId: 1 }));
    await t.append([rec(b, { outcome: 'uploading', mispEventId: undefined }), rec(c, { outcome: 'failed', errorCode: 'misp_rejected', errorText: 'Event rejected' })]);
    await t.append([rec(d), rec(d, { outcome: 'failed', contentHash: sha('d2'), errorCode: 'timeout' })]);
    await t.append(rec(e, { processType: 'xmlOutput', outcome: 'saved', file: `/out/${e}.xml`, mispEventUuid: undefined, mispEventId: undefined }));
    const check = (t: Tracker) => {
      const id = (u: string) => `NCCIC:STIX_Package-${u}`;
      expect(kind(t.verdict('stixToMisp', id(a), sha(a)))).toBe('done');
      expect(kind(t.verdict('stixToMisp', id(a), sha('other')))).toBe('changed');
      expect(kind(t.verdict('stixToMisp', id(a), undefined))).toBe('done');
      expect(kind(t.verdict('stixToMisp', id(b), sha(b)))).toBe('in-flight');
      const vc = t.verdict('stixToMisp', id(c), sha(c));
      expect(vc).toMatchObject({ kind: 'new', state: { failures: 1, latest: { outcome: 'failed', errorText: 'Event rejected' } } });
      expect(t.verdict('stixToMisp', id(d), sha('d2'))).toMatchObject({ kind: 'failed', state: { failures: 1, done: { outcome: 'uploaded', contentHash: sha(d) } } });
      // a package saved as XML is not thereby in MISP
      expect(kind(t.verdict('xmlOutput', id(e), sha(e)))).toBe('done');
      expect(kind(t.verdict('stixToMisp', id(e), sha(e)))).toBe('new');
      expect(t.state('stixToMisp', id(a))).toEqual({ latest: expect.objectContaining({ packageId: id(a), runId: 1, published: true, recordedAt: expect.any(Number) }), done: expect.objectContaining({ outcome: 'uploaded' }), failures: 0 });
      expect(t.state('xmlOutput', id(a))).toBeUndefined();
      expect(t.list().map((r) => r.packageId)).toEqual([id(e), id(d), id(c), id(b), id(a)]);
      expect(t.list({ outcome: 'failed' }).map((r) => r.packageId)).toEqual([id(d), id(c)]);
      expect(t.list({ processType: 'xmlOutput' })).toEqual([expect.objectContaining({ file: `/out/${e}.xml` })]);
      expect(t.list({ packageId: id(d) })).toHaveLength(1);
      expect(t.list({ limit: 2 })).toHaveLength(2);
      expect([t.count(), t.count({ outcome: 'failed' }), t.count({ processType: 'xmlOutput', outcome: 'failed' })]).toEqual([5, 2, 0]);
      expect(t.history('stixToMisp', id(d)).map((r) => r.outcome)).toEqual(['uploaded', 'failed']);
      expect(t.stats()).toMatchObject({ file, records: 6, packages: 5, superseded: 0, byOutcome: { uploaded: 1, uploading: 1, failed: 2, saved: 1 } });
    };
    check(t);
    await t.close();
    const again = await Tracker.open(file);
    check(again);
    await again.close();
  });

  it('verdicts: done by hash, changed, updated again, legacy done by id, in-flight resolved', async () => {
    const t = await Tracker.open(tempTrackerFile());
    const u = uuid();
    const id = `NCCIC:STIX_Package-${u}`;
    await t.append(rec(u, { outcome: 'uploading', contentHash: sha('v1') }));
    expect(kind(t.verdict('stixToMisp', id, sha('v1')))).toBe('in-flight');
    await t.append(rec(u, { outcome: 'uploaded', contentHash: sha('v1') }));
    expect(kind(t.verdict('stixToMisp', id, sha('v1')))).toBe('done');
    expect(kind(t.verdict('stixToMisp', id, sha('v2')))).toBe('changed');
    await t.append(rec(u, { outcome: 'updated', contentHash: sha('v2') }));
    expect(kind(t.verdict('stixToMisp', id, sha('v2')))).toBe('done');
    expect(kind(t.verdict('stixToMisp', id, sha('v1')))).toBe('changed');
    await t.append(rec(u, { outcome: 'duplicate', contentHash: sha('v2') }));
    expect(t.state('stixToMisp', id)?.failures).toBe(0);
    const legacy = 'NCCIC:STIX_Package-legacy';
    await t.append({ packageId: legacy, feed: 'legacy', collection: '', processType: 'stixToMisp', outcome: 'legacy', mispEventId: '42' });
    expect(kind(t.verdict('stixToMisp', legacy, sha('anything')))).toBe('done');
    await t.append([rec(u, { outcome: 'quarantined', errorCode: 'bad_xml' }), rec(u, { outcome: 'failed' })]);
    expect(t.verdict('stixToMisp', id, sha('v3'))).toMatchObject({ kind: 'failed', state: { failures: 2 } });
    await t.close();
  });

  it('rejects a record that does not fit the schema without writing anything', async () => {
    const t = await Tracker.open(tempTrackerFile());
    await expect(t.append({ ...rec(uuid()), outcome: 'exploded' as TrackOutcome })).rejects.toMatchObject({ code: 'tracker_invalid_record' });
    expect(t.stats().records).toBe(0);
    await t.close();
    await expect(t.append(rec(uuid()))).rejects.toMatchObject({ code: 'tracker_closed' });
  });

  it('group-commits concurrent appends from eight workers: call order kept, nothing lost, fewer fsyncs than calls', async () => {
    let fsyncs = 0;
    const fs: TrackerFs = { ...nodeFs, fsync: (fd) => (fsyncs++, nodeFs.fsync(fd)) };
    const file = tempTrackerFile();
    const t = await Tracker.open(file, { fs });
    let seq = 0;
    const ids: string[] = [];
    const worker = async (w: number) => {
      for (let i = 0; i < 60; i++) {
        const u = uuid();
        const n = seq++;
        ids[n] = `NCCIC:STIX_Package-${u}`;
        const records: TrackRecord[] = i % 5 === 0 ? [rec(u, { runId: n, outcome: 'uploading' }), rec(u, { runId: n })] : [rec(u, { runId: n, feed: `w${w}` })];
        await t.append(records);
        // resolved means on disk and in the index
        expect(kind(t.verdict('stixToMisp', ids[n]!, sha(u)))).toBe('done');
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
    expect(fsyncs).toBeLessThan(480);
    await t.close();
    const again = await Tracker.open(file);
    expect(again.stats()).toMatchObject({ packages: 480, records: 480 + 96 });
    // newest first = the reverse of call order
    expect(again.list().map((r) => r.packageId)).toEqual([...ids].reverse());
    expect(again.list().map((r) => r.runId)).toEqual(ids.map((_, i) => i).reverse());
    await again.close();
  });

  it('finds every package id that maps to one MISP event uuid', async () => {
    const t = await Tracker.open(tempTrackerFile());
    const u = uuid();
    const other = uuid();
    await t.append(rec(u, { packageId: `NCCIC:STIX_Package-${u}` }));
    expect(t.packagesForEventUuid(u)).toEqual([`NCCIC:STIX_Package-${u}`]);
    // another producer's package with the same UUID suffix: the converter would give it the same event uuid
    await t.append(rec(u, { packageId: `CISA:STIX_Package-${u}`, outcome: 'uploading' }));
    expect(t.packagesForEventUuid(u).sort()).toEqual([`CISA:STIX_Package-${u}`, `NCCIC:STIX_Package-${u}`]);
    expect(t.packagesForEventUuid(u.toUpperCase())).toHaveLength(2);
    await t.append(rec(u, { packageId: `CISA:STIX_Package-${u}`, outcome: 'uploaded', mispEventUuid: other }));
    expect(t.packagesForEventUuid(u)).toEqual([`NCCIC:STIX_Package-${u}`]);
    expect(t.packagesForEventUuid(other)).toEqual([`CISA:STIX_Package-${u}`]);
    // a failure does not change which event a package maps to
    await t.append(rec(u, { outcome: 'failed', mispEventUuid: undefined }));
    expect(t.packagesForEventUuid(u)).toEqual([`NCCIC:STIX_Package-${u}`]);
    await t.append(rec('x', { packageId: 'odd-1', mispEventUuid: 'not-a-uuid' }));
    expect(t.packagesForEventUuid('not-a-uuid')).toEqual(['odd-1']);
    expect(t.packagesForEventUuid(uuid())).toEqual([]);
    await t.close();
  });

  it('compaction leaves every verdict, state and event-uuid lookup unchanged', async () => {
    const file = tempTrackerFile();
    const t = await Tracker.open(file, { autoCompact: false });
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const outcomes: TrackOutcome[] = ['uploading', 'uploaded', 'updated', 'duplicate', 'failed', 'quarantined', 'saved', 'legacy'];
    const uuids = Array.from({ length: 120 }, () => uuid());
    const hashes = ['h1', 'h2', 'h3'].map(sha);
    for (let round = 0; round < 12; round++) {
      const batch: TrackRecord[] = [];
      for (let i = 0; i < 60; i++) {
        const u = uuids[rand(uuids.length)]!;
        const outcome = outcomes[rand(outcomes.length)]!;
        batch.push(
          rec(u, {
            outcome,
            processType: outcome === 'saved' ? 'xmlOutput' : rand(10) === 0 ? 'xmlOutput' : 'stixToMisp',
            contentHash: outcome === 'legacy' ? undefined : hashes[rand(3)],
            mispEventUuid: rand(4) === 0 ? uuids[rand(8)] : rand(5) === 0 ? undefined : u,
            ...(rand(2) === 0 && { packageId: `CISA:STIX_Package-${u}` }),
          }),
        );
      }
      await t.append(batch);
    }
    const snapshot = (t: Tracker) => {
      const out: unknown[] = [];
      for (const u of uuids) {
        out.push(t.packagesForEventUuid(u).sort());
        for (const id of [`NCCIC:STIX_Package-${u}`, `CISA:STIX_Package-${u}`]) {
          for (const pt of ['xmlOutput', 'stixToMisp'] as const) {
            out.push(t.state(pt, id));
            for (const h of [...hashes, undefined]) out.push(t.verdict(pt, id, h));
          }
        }
      }
      out.push(t.list(), t.stats().packages, t.stats().byOutcome);
      return out;
    };
    const before = snapshot(t);
    const statsBefore = t.stats();
    expect(statsBefore.superseded).toBeGreaterThan(0);
    const r = await t.compact();
    expect(r.before).toEqual({ bytes: statsBefore.bytes, records: statsBefore.records });
    expect(r.after.records).toBe(statsBefore.records - statsBefore.superseded);
    expect(r.after.bytes).toBeLessThan(r.before.bytes);
    expect(snapshot(t)).toEqual(before);
    expect(t.stats().superseded).toBe(0);
    // appends after a compaction land in the new file
    await t.append(rec(uuids[0]!, { contentHash: sha('after') }));
    const after = snapshot(t);
    await t.close();
    const again = await Tracker.open(file);
    expect(snapshot(again)).toEqual(after);
    await again.close();
  });

  it('compacts on open when most records are superseded', async () => {
    const file = tempTrackerFile();
    const t = await Tracker.open(file);
    const u = uuid();
    for (let i = 0; i < 5; i++) await t.append(Array.from({ length: 10 }, (_, k) => rec(u, { contentHash: sha(`${i}-${k}`) })));
    await t.close();
    const { logger, lines } = memoryLogger();
    const again = await Tracker.open(file, { logger, autoCompact: { minSuperseded: 10, ratio: 0.5 } });
    expect(again.stats()).toMatchObject({ records: 1, packages: 1, superseded: 0 });
    expect(again.state('stixToMisp', `NCCIC:STIX_Package-${u}`)?.latest.contentHash).toBe(sha('4-9'));
    expect(lines.some((l) => /^info Compacted .*50 records/.test(l))).toBe(true);
    await again.close();
  });
});
