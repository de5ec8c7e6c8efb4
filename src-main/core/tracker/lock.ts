/**
 * `<file>.lock`: one process at a time writes a tracker file (two appenders would interleave blocks and each
 * would trust an index the other makes stale). Created with O_EXCL and holding pid, host and start time, so a
 * lock left by a killed process on this host is recognised and taken over.
 */
import os from 'node:os';
import { FlareError } from '../errors';
import type { Logger } from '../log/types';
import { trackerFsError } from './fs-errors';
import type { TrackerFs } from './fs-seam';
import { writeFullySync } from './fs-seam';

export interface LockOwner {
  pid: number;
  hostname: string;
  startedAt: string;
}

/** A lock file younger than this whose content cannot be read may be mid-creation by its owner. */
const UNREADABLE_GRACE_MS = 10_000;

export class TrackerLock {
  private constructor(
    private readonly fs: TrackerFs,
    readonly path: string,
    private readonly content: string,
  ) {}

  static acquire(f: TrackerFs, file: string, logger: Logger): TrackerLock {
    const lockPath = `${file}.lock`;
    const owner: LockOwner = { pid: process.pid, hostname: os.hostname(), startedAt: new Date().toISOString() };
    const content = `${JSON.stringify(owner)}\n`;
    for (let attempt = 0; attempt < 3; attempt++) {
      let fd: number;
      try {
        fd = f.openSync(lockPath, 'wx', 0o644);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw trackerFsError(e, lockPath, `create the lock file ${lockPath}`);
        const holder = readOwner(f, lockPath);
        const stale = staleReason(f, lockPath, holder);
        if (stale === undefined) throw lockedError(file, lockPath, holder);
        logger.warn(`Taking over the tracker lock ${lockPath}: ${stale}.`);
        try {
          f.unlinkSync(lockPath);
        } catch (u) {
          if ((u as NodeJS.ErrnoException).code !== 'ENOENT') throw trackerFsError(u, lockPath, `remove the stale lock file ${lockPath}`);
        }
        continue;
      }
      try {
        writeFullySync(f, fd, Buffer.from(content), 0);
        f.fsyncSync(fd);
      } finally {
        f.closeSync(fd);
      }
      return new TrackerLock(f, lockPath, content);
    }
    throw lockedError(file, lockPath, readOwner(f, lockPath));
  }

  /** Removes the lock file if it is still ours. */
  release(): void {
    try {
      if (this.fs.readFileSync(this.path).toString('utf8') === this.content) this.fs.unlinkSync(this.path);
    } catch {
      /* already gone */
    }
  }
}

function readOwner(f: TrackerFs, lockPath: string): LockOwner | undefined {
  try {
    const v = JSON.parse(f.readFileSync(lockPath).toString('utf8')) as Partial<LockOwner>;
    if (typeof v.pid === 'number' && typeof v.hostname === 'string') return { pid: v.pid, hostname: v.hostname, startedAt: String(v.startedAt ?? '') };
  } catch {
    /* unreadable: see staleReason */
  }
  return undefined;
}

/** Why the lock may be taken over, or undefined when its owner may be alive. */
function staleReason(f: TrackerFs, lockPath: string, holder: LockOwner | undefined): string | undefined {
  if (holder === undefined) {
    try {
      const age = Date.now() - f.statSync(lockPath).mtimeMs;
      return age > UNREADABLE_GRACE_MS ? `it is unreadable and ${Math.round(age / 1000)} s old` : undefined;
    } catch {
      return 'it vanished';
    }
  }
  if (holder.hostname !== os.hostname()) return undefined;
  if (holder.pid === process.pid) return undefined;
  return pidAlive(holder.pid) ? undefined : `process ${holder.pid} that held it since ${holder.startedAt} is no longer running`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockedError(file: string, lockPath: string, holder: LockOwner | undefined): FlareError {
  const who = holder ? `pid ${holder.pid}${holder.hostname !== os.hostname() ? ` on ${holder.hostname}` : ''}, since ${holder.startedAt}` : 'owner unknown';
  return new FlareError('tracker_locked', `Another FLARE MISP is using ${file} (${who}).`, {
    hint: `Stop the other FLARE MISP (service, desktop app or command) first. If none is running, delete ${lockPath}.`,
    detail: { file, lockPath, ...(holder && { holder }) },
  });
}
