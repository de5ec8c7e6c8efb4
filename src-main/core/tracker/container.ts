/**
 * The Avro object container file format, written by hand so that every block is one write followed by one
 * fsync (avsc's BlockEncoder is a stream that decides on its own when to flush), and read block by block so a
 * torn tail can be told apart from the good blocks before it.
 *
 * Layout: 'Obj\x01', a metadata map (avro.schema, avro.codec) and a 16-byte sync marker; then blocks of
 * <record count> <byte size> <records> <sync marker>.
 */
import { randomBytes } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { CorruptError, Cursor, TruncatedError, longSize, writeLong } from './varint';

export const MAGIC = Buffer.from('Obj\x01', 'latin1');
export const SYNC_SIZE = 16;

export interface ContainerHeader {
  schemaText: string;
  /** The writer schema, parsed; undefined when avro.schema is not JSON. */
  schema: unknown;
  codec: string;
  sync: Buffer;
  /** Bytes the header takes: the first block starts here. */
  size: number;
}

export function newSyncMarker(): Buffer {
  return randomBytes(SYNC_SIZE);
}

/** The header the Java Avro writer writes too: metadata avro.schema and avro.codec, then the sync marker. */
export function encodeHeader(schemaText: string, sync: Buffer, codec = 'null'): Buffer {
  const entries: [string, Buffer][] = [
    ['avro.schema', Buffer.from(schemaText, 'utf8')],
    ['avro.codec', Buffer.from(codec, 'utf8')],
  ];
  const parts: Buffer[] = [MAGIC, lengthPrefix(entries.length)];
  for (const [key, value] of entries) parts.push(lengthPrefix(Buffer.byteLength(key)), Buffer.from(key, 'utf8'), lengthPrefix(value.length), value);
  parts.push(lengthPrefix(0), sync);
  return Buffer.concat(parts);
}

function lengthPrefix(n: number): Buffer {
  const b = Buffer.alloc(longSize(n));
  writeLong(b, 0, n);
  return b;
}

/** Parses a header from the start of `buf`. Throws TruncatedError when `buf` ends inside it, CorruptError when it is not one. */
export function parseHeader(buf: Buffer): ContainerHeader {
  if (buf.length < MAGIC.length) {
    if (MAGIC.subarray(0, buf.length).equals(buf)) throw new TruncatedError();
    throw new CorruptError('not an Avro object container file');
  }
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new CorruptError('not an Avro object container file');
  const c = new Cursor(buf, MAGIC.length, buf.length);
  const meta = new Map<string, Buffer>();
  for (;;) {
    let count = c.long();
    if (count === 0) break;
    if (count < 0) {
      count = -count;
      c.long(); // block byte size, not needed
    }
    for (let i = 0; i < count; i++) {
      const key = c.string();
      const start = c.skipBytes();
      meta.set(key, buf.subarray(start, c.pos));
    }
  }
  if (c.pos + SYNC_SIZE > buf.length) throw new TruncatedError();
  const sync = Buffer.from(buf.subarray(c.pos, c.pos + SYNC_SIZE));
  const schemaText = meta.get('avro.schema')?.toString('utf8');
  if (schemaText === undefined) throw new CorruptError('the header has no avro.schema');
  let schema: unknown;
  try {
    schema = JSON.parse(schemaText);
  } catch {
    schema = undefined;
  }
  return { schemaText, schema, codec: meta.get('avro.codec')?.toString('utf8') ?? 'null', sync, size: c.pos + SYNC_SIZE };
}

/** Blocks holding `records` (encoded records), each at most about `maxBlockBytes`, back to back in one buffer. */
export function encodeBlocks(records: readonly Buffer[], sync: Buffer, maxBlockBytes = 1 << 20): { bytes: Buffer; recordOffsets: number[] } {
  const parts: Buffer[] = [];
  const recordOffsets: number[] = [];
  let offset = 0;
  let i = 0;
  while (i < records.length) {
    let j = i;
    let size = 0;
    while (j < records.length && (j === i || size + records[j]!.length <= maxBlockBytes)) size += records[j++]!.length;
    const head = Buffer.alloc(longSize(j - i) + longSize(size));
    writeLong(head, writeLong(head, 0, j - i), size);
    parts.push(head);
    offset += head.length;
    for (let k = i; k < j; k++) {
      recordOffsets.push(offset);
      parts.push(records[k]!);
      offset += records[k]!.length;
    }
    parts.push(sync);
    offset += SYNC_SIZE;
    i = j;
  }
  return { bytes: Buffer.concat(parts, offset), recordOffsets };
}

