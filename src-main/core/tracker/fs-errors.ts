/** File-system failures of the tracker as sentences a user can act on. */
import path from 'node:path';
import { FlareError } from '../errors';

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;

/** `doing` completes "FLARE MISP could not …", e.g. "record 3 packages in /data/trackers.avro". */
export function trackerFsError(e: unknown, file: string, doing: string, afterwards = ''): FlareError {
  const dir = path.dirname(file);
  const code = errno(e);
  const then = afterwards ? ` ${afterwards}` : '';
  const detail = { file, errno: code, message: (e as Error | undefined)?.message };
  switch (code) {
    case 'ENOSPC':
      return new FlareError('tracker_disk_full', `FLARE MISP could not ${doing}: the disk holding ${dir} is full.${then}`, {
        hint: `Free space on the disk that holds ${dir} (or point mtc.tracking.datafile at another disk).`,
        detail,
        cause: e,
      });
    case 'EDQUOT':
      return new FlareError('tracker_disk_full', `FLARE MISP could not ${doing}: the disk quota of the user running it is used up.${then}`, {
        hint: `Free space or raise the quota for the folder ${dir}.`,
        detail,
        cause: e,
      });
    case 'EFBIG':
      return new FlareError('tracker_disk_full', `FLARE MISP could not ${doing}: ${file} reached the largest file size this process may write.${then}`, {
        hint: 'Raise the file size limit of the user or service running FLARE MISP (ulimit -f, LimitFSIZE=), or compact the tracker (flare-misp tracker compact).',
        detail,
        cause: e,
      });
    case 'EROFS':
      return new FlareError('tracker_read_only', `FLARE MISP could not ${doing}: ${dir} is on a read-only file system.${then}`, {
        hint: 'Remount that file system read-write, or point mtc.tracking.datafile at a writable folder.',
        detail,
        cause: e,
      });
    case 'EACCES':
    case 'EPERM':
      return new FlareError('tracker_permission', `FLARE MISP could not ${doing}: the user running it may not write to ${file}.${then}`, {
        hint: `Give that user write permission on ${dir} and the files in it, or point mtc.tracking.datafile elsewhere.`,
        detail,
        cause: e,
      });
    case 'EIO':
      return new FlareError('tracker_io', `FLARE MISP could not ${doing}: the disk holding ${dir} reported an input/output error.${then}`, {
        hint: 'The disk or its connection may be failing: check the system log (dmesg) before going on.',
        detail,
        cause: e,
      });
    default:
      return new FlareError('tracker_write_failed', `FLARE MISP could not ${doing}: ${(e as Error | undefined)?.message ?? String(e)}.${then}`, {
        hint: `Check that ${dir} is a writable local folder.`,
        detail,
        cause: e,
      });
  }
}
