/**
 * Opening a tracker file: create it, start over a file cut inside its header, rewrite one in an older schema,
 * replace the old service's file with an import of it, cut a torn last block; then index every record.
 */
import path from 'node:path';
import avro from 'avsc';
import { FlareError } from '../errors';
import type { Logger } from '../log/types';
import { FileWindow, encodeHeader, newSyncMarker, parseHeader, scanBlocks, type Block, type ContainerHeader } from './container';
import { ContainerWriter } from './container-writer';
import { trackerFsError } from './fs-errors';
import { fsyncDir, writeFullySync, type TrackerFs } from './fs-seam';
import { isOldServiceSchema, legacyRecords, readOldServiceFile, type LegacyImportOptions } from './legacy';
import { PackageIndex } from './package-index';
import { emptyEssentials, encodeRecord, scanEssentials } from './record';
import { SCHEMA_TEXT, TRACKER_SCHEMA, recordType } from './schema';
import { CorruptError, Cursor, TruncatedError } from './varint';

export function openRw(f: TrackerFs, file: string): number {
  try {
    return f.openSync(file, 'r+');
  } catch (e) {
    throw trackerFsError(e, file, `open ${file} for writing`);
  }
}

/** The header of an open tracker file; throws when the file is not one (or is the old service's, see load). */
export function readHead(f: TrackerFs, fd: number, size: number, file: string): ContainerHeader {
  const window = new FileWindow((buf, pos) => f.readSync(fd, buf, 0, buf.length, pos), size, 1 << 16);
  for (let len = 1 << 16; ; len *= 4) {
    try {
      return parseHeader(window.view(0, len));
    } catch (e) {
      if (e instanceof TruncatedError && len < size) continue;
      if (e instanceof TruncatedError) throw e;
      throw unreadable(file, (e as Error).message);
    }
  }
}

function unreadable(file: string, why: string): FlareError {
  return new FlareError('tracker_unreadable', `${file} is not a FLARE MISP tracker file: ${why}.`, {
    hint: 'Move that file aside (FLARE MISP then starts a new one), or point mtc.tracking.datafile at the right file.',
  });
}

export interface LoadedFile {
  fd: number;
  header: ContainerHeader;
  index: PackageIndex;
  /** Bytes of good blocks: where the next block goes. */
  size: number;
}

/** Opens the file (creating, migrating or importing it first when needed) and builds the index. */
export function loadTrackerFile(f: TrackerFs, file: string, logger: Logger, legacy: LegacyImportOptions = {}): LoadedFile {
  for (const leftover of [`${file}.compact-tmp`, `${file}.import-tmp`]) {
    if (f.existsSync(leftover)) {
      logger.info(`Removing ${leftover}, left by a compaction or import that did not finish (the tracker file itself is complete).`);
      try {
        f.unlinkSync(leftover);
      } catch {
        /* it is overwritten next time */
      }
    }
  }
  if (!f.existsSync(file)) {
    logger.info(`Creating a new tracker file ${file}.`);
    writeNew(f, file);
  }
  let fd = openRw(f, file);
  try {
    let size = f.fstatSync(fd).size;
    let header: ContainerHeader;
    try {
      header = size === 0 ? startOver(f, file, fd, logger, 'it is empty') : readHead(f, fd, size, file);
    } catch (e) {
      if (!(e instanceof TruncatedError)) throw e;
      header = startOver(f, file, fd, logger, `its header is cut off after ${size} bytes (it was being created when FLARE MISP stopped)`);
    }
    size = f.fstatSync(fd).size;
    if (isOldServiceSchema(header.schema)) {
      f.closeSync(fd);
      importOldServiceFile(f, file, logger, legacy);
      fd = openRw(f, file);
      size = f.fstatSync(fd).size;
      header = readHead(f, fd, size, file);
    } else if (!sameSchema(header)) {
      f.closeSync(fd);
      migrate(f, file, header, size, logger);
      fd = openRw(f, file);
      size = f.fstatSync(fd).size;
      header = readHead(f, fd, size, file);
    }
    const index = new PackageIndex();
    const scratch = new BlockScratch();
    const window = new FileWindow((buf, pos) => f.readSync(fd, buf, 0, buf.length, pos), size);
    const end = scanBlocks(window, header, (block) => {
      indexBlock(index, block, scratch);
      // size the index for the whole file from the first block, so it does not grow (and copy) while reading
      if (index.records === block.count) reserveFor(index, block, size - header.size);
    });
    if (end.goodEnd < size) {
      const dropped = size - end.goodEnd;
      keepTornTail(f, file, fd, end.goodEnd, dropped, logger);
      try {
        f.ftruncateSync(fd, end.goodEnd);
        f.fsyncSync(fd);
      } catch (err) {
        throw trackerFsError(err, file, `cut the incomplete last block off ${file}`);
      }
      logger.warn(`Dropped the last ${dropped} bytes of ${file}: ${end.tornReason} (FLARE MISP stopped while writing it); the ${index.records} records before it are kept.`);
    }
    return { fd, header, index, size: end.goodEnd };
  } catch (e) {
    try {
      f.closeSync(fd);
    } catch {
      /* already closed */
    }
    throw e;
  }
}

