/**
 * `flare-misp poll`, `runs` and `quarantine`: one run by hand, the run history, the quarantine — through the same
 * FlareService the API and the UI use. Results on stdout (the run record as JSON with --json), the log on stderr
 * (warnings and errors; everything with --verbose), and on a terminal one progress line that rewrites itself.
 */
import type { Command } from 'commander';
import type { QuarantineItem, RunRecord } from '../../../shared/api';
import { PROCESS_TYPES, type ProcessType } from '../../core/config/config';
import { FlareError } from '../../core/errors';
import { withConfigDir, withService, type ServiceCommandOptions } from './common';
import { writeRunJson } from '../run-json';

type ServiceOpts = ServiceCommandOptions;

function counts(r: RunRecord): string {
  const c = r.counts;
  const parts = [`${c.received} received`, `${c.new} new`, `${c.updated} updated`, `${c.duplicate} duplicate`];
  if (r.processType === 'xmlOutput') parts.push(`${c.saved} saved`);
  else parts.push(`${c.uploaded} uploaded`);
  if (c.failed) parts.push(`${c.failed} failed`);
  if (c.quarantined) parts.push(`${c.quarantined} quarantined`);
  if (c.skipped) parts.push(`${c.skipped} skipped`);
  return parts.join(', ');
}

function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}

export function describeRun(r: RunRecord): string {
  const lines = [
    `Run ${r.id} (${r.trigger} ${r.processType}, collection ${r.collection || '—'}): ${r.status} — ${r.detailedStatus}`,
    `  window  (${r.beginTimestamp || '—'}, ${r.endTimeStamp || '—'}]`,
    `  ${counts(r)}${r.durationMs !== undefined ? ` in ${duration(r.durationMs)}` : ''}`,
  ];
  if (r.error?.hint) lines.push(`  hint: ${r.error.hint}`);
  for (const w of r.warnings ?? []) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

function processTypeOf(value: string): ProcessType {
  if (!(PROCESS_TYPES as readonly string[]).includes(value)) {
    throw new FlareError('cli_bad_process_type', `--process-type ${value} is not a process type.`, { hint: `Use one of ${PROCESS_TYPES.join(', ')}.` });
  }
  return value as ProcessType;
}

async function pollCommand(opts: ServiceOpts & { processType: string; collection?: string; json?: boolean }): Promise<void> {
  const processType = processTypeOf(opts.processType);
  const live = Boolean(process.stderr.isTTY) && !opts.json;
  const run = await withService(opts, async (service) => {
    const off = live
      ? service.on('run', (r) => {
          if (r.state !== 'running' || !r.progress) return;
          const p = r.progress;
          const of = p.recordCount !== undefined ? ` of ${p.recordCount}` : '';
          process.stderr.write(`\r\x1b[Kpart ${p.part}: ${p.blocks}${of} blocks, ${p.packages} packages, ${p.uploadsDone} ${processType === 'xmlOutput' ? 'saved' : 'uploaded'}`);
        })
      : () => undefined;
    try {
      const summary = await service.pollSummary(processType, opts.collection);
      // The list of packages is streamed from the run's outcome log: a long window may hold 100,000 of them.
      if (opts.json) await writeRunJson(process.stdout, summary, service.packageStream(summary.id));
      return summary;
    } finally {
      off();
      if (live) process.stderr.write('\r\x1b[K');
    }
  });
  if (!run) return;
  if (!opts.json) process.stdout.write(`${describeRun(run)}\n`);
  process.exitCode = run.status === 'Success' ? 0 : 1;
}

function quarantineTable(items: QuarantineItem[]): string {
  if (items.length === 0) return 'The quarantine is empty.';
  const lines = items.map((q) => `${q.packageId}  [${q.processType}]  ${q.attempts} attempt${q.attempts === 1 ? '' : 's'}${q.waitingForPerson ? ' (waiting for a person)' : ''}, last ${q.lastFailedAt}\n    ${q.reason}${q.hint ? `\n    hint: ${q.hint}` : ''}`);
  return `${items.length} quarantined package${items.length === 1 ? '' : 's'}:\n${lines.join('\n')}`;
}

export function registerPoll(program: Command): void {
  withConfigDir(program.command('poll'))
    .description('one run now: poll the feed over the window since the last completed run and save (xmlOutput) or upload (stixToMisp) what is new; exit 0 on Success, 1 on Failed')
    .requiredOption('--process-type <type>', `what the run does: ${PROCESS_TYPES.join(' or ')}`)
    .option('--collection <name>', 'collection to poll (default: stixtransclient.source.collection)')
    .option('--json', 'print the whole run record as JSON')
    .option('--verbose', 'print the whole log on stderr')
    .action((opts) => pollCommand(opts));
}

export function registerRunHistory(program: Command): void {
  withConfigDir(program.command('runs'))
    .description('the run history, newest first')
    .option('--limit <n>', 'how many runs', '20')
    .option('--id <id>', 'one run with its packages')
    .option('--json', 'print JSON')
    .action(async (opts: ServiceOpts & { limit: string; id?: string; json?: boolean }) => {
      await withService(opts, async (service) => {
        if (opts.id !== undefined) {
          const run = await service.getRun(Number(opts.id));
          if (opts.json) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
          else process.stdout.write(`${describeRun(run)}\n${(run.packages ?? []).map((p) => `  ${p.outcome.padEnd(11)} ${p.packageId}${p.mispEventId ? `  event ${p.mispEventId}` : ''}${p.file ? `  ${p.file}` : ''}${p.reason ? `  (${p.reason})` : ''}`).join('\n')}\n`);
          return;
        }
        const runs = await service.listRuns(Math.max(1, Number(opts.limit) || 20));
        if (opts.json) process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
        else process.stdout.write(runs.length ? `${runs.map(describeRun).join('\n')}\n` : 'No runs yet: start one with flare-misp poll --process-type stixToMisp.\n');
      });
    });
}

export function registerQuarantine(program: Command): void {
  const quarantine = program.command('quarantine').description('packages that failed, kept with their XML and the reason');
  withConfigDir(quarantine.command('list'))
    .description('the quarantined packages')
    .option('--json', 'print JSON')
    .action(async (opts: ServiceOpts & { json?: boolean }) => {
      await withService(opts, async (service) => {
        const items = await service.listQuarantine();
        process.stdout.write(opts.json ? `${JSON.stringify(items, null, 2)}\n` : `${quarantineTable(items)}\n`);
      });
    });
  withConfigDir(quarantine.command('retry'))
    .description('retry quarantined packages now (all, or the ids given), whatever their attempts; exit 1 when the retry run failed')
    .argument('[ids...]', 'package ids')
    .option('--json', 'print the retry run as JSON')
    .option('--verbose', 'print the whole log on stderr')
    .action(async (ids: string[], opts: ServiceOpts & { json?: boolean }) => {
      const run = await withService(opts, (service) => service.retryQuarantined(ids));
      if (!run) return;
      process.stdout.write(opts.json ? `${JSON.stringify(run, null, 2)}\n` : `${describeRun(run)}\n`);
      process.exitCode = run.status === 'Success' ? 0 : 1;
    });
}
