import { existsSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../../core/config/index';
import { FlareError } from '../../core/errors';
import { TRACK_OUTCOMES, Tracker, importLegacyTracker, type TrackOutcome, type TrackProcessType, type TrackRecord } from '../../core/tracker/index';
import { loadOrExplain, withConfigDir } from './common';

interface CommonOpts {
  configDir?: string;
  json?: boolean;
}

/** The configuration, or undefined after printing why it is invalid (exit 1). */
function configOrExit(opts: CommonOpts): Config | undefined {
  return loadOrExplain(opts)?.config;
}

/**
 * Opens the configured tracker, runs `work`, closes it. A tracker another FLARE MISP holds (the service) is an
 * error with what to do: exit 1, as JSON with --json. `create: false`: no file yet → `work` gets undefined.
 */
async function withTracker(opts: CommonOpts, create: boolean, work: (t: Tracker | undefined, file: string) => Promise<void>): Promise<void> {
  const config = configOrExit(opts);
  if (!config) return;
  const file = config.trackerFile;
  if (!create && !existsSync(file)) return work(undefined, file);
  let tracker: Tracker;
  try {
    tracker = await Tracker.open(file, { autoCompact: false, legacy: { collection: config.taxii.collection ?? '' } });
  } catch (e) {
    if (opts.json && e instanceof FlareError) {
      process.stdout.write(`${JSON.stringify({ ok: false, file, code: e.code, message: e.message, ...(e.hint && { hint: e.hint }) }, null, 2)}\n`);
      process.exitCode = 1;
      return;
    }
    throw e;
  }
  try {
    await work(tracker, file);
  } finally {
    await tracker.close();
  }
}

/** Columns padded to their widest cell; the last one is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const when = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));
const shorten = (s: string | undefined, n: number) => (s === undefined ? '' : s.length > n ? `${s.slice(0, n - 1)}…` : s);

function recordRows(records: readonly TrackRecord[]): string[][] {
  return records.map((r) => [
    when(r.recordedAt),
    r.processType,
    r.outcome,
    r.packageId,
    r.mispEventId ?? (r.file ? shorten(r.file, 40) : ''),
    r.errorCode ? `${r.errorCode}: ${shorten(r.errorText, 60)}` : '',
  ]);
}

const RECORD_HEADER = ['RECORDED (UTC)', 'PROCESS', 'OUTCOME', 'PACKAGE', 'EVENT / FILE', 'ERROR'];

function parseOutcome(v: string): TrackOutcome {
  if (!(TRACK_OUTCOMES as readonly string[]).includes(v)) throw new InvalidArgumentError(`Use one of ${TRACK_OUTCOMES.join(', ')}.`);
  return v as TrackOutcome;
}

function parseProcessType(v: string): TrackProcessType {
  if (v !== 'xmlOutput' && v !== 'stixToMisp') throw new InvalidArgumentError('Use xmlOutput or stixToMisp.');
  return v;
}

function parseLimit(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('Give a whole number of packages, or 0 for all.');
  return n;
}

/** `flare-misp tracker list|stats|compact|import`: what the tracker file knows about each package. */
export function registerTracker(program: Command): void {
  const tracker = program.command('tracker').description('inspect and maintain the tracker file (what happened to each package)');

  withConfigDir(tracker.command('list'))
    .description('the latest record of each package, newest first; with --id, every record of that package')
    .option('--id <packageId>', 'only this STIX package id, with its whole history')
    .option('--outcome <outcome>', `only packages whose latest outcome is this (${TRACK_OUTCOMES.join(', ')})`, parseOutcome)
    .option('--process-type <type>', 'only xmlOutput or stixToMisp', parseProcessType)
    .option('--limit <n>', 'at most this many packages (0: all)', parseLimit, 100)
    .option('--json', 'print JSON instead of a table')
    .action((opts: CommonOpts & { id?: string; outcome?: TrackOutcome; processType?: TrackProcessType; limit: number }) =>
      withTracker(opts, false, async (t, file) => {
        let records: TrackRecord[] = [];
        let total = 0;
        if (t && opts.id !== undefined) {
          const types: TrackProcessType[] = opts.processType ? [opts.processType] : ['xmlOutput', 'stixToMisp'];
          records = types.flatMap((pt) => t.history(pt, opts.id!)).filter((r) => opts.outcome === undefined || r.outcome === opts.outcome);
          records.sort((a, b) => (b.recordedAt ?? 0) - (a.recordedAt ?? 0));
          total = records.length;
        } else if (t) {
          const filter = { ...(opts.outcome && { outcome: opts.outcome }), ...(opts.processType && { processType: opts.processType }) };
          total = t.count(filter);
          records = t.list({ ...filter, limit: opts.limit });
        }
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ ok: true, file, total, records }, null, 2)}\n`);
          return;
        }
        if (!t) {
          process.stdout.write(`No tracker file at ${file} yet: nothing has been tracked.\n`);
          return;
        }
        if (records.length === 0) {
          process.stdout.write(opts.id !== undefined ? `${file} has no record of ${opts.id}.\n` : `No packages match in ${file}.\n`);
          return;
        }
        const more = total > records.length ? `\n(${records.length} of ${total}; --limit 0 shows all)` : '';
        process.stdout.write(`${table(RECORD_HEADER, recordRows(records))}${more}\n`);
      }),
    );

  withConfigDir(tracker.command('stats'))
    .description('size of the tracker file, packages by latest outcome, records a compaction would drop')
    .option('--json', 'print JSON instead of text')
    .action((opts: CommonOpts) =>
      withTracker(opts, false, async (t, file) => {
        const stats = t?.stats() ?? { file, bytes: 0, records: 0, packages: 0, superseded: 0, byOutcome: Object.fromEntries(TRACK_OUTCOMES.map((o) => [o, 0])) };
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ ok: true, exists: t !== undefined, ...stats }, null, 2)}\n`);
          return;
        }
        const lines = [
          `Tracker file: ${file}${t ? '' : ' (not created yet)'}`,
          `  ${stats.bytes.toLocaleString('en')} bytes, ${stats.records.toLocaleString('en')} records, ${stats.packages.toLocaleString('en')} packages`,
          `  ${stats.superseded.toLocaleString('en')} superseded records (flare-misp tracker compact drops them)`,
          '',
          table(
            ['LATEST OUTCOME', 'PACKAGES'],
            TRACK_OUTCOMES.map((o) => [o, String(stats.byOutcome[o])]),
          ),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );

  withConfigDir(tracker.command('compact'))
    .description('rewrite the tracker file without superseded records (every package keeps its state)')
    .option('--json', 'print JSON instead of text')
    .action((opts: CommonOpts) =>
      withTracker(opts, false, async (t, file) => {
        if (!t) {
          if (opts.json) process.stdout.write(`${JSON.stringify({ ok: true, file, exists: false }, null, 2)}\n`);
          else process.stdout.write(`No tracker file at ${file} yet: nothing to compact.\n`);
          return;
        }
        const r = await t.compact();
        if (opts.json) process.stdout.write(`${JSON.stringify({ ok: true, file, ...r }, null, 2)}\n`);
        else process.stdout.write(`Compacted ${file}: ${r.before.records.toLocaleString('en')} → ${r.after.records.toLocaleString('en')} records, ${r.before.bytes.toLocaleString('en')} → ${r.after.bytes.toLocaleString('en')} bytes.\n`);
      }),
    );

  withConfigDir(tracker.command('import'))
    .description("import the old FLARE MISP service's trackers.avro: uploaded packages count as done, failed ones are tried again")
    .argument('<old.avro>', "the old service's tracker file (e.g. /opt/mtc/avro/trackers.avro)")
    .option('--feed <name>', 'feed name to record for the imported packages', 'legacy')
    .option('--collection <name>', 'collection to record (default: the configured one)')
    .option('--json', 'print JSON instead of text')
    .action((oldFile: string, opts: CommonOpts & { feed: string; collection?: string }) =>
      withTracker(opts, true, async (t, file) => {
        const config = configOrExit(opts)!;
        const r = await importLegacyTracker(oldFile, t!, { feed: opts.feed, collection: opts.collection ?? config.taxii.collection ?? '' });
        if (opts.json) process.stdout.write(`${JSON.stringify({ ok: true, file, from: oldFile, ...r }, null, 2)}\n`);
        else
          process.stdout.write(
            `Imported ${r.imported} packages from ${oldFile} into ${file}: ${r.done} uploaded by the old service (done), ${r.eligible} whose upload had failed (will be tried again)` +
              `${r.skipped ? `; ${r.skipped} already known here were left as they are` : ''}.\n`,
          );
      }),
    );
}