/** Reads a file through a window of a few MB, growing it when a block is larger. */
export class FileWindow {
  private buf: Buffer;
  private start = 0;
  private length = 0;

  constructor(
    private readonly read: (buf: Buffer, position: number) => number,
    readonly fileSize: number,
    private readonly chunk = 8 << 20,
  ) {
    this.buf = Buffer.allocUnsafe(Math.min(chunk, Math.max(fileSize, 1)));
  }

  /** Bytes [pos, pos + len) (fewer at the end of the file); valid until the next call. */
  view(pos: number, len: number): Buffer {
    if (pos >= this.start && pos + len <= this.start + this.length) return this.buf.subarray(pos - this.start, pos - this.start + len);
    const want = Math.min(Math.max(len, this.chunk), this.fileSize - pos);
    if (want > this.buf.length) this.buf = Buffer.allocUnsafe(want);
    let got = 0;
    while (got < want) {
      const n = this.read(this.buf.subarray(got, want), pos + got);
      if (n === 0) break;
      got += n;
    }
    this.start = pos;
    this.length = got;
    return this.buf.subarray(0, Math.min(len, got));
  }
}

export interface Block {
  /** File offset of the block's count. */
  offset: number;
  count: number;
  /** The records (inflated when the codec is deflate). */
  data: Buffer;
  /** File offset of the first record (meaningful for the null codec only). */
  dataOffset: number;
  /** File offset just after the block's sync marker. */
  end: number;
}

export interface ScanEnd {
  /** Offset after the last good block. */
  goodEnd: number;
  /** Why the bytes from goodEnd to the end of the file are not a block, when they are there. */
  tornReason?: string;
}

/**
 * Calls `onBlock` for each complete block, in file order. `onBlock` decodes the records and throws
 * CorruptError/TruncatedError when they do not add up; that block and everything after it count as torn (the
 * tail a crash left half-written), and so does a block whose count, size or sync marker is off.
 */
export function scanBlocks(window: FileWindow, header: ContainerHeader, onBlock: (block: Block) => void): ScanEnd {
  let pos = header.size;
  const size = window.fileSize;
  while (pos < size) {
    const reason = readBlock(window, header, pos, onBlock);
    if (typeof reason === 'string') return { goodEnd: pos, tornReason: reason };
    pos = reason;
  }
  return { goodEnd: pos };
}

function readBlock(window: FileWindow, header: ContainerHeader, pos: number, onBlock: (block: Block) => void): number | string {
  const size = window.fileSize;
  const headBytes = window.view(pos, 20);
  const c = new Cursor(headBytes, 0, headBytes.length);
  let count: number;
  let bytes: number;
  try {
    count = c.long();
    bytes = c.long();
  } catch (e) {
    return e instanceof TruncatedError ? 'the block header is cut off' : 'the block header is not valid';
  }
  if (count <= 0 || bytes < 0 || (header.codec === 'null' && bytes < count)) return `the block header is not valid (count ${count}, size ${bytes})`;
  const dataOffset = pos + c.pos;
  const end = dataOffset + bytes + SYNC_SIZE;
  if (end > size) return 'the block is cut off';
  const all = window.view(dataOffset, bytes + SYNC_SIZE);
  if (!all.subarray(bytes).equals(header.sync)) return 'the sync marker after the block does not match';
  let data = all.subarray(0, bytes);
  if (header.codec === 'deflate') {
    try {
      data = inflateRawSync(data);
    } catch {
      return 'the block does not inflate';
    }
  } else if (header.codec !== 'null') {
    throw new CorruptError(`the file uses the Avro codec "${header.codec}", which FLARE MISP does not read`);
  }
  try {
    onBlock({ offset: pos, count, data, dataOffset, end });
  } catch (e) {
    if (e instanceof TruncatedError || e instanceof CorruptError) return `the block's records do not decode (${e.message})`;
    throw e;
  }
  return end;
}
