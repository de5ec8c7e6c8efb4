/**
 * Writes a whole new container file (compaction, schema migration, the old service's import) next to the
 * tracker file, to be renamed over it once complete and fsync'd: a crash leaves either the old file or the new.
 */
import path from 'node:path';
import { encodeBlocks, encodeHeader, newSyncMarker } from './container';
import { trackerFsError } from './fs-errors';
import { fsyncDir, writeFullySync, type TrackerFs } from './fs-seam';

const BLOCK_BYTES = 1 << 20;

export class ContainerWriter {
  private readonly fd: number;
  readonly sync = newSyncMarker();
  /** Bytes written so far; the next block starts here. */
  size = 0;
  records = 0;
  private batch: Buffer[] = [];
  private batchBytes = 0;

  /** `onWritten` learns the file offset of each record once its block is written. */
  constructor(
    private readonly fs: TrackerFs,
    readonly path: string,
    schemaText: string,
    private readonly onWritten: (record: Buffer, pos: number) => void = () => {},
  ) {
    try {
      this.fd = fs.openSync(path, 'w', 0o644);
    } catch (e) {
      throw trackerFsError(e, path, `create ${path}`);
    }
    this.write(encodeHeader(schemaText, this.sync));
  }

  add(record: Buffer): void {
    this.batch.push(record);
    this.batchBytes += record.length;
    if (this.batchBytes >= BLOCK_BYTES) this.flush();
  }

  /** Flushes, fsyncs and closes; then renames the file to `target` (and fsyncs the folder) when given. */
  finish(target?: string): void {
    this.flush();
    try {
      this.fs.fsyncSync(this.fd);
    } catch (e) {
      this.abort();
      throw trackerFsError(e, this.path, `write ${this.path}`);
    }
    this.fs.closeSync(this.fd);
    if (target !== undefined) {
      try {
        this.fs.renameSync(this.path, target);
      } catch (e) {
        throw trackerFsError(e, target, `replace ${target}`);
      }
      fsyncDir(this.fs, path.dirname(target));
    }
  }

  /** Closes and deletes the unfinished file. */
  abort(): void {
    try {
      this.fs.closeSync(this.fd);
    } catch {
      /* already closed */
    }
    try {
      this.fs.unlinkSync(this.path);
    } catch {
      /* never created or already gone */
    }
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    const { bytes, recordOffsets } = encodeBlocks(this.batch, this.sync, BLOCK_BYTES);
    const at = this.size;
    this.write(bytes);
    for (let i = 0; i < this.batch.length; i++) this.onWritten(this.batch[i]!, at + recordOffsets[i]!);
    this.records += this.batch.length;
    this.batch = [];
    this.batchBytes = 0;
  }

  private write(bytes: Buffer): void {
    try {
      writeFullySync(this.fs, this.fd, bytes, this.size);
    } catch (e) {
      this.abort();
      throw trackerFsError(e, this.path, `write ${this.path}`);
    }
    this.size += bytes.length;
  }
}
