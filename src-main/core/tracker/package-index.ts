/**
 * The in-memory state of every package, small and quick to build for millions of records: no object and no
 * JS string per package. Per (process type, package id) one slot holds where its latest, latest done and latest
 * done-or-uploading records sit in the file, its failure count, and where its id's bytes sit in one arena. A
 * slot's numbers are interleaved (four doubles, four uint32s) so touching a package costs two cache lines, not
 * one per field: with a million packages, opening a file is bound by memory latency. Everything else (hashes, event ids, error texts) stays in the file and is read back when asked:
 * a lookup reads one or two records, a run asks once per package.
 *
 * Two open-addressing tables of (hash, slot + 1) pairs find slots: by package id, and by a hash of the event
 * uuid (candidates are confirmed against the records on disk, so no uuid bytes are kept).
 */
import { DONE_INDEXES, FAILURE_INDEXES, UPLOADING } from './record';

/**
 * A 32-bit murmur3-style hash of bytes [start, end), four bytes a step (opening a big file hashes every
 * record's package id and event uuid). `lower` ORs 0x20 into every byte first: ASCII letters compare
 * case-insensitively, which is what event uuids need (the hash is only a hint; equality is checked exactly).
 */
function hashBytes(buf: Uint8Array, start: number, end: number, seed: number, lower = 0): number {
  let h = seed ^ 0x9747b28c;
  const len = end - start;
  const stop = start + (len & ~3);
  let i = start;
  for (; i < stop; i += 4) {
    let k = (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24)) | lower;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let shift = 0; i < end; i++, shift += 8) k |= (buf[i]! | (lower & 0xff)) << shift;
  if (k !== 0) {
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
  }
  h ^= len;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function hashUuid(buf: Uint8Array, start: number, end: number): number {
  // 0 marks "no uuid"
  return hashBytes(buf, start, end, 0x2545f491, 0x20202020) || 1;
}

const encoder = new TextEncoder();

export class PackageIndex {
  /** Number of slots (packages). */
  size = 0;
  /** Records applied (the file's record count). */
  records = 0;
  private cap = 0;
  /** Per slot: latest, done (-1) and done-or-uploading (-1) record offsets, id offset in the arena. */
  private f64 = new Float64Array(0);
  /** Per slot: failures, uuid hash (0: none), process type << 8 | latest outcome, id length. */
  private u32 = new Uint32Array(0);
  private arena: Buffer = Buffer.alloc(0);
  private arenaUsed = 0;
  /** (key hash, slot + 1) pairs; slot 0 empty. */
  private keys = new Int32Array(0);
  /**
   * (uuid hash, slot + 1) pairs; slot 0 empty, -1 removed. Built on the first uuid lookup, not while a file is
   * read: one random memory access fewer per record when opening.
   */
  private uuids = new Int32Array(0);
  private uuidsBuilt = false;
  private uuidsFill = 0;
  private scratch = new Uint8Array(256);

  constructor() {
    this.grow(1024);
  }

  /** Makes room for about `packages` packages with ids of `idBytes` in all, so reading a file need not grow the arrays. */
  reserve(packages: number, idBytes: number): void {
    if (idBytes > this.arena.length) this.growArena(idBytes);
    if (packages > this.cap) this.grow(packages);
  }

  /** Bytes of all package ids. */
  get idBytes(): number {
    return this.arenaUsed;
  }

  latestPos(slot: number): number {
    return this.f64[slot * 4]!;
  }
  /** -1: never done. */
  donePos(slot: number): number {
    return this.f64[slot * 4 + 1]!;
  }
  /** -1: no done or uploading record. */
  uuidPos(slot: number): number {
    return this.f64[slot * 4 + 2]!;
  }
  failures(slot: number): number {
    return this.u32[slot * 4]!;
  }
  latestOutcome(slot: number): number {
    return this.u32[slot * 4 + 2]! & 0xff;
  }
  processType(slot: number): number {
    return this.u32[slot * 4 + 2]! >>> 8;
  }

  slotOf(processType: number, packageId: string): number | undefined {
    const need = packageId.length * 3;
    if (need > this.scratch.length) this.scratch = new Uint8Array(need);
    const { written } = encoder.encodeInto(packageId, this.scratch);
    const slot = this.find(processType, this.scratch, 0, written!, hashBytes(this.scratch, 0, written!, processType));
    return slot < 0 ? undefined : slot;
  }

