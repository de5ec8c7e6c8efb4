/**
 * The in-memory state of every package, small and quick to build for millions of records: no object and no
 * JS string per package. Per (process type, package id) one slot in typed arrays holds the package id's bytes
 * (in one arena), where its latest, latest done and latest done-or-uploading records sit in the file, and its
 * failure count. Everything else (hashes, event ids, error texts) stays in the file and is read back when asked:
 * a lookup reads one or two records, a run asks once per package.
 *
 * Two open-addressing tables find slots: by package id, and by a hash of the event uuid (the candidates are
 * confirmed against the records on disk, so the table needs no uuid bytes).
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
  processType = new Uint8Array(0);
  latestOutcome = new Uint8Array(0);
  latestPos = new Float64Array(0);
  donePos = new Float64Array(0);
  uuidPos = new Float64Array(0);
  failures = new Uint32Array(0);
  private keyHash = new Uint32Array(0);
  private keyStart = new Float64Array(0);
  private keyLength = new Uint32Array(0);
  /** Hash of the event uuid of the latest done-or-uploading record; 0: none. */
  private uuidHash = new Uint32Array(0);
  private arena = new Uint8Array(0);
  private arenaUsed = 0;
  /** Slot + 1 by key hash; 0 empty. */
  private keys = new Int32Array(0);
  /** Slot + 1 by uuid hash; 0 empty, -1 removed. */
  private uuids = new Int32Array(0);
  private uuidsFill = 0;
  private scratch = new Uint8Array(256);

  constructor() {
    this.grow(1024);
  }

  /** Makes room for about `packages` packages with ids of `idBytes` in all, so reading a file need not grow the arrays. */
  reserve(packages: number, idBytes: number): void {
    if (idBytes > this.arena.length) {
      const bigger = new Uint8Array(idBytes);
      bigger.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = bigger;
    }
    if (packages > this.cap) this.grow(packages);
  }

  /** Bytes of all package ids. */
  get idBytes(): number {
    return this.arenaUsed;
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
    const start = this.keyStart[slot]!;
    return Buffer.from(this.arena.buffer, this.arena.byteOffset + start, this.keyLength[slot]!).toString('utf8');
  }

  /**
   * Applies one record found at file offset `pos`: its process type, package id (bytes [keyStart, keyEnd) of
   * `buf`), outcome and event uuid (bytes [uuidStart, uuidEnd), or uuidStart -1).
   */
  apply(processType: number, buf: Uint8Array, keyStart: number, keyEnd: number, outcome: number, uuidStart: number, uuidEnd: number, pos: number): void {
    const h = hashBytes(buf, keyStart, keyEnd, processType);
    let slot = this.find(processType, buf, keyStart, keyEnd, h);
    if (slot < 0) slot = this.insert(processType, buf, keyStart, keyEnd, h, ~slot);
    this.records++;
    this.latestPos[slot] = pos;
    this.latestOutcome[slot] = outcome;
    const done = DONE_INDEXES[outcome];
    if (done) {
      this.donePos[slot] = pos;
      this.failures[slot] = 0;
    } else if (FAILURE_INDEXES[outcome]) {
      this.failures[slot]!++;
    }
    if (done || outcome === UPLOADING) {
      this.uuidPos[slot] = pos;
      this.setUuid(slot, uuidStart < 0 ? 0 : hashUuid(buf, uuidStart, uuidEnd));
    }
  }

  /** Slots whose latest done-or-uploading record may carry this uuid (confirm against the record). */
  uuidCandidates(uuid: string): number[] {
    const bytes = Buffer.from(uuid, 'utf8');
    const h = hashUuid(bytes, 0, bytes.length);
    const found: number[] = [];
    const mask = this.uuids.length - 1;
    for (let i = h & mask; this.uuids[i] !== 0; i = (i + 1) & mask) {
      const slot = this.uuids[i]! - 1;
      if (slot >= 0 && this.uuidHash[slot] === h) found.push(slot);
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

  /** The slot, or ~(the free table position) when absent. */
  private find(processType: number, buf: Uint8Array, start: number, end: number, h: number): number {
    const mask = this.keys.length - 1;
    const len = end - start;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const entry = this.keys[i]!;
      if (entry === 0) return ~i;
      const slot = entry - 1;
      if (this.keyHash[slot] !== h || this.keyLength[slot] !== len || this.processType[slot] !== processType) continue;
      const at = this.keyStart[slot]!;
      let k = 0;
      while (k < len && this.arena[at + k] === buf[start + k]) k++;
      if (k === len) return slot;
    }
  }

  private insert(processType: number, buf: Uint8Array, start: number, end: number, h: number, at: number): number {
    if (this.size >= this.cap) {
      this.grow(Math.ceil(this.cap * 1.5));
      at = ~this.find(processType, buf, start, end, h);
    }
    const slot = this.size++;
    const len = end - start;
    if (this.arenaUsed + len > this.arena.length) {
      const bigger = new Uint8Array(Math.max(this.arena.length * 1.5, this.arenaUsed + len + 4096));
      bigger.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = bigger;
    }
    this.arena.set(buf.subarray(start, end), this.arenaUsed);
    this.keyStart[slot] = this.arenaUsed;
    this.keyLength[slot] = len;
    this.arenaUsed += len;
    this.keyHash[slot] = h;
    this.processType[slot] = processType;
    this.donePos[slot] = -1;
    this.uuidPos[slot] = -1;
    this.keys[at] = slot + 1;
    return slot;
  }

  private setUuid(slot: number, h: number): void {
    const old = this.uuidHash[slot]!;
    if (old === h) return;
    const mask = this.uuids.length - 1;
    if (old !== 0) {
      for (let i = old & mask; this.uuids[i] !== 0; i = (i + 1) & mask) {
        if (this.uuids[i] === slot + 1) {
          this.uuids[i] = -1;
          break;
        }
      }
    }
    this.uuidHash[slot] = h;
    if (h === 0) return;
    if ((this.uuidsFill + 1) * 2 > this.uuids.length) this.rehashUuids(this.uuids.length);
    const m = this.uuids.length - 1;
    let i = h & m;
    while (this.uuids[i]! > 0) i = (i + 1) & m;
    if (this.uuids[i] === 0) this.uuidsFill++;
    this.uuids[i] = slot + 1;
  }

  /** Tables at most half full at `cap` slots; the uuid table also loses its removed entries. */
  private rehashUuids(minSize: number): void {
    let live = 0;
    for (let s = 0; s < this.size; s++) if (this.uuidHash[s] !== 0) live++;
    let size = 1024;
    while (size < Math.max(minSize, (live + 1) * 2)) size *= 2;
    if (size === this.uuids.length && this.uuidsFill === live) size *= 2;
    this.uuids = new Int32Array(size);
    this.uuidsFill = 0;
    const mask = size - 1;
    for (let s = 0; s < this.size; s++) {
      const h = this.uuidHash[s]!;
      if (h === 0) continue;
      let i = h & mask;
      while (this.uuids[i] !== 0) i = (i + 1) & mask;
      this.uuids[i] = s + 1;
      this.uuidsFill++;
    }
  }

  private grow(cap: number): void {
    const more = <T extends Float64Array | Uint8Array | Uint32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      return b;
    };
    this.processType = more(this.processType);
    this.latestOutcome = more(this.latestOutcome);
    this.latestPos = more(this.latestPos);
    this.donePos = more(this.donePos);
    this.uuidPos = more(this.uuidPos);
    this.failures = more(this.failures);
    this.keyHash = more(this.keyHash);
    this.keyStart = more(this.keyStart);
    this.keyLength = more(this.keyLength);
    this.uuidHash = more(this.uuidHash);
    if (this.arena.length === 0) this.arena = new Uint8Array(cap * 64);
    this.cap = cap;
    let size = 1024;
    while (size < cap * 2) size *= 2;
    if (size !== this.keys.length) {
      this.keys = new Int32Array(size);
      const mask = size - 1;
      for (let s = 0; s < this.size; s++) {
        let i = this.keyHash[s]! & mask;
        while (this.keys[i] !== 0) i = (i + 1) & mask;
        this.keys[i] = s + 1;
      }
      this.rehashUuids(size);
    }
  }
}
