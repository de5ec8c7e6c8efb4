/**
 * The tracker: an Avro object container file with one record per event in a package's life, and an index
 * (package-index.ts) that answers "what happened to this package?" by reading back just that package's records.
 *
 * Appends are group-committed: calls that arrive while a write + fsync is under way are written together as the
 * next block, with one fsync, and each call resolves only once its records are on disk. The index learns a
 * record only then, so a failed write leaves it as it was. One process at a time: see lock.ts.
 */
import path from 'node:path';
import { FlareError } from '../errors';
import { silentLogger, type Logger } from '../log/types';
import { FileWindow, encodeBlocks, scanBlocks, type Block, type ContainerHeader } from './container';
import { ContainerWriter } from './container-writer';
import { trackerFsError } from './fs-errors';
import { nodeFs, writeFully, type TrackerFs } from './fs-seam';
import { legacyRecords, readOldServiceFile, type LegacyImportOptions } from './legacy';
import { loadTrackerFile, openRw, readHead } from './load-file';
import { TrackerLock } from './lock';
import { PackageIndex } from './package-index';
import {
  FAILURE_INDEXES,
  TRACK_OUTCOMES,
  UPLOADING,
  decodeRecord,
  emptyEssentials,
  encodeRecord,
  processTypeIndex,
  scanEssentials,
  type Essentials,
  type TrackOutcome,
  type TrackProcessType,
  type TrackRecord,
} from './record';
import { PROCESS_TYPE_SYMBOLS, SCHEMA_TEXT } from './schema';
import { Cursor } from './varint';

export interface PackageState {
  latest: TrackRecord;
  /** The last record whose outcome is done: saved, uploaded, updated, duplicate or legacy. */
  done?: TrackRecord;
  /** failed + quarantined records since the last done one. */
  failures: number;
}

export type Verdict =
  /** Never seen, or only failures so far (then `state` is set). */
  | { kind: 'new'; state?: PackageState }
  /** Done with the same content hash, or done by id (a legacy record, or no hash to compare). */
  | { kind: 'done'; state: PackageState }
  /** Done before with another hash: an update. */
  | { kind: 'changed'; state: PackageState }
  /** The latest record is an `uploading` intent: a process died between intent and result. */
  | { kind: 'in-flight'; state: PackageState }
  /** The latest record is failed or quarantined, after an earlier done one. */
  | { kind: 'failed'; state: PackageState };

export interface TrackerStats {
  file: string;
  bytes: number;
  records: number;
  packages: number;
  /** Records a compaction would drop: no lookup needs them any more. */
  superseded: number;
  /** Packages by the outcome of their latest record. */
  byOutcome: Record<TrackOutcome, number>;
}

export interface ListFilter {
  packageId?: string;
  outcome?: TrackOutcome;
  processType?: TrackProcessType;
  limit?: number;
}

export interface TrackerOptions {
  logger?: Logger;
  /** Take `<file>.lock` (default true). */
  lock?: boolean;
  /** The file-system calls (tests inject failures). */
  fs?: TrackerFs;
  /** Feed and collection recorded when the file at the path is the old service's and gets imported. */
  legacy?: Omit<LegacyImportOptions, 'logger'>;
  /** Compact on open when superseded records exceed both (default 10,000 and half the records); false: never. */
  autoCompact?: { minSuperseded: number; ratio: number } | false;
}

/** Bytes read first when fetching one record back; grown when the record is longer. */
const RECORD_READ = 512;