  slotOfBytes(processType: number, buf: Uint8Array, start: number, end: number): number | undefined {
    const slot = this.find(processType, buf, start, end, hashBytes(buf, start, end, processType));
    return slot < 0 ? undefined : slot;
  }

  idOf(slot: number): string {
    const at = this.f64[slot * 4 + 3]!;
    return this.arena.toString('utf8', at, at + this.u32[slot * 4 + 3]!);
  }

  /**
   * Applies one record found at file offset `pos`: its process type, package id (bytes [keyStart, keyEnd) of
   * `buf`), outcome and event uuid (bytes [uuidStart, uuidEnd), or uuidStart -1).
   */
  apply(processType: number, buf: Buffer, keyStart: number, keyEnd: number, outcome: number, uuidStart: number, uuidEnd: number, pos: number): void {
    const h = hashBytes(buf, keyStart, keyEnd, processType);
    let slot = this.find(processType, buf, keyStart, keyEnd, h);
    if (slot < 0) slot = this.insert(processType, buf, keyStart, keyEnd, h, ~slot);
    this.records++;
    const f = slot * 4;
    const f64 = this.f64;
    const u32 = this.u32;
    f64[f] = pos;
    u32[f + 2] = (processType << 8) | outcome;
    const done = DONE_INDEXES[outcome];
    if (done) {
      f64[f + 1] = pos;
      u32[f] = 0;
    } else if (FAILURE_INDEXES[outcome]) {
      u32[f]!++;
    }
    if (done || outcome === UPLOADING) {
      f64[f + 2] = pos;
      this.setUuid(slot, uuidStart < 0 ? 0 : hashUuid(buf, uuidStart, uuidEnd));
    }
  }

  /** Slots whose latest done-or-uploading record may carry this uuid (confirm against the record). */
  uuidCandidates(uuid: string): number[] {
    if (!this.uuidsBuilt) {
      this.uuidsBuilt = true;
      this.rehashUuids();
    }
    const bytes = Buffer.from(uuid, 'utf8');
    const h = hashUuid(bytes, 0, bytes.length) | 0;
    const found: number[] = [];
    const mask = (this.uuids.length >>> 1) - 1;
    for (let i = h & mask; this.uuids[2 * i + 1] !== 0; i = (i + 1) & mask) {
      if (this.uuids[2 * i] === h && this.uuids[2 * i + 1]! > 0) found.push(this.uuids[2 * i + 1]! - 1);
    }
    return found;
  }

  /** Records of this slot a compaction keeps: latest, latest done, latest done-or-uploading, failures since done. */
  keptRecords(slot: number): number {
    const f = slot * 4;
    const latest = this.f64[f]!;
    const done = this.f64[f + 1]!;
    const uuid = this.f64[f + 2]!;
    let kept = 1 + this.u32[f]! - (FAILURE_INDEXES[this.u32[f + 2]! & 0xff] ? 1 : 0);
    if (done >= 0 && done !== latest) kept++;
    if (uuid >= 0 && uuid !== latest && uuid !== done) kept++;
    return kept;
  }

  /** Whether a compaction keeps the record of `slot` at `pos` with `outcome`. */
  keeps(slot: number, pos: number, outcome: number): boolean {
    const f = slot * 4;
    return pos === this.f64[f] || pos === this.f64[f + 1] || pos === this.f64[f + 2] || (FAILURE_INDEXES[outcome]! && pos > this.f64[f + 1]!);
  }

  /** The slot, or ~(the free table position) when absent. */
  private find(processType: number, buf: Uint8Array, start: number, end: number, h: number): number {
    const keys = this.keys;
    const mask = (keys.length >>> 1) - 1;
    const hi = h | 0;
    const len = end - start;
    for (let i = hi & mask; ; i = (i + 1) & mask) {
      const entry = keys[2 * i + 1]!;
      if (entry === 0) return ~i;
      if (keys[2 * i] !== hi) continue;
      const slot = entry - 1;
      const f = slot * 4;
      if (this.u32[f + 3] !== len || this.u32[f + 2]! >>> 8 !== processType) continue;
      const at = this.f64[f + 3]!;
      const arena = this.arena;
      let k = 0;
      while (k < len && arena[at + k] === buf[start + k]) k++;
      if (k === len) return slot;
    }
  }

