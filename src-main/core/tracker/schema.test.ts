import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import { TRACKER_SCHEMA, SCHEMA_VERSION } from './schema';
import { ContainerWriter } from './container-writer';
import { nodeFs } from './fs-seam';
import { memoryLogger } from '../../../test/support/memory-logger';
import { mkdirSync } from 'node:fs';
import { Tracker } from './tracker';
import { rec, tempTrackerFile, uuid } from './test-helpers';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('tracker schema', () => {
  it('tracker.avsc is the schema the code uses', () => {
    expect(JSON.parse(readFileSync(path.join(here, 'tracker.avsc'), 'utf8'))).toEqual(TRACKER_SCHEMA);
    expect(SCHEMA_VERSION).toBe(1);
    expect(TRACKER_SCHEMA.fields.every((f) => typeof f.doc === 'string' && f.doc.length > 0)).toBe(true);
  });

  it('a tracker file is a standard Avro container that avsc reads on its own', async () => {
    const file = tempTrackerFile();
    const t = await Tracker.open(file);
    const records = [rec(uuid()), rec(uuid(), { outcome: 'failed', errorCode: 'misp_rejected', errorText: 'MISP said no', contentHash: undefined, runId: 7 })];
    await t.append(records);
    await t.append(rec(uuid(), { processType: 'xmlOutput', outcome: 'saved', file: '/out/x.xml' }));
    await t.close();
    const read = await new Promise<Record<string, unknown>[]>((resolve, reject) => {
      const out: Record<string, unknown>[] = [];
      avro.createFileDecoder(file).on('data', (r: Record<string, unknown>) => out.push(r)).on('end', () => resolve(out)).on('error', reject);
    });
    expect(read.map((r) => r.packageId)).toEqual([records[0]!.packageId, records[1]!.packageId, expect.any(String)]);
    expect(read[1]).toMatchObject({ v: 1, outcome: 'failed', errorCode: 'misp_rejected', contentHash: null, runId: 7 });
    expect(read[2]).toMatchObject({ processType: 'xmlOutput', file: '/out/x.xml' });
  });

  it('a file written with an older schema (fewer fields) is rewritten in this one on open', async () => {
    const file = tempTrackerFile();
    mkdirSync(path.dirname(file), { recursive: true });
    const older = { ...TRACKER_SCHEMA, fields: TRACKER_SCHEMA.fields.filter((f) => f.name !== 'file') };
    const olderType = avro.Type.forSchema(older as unknown as avro.Schema);
    const writer = new ContainerWriter(nodeFs, file, JSON.stringify(older));
    const u = uuid();
    const r = rec(u);
    writer.add(olderType.toBuffer({ v: 1, packageId: r.packageId, contentHash: r.contentHash, feed: 'ais', collection: 'c', processType: 'stixToMisp', outcome: 'uploaded', mispEventId: '3', mispEventUuid: u, published: true, packageTimestamp: null, recordedAt: 1, runId: null, errorCode: null, errorText: null }));
    writer.finish();
    const { logger, lines } = memoryLogger();
    const t = await Tracker.open(file, { logger });
    expect(lines).toContain(`info Rewrote the 1 records of ${file} in the current tracker schema.`);
    expect(t.verdict('stixToMisp', r.packageId, r.contentHash)).toMatchObject({ kind: 'done', state: { latest: { mispEventId: '3', recordedAt: 1 } } });
    expect(t.packagesForEventUuid(u)).toEqual([r.packageId]);
    await t.close();
  });
});
