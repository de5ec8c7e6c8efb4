/**
 * Small JSON state files of the data folder (cursors, run history, quarantine records): read whole, written whole
 * and atomically. A file that cannot be parsed is kept aside (`.corrupt-<time>`) and reported, never silently
 * replaced by an empty state.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { FlareError } from '../errors';
import { writeFileAtomic } from '../fs/atomic-write';
import type { Logger } from '../log/types';

export function readJsonFile<T>(file: string, fallback: T, log: Logger): T {
  if (!existsSync(file)) return fallback;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new FlareError('data_unreadable', `Cannot read ${file}: ${(e as Error).message}.`, { hint: 'Let the user FLARE MISP runs as read the data folder.' });
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(file, aside);
    log.error(`${file} could not be read as JSON; it was moved to ${aside} and a fresh one started.`);
    return fallback;
  }
}

export function writeJsonFile(file: string, value: unknown): Promise<void> {
  return writeFileAtomic(file, `${JSON.stringify(value, null, 1)}\n`);
}