  private insert(processType: number, buf: Buffer, start: number, end: number, h: number, at: number): number {
    if (this.size >= this.cap) {
      this.grow(Math.ceil(this.cap * 1.5));
      at = ~this.find(processType, buf, start, end, h);
    }
    const slot = this.size++;
    const len = end - start;
    if (this.arenaUsed + len > this.arena.length) this.growArena(Math.max(this.arena.length * 1.5, this.arenaUsed + len + 4096));
    // a plain loop: Buffer#copy of a range allocates a view per call, which shows at a million ids
    const arena = this.arena;
    for (let i = 0, to = this.arenaUsed; i < len; i++) arena[to + i] = buf[start + i]!;
    const f = slot * 4;
    this.f64[f + 1] = -1;
    this.f64[f + 2] = -1;
    this.f64[f + 3] = this.arenaUsed;
    this.u32[f + 3] = len;
    this.arenaUsed += len;
    this.keys[2 * at] = h | 0;
    this.keys[2 * at + 1] = slot + 1;
    return slot;
  }

  private setUuid(slot: number, h: number): void {
    const old = this.u32[slot * 4 + 1]!;
    if (old === h) return;
    this.u32[slot * 4 + 1] = h;
    if (!this.uuidsBuilt) return;
    const uuids = this.uuids;
    const mask = (uuids.length >>> 1) - 1;
    if (old !== 0) {
      for (let i = (old | 0) & mask; uuids[2 * i + 1] !== 0; i = (i + 1) & mask) {
        if (uuids[2 * i + 1] === slot + 1) {
          uuids[2 * i + 1] = -1;
          break;
        }
      }
    }
    if (h === 0) return;
    if ((this.uuidsFill + 1) * 2 > uuids.length >>> 1) {
      this.rehashUuids();
      return;
    }
    let i = (h | 0) & mask;
    while (uuids[2 * i + 1]! > 0) i = (i + 1) & mask;
    if (uuids[2 * i + 1] === 0) this.uuidsFill++;
    uuids[2 * i] = h | 0;
    uuids[2 * i + 1] = slot + 1;
  }

  /** A uuid table at most a quarter full, without removed entries, from the slots' uuid hashes. */
  private rehashUuids(): void {
    let live = 0;
    for (let s = 0; s < this.size; s++) if (this.u32[s * 4 + 1] !== 0) live++;
    let entries = 1024;
    while (entries < Math.max(this.cap, live) * 2) entries *= 2;
    const uuids = new Int32Array(entries * 2);
    const mask = entries - 1;
    for (let s = 0; s < this.size; s++) {
      const h = this.u32[s * 4 + 1]! | 0;
      if (h === 0) continue;
      let i = h & mask;
      while (uuids[2 * i + 1] !== 0) i = (i + 1) & mask;
      uuids[2 * i] = h;
      uuids[2 * i + 1] = s + 1;
    }
    this.uuids = uuids;
    this.uuidsFill = live;
  }

  private growArena(bytes: number): void {
    const bigger = Buffer.alloc(Math.ceil(bytes));
    this.arena.copy(bigger, 0, 0, this.arenaUsed);
    this.arena = bigger;
  }

  /** Room for `cap` slots; the key table is rebuilt from its own pairs. */
  private grow(cap: number): void {
    const f64 = new Float64Array(cap * 4);
    f64.set(this.f64);
    const u32 = new Uint32Array(cap * 4);
    u32.set(this.u32);
    this.f64 = f64;
    this.u32 = u32;
    if (this.arena.length === 0) this.growArena(cap * 64);
    this.cap = cap;
    // at most about 3/4 full
    let entries = 1024;
    while (entries < cap * 1.34) entries *= 2;
    if (entries * 2 === this.keys.length) return;
    const old = this.keys;
    const keys = new Int32Array(entries * 2);
    const mask = entries - 1;
    for (let k = 0; k < old.length; k += 2) {
      if (old[k + 1] === 0) continue;
      let i = old[k]! & mask;
      while (keys[2 * i + 1] !== 0) i = (i + 1) & mask;
      keys[2 * i] = old[k]!;
      keys[2 * i + 1] = old[k + 1]!;
    }
    this.keys = keys;
    if (this.uuidsBuilt) this.rehashUuids();
  }
}
