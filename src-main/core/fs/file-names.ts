/**
 * File names made from feed data (package ids such as `NCCIC:STIX_Package-…`, or hostile ones like `../../etc/x`):
 * only letters, digits, `.`, `_` and `-` reach the name, never a separator, never a leading dot, never a name a
 * file system refuses (Windows device names, trailing dots), at most 200 characters. A name that had to be changed
 * gets a short hash of the original, so two ids that sanitise alike still get two files.
 */
import { createHash } from 'node:crypto';

const WINDOWS_DEVICES = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

export function safeFileName(id: string, extension = ''): string {
  // The old service replaced ':' by '-' (NCCIC-STIX_Package-…): keep that, so old and new files sort together.
  let name = id.replace(/:/g, '-').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[.]+/, '_').replace(/[. ]+$/, '');
  if (name === '' || WINDOWS_DEVICES.test(name)) name = `_${name}`;
  const changed = name !== id.replace(/:/g, '-');
  if (name.length > 180 || changed) {
    const tag = createHash('sha256').update(id).digest('hex').slice(0, 10);
    name = `${name.slice(0, 180)}~${tag}`;
  }
  return `${name}${extension}`;
}
