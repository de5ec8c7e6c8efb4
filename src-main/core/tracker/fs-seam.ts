/**
 * The file-system calls the tracker makes, as one object, so tests can make a write fail the way a full disk
 * does (ENOSPC) without filling one. Writes and fsyncs are asynchronous so appends arriving meanwhile can
 * queue up for the next group commit; reads are synchronous because lookups are.
 */
import fs from 'node:fs';
import { promisify } from 'node:util';

export interface TrackerFs {
  openSync(path: string, flags: string | number, mode?: number): number;
  closeSync(fd: number): void;
  fstatSync(fd: number): { size: number };
  readSync(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number;
  writeSync(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number;
  fsyncSync(fd: number): void;
  ftruncateSync(fd: number, length: number): void;
  write(fd: number, buf: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  fsync(fd: number): Promise<void>;
  ftruncate(fd: number, length: number): Promise<void>;
  renameSync(from: string, to: string): void;
  copyFileSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  readFileSync(path: string): Buffer;
  existsSync(path: string): boolean;
  mkdirSync(path: string, options: { recursive: true }): void;
  statSync(path: string): { mtimeMs: number; size: number };
}

const writeAsync = promisify(fs.write) as (fd: number, buf: Uint8Array, offset: number, length: number, position: number) => Promise<{ bytesWritten: number }>;
const fsyncAsync = promisify(fs.fsync);
const ftruncateAsync = promisify(fs.ftruncate);

export const nodeFs: TrackerFs = {
  openSync: (p, flags, mode) => fs.openSync(p, flags, mode),
  closeSync: (fd) => fs.closeSync(fd),
  fstatSync: (fd) => fs.fstatSync(fd),
  readSync: (fd, buf, offset, length, position) => fs.readSync(fd, buf, offset, length, position),
  writeSync: (fd, buf, offset, length, position) => fs.writeSync(fd, buf, offset, length, position),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  ftruncateSync: (fd, length) => fs.ftruncateSync(fd, length),
  write: async (fd, buf, offset, length, position) => (await writeAsync(fd, buf, offset, length, position)).bytesWritten,
  fsync: (fd) => fsyncAsync(fd),
  ftruncate: (fd, length) => ftruncateAsync(fd, length),
  renameSync: (from, to) => fs.renameSync(from, to),
  copyFileSync: (from, to) => fs.copyFileSync(from, to),
  unlinkSync: (p) => fs.unlinkSync(p),
  readFileSync: (p) => fs.readFileSync(p),
  existsSync: (p) => fs.existsSync(p),
  mkdirSync: (p, options) => void fs.mkdirSync(p, options),
  statSync: (p) => fs.statSync(p),
};

/** Writes all of `buf` at `position` (a write may be short). */
export async function writeFully(f: TrackerFs, fd: number, buf: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) done += await f.write(fd, buf, done, buf.length - done, position + done);
}

export function writeFullySync(f: TrackerFs, fd: number, buf: Uint8Array, position: number): void {
  let done = 0;
  while (done < buf.length) done += f.writeSync(fd, buf, done, buf.length - done, position + done);
}

/** fsync of a folder, so a create or rename in it survives a crash; some systems cannot, which is fine. */
export function fsyncDir(f: TrackerFs, dir: string): void {
  let fd: number | undefined;
  try {
    fd = f.openSync(dir, 'r');
    f.fsyncSync(fd);
  } catch {
    /* not supported here (e.g. Windows): the rename is still atomic */
  } finally {
    if (fd !== undefined) f.closeSync(fd);
  }
}
