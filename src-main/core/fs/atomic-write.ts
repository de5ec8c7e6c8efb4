/**
 * The one way the engine writes a file that must never be seen half-written: a temporary file beside the target
 * (same folder, so the rename is atomic), flushed to disk, then renamed over the target, then the folder flushed so
 * the rename itself survives a crash. Output files, cursors, run history, quarantine records and the properties
 * files all go through here.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { link, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { FlareError } from '../errors';

export interface AtomicWriteOptions {
  /** File mode of a new file (default 0o644; secrets use 0o600). */
  mode?: number;
  /** Fail when the target already exists (an output file that must not be replaced). */
  exclusive?: boolean;
}

/** A write that failed: the sentence names the file and what to do (disk full, permissions, read-only disk). */
export class FileWriteError extends FlareError {
  readonly errno?: string;
  constructor(file: string, cause: unknown) {
    const code = (cause as { code?: string } | undefined)?.code;
    const why: Record<string, [string, string]> = {
      ENOSPC: ['the disk is full', 'Free space on the disk that holds this folder; nothing was reported written that was not.'],
      EDQUOT: ['the disk quota is used up', 'Raise the quota or free space; nothing was reported written that was not.'],
      EACCES: ['permission denied', 'Let the user FLARE MISP runs as write to this folder.'],
      EPERM: ['the operation is not permitted', 'Let the user FLARE MISP runs as write to this folder.'],
      EROFS: ['the file system is read-only', 'Choose a folder on a writable disk.'],
      ENOENT: ['the folder does not exist', 'Create the folder, or fix the path in the configuration.'],
      ENOTDIR: ['a part of the path is not a folder', 'Fix the path in the configuration.'],
      EEXIST: ['the file already exists', 'It is left as it is.'],
    };
    const [reason, hint] = why[code ?? ''] ?? [(cause as Error | undefined)?.message ?? String(cause), 'Check the disk and the folder.'];
    super('fs_write_failed', `Cannot write ${file}: ${reason}.`, { hint, detail: { file, errno: code }, cause });
    if (code !== undefined) this.errno = code;
  }
}

function tempFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Writes `data` to `target` atomically and durably. Rejects with FileWriteError; the target is then unchanged. */
export async function writeFileAtomic(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const temp = tempFor(target);
  try {
    const handle = await open(temp, 'wx', options.mode ?? 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.exclusive) {
      // "rename unless it exists": a plain rename would replace a file another writer put there.
      await link(temp, target);
      await unlink(temp);
    } else {
      await rename(temp, target);
    }
    syncFolder(path.dirname(target));
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e instanceof FlareError ? e : new FileWriteError(target, e);
  }
}

/** The same, synchronously (the properties files are saved from synchronous code). */
export function writeFileAtomicSync(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const temp = tempFor(target);
  try {
    const fd = openSync(temp, 'wx', options.mode ?? 0o644);
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
    syncFolder(path.dirname(target));
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      /* never created */
    }
    throw new FileWriteError(target, e);
  }
}

/** Flushes a folder's entries (the rename); some platforms cannot open a folder, which is then left to the OS. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    /* Windows cannot fsync a directory */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The path of `name` inside `dir`, refusing any name that would land elsewhere (`..`, separators, absolute paths):
 * names that come from feeds never choose where we write.
 */
export function pathInside(dir: string, name: string): string {
  const root = path.resolve(dir);
  const target = path.resolve(root, name);
  if (name !== path.basename(name) || path.dirname(target) !== root || name === '' || name === '.' || name === '..') {
    throw new FlareError('fs_unsafe_file_name', `Refusing to write "${name}" outside the folder ${root}.`, { hint: 'File names made from feed data are sanitised first; this one was not.' });
  }
  return target;
}