interface Pending {
  records: Buffer[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class Tracker {
  private pending: Pending[] = [];
  private flushQueued = false;
  /** Every write to the file (commits, compaction) runs on this chain, one at a time. */
  private chain: Promise<unknown> = Promise.resolve();
  private closing = false;
  /** A failed write could not be cut off: cut it before the next one. */
  private needsTruncate = false;

  private constructor(
    readonly file: string,
    private readonly fs: TrackerFs,
    private readonly logger: Logger,
    private readonly lock: TrackerLock | undefined,
    private fd: number,
    private header: ContainerHeader,
    private index: PackageIndex,
    private size: number,
  ) {}

  static async open(file: string, options: TrackerOptions = {}): Promise<Tracker> {
    const f = options.fs ?? nodeFs;
    const logger = (options.logger ?? silentLogger).child('tracker');
    const abs = path.resolve(file);
    try {
      f.mkdirSync(path.dirname(abs), { recursive: true });
    } catch (e) {
      throw trackerFsError(e, abs, `create the folder ${path.dirname(abs)}`);
    }
    const lock = options.lock === false ? undefined : TrackerLock.acquire(f, abs, logger);
    let tracker: Tracker | undefined;
    try {
      const loaded = loadTrackerFile(f, abs, logger, options.legacy);
      tracker = new Tracker(abs, f, logger, lock, loaded.fd, loaded.header, loaded.index, loaded.size);
      const auto = options.autoCompact ?? { minSuperseded: 10_000, ratio: 0.5 };
      if (auto) {
        const { superseded, records } = tracker.stats();
        if (superseded > auto.minSuperseded && superseded > records * auto.ratio) {
          const r = await tracker.compact();
          logger.info(`Compacted ${abs}: ${r.before.records} records (${mb(r.before.bytes)}) → ${r.after.records} (${mb(r.after.bytes)}); every package's state is unchanged.`);
        }
      }
      return tracker;
    } catch (e) {
      if (tracker) await tracker.close().catch(() => undefined);
      else lock?.release();
      throw e;
    }
  }

  /** Resolves once the records are written and fsync'd; concurrent calls share one block and one fsync, in call order. */
  append(record: TrackRecord | readonly TrackRecord[]): Promise<void> {
    if (this.closing) return Promise.reject(new FlareError('tracker_closed', `The tracker ${this.file} is closed.`, { hint: 'This is a bug: something wrote to the tracker after the service stopped.' }));
    const list = Array.isArray(record) ? (record as readonly TrackRecord[]) : [record as TrackRecord];
    const now = Date.now();
    let records: Buffer[];
    try {
      records = list.map((r) => encodeRecord(r, now));
    } catch (e) {
      return Promise.reject(e);
    }
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ records, resolve, reject });
      if (!this.flushQueued) {
        this.flushQueued = true;
        void this.serial(() => this.commit());
      }
    });
  }

  verdict(processType: TrackProcessType, packageId: string, contentHash: string | undefined): Verdict {
    const slot = this.index.slotOf(processTypeIndex(processType), packageId);
    if (slot === undefined) return { kind: 'new' };
    const state = this.stateOf(slot);
    const latest = this.index.latestOutcome(slot);
    if (latest === UPLOADING) return { kind: 'in-flight', state };
    const everDone = this.index.donePos(slot) >= 0;
    if (FAILURE_INDEXES[latest]) return everDone ? { kind: 'failed', state } : { kind: 'new', state };
    if (!everDone) return { kind: 'new', state };
    const doneHash = state.done?.contentHash;
    if (contentHash === undefined || doneHash === undefined) return { kind: 'done', state };
    return doneHash.toLowerCase() === contentHash.toLowerCase() ? { kind: 'done', state } : { kind: 'changed', state };
  }

  state(processType: TrackProcessType, packageId: string): PackageState | undefined {
    const slot = this.index.slotOf(processTypeIndex(processType), packageId);
    return slot === undefined ? undefined : this.stateOf(slot);
  }

  /**
   * Package ids whose latest done-or-uploading record carries this MISP event uuid. Event uuids are derived from
   * the trailing UUID of the package id, so two ids with the same suffix would share one MISP event.
   */
  packagesForEventUuid(uuid: string): string[] {
    const ix = this.index;
    const wanted = uuid.toLowerCase();
    const slots = ix.uuidCandidates(uuid).filter((slot) => this.recordAt(ix.uuidPos(slot)).mispEventUuid?.toLowerCase() === wanted);
    return [...new Set(slots.map((slot) => ix.idOf(slot)))];
  }

  /** The latest record of each package that matches, newest first. */
  list(filter: ListFilter = {}): TrackRecord[] {
    const ix = this.index;
    let slots = this.matching(filter);
    slots.sort((a, b) => ix.latestPos(b) - ix.latestPos(a));
    if (filter.limit !== undefined && filter.limit > 0) slots = slots.slice(0, filter.limit);
    return this.recordsAt(slots.map((s) => ix.latestPos(s)));
  }

  /** How many packages list() would return without a limit. */
  count(filter: Omit<ListFilter, 'limit'> = {}): number {
    return this.matching(filter).length;
  }

  private matching(filter: ListFilter): number[] {
    const ix = this.index;
    const pt = filter.processType === undefined ? undefined : processTypeIndex(filter.processType);
    const outcome = filter.outcome === undefined ? undefined : TRACK_OUTCOMES.indexOf(filter.outcome);
    let slots: number[];
    if (filter.packageId !== undefined) {
      slots = PROCESS_TYPE_SYMBOLS.map((_, i) => ix.slotOf(i, filter.packageId!)).filter((s): s is number => s !== undefined);
    } else {
      slots = [];
      for (let s = 0; s < ix.size; s++) slots.push(s);
    }
    if (pt === undefined && outcome === undefined) return slots;
    return slots.filter((s) => (pt === undefined || ix.processType(s) === pt) && (outcome === undefined || ix.latestOutcome(s) === outcome));
  }

  /** Every record of the package, oldest first (reads the whole file). */
  history(processType: TrackProcessType, packageId: string): TrackRecord[] {
    const slot = this.index.slotOf(processTypeIndex(processType), packageId);
    const out: TrackRecord[] = [];
    if (slot === undefined) return out;
    this.scanFile((e, block, at) => {
      if (this.index.slotOfBytes(e.processType, block.data, e.keyStart, e.keyEnd) === slot) out.push(decodeRecord(block.data, at)!.record);
    });
    return out;
  }

  stats(): TrackerStats {
    const ix = this.index;
    const byOutcome = Object.fromEntries(TRACK_OUTCOMES.map((o) => [o, 0])) as Record<TrackOutcome, number>;
    let kept = 0;
    for (let s = 0; s < ix.size; s++) {
      kept += ix.keptRecords(s);
      byOutcome[TRACK_OUTCOMES[ix.latestOutcome(s)]!]++;
    }
    return { file: this.file, bytes: this.size, records: ix.records, packages: ix.size, superseded: ix.records - kept, byOutcome };
  }

  /**
   * Rewrites the file with only the records lookups need (each package's latest, latest done, latest
   * done-or-uploading, and the failures since its done one), so every verdict, state and event-uuid lookup
   * answers the same afterwards. Written to `<file>.compact-tmp`, fsync'd and renamed over the file.
   */
  compact(): Promise<{ before: { bytes: number; records: number }; after: { bytes: number; records: number } }> {
    return this.serial(() => {
      const before = { bytes: this.size, records: this.index.records };
      const old = this.index;
      const fresh = new PackageIndex();
      fresh.reserve(old.size, old.idBytes);
      const e = emptyEssentials();
      const writer = new ContainerWriter(this.fs, `${this.file}.compact-tmp`, SCHEMA_TEXT, (record, pos) => applyRecord(fresh, record, pos, e));
      try {
        this.scanFile((rec, block, at, end) => {
          const slot = old.slotOfBytes(rec.processType, block.data, rec.keyStart, rec.keyEnd)!;
          if (old.keeps(slot, block.dataOffset + at, rec.outcome)) writer.add(Buffer.from(block.data.subarray(at, end)));
        });
        writer.finish(this.file);
      } catch (err) {
        writer.abort();
        throw err;
      }
      this.reopenAfterReplace(fresh, writer.size);
      return { before, after: { bytes: this.size, records: fresh.records } };
    });
  }

  /** Flushes what is queued and releases the lock; appends after this reject. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.serial(async () => {});
    try {
      this.fs.closeSync(this.fd);
    } finally {
      this.lock?.release();
    }
  }

  /** Imports an old service tracker into this one (see importLegacyTracker). */
  async importLegacy(oldFile: string, options: LegacyImportOptions = {}): Promise<{ imported: number; done: number; eligible: number; skipped: number }> {
    const old = readOldServiceFile(oldFile, this.fs);
    if (old.tornBytes > 0) (options.logger ?? this.logger).warn(`The last ${old.tornBytes} bytes of ${oldFile} are not a complete Avro block (the old service stopped mid-write); the records before them were read.`);
    const { records, skipped } = legacyRecords(old, options, (id) => this.state('stixToMisp', id) !== undefined);
    await this.append(records);
    const done = records.filter((r) => r.outcome === 'legacy').length;
    return { imported: records.length, done, eligible: records.length - done, skipped };
  }

  // --- internals ---

  private serial<T>(work: () => T | Promise<T>): Promise<T> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Writes everything queued as one group: blocks, one write, one fsync. */
  private async commit(): Promise<void> {
    this.flushQueued = false;
    const batch = this.pending;
    this.pending = [];
    const records = batch.flatMap((p) => p.records);
    const { bytes, recordOffsets } = encodeBlocks(records, this.header.sync);
    const at = this.size;
    try {
      if (this.needsTruncate) {
        await this.fs.ftruncate(this.fd, at);
        this.needsTruncate = false;
      }
      await writeFully(this.fs, this.fd, bytes, at);
      await this.fs.fsync(this.fd);
    } catch (e) {
      try {
        await this.fs.ftruncate(this.fd, at);
      } catch {
        this.needsTruncate = true;
      }
      const n = records.length;
      const err = trackerFsError(e, this.file, `record ${n === 1 ? 'a package event' : `${n} package events`} in ${this.file}`, 'They were not recorded; the packages will be handled again.');
      this.logger.error(err.message);
      for (const p of batch) p.reject(err);
      return;
    }
    this.size = at + bytes.length;
    const e = emptyEssentials();
    for (let i = 0; i < records.length; i++) applyRecord(this.index, records[i]!, at + recordOffsets[i]!, e);
    for (const p of batch) p.resolve();
  }

  private stateOf(slot: number): PackageState {
    const ix = this.index;
    const latestPos = ix.latestPos(slot);
    const donePos = ix.donePos(slot);
    const latest = this.recordAt(latestPos);
    const state: PackageState = { latest, failures: ix.failures(slot) };
    if (donePos >= 0) state.done = donePos === latestPos ? latest : this.recordAt(donePos);
    return state;
  }

  /** Reads back the record at a file offset the index holds. */
  private recordAt(pos: number): TrackRecord {
    for (let len = RECORD_READ; ; len *= 4) {
      const n = Math.min(len, this.size - pos);
      const buf = Buffer.allocUnsafe(n);
      let got = 0;
      while (got < n) {
        const r = this.fs.readSync(this.fd, buf, got, n - got, pos + got);
        if (r === 0) break;
        got += r;
      }
      const decoded = decodeRecord(buf.subarray(0, got), 0);
      if (decoded) return decoded.record;
      if (n < len) throw new FlareError('tracker_corrupt', `${this.file} changed under FLARE MISP: the record at byte ${pos} cannot be read.`, { hint: 'Another program may have written to the file; restart FLARE MISP so it reads the file again.' });
    }
  }

  /** Records at many offsets: read in file order through one window rather than one read each. */
  private recordsAt(positions: readonly number[]): TrackRecord[] {
    if (positions.length < 256) return positions.map((p) => this.recordAt(p));
    const order = positions.map((_, i) => i).sort((a, b) => positions[a]! - positions[b]!);
    const window = new FileWindow((buf, pos) => this.fs.readSync(this.fd, buf, 0, buf.length, pos), this.size);
    const out: TrackRecord[] = new Array(positions.length);
    for (const i of order) {
      const pos = positions[i]!;
      const decoded = decodeRecord(window.view(pos, Math.min(1 << 16, this.size - pos)), 0);
      out[i] = decoded ? decoded.record : this.recordAt(pos);
    }
    return out;
  }

  /** Calls `onRecord` for each record of the file with the block and the record's start and end in it. */
  private scanFile(onRecord: (e: Essentials, block: Block, at: number, end: number) => void): void {
    const window = new FileWindow((buf, pos) => this.fs.readSync(this.fd, buf, 0, buf.length, pos), this.size);
    const e = emptyEssentials();
    scanBlocks(window, this.header, (block) => {
      const c = new Cursor(block.data, 0, block.data.length);
      for (let i = 0; i < block.count; i++) {
        const at = c.pos;
        scanEssentials(c, e);
        onRecord(e, block, at, c.pos);
      }
    });
  }

  private reopenAfterReplace(index: PackageIndex, size: number): void {
    this.fs.closeSync(this.fd);
    this.fd = openRw(this.fs, this.file);
    const head = readHead(this.fs, this.fd, this.fs.fstatSync(this.fd).size, this.file);
    this.header = head;
    this.index = index;
    this.size = size;
  }
}

/** Imports the old Java service's trackers.avro: event ids become `legacy` (done), failed uploads `failed` (eligible again). */
export function importLegacyTracker(oldFile: string, tracker: Tracker, options: LegacyImportOptions = {}): Promise<{ imported: number; done: number; eligible: number; skipped: number }> {
  return tracker.importLegacy(oldFile, options);
}

/** Feeds one record to the index; `record` starts at file offset `pos`. */
function applyRecord(index: PackageIndex, record: Buffer, pos: number, e: Essentials): void {
  scanEssentials(new Cursor(record, 0, record.length), e);
  applyEssentials(index, e, record, pos);
}

function applyEssentials(index: PackageIndex, e: Essentials, buf: Buffer, pos: number): void {
  index.apply(e.processType, buf, e.keyStart, e.keyEnd, e.outcome, e.uuidStart, e.uuidEnd, pos);
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
