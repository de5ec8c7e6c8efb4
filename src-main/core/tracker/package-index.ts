/**
 * The in-memory state of every package, kept small enough for millions of records: per (process type, package
 * id) one slot in typed arrays holding where its latest, latest done and latest done-or-uploading records sit in
 * the file, the done record's content hash and event uuid as raw bytes, and the failure count. The records
 * themselves stay on disk and are read back when asked for.
 */
import { DONE_INDEXES, FAILURE_INDEXES, UPLOADING } from './record';
import { PROCESS_TYPE_SYMBOLS } from './schema';

const HASH_BYTES = 32;
const UUID_BYTES = 16;
/** Kinds of the stored hash/uuid: none, raw bytes, a string that is not canonical hex (kept in a side map). */
const NONE = 0;
const RAW = 1;
const ODD = 2;

const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[97 + i] = HEX[65 + i] = 10 + i;

/** A string or byte range holding a hash or uuid. */
export interface TextRef {
  buf: Buffer;
  start: number;
  end: number;
}

/** Parses `len*2` hex digits (case-insensitive, `-` skipped when `dashes`) into dst; false when they are not that. */
function parseHex(src: TextRef, dst: Uint8Array, at: number, len: number, dashes: boolean): boolean {
  const { buf, end } = src;
  let p = src.start;
  const expected = dashes ? len * 2 + 4 : len * 2;
  if (end - p !== expected) return false;
  for (let i = 0; i < len; i++) {
    if (dashes && (p - src.start === 8 || p - src.start === 13 || p - src.start === 18 || p - src.start === 23)) {
      if (buf[p] !== 45) return false;
      p++;
    }
    const hi = HEX[buf[p]!]!;
    const lo = HEX[buf[p + 1]!]!;
    if (hi < 0 || lo < 0) return false;
    dst[at + i] = (hi << 4) | lo;
    p += 2;
  }
  return true;
}

export function textRef(s: string): TextRef {
  const buf = Buffer.from(s, 'utf8');
  return { buf, start: 0, end: buf.length };
}

const refText = (r: TextRef): string => r.buf.toString('utf8', r.start, r.end);

export class PackageIndex {
  private readonly slots = PROCESS_TYPE_SYMBOLS.map(() => new Map<string, number>());
  /** Number of slots (packages). */
  size = 0;
  /** Records applied (the file's record count). */
  records = 0;
  private cap = 0;
  ids: string[] = [];
  processType = new Uint8Array(0);
  latestPos = new Float64Array(0);
  latestOutcome = new Uint8Array(0);
  donePos = new Float64Array(0);
  uuidPos = new Float64Array(0);
  failures = new Uint32Array(0);
  private hashKind = new Uint8Array(0);
  private hash = new Uint8Array(0);
  private uuidKind = new Uint8Array(0);
  private uuid = new Uint8Array(0);
  private readonly oddHash = new Map<number, string>();
  private readonly oddUuid = new Map<number, string>();
  private readonly oddUuidSlots = new Map<string, Set<number>>();
  /** Open addressing over the raw uuids: slot + 1, 0 empty, -1 removed. */
  private table = new Int32Array(1024);
  private tableFill = 0;
  private readonly scratch = new Uint8Array(HASH_BYTES);

  slotOf(processType: number, packageId: string): number | undefined {
    return this.slots[processType]?.get(packageId);
  }

  /** Applies one record found at file offset `pos`. */
  apply(processType: number, packageId: string, outcome: number, hash: TextRef | undefined, uuid: TextRef | undefined, pos: number): void {
    const map = this.slots[processType]!;
    let slot = map.get(packageId);
    if (slot === undefined) {
      slot = this.size++;
      if (slot >= this.cap) this.grow();
      map.set(packageId, slot);
      this.ids[slot] = packageId;
      this.processType[slot] = processType;
      this.donePos[slot] = -1;
      this.uuidPos[slot] = -1;
    }
    this.records++;
    this.latestPos[slot] = pos;
    this.latestOutcome[slot] = outcome;
    if (DONE_INDEXES[outcome]) {
      this.donePos[slot] = pos;
      this.failures[slot] = 0;
      this.setHash(slot, hash);
    } else if (FAILURE_INDEXES[outcome]) {
      this.failures[slot]!++;
    }
    if (DONE_INDEXES[outcome] || outcome === UPLOADING) {
      this.uuidPos[slot] = pos;
      this.setUuid(slot, uuid);
    }
  }

  /** Whether the done record's hash equals `hash`; undefined when the done record has none. */
  sameHash(slot: number, hash: string): boolean | undefined {
    const kind = this.hashKind[slot];
    if (kind === NONE) return undefined;
    if (kind === ODD) return this.oddHash.get(slot) === hash;
    const ref = textRef(hash);
    if (!parseHex(ref, this.scratch, 0, HASH_BYTES, false)) return false;
    for (let i = 0; i < HASH_BYTES; i++) if (this.hash[slot * HASH_BYTES + i] !== this.scratch[i]) return false;
    return true;
  }

  /** Slots whose latest done-or-uploading record names this MISP event uuid. */
  slotsForUuid(uuid: string): number[] {
    const ref = textRef(uuid);
    if (!parseHex(ref, this.scratch, 0, UUID_BYTES, true)) return [...(this.oddUuidSlots.get(uuid) ?? [])];
    const found: number[] = [];
    const mask = this.table.length - 1;
    for (let i = uuidHash(this.scratch, 0) & mask; this.table[i] !== 0; i = (i + 1) & mask) {
      const slot = this.table[i]! - 1;
      if (slot >= 0 && this.uuidEquals(slot, this.scratch)) found.push(slot);
    }
    return found;
  }

