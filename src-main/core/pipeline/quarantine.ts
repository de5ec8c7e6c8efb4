/**
 * The quarantine: packages that failed (unreadable XML, a conversion error, MISP refusing them, an error that
 * outlived its retries) kept on disk with their XML, the reason and the attempt count, so nothing that failed is
 * forgotten. Runs retry them first, a few times; then they wait for a person (Retry in the console, or
 * `flare-misp quarantine retry`). One folder, `<data dir>/quarantine`, two files per package: `<name>.xml` and
 * `<name>.json` (the record), each written atomically — the XML first, so a record never points at nothing.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { QuarantineItem } from '../../../shared/api';
import type { ProcessType } from '../config/config';
import { writeFileAtomic } from '../fs/atomic-write';
import { safeFileName } from '../fs/file-names';
import type { Logger } from '../log/types';
import { writeJsonFile } from './json-file';

/** Automatic attempts (the first failure included) before a package waits for a person. */
export const MAX_AUTOMATIC_ATTEMPTS = 5;

export interface QuarantineEntry extends QuarantineItem {
  contentHash?: string;
  packageTimestamp?: string;
}

export interface Failure {
  packageId: string;
  processType: ProcessType;
  feed: string;
  collection: string;
  code: string;
  reason: string;
  hint?: string;
  contentHash?: string;
  packageTimestamp?: string;
  runId?: number;
}

const key = (processType: ProcessType, packageId: string): string => `${processType}|${packageId}`;

export class Quarantine {
  readonly dir: string;
  private readonly items = new Map<string, QuarantineEntry>();

  constructor(dataDir: string, private readonly log: Logger) {
    this.dir = path.join(dataDir, 'quarantine');
    this.load();
  }

  private load(): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return; // no quarantine yet
    }
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      try {
        const entry = JSON.parse(readFileSync(path.join(this.dir, name), 'utf8')) as QuarantineEntry;
        if (typeof entry.packageId === 'string' && typeof entry.processType === 'string') this.items.set(key(entry.processType, entry.packageId), entry);
      } catch {
        this.log.warn(`The quarantine record ${path.join(this.dir, name)} cannot be read; it is left as it is.`);
      }
    }
  }

  private base(processType: ProcessType, packageId: string): string {
    return path.join(this.dir, safeFileName(`${processType}_${packageId}`));
  }

  get size(): number {
    return this.items.size;
  }

  list(): QuarantineEntry[] {
    return [...this.items.values()].sort((a, b) => (a.lastFailedAt < b.lastFailedAt ? 1 : a.lastFailedAt > b.lastFailedAt ? -1 : 0));
  }

  get(processType: ProcessType, packageId: string): QuarantineEntry | undefined {
    return this.items.get(key(processType, packageId));
  }

  /** Every entry of this id, whatever the process type. */
  find(packageId: string): QuarantineEntry[] {
    return [...this.items.values()].filter((e) => e.packageId === packageId);
  }

  /** The saved XML of a quarantined package. */
  xml(processType: ProcessType, packageId: string): string {
    return readFileSync(`${this.base(processType, packageId)}.xml`, 'utf8');
  }

  /**
   * Records a failure (another attempt when the package is already here) with its XML; resolves once both files
   * are on disk. `xml` may be left out for a retry of a package whose XML is already kept.
   */
  async put(failure: Failure, xml: string | undefined, now = new Date()): Promise<QuarantineEntry> {
    const previous = this.items.get(key(failure.processType, failure.packageId));
    const attempts = (previous?.attempts ?? 0) + 1;
    const entry: QuarantineEntry = {
      packageId: failure.packageId,
      processType: failure.processType,
      feed: failure.feed,
      collection: failure.collection,
      code: failure.code,
      reason: failure.reason,
      ...(failure.hint !== undefined && { hint: failure.hint }),
      firstFailedAt: previous?.firstFailedAt ?? now.toISOString(),
      lastFailedAt: now.toISOString(),
      attempts,
      waitingForPerson: attempts >= MAX_AUTOMATIC_ATTEMPTS,
      ...(failure.runId !== undefined && { runId: failure.runId }),
      ...(failure.contentHash !== undefined && { contentHash: failure.contentHash }),
      ...(failure.packageTimestamp !== undefined && { packageTimestamp: failure.packageTimestamp }),
    };
    mkdirSync(this.dir, { recursive: true });
    const base = this.base(failure.processType, failure.packageId);
    if (xml !== undefined) await writeFileAtomic(`${base}.xml`, xml);
    await writeJsonFile(`${base}.json`, entry);
    this.items.set(key(failure.processType, failure.packageId), entry);
    return entry;
  }

  /** A package that is now done leaves the quarantine. */
  release(processType: ProcessType, packageId: string): void {
    if (!this.items.delete(key(processType, packageId))) return;
    const base = this.base(processType, packageId);
    rmSync(`${base}.json`, { force: true });
    rmSync(`${base}.xml`, { force: true });
  }

  /** What the next run retries by itself: packages with automatic attempts left. */
  dueForRetry(processType: ProcessType, collection: string): QuarantineEntry[] {
    return this.list().filter((e) => e.processType === processType && e.collection === collection && !e.waitingForPerson);
  }
}
