/**
 * A run's per-package outcomes, written to `<data dir>/runs/<id>.packages.ndjson` as the run goes (one JSON line per
 * package, appended in batches) instead of held in memory: a run over a long window may handle hundreds of
 * thousands of packages, and the list is needed only when someone opens the run. Appends are not fsync'd: the
 * tracker is the record of what happened to each package; this list is its readable account. A write that fails
 * stops the list there (it is reported once, and the run says its list is incomplete) but never the run.
 */
import { appendFile, rm } from 'node:fs/promises';
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { RunPackageOutcome } from '../../../shared/api';
import { errorMessage } from '../errors';
import type { Logger } from '../log/types';

/** Most packages listed for one run; the rest are counted (packagesOmitted). */
export const LISTED_PACKAGES = 100_000;
const FLUSH_AT_CHARS = 64 * 1024;

export class OutcomeLog {
  /** Outcomes listed (written or waiting to be). */
  listed = 0;
  /** Outcomes beyond the limit, counted only. */
  omitted = 0;
  /** Why the list is incomplete, when a write failed. */
  problem: string | undefined;
  private buffer: string[] = [];
  private chars = 0;
  private writing: Promise<void> = Promise.resolve();
  private started = false;

  constructor(
    readonly file: string,
    private readonly log: Logger,
    private readonly limit = LISTED_PACKAGES,
  ) {}

  add(outcome: RunPackageOutcome): void {
    if (this.listed >= this.limit || this.problem !== undefined) {
      this.omitted++;
      return;
    }
    this.listed++;
    const line = `${JSON.stringify(outcome)}\n`;
    this.buffer.push(line);
    this.chars += line.length;
    if (this.chars >= FLUSH_AT_CHARS) void this.flush();
  }

  /** Writes what is buffered; resolves when every line added so far is written (or the list has failed). */
  flush(): Promise<void> {
    if (this.buffer.length === 0) return this.writing;
    const chunk = this.buffer.join('');
    const lines = this.buffer.length;
    this.buffer = [];
    this.chars = 0;
    const first = !this.started;
    this.started = true;
    this.writing = this.writing.then(async () => {
      if (this.problem !== undefined) {
        this.omitted += lines;
        this.listed -= lines;
        return;
      }
      try {
        // A file left by an earlier process with the same run id (it cannot happen with persisted ids, but a copied
        // data folder might) must not mix with this run's list.
        if (first) await rm(this.file, { force: true });
        await appendFile(this.file, chunk, 'utf8');
      } catch (e) {
        this.problem = `the list of packages could not be written to ${this.file} (${errorMessage(e)}); it stops there, the tracker has every package`;
        this.omitted += lines;
        this.listed -= lines;
        this.log.warn(`Run outcomes: ${this.problem}`);
      }
    });
    return this.writing;
  }

  /** The outcomes in a list file; undefined when there is none. A torn last line (a stopped process) is left out. */
  static read(file: string): RunPackageOutcome[] | undefined {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    const out: RunPackageOutcome[] = [];
    for (const line of text.split('\n')) {
      const outcome = parseLine(line);
      if (outcome) out.push(outcome);
    }
    return out;
  }

  /**
   * The outcomes in a list file one by one, read as they are taken, so that printing the list of a run of
   * 100,000 packages holds one line at a time; nothing when there is no file.
   */
  static async *stream(file: string): AsyncGenerator<RunPackageOutcome> {
    const input = createReadStream(file, { encoding: 'utf8' });
    const opened = await new Promise<boolean>((resolve) => {
      input.once('open', () => resolve(true));
      input.once('error', () => resolve(false));
    });
    if (!opened) return;
    const lines = createInterface({ input, crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        const outcome = parseLine(line);
        if (outcome) yield outcome;
      }
    } finally {
      lines.close();
      input.destroy();
    }
  }
}

function parseLine(line: string): RunPackageOutcome | undefined {
  if (line === '') return undefined;
  try {
    return JSON.parse(line) as RunPackageOutcome;
  } catch {
    return undefined; // a line cut off when the process stopped
  }
}