/**
 * Indexes one block. The records are checked first and applied after, so a block that turns out torn halfway
 * leaves the index as it was.
 */
function indexBlock(index: PackageIndex, block: Block, s: BlockScratch): void {
  const c = new Cursor(block.data, 0, block.data.length);
  const e = s.e;
  s.reserve(block.count);
  for (let i = 0, k = 0; i < block.count; i++, k += 6) {
    s.fields[k] = c.pos;
    scanEssentials(c, e);
    s.fields[k + 1] = e.keyStart;
    s.fields[k + 2] = e.keyEnd;
    s.fields[k + 3] = (e.processType << 8) | e.outcome;
    s.fields[k + 4] = e.uuidStart;
    s.fields[k + 5] = e.uuidEnd;
  }
  if (c.pos !== block.data.length) throw new CorruptError('bytes after the last record');
  const f = s.fields;
  for (let i = 0, k = 0; i < block.count; i++, k += 6) {
    index.apply(f[k + 3]! >> 8, block.data, f[k + 1]!, f[k + 2]!, f[k + 3]! & 0xff, f[k + 4]!, f[k + 5]!, block.dataOffset + f[k]!);
  }
}

function reserveFor(index: PackageIndex, block: Block, fileBytes: number): void {
  // a small first block says little about the rest; and no realistic record is under ~120 bytes, so a guess
  // never reserves more than that allows (growing later is only slower, not wrong)
  if (block.count < 100) return;
  const records = Math.min(Math.ceil((fileBytes / (block.end - block.offset)) * block.count * 1.05), Math.ceil(fileBytes / 120));
  index.reserve(records, Math.ceil((index.idBytes / block.count) * records));
}

/** Where each record of a block and its fields start, kept between the check and the apply pass. */
class BlockScratch {
  fields = new Int32Array(6 * 1024);
  readonly e = emptyEssentials();
  reserve(count: number): void {
    if (count * 6 > this.fields.length) this.fields = new Int32Array(count * 6);
  }
}

function writeNew(f: TrackerFs, file: string): void {
  let fd: number;
  try {
    fd = f.openSync(file, 'wx', 0o644);
  } catch (e) {
    throw trackerFsError(e, file, `create ${file}`);
  }
  try {
    writeFullySync(f, fd, encodeHeader(SCHEMA_TEXT, newSyncMarker()), 0);
    f.fsyncSync(fd);
  } catch (e) {
    throw trackerFsError(e, file, `create ${file}`);
  } finally {
    f.closeSync(fd);
  }
  fsyncDir(f, path.dirname(file));
}

/** A file without a complete header holds no records: write a fresh header into it. */
function startOver(f: TrackerFs, file: string, fd: number, logger: Logger, why: string): ContainerHeader {
  if (why !== 'it is empty') logger.warn(`Starting ${file} over: ${why}; it held no records.`);
  const bytes = encodeHeader(SCHEMA_TEXT, newSyncMarker());
  try {
    f.ftruncateSync(fd, 0);
    writeFullySync(f, fd, bytes, 0);
    f.fsyncSync(fd);
  } catch (e) {
    throw trackerFsError(e, file, `write ${file}`);
  }
  return parseHeader(bytes);
}

