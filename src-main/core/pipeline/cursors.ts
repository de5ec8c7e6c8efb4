/**
 * Cursors: per (feed, collection, process type), the end of the last run that completed its window — where the next
 * run begins. Kept in `<data dir>/cursors.json`, written atomically; a cursor only moves forward when a run has
 * received every part and tracked or quarantined every package (run.ts decides that, this file only keeps it).
 */
import path from 'node:path';
import type { ProcessType } from '../config/config';
import type { Logger } from '../log/types';
import { readJsonFile, writeJsonFile } from './json-file';

export interface Cursor {
  /** The window end the run completed: the server's Inclusive_End_Timestamp when it sent one, else our clock. */
  end: string;
  runId: number;
  updatedAt: string;
}

interface CursorFile {
  version: 1;
  cursors: Record<string, Cursor>;
}

export function cursorKey(feed: string, collection: string, processType: ProcessType): string {
  return `${feed}|${collection}|${processType}`;
}

export class CursorStore {
  readonly file: string;
  private data: CursorFile;
  private writing: Promise<void> = Promise.resolve();

  constructor(dataDir: string, log: Logger) {
    this.file = path.join(dataDir, 'cursors.json');
    this.data = readJsonFile<CursorFile>(this.file, { version: 1, cursors: {} }, log);
    this.data.cursors ??= {};
  }

  get(key: string): Cursor | undefined {
    return this.data.cursors[key];
  }

  /** Sets and persists the cursor; resolves once it is on disk. */
  set(key: string, cursor: Cursor): Promise<void> {
    this.data = { version: 1, cursors: { ...this.data.cursors, [key]: cursor } };
    const snapshot = this.data;
    this.writing = this.writing.catch(() => undefined).then(() => writeJsonFile(this.file, snapshot));
    return this.writing;
  }

  /** Forgets cursors (a config reload that changed a feed's start time); resolves once on disk. */
  reset(keys: (key: string) => boolean): Promise<string[]> {
    const dropped = Object.keys(this.data.cursors).filter(keys);
    if (dropped.length === 0) return Promise.resolve([]);
    const cursors = { ...this.data.cursors };
    for (const k of dropped) delete cursors[k];
    this.data = { version: 1, cursors };
    const snapshot = this.data;
    this.writing = this.writing.catch(() => undefined).then(() => writeJsonFile(this.file, snapshot));
    return this.writing.then(() => dropped);
  }

  all(): Record<string, Cursor> {
    return { ...this.data.cursors };
  }
}
