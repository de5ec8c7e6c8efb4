/**
 * The old Java service's tracker (`trackers.avro`: records {stix_id, event_id}). Its schema's namespace
 * `flare-misp-service.avro` is not a valid Avro name, which avsc refuses; the namespace is rewritten before the
 * schema is parsed, the bytes are the same.
 *
 * The old service wrote a record after every upload attempt, with a null event id when the upload failed, and
 * then never tried that package again. Here a record with an event id becomes `legacy` (done, by id: there is no
 * content hash to compare), one without becomes `failed`, so the package is uploaded again.
 */
import avro from 'avsc';
import { FlareError } from '../errors';
import type { Logger } from '../log/types';
import { FileWindow, parseHeader, scanBlocks, type ContainerHeader } from './container';
import { nodeFs, type TrackerFs } from './fs-seam';
import type { TrackRecord } from './record';
import { CorruptError, Cursor, TruncatedError } from './varint';

export const LEGACY_NAMESPACE = 'flare-misp-service.avro';

/** Whether a container header's schema is the old service's Tracker record. */
export function isOldServiceSchema(schema: unknown): boolean {
  const s = schema as { type?: unknown; name?: unknown; namespace?: unknown; fields?: { name?: unknown }[] } | undefined;
  if (!s || s.type !== 'record') return false;
  const fullName = typeof s.name === 'string' && s.name.includes('.') ? s.name : `${String(s.namespace ?? '')}.${String(s.name)}`;
  if (fullName === `${LEGACY_NAMESPACE}.Tracker`) return true;
  return s.name === 'Tracker' && Array.isArray(s.fields) && s.fields.some((f) => f.name === 'stix_id');
}

export interface LegacyEntries {
  /** Event id by STIX package id; the last record of a package wins, as in the old service's map. */
  entries: Map<string, string | undefined>;
  records: number;
  mtimeMs: number;
  /** Bytes at the end that were not a complete block (the old service was killed mid-write). */
  tornBytes: number;
}

/** Reads an old service tracker file. */
export function readOldServiceFile(file: string, f: TrackerFs = nodeFs): LegacyEntries {
  let bytes: Buffer;
  try {
    bytes = f.readFileSync(file);
  } catch (e) {
    throw new FlareError('tracker_import_unreadable', `Cannot read ${file}: ${(e as Error).message}.`, { hint: 'Give the path of the old service\'s trackers.avro (usually /opt/mtc/avro/trackers.avro).', cause: e });
  }
  let header: ContainerHeader;
  try {
    header = parseHeader(bytes);
  } catch {
    throw new FlareError('tracker_import_unreadable', `${file} is not an Avro file.`, { hint: 'Give the path of the old service\'s trackers.avro (usually /opt/mtc/avro/trackers.avro).' });
  }
  if (!isOldServiceSchema(header.schema)) {
    throw new FlareError('tracker_import_unreadable', `${file} is an Avro file, but not the old FLARE MISP service's tracker (its schema is not flare-misp-service.avro.Tracker).`, {
      hint: 'A FLARE MISP tracker file is used as it is: point mtc.tracking.datafile at it instead of importing it.',
    });
  }
  const type = avro.Type.forSchema(validNames(header.schema) as avro.Schema, { wrapUnions: false });
  const entries = new Map<string, string | undefined>();
  let records = 0;
  const end = scanBlocks(new FileWindow((buf, pos) => bytes.copy(buf, 0, pos, pos + buf.length), bytes.length), header, (block) => {
    const c = new Cursor(block.data, 0, block.data.length);
    const found: [string, string | undefined][] = [];
    for (let i = 0; i < block.count; i++) {
      const { value, offset } = type.decode(block.data, c.pos);
      if (offset < 0) throw new TruncatedError();
      c.pos = offset;
      const v = value as { stix_id?: unknown; event_id?: unknown };
      if (typeof v.stix_id !== 'string') throw new CorruptError('a record without stix_id');
      found.push([v.stix_id, typeof v.event_id === 'string' && v.event_id !== '' && v.event_id !== 'null' ? v.event_id : undefined]);
    }
    if (c.pos !== block.data.length) throw new CorruptError('bytes after the last record');
    for (const [id, eventId] of found) entries.set(id, eventId);
    records += found.length;
  });
  return { entries, records, mtimeMs: f.statSync(file).mtimeMs, tornBytes: bytes.length - end.goodEnd };
}

/** The schema with every namespace and dotted name made of valid Avro name characters. */
function validNames(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(validNames);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if ((k === 'namespace' || k === 'name') && typeof v === 'string') out[k] = v.replace(/[^A-Za-z0-9_.]/g, '_');
    else out[k] = validNames(v);
  }
  return out;
}

export interface LegacyImportOptions {
  /** Recorded as the feed and collection of imported records (the old file does not say). */
  feed?: string;
  collection?: string;
  logger?: Logger;
}

export const LEGACY_FAILED_TEXT = 'The old FLARE MISP service tried to upload this package and recorded no MISP event, so its upload failed; it is eligible again.';

/** Tracker records for the old service's entries; `skip` leaves out packages the tracker already knows. */
export function legacyRecords(old: LegacyEntries, options: LegacyImportOptions, skip: (packageId: string) => boolean = () => false): { records: TrackRecord[]; skipped: number } {
  const records: TrackRecord[] = [];
  let skipped = 0;
  const base = { feed: options.feed ?? 'legacy', collection: options.collection ?? '', processType: 'stixToMisp' as const, recordedAt: Math.round(old.mtimeMs) };
  for (const [packageId, eventId] of old.entries) {
    if (skip(packageId)) {
      skipped++;
      continue;
    }
    records.push(
      eventId !== undefined
        ? { ...base, packageId, outcome: 'legacy', mispEventId: eventId }
        : { ...base, packageId, outcome: 'failed', errorCode: 'legacy_failed', errorText: LEGACY_FAILED_TEXT },
    );
  }
  return { records, skipped };
}
