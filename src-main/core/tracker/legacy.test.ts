import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { memoryLogger } from '../../../test/support/memory-logger';
import { parseHeader } from './container';
import { readOldServiceFile } from './legacy';
import { Tracker, importLegacyTracker } from './tracker';
import { OLD_SERVICE_SCHEMA, oldServiceFile, rec, sha, tempTrackerFile, uuid } from './test-helpers';

const OLD = [
  [
    { stixId: 'NCCIC:STIX_Package-0b3f6f29-5c1a-4c6b-9d0e-4d0f3c1c2a11', eventId: '1201' },
    { stixId: 'NCCIC:STIX_Package-1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5', eventId: null },
  ],
  [
    { stixId: 'NCCIC:STIX_Package-2a3b4c5d-6e7f-4a8b-9c0d-e1f2a3b4c5d6', eventId: 'null' },
    { stixId: 'NCCIC:STIX_Package-3c4d5e6f-7a8b-4c9d-8e0f-a1b2c3d4e5f6', eventId: '1305' },
  ],
];

function checkImported(t: Tracker) {
  const [[uploaded, failedNull], [failedString, uploaded2]] = OLD as unknown as [[{ stixId: string }, { stixId: string }], [{ stixId: string }, { stixId: string }]];
  expect(t.verdict('stixToMisp', uploaded.stixId, sha('whatever'))).toMatchObject({ kind: 'done', state: { latest: { outcome: 'legacy', mispEventId: '1201' } } });
  expect(t.verdict('stixToMisp', uploaded2.stixId, undefined).kind).toBe('done');
  for (const { stixId } of [failedNull, failedString]) {
    const v = t.verdict('stixToMisp', stixId, sha('x'));
    expect(v).toMatchObject({ kind: 'new', state: { failures: 1, latest: { outcome: 'failed', errorCode: 'legacy_failed' } } });
  }
  // the old service never saved XML: xmlOutput knows nothing
  expect(t.verdict('xmlOutput', uploaded.stixId, undefined).kind).toBe('new');
}

describe('the old service tracker', () => {
  it('the test file is byte-compatible with the old service: its exact schema, the null codec', () => {
    const header = parseHeader(oldServiceFile(OLD));
    expect(header.schemaText).toBe(OLD_SERVICE_SCHEMA);
    expect(header.codec).toBe('null');
  });

  it('is imported on open: kept as a backup, replaced by a new tracker holding its packages', async () => {
    const file = tempTrackerFile();
    mkdirSync(path.dirname(file), { recursive: true });
    const bytes = oldServiceFile(OLD);
    writeFileSync(file, bytes);
    const { logger, lines } = memoryLogger();
    const t = await Tracker.open(file, { logger, legacy: { feed: 'ais', collection: 'system.Default' } });
    expect(readFileSync(`${file}.old-service-backup`)).toEqual(bytes);
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^info .* was the old FLARE MISP service's tracker: kept it as .*old-service-backup and imported its 4 packages \(2 uploaded, 2 whose upload had failed/)]));
    checkImported(t);
    expect(t.list({ packageId: OLD[0]![0]!.stixId })[0]).toMatchObject({ feed: 'ais', collection: 'system.Default', processType: 'stixToMisp' });
    await t.append(rec(uuid()));
    await t.close();
    expect(parseHeader(readFileSync(file)).schemaText).toContain('flare.misp.tracker');
    const again = await Tracker.open(file);
    checkImported(again);
    expect(again.stats().records).toBe(5);
    await again.close();
    expect(existsSync(`${file}.import-tmp`)).toBe(false);
  });

  it('importLegacyTracker adds an old file to a tracker in use, leaving packages it already knows alone', async () => {
    const dir = path.dirname(tempTrackerFile());
    mkdirSync(dir, { recursive: true });
    const old = path.join(dir, 'old-trackers.avro');
    // a later record of the same package wins, as in the old service's map; a torn tail is tolerated
    writeFileSync(old, Buffer.concat([oldServiceFile([...OLD, [{ stixId: OLD[0]![1]!.stixId, eventId: '1500' }]]), Buffer.from([0x02, 0x40, 0x01])]));
    expect(readOldServiceFile(old)).toMatchObject({ records: 5, tornBytes: 3 });
    const t = await Tracker.open(path.join(dir, 'trackers.avro'));
    await t.append(rec('x', { packageId: OLD[1]![1]!.stixId, outcome: 'updated', mispEventId: '9999' }));
    const { logger, lines } = memoryLogger();
    const r = await importLegacyTracker(old, t, { logger });
    expect(r).toEqual({ imported: 3, done: 2, eligible: 1, skipped: 1 });
    expect(lines.filter((l) => l.startsWith('warn'))).toHaveLength(1);
    expect(t.state('stixToMisp', OLD[0]![1]!.stixId)?.latest).toMatchObject({ outcome: 'legacy', mispEventId: '1500' });
    expect(t.state('stixToMisp', OLD[1]![1]!.stixId)?.latest).toMatchObject({ outcome: 'updated', mispEventId: '9999' });
    expect(t.verdict('stixToMisp', OLD[1]![0]!.stixId, undefined).kind).toBe('new');
    // a second import changes nothing
    expect(await importLegacyTracker(old, t)).toMatchObject({ imported: 0, skipped: 4 });
    await expect(importLegacyTracker(path.join(dir, 'trackers.avro'), t)).rejects.toMatchObject({ code: 'tracker_import_unreadable', message: expect.stringContaining('not the old FLARE MISP service') });
    await t.close();
  });
});
