/**
 * Run history: the last 1,000 runs in `<data dir>/runs/index.json` (summaries, newest last, with the next run id so
 * ids keep growing across restarts), each run's per-package outcomes in `<data dir>/runs/<id>.packages.ndjson`
 * (outcome-log.ts, written while the run goes; earlier versions kept them in `<id>.json`, still read). A run is
 * written when it starts and when it ends; one found still "running" at start-up was cut off by a stopped process.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { RunPackageOutcome, RunRecord } from '../../../shared/api';
import { FlareError } from '../errors';
import type { Logger } from '../log/types';
import { readJsonFile, writeJsonFile } from './json-file';
import { OutcomeLog } from './outcome-log';

export const KEPT_RUNS = 1000;

interface IndexFile {
  version: 1;
  nextId: number;
  runs: RunRecord[];
}

export class RunHistory {
  readonly dir: string;
  private data: IndexFile;
  private writing: Promise<void> = Promise.resolve();

  constructor(dataDir: string, log: Logger) {
    this.dir = path.join(dataDir, 'runs');
    this.data = readJsonFile<IndexFile>(this.indexFile, { version: 1, nextId: 1, runs: [] }, log);
    this.data.runs ??= [];
    this.data.nextId = Math.max(this.data.nextId ?? 1, ...this.data.runs.map((r) => r.id + 1));
    for (const r of this.data.runs) {
      if (r.state !== 'running') continue;
      r.state = 'failed';
      r.status = 'Failed';
      r.detailedStatus = 'Error: the run was interrupted (FLARE MISP stopped during it)';
      r.error = { code: 'run_interrupted', message: 'The run was interrupted: FLARE MISP stopped during it.', hint: 'Its window is polled again by the next run; nothing is uploaded twice.' };
    }
  }

  private outcomeFile(id: number): string {
    return path.join(this.dir, `${id}.packages.ndjson`);
  }

  private get indexFile(): string {
    return path.join(this.dir, 'index.json');
  }

  /** A new run id, persisted before it is used. */
  async reserveId(): Promise<number> {
    const id = this.data.nextId++;
    await this.persist();
    return id;
  }

  /** Where the run's per-package outcomes go while it runs. */
  outcomeLog(id: number, log: Logger): OutcomeLog {
    mkdirSync(this.dir, { recursive: true });
    return new OutcomeLog(this.outcomeFile(id), log);
  }

  /** Records the run's summary (started, or finished); resolves once on disk. Its packages are in its outcome log. */
  async save(run: RunRecord): Promise<void> {
    const { packages: _packages, ...summary } = run;
    const runs = this.data.runs.filter((r) => r.id !== run.id);
    runs.push(summary);
    runs.sort((a, b) => a.id - b.id);
    const dropped = runs.splice(0, Math.max(0, runs.length - KEPT_RUNS));
    this.data = { ...this.data, runs };
    mkdirSync(this.dir, { recursive: true });
    await this.persist();
    for (const d of dropped) {
      rmSync(this.outcomeFile(d.id), { force: true });
      rmSync(path.join(this.dir, `${d.id}.json`), { force: true });
    }
  }

  private persist(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const snapshot = this.data;
    this.writing = this.writing.catch(() => undefined).then(() => writeJsonFile(this.indexFile, snapshot));
    return this.writing;
  }

  /** Newest first, without per-package outcomes. */
  list(limit = 100): RunRecord[] {
    return this.data.runs.slice(-Math.max(1, limit)).reverse();
  }

  /** The last finished run of this kind. */
  last(predicate: (r: RunRecord) => boolean): RunRecord | undefined {
    for (let i = this.data.runs.length - 1; i >= 0; i--) if (predicate(this.data.runs[i]!)) return this.data.runs[i];
    return undefined;
  }

  /** A run's per-package outcomes from its outcome log; undefined when it has none. */
  packagesOf(id: number): RunRecord['packages'] {
    return OutcomeLog.read(this.outcomeFile(id));
  }

  /** A run's per-package outcomes one by one, as they are read (the outcome log, else an older run's JSON). */
  async *packageStream(id: number): AsyncGenerator<RunPackageOutcome> {
    if (existsSync(this.outcomeFile(id))) {
      yield* OutcomeLog.stream(this.outcomeFile(id));
      return;
    }
    yield* this.get(id).packages ?? [];
  }

  /** One run with its packages when they were kept. */
  get(id: number): RunRecord {
    const summary = this.data.runs.find((r) => r.id === id);
    if (!summary) throw new FlareError('run_not_found', `There is no run ${id} in the history.`, { hint: `The last ${KEPT_RUNS} runs are kept; list them with flare-misp runs.` });
    const packages = this.packagesOf(id);
    if (packages) return { ...summary, packages };
    try {
      const full = JSON.parse(readFileSync(path.join(this.dir, `${id}.json`), 'utf8')) as RunRecord;
      return { ...full, ...summary, packages: full.packages ?? [] };
    } catch {
      return summary;
    }
  }
}
