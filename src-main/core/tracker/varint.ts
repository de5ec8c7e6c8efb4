/**
 * Avro's zig-zag variable-length longs, for the container framing and the index scan (avsc's own Tap is
 * internal). Values are JS numbers: exact up to 2^53, which covers counts, sizes and epoch milliseconds.
 */

/** Bytes `n` takes as an Avro long. */
export function longSize(n: number): number {
  let v = n >= 0 ? n * 2 : -n * 2 - 1;
  let size = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    size++;
  }
  return size;
}

/** Writes `n` at `pos`; returns the position after it. */
export function writeLong(buf: Uint8Array, pos: number, n: number): number {
  let v = n >= 0 ? n * 2 : -n * 2 - 1;
  while (v >= 0x80) {
    buf[pos++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  buf[pos++] = v;
  return pos;
}

export function encodeLong(n: number): Buffer {
  const b = Buffer.alloc(longSize(n));
  writeLong(b, 0, n);
  return b;
}

/**
 * A cursor over a byte range that reads Avro primitives. Reading past `end` throws TruncatedError, which the
 * container reader tells apart from corrupt data (it may just need more bytes).
 */
export class Cursor {
  constructor(
    public buf: Buffer,
    public pos: number,
    public end: number,
  ) {}

  long(): number {
    // one byte: almost every count, length, enum and union branch
    const pos = this.pos;
    const first = pos < this.end ? this.buf[pos]! : 0x80;
    if (first < 0x80) {
      this.pos = pos + 1;
      return (first >>> 1) ^ -(first & 1);
    }
    // two bytes: string lengths from 64 to 8191
    const second = pos + 1 < this.end ? this.buf[pos + 1]! : 0x80;
    if (second < 0x80) {
      this.pos = pos + 2;
      const n = (first & 0x7f) | (second << 7);
      return (n >>> 1) ^ -(n & 1);
    }
    return this.longSlow();
  }

  private longSlow(): number {
    let pos = this.pos;
    let b = this.byte(pos++);
    let n = b & 0x7f;
    let mul = 0x80;
    while (b & 0x80) {
      if (mul > 2 ** 56) throw new CorruptError('varint longer than 9 bytes');
      b = this.byte(pos++);
      n += (b & 0x7f) * mul;
      mul *= 0x80;
    }
    this.pos = pos;
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  /** A boolean byte; undefined when it is neither 0 nor 1. */
  boolean(): boolean | undefined {
    const b = this.byte(this.pos++);
    return b === 1 ? true : b === 0 ? false : undefined;
  }

  /** Skips a string or bytes value; returns its start (its length is `this.pos - start`). */
  skipBytes(): number {
    const len = this.long();
    if (len < 0) throw new CorruptError('negative length');
    const start = this.pos;
    if (start + len > this.end) throw new TruncatedError();
    this.pos = start + len;
    return start;
  }

  string(): string {
    const start = this.skipBytes();
    return this.buf.toString('utf8', start, this.pos);
  }

  private byte(pos: number): number {
    if (pos >= this.end) throw new TruncatedError();
    return this.buf[pos]!;
  }
}

export class TruncatedError extends Error {
  constructor() {
    super('truncated');
  }
}

export class CorruptError extends Error {}