/** A torn tail is usually a few bytes; when it is large, keep a copy next to the file rather than lose it silently. */
function keepTornTail(f: TrackerFs, file: string, fd: number, from: number, length: number, logger: Logger): void {
  if (length < 1 << 20) return;
  const copy = `${file}.torn-${Date.now()}`;
  try {
    const out = f.openSync(copy, 'wx', 0o644);
    try {
      const buf = Buffer.allocUnsafe(Math.min(length, 8 << 20));
      for (let done = 0; done < length; ) {
        const n = f.readSync(fd, buf, 0, Math.min(buf.length, length - done), from + done);
        if (n === 0) break;
        writeFullySync(f, out, buf.subarray(0, n), done);
        done += n;
      }
      f.fsyncSync(out);
    } finally {
      f.closeSync(out);
    }
    logger.warn(`Kept a copy of the ${length} unreadable bytes at the end of ${file} in ${copy}.`);
  } catch (e) {
    logger.warn(`Could not keep a copy of the unreadable end of ${file} in ${copy}: ${(e as Error).message}.`);
  }
}

function sameSchema(header: ContainerHeader): boolean {
  if (header.schemaText === SCHEMA_TEXT) return true;
  try {
    return avro.Type.forSchema(header.schema as avro.Schema).equals(recordType);
  } catch {
    return false;
  }
}

/** A file written with another version of the schema is rewritten in this one (Avro schema resolution). */
function migrate(f: TrackerFs, file: string, header: ContainerHeader, size: number, logger: Logger): void {
  let resolver: avro.Resolver;
  try {
    const s = header.schema as { name?: string; namespace?: string };
    if (`${s.namespace}.${s.name}` !== `${TRACKER_SCHEMA.namespace}.${TRACKER_SCHEMA.name}`) throw new Error(`its records are ${s.namespace}.${s.name}`);
    resolver = recordType.createResolver(avro.Type.forSchema(header.schema as avro.Schema));
  } catch (e) {
    throw unreadable(file, `its Avro schema is not one FLARE MISP can read (${(e as Error).message})`);
  }
  const fd = f.openSync(file, 'r');
  const writer = new ContainerWriter(f, `${file}.compact-tmp`, SCHEMA_TEXT);
  let count = 0;
  try {
    const window = new FileWindow((buf, pos) => f.readSync(fd, buf, 0, buf.length, pos), size);
    scanBlocks(window, header, (block) => {
      const out: Buffer[] = [];
      let pos = 0;
      for (let i = 0; i < block.count; i++) {
        const { value, offset } = recordType.decode(block.data, pos, resolver);
        if (offset < 0) throw new TruncatedError();
        pos = offset;
        out.push(recordType.toBuffer(value));
      }
      for (const r of out) writer.add(r);
      count += out.length;
    });
    writer.finish(file);
  } catch (e) {
    writer.abort();
    throw e;
  } finally {
    f.closeSync(fd);
  }
  logger.info(`Rewrote the ${count} records of ${file} in the current tracker schema.`);
}

/**
 * The file at the tracker path is the old service's: keep it as `<file>.old-service-backup`, and put a new
 * tracker file holding its packages in its place (written aside and renamed, so a crash leaves one or the other).
 */
function importOldServiceFile(f: TrackerFs, file: string, logger: Logger, legacy: LegacyImportOptions): void {
  const old = readOldServiceFile(file, f);
  let backup = `${file}.old-service-backup`;
  if (f.existsSync(backup)) backup = `${backup}-${Date.now()}`;
  try {
    f.copyFileSync(file, backup);
    const fd = f.openSync(backup, 'r');
    try {
      f.fsyncSync(fd);
    } finally {
      f.closeSync(fd);
    }
  } catch (e) {
    throw trackerFsError(e, backup, `keep a copy of the old service's tracker as ${backup}`);
  }
  const { records } = legacyRecords(old, legacy);
  const writer = new ContainerWriter(f, `${file}.import-tmp`, SCHEMA_TEXT);
  try {
    const now = Date.now();
    for (const r of records) writer.add(encodeRecord(r, now));
    writer.finish(file);
  } catch (e) {
    writer.abort();
    throw e;
  }
  const done = records.filter((r) => r.outcome === 'legacy').length;
  logger.info(
    `${file} was the old FLARE MISP service's tracker: kept it as ${backup} and imported its ${records.length} packages` +
      ` (${done} uploaded, ${records.length - done} whose upload had failed and will be tried again).`,
  );
  if (old.tornBytes > 0) logger.warn(`The last ${old.tornBytes} bytes of the old tracker were not a complete block and were not imported.`);
}