  /** Records of this slot a compaction keeps: latest, latest done, latest done-or-uploading, failures since done. */
  keptRecords(slot: number): number {
    const latest = this.latestPos[slot]!;
    const done = this.donePos[slot]!;
    const uuid = this.uuidPos[slot]!;
    let kept = 1 + this.failures[slot]! - (FAILURE_INDEXES[this.latestOutcome[slot]!] ? 1 : 0);
    if (done >= 0 && done !== latest) kept++;
    if (uuid >= 0 && uuid !== latest && uuid !== done) kept++;
    return kept;
  }

  /** Whether a compaction keeps the record of `slot` at `pos` with `outcome`. */
  keeps(slot: number, pos: number, outcome: number): boolean {
    return pos === this.latestPos[slot] || pos === this.donePos[slot] || pos === this.uuidPos[slot] || (FAILURE_INDEXES[outcome]! && pos > this.donePos[slot]!);
  }

  private setHash(slot: number, hash: TextRef | undefined): void {
    if (this.hashKind[slot] === ODD) this.oddHash.delete(slot);
    if (hash === undefined) this.hashKind[slot] = NONE;
    else if (parseHex(hash, this.hash, slot * HASH_BYTES, HASH_BYTES, false)) this.hashKind[slot] = RAW;
    else {
      this.hashKind[slot] = ODD;
      this.oddHash.set(slot, refText(hash));
    }
  }

  private setUuid(slot: number, uuid: TextRef | undefined): void {
    const kind = this.uuidKind[slot];
    if (kind === RAW) {
      if (uuid !== undefined && parseHex(uuid, this.scratch, 0, UUID_BYTES, true) && this.uuidEquals(slot, this.scratch)) return;
      this.tableRemove(slot);
    } else if (kind === ODD) {
      const old = this.oddUuid.get(slot)!;
      this.oddUuid.delete(slot);
      const set = this.oddUuidSlots.get(old)!;
      set.delete(slot);
      if (set.size === 0) this.oddUuidSlots.delete(old);
    }
    if (uuid === undefined) {
      this.uuidKind[slot] = NONE;
    } else if (parseHex(uuid, this.uuid, slot * UUID_BYTES, UUID_BYTES, true)) {
      this.uuidKind[slot] = RAW;
      this.tableInsert(slot);
    } else {
      const text = refText(uuid);
      this.uuidKind[slot] = ODD;
      this.oddUuid.set(slot, text);
      let set = this.oddUuidSlots.get(text);
      if (!set) this.oddUuidSlots.set(text, (set = new Set()));
      set.add(slot);
    }
  }

  private uuidEquals(slot: number, bytes: Uint8Array): boolean {
    if (this.uuidKind[slot] !== RAW) return false;
    const at = slot * UUID_BYTES;
    for (let i = 0; i < UUID_BYTES; i++) if (this.uuid[at + i] !== bytes[i]) return false;
    return true;
  }

  private tableInsert(slot: number): void {
    if ((this.tableFill + 1) * 2 > this.table.length) this.rehash();
    const mask = this.table.length - 1;
    let i = uuidHash(this.uuid, slot * UUID_BYTES) & mask;
    while (this.table[i]! > 0) i = (i + 1) & mask;
    if (this.table[i] === 0) this.tableFill++;
    this.table[i] = slot + 1;
  }

  private tableRemove(slot: number): void {
    const mask = this.table.length - 1;
    for (let i = uuidHash(this.uuid, slot * UUID_BYTES) & mask; this.table[i] !== 0; i = (i + 1) & mask) {
      if (this.table[i] === slot + 1) {
        this.table[i] = -1;
        return;
      }
    }
  }

  /** A table at most a quarter full of live entries, without the removed ones. */
  private rehash(): void {
    let live = 0;
    for (let i = 0; i < this.table.length; i++) if (this.table[i]! > 0) live++;
    let size = 1024;
    while (size < (live + 1) * 4) size *= 2;
    const old = this.table;
    this.table = new Int32Array(size);
    this.tableFill = 0;
    const mask = size - 1;
    for (let k = 0; k < old.length; k++) {
      const entry = old[k]!;
      if (entry <= 0) continue;
      let i = uuidHash(this.uuid, (entry - 1) * UUID_BYTES) & mask;
      while (this.table[i] !== 0) i = (i + 1) & mask;
      this.table[i] = entry;
      this.tableFill++;
    }
  }

  private grow(): void {
    const cap = Math.max(1024, Math.ceil(this.cap * 1.5));
    const more = <T extends Float64Array | Uint8Array | Uint32Array>(a: T, per = 1): T => {
      const b = new (a.constructor as new (n: number) => T)(cap * per);
      b.set(a);
      return b;
    };
    this.processType = more(this.processType);
    this.latestPos = more(this.latestPos);
    this.latestOutcome = more(this.latestOutcome);
    this.donePos = more(this.donePos);
    this.uuidPos = more(this.uuidPos);
    this.failures = more(this.failures);
    this.hashKind = more(this.hashKind);
    this.hash = more(this.hash, HASH_BYTES);
    this.uuidKind = more(this.uuidKind);
    this.uuid = more(this.uuid, UUID_BYTES);
    this.cap = cap;
  }
}

function uuidHash(bytes: Uint8Array, at: number): number {
  const a = bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
  const b = bytes[at + 12]! | (bytes[at + 13]! << 8) | (bytes[at + 14]! << 16) | (bytes[at + 15]! << 24);
  return Math.imul(a ^ Math.imul(b, 0x85ebca6b), 0x9e3779b1) >>> 0;
}
