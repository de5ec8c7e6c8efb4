/**
 * What one tracker record is, in the API and on disk, and the fast scan that reads only what the index needs.
 */
import { FlareError } from '../errors';
import { OUTCOME_SYMBOLS, PROCESS_TYPE_SYMBOLS, SCHEMA_VERSION, recordType } from './schema';
import { Cursor, CorruptError } from './varint';

export type TrackOutcome = (typeof OUTCOME_SYMBOLS)[number];
export type TrackProcessType = (typeof PROCESS_TYPE_SYMBOLS)[number];
export const TRACK_OUTCOMES: readonly TrackOutcome[] = OUTCOME_SYMBOLS;

export interface TrackRecord {
  packageId: string;
  /** sha256 hex of the package's canonical XML (the STIX reader's PackageEnvelope.hash). */
  contentHash?: string;
  feed: string;
  collection: string;
  processType: TrackProcessType;
  outcome: TrackOutcome;
  mispEventId?: string;
  mispEventUuid?: string;
  published?: boolean;
  packageTimestamp?: string;
  /** Epoch ms; append() fills in Date.now(). */
  recordedAt?: number;
  runId?: number;
  errorCode?: string;
  errorText?: string;
  /** The file an xmlOutput run wrote. */
  file?: string;
}

/** Outcomes after which the package needs nothing more (for this hash). */
export const DONE_OUTCOMES: ReadonlySet<TrackOutcome> = new Set(['saved', 'uploaded', 'updated', 'duplicate', 'legacy']);
export const FAILURE_OUTCOMES: ReadonlySet<TrackOutcome> = new Set(['failed', 'quarantined']);

export const outcomeIndex = (o: TrackOutcome): number => OUTCOME_SYMBOLS.indexOf(o);
export const processTypeIndex = (p: TrackProcessType): number => PROCESS_TYPE_SYMBOLS.indexOf(p);
/** Enum indexes, for the index's typed arrays. */
export const DONE_INDEXES: readonly boolean[] = OUTCOME_SYMBOLS.map((o) => DONE_OUTCOMES.has(o));
export const FAILURE_INDEXES: readonly boolean[] = OUTCOME_SYMBOLS.map((o) => FAILURE_OUTCOMES.has(o));
export const UPLOADING = outcomeIndex('uploading');

/** The record as avsc encodes it: every field present, null for absent. */
function toAvro(r: TrackRecord, now: number): Record<string, unknown> {
  return {
    v: SCHEMA_VERSION,
    packageId: r.packageId,
    contentHash: r.contentHash ?? null,
    feed: r.feed,
    collection: r.collection,
    processType: r.processType,
    outcome: r.outcome,
    mispEventId: r.mispEventId ?? null,
    mispEventUuid: r.mispEventUuid ?? null,
    published: r.published ?? false,
    packageTimestamp: r.packageTimestamp ?? null,
    recordedAt: r.recordedAt ?? now,
    runId: r.runId ?? null,
    errorCode: r.errorCode ?? null,
    errorText: r.errorText ?? null,
    file: r.file ?? null,
  };
}

const OPTIONAL_FIELDS = ['contentHash', 'mispEventId', 'mispEventUuid', 'packageTimestamp', 'runId', 'errorCode', 'errorText', 'file'] as const;

/** The API shape of a decoded record: absent fields left out, `v` dropped. */
export function fromAvro(value: Record<string, unknown>): TrackRecord {
  const r: TrackRecord = {
    packageId: value.packageId as string,
    feed: value.feed as string,
    collection: value.collection as string,
    processType: value.processType as TrackProcessType,
    outcome: value.outcome as TrackOutcome,
    published: value.published as boolean,
    recordedAt: value.recordedAt as number,
  };
  for (const f of OPTIONAL_FIELDS) if (value[f] !== null && value[f] !== undefined) (r as unknown as Record<string, unknown>)[f] = value[f];
  return r;
}

/** Encodes one record; a record that does not fit the schema is the caller's bug, said plainly. */
export function encodeRecord(r: TrackRecord, now: number): Buffer {
  const value = toAvro(r, now);
  const problems: string[] = [];
  if (!recordType.isValid(value, { errorHook: (path) => problems.push(path.join('.') || 'record') })) {
    throw new FlareError('tracker_invalid_record', `A tracker record for ${JSON.stringify(r.packageId)} is not valid: ${problems.map((p) => `${p} = ${JSON.stringify(value[p])}`).join(', ')}.`, {
      hint: 'This is a bug in the code that called the tracker; the record was not written.',
    });
  }
  return recordType.toBuffer(value);
}

export function decodeRecord(buf: Buffer, pos = 0): { record: TrackRecord; end: number } | undefined {
  const { value, offset } = recordType.decode(buf, pos);
  if (offset < 0) return undefined;
  return { record: fromAvro(value as Record<string, unknown>), end: offset };
}

/**
 * What the index needs from one record, read without decoding it (opening a file of a million records spends
 * most of its time here): offsets into the scanned buffer, uuidStart -1 for a null uuid.
 */
export interface Essentials {
  keyStart: number;
  keyEnd: number;
  processType: number;
  outcome: number;
  uuidStart: number;
  uuidEnd: number;
}

export function emptyEssentials(): Essentials {
  return { keyStart: 0, keyEnd: 0, processType: 0, outcome: 0, uuidStart: -1, uuidEnd: -1 };
}

/** Reads the record at `c.pos` into `out` and leaves `c.pos` after it. Follows the field order of schema.ts. */
export function scanEssentials(c: Cursor, out: Essentials): void {
  c.long(); // v
  out.keyStart = c.skipBytes(); // packageId
  out.keyEnd = c.pos;
  skipOptional(c); // contentHash
  c.skipBytes(); // feed
  c.skipBytes(); // collection
  const pt = c.long();
  if (pt !== 0 && pt !== 1) throw new CorruptError('bad processType');
  out.processType = pt;
  const outcome = c.long();
  if (outcome < 0 || outcome >= OUTCOME_SYMBOLS.length) throw new CorruptError('bad outcome');
  out.outcome = outcome;
  skipOptional(c); // mispEventId
  if (unionBranch(c) === 1) {
    out.uuidStart = c.skipBytes();
    out.uuidEnd = c.pos;
  } else {
    out.uuidStart = out.uuidEnd = -1;
  }
  if (c.boolean() === undefined) throw new CorruptError('bad boolean'); // published
  skipOptional(c); // packageTimestamp
  c.long(); // recordedAt
  if (unionBranch(c) === 1) c.long(); // runId
  skipOptional(c); // errorCode
  skipOptional(c); // errorText
  skipOptional(c); // file
}

function unionBranch(c: Cursor): number {
  const branch = c.long();
  if (branch !== 0 && branch !== 1) throw new CorruptError('bad union branch');
  return branch;
}

function skipOptional(c: Cursor): void {
  if (unionBranch(c) === 1) c.skipBytes();
}
