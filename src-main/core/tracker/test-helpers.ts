/** What the tracker's tests share: temp files, realistic records, the old service's file format. Not shipped code. */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeBlocks, encodeHeader, newSyncMarker } from './container';
import type { TrackRecord } from './record';
import { encodeLong } from './varint';

export function tempTrackerFile(): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), 'flare-tracker-')), 'data', 'trackers.avro');
}

export const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/** A record for an AIS-like package id ending in `uuid`. */
export function rec(uuid: string, over: Partial<TrackRecord> = {}): TrackRecord {
  return {
    packageId: `NCCIC:STIX_Package-${uuid}`,
    contentHash: sha(uuid),
    feed: 'ais',
    collection: 'system.Default',
    processType: 'stixToMisp',
    outcome: 'uploaded',
    mispEventUuid: uuid,
    mispEventId: '1',
    published: true,
    packageTimestamp: '2024-03-01T12:00:00.123456+00:00',
    ...over,
  };
}

export const uuid = (): string => randomUUID();

/** The old Java service's schema exactly as Avro's Schema.toString() writes it into the container header. */
export const OLD_SERVICE_SCHEMA =
  '{"type":"record","name":"Tracker","namespace":"flare-misp-service.avro","fields":[{"name":"stix_id","type":"string"},{"name":"event_id","type":["string","null"]}]}';

/** A trackers.avro as the old service's DataFileWriter wrote it (null codec, one block per flush). */
export function oldServiceFile(blocks: { stixId: string; eventId: string | null }[][]): Buffer {
  const sync = newSyncMarker();
  const str = (s: string) => Buffer.concat([encodeLong(Buffer.byteLength(s)), Buffer.from(s, 'utf8')]);
  const parts = [encodeHeader(OLD_SERVICE_SCHEMA, sync)];
  for (const block of blocks) {
    const records = block.map((r) => Buffer.concat([str(r.stixId), r.eventId === null ? encodeLong(1) : Buffer.concat([encodeLong(0), str(r.eventId)])]));
    parts.push(encodeBlocks(records, sync).bytes);
  }
  return Buffer.concat(parts);
}
