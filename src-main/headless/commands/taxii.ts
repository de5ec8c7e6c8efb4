/**
 * `flare-misp taxii poll`: the smallest real use of the TAXII client, and how an admin checks a feed by hand. It
 * polls one collection over a window with the configured transport (TLS, client certificate, proxy, credentials)
 * and writes each content block's content to DIR as a standalone XML file named by its position in the poll and
 * its Timestamp_Label, e.g. `000001_2016-01-01T00-00-01Z.xml`. Files are written atomically (temporary file +
 * rename) and only ever inside DIR. Progress goes to stderr, the summary to stdout.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { secretValues } from '../../core/config/index';
import { FlareError, errorMessage } from '../../core/errors';
import { pathInside, writeFileAtomic } from '../../core/fs/atomic-write';
import { consoleSink, LogHub } from '../../core/log/index';
import { pollOptionsFromConfig, taxiiTransportFromConfig } from '../../core/taxii/from-config';
import { poll, type PolledBlock, type PollProgress } from '../../core/taxii/poll';
import { toTaxiiTimestamp, TaxiiTimestampError } from '../../core/taxii/timestamps';
import { loadOrExplain, withConfigDir } from './common';

export interface BlockFile {
  name: string;
  data: string;
}

/** Only these characters reach a file name; `:` (not allowed on Windows) becomes `-`. */
function safePart(text: string): string {
  return text.replace(/:/g, '-').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 80);
}

/** The files one block becomes: normally one XML document; non-XML content as .txt, unreadable content as .invalid.txt. */
export function blockFiles(block: PolledBlock): BlockFile[] {
  const base = `${String(block.index + 1).padStart(6, '0')}_${block.timestampLabel ? safePart(block.timestampLabel) : 'no-timestamp'}`;
  const content = block.content;
  if (content.kind === 'xml') {
    return content.documents.map((doc, i) => ({
      name: `${base}${content.documents.length > 1 ? `_${i + 1}` : ''}.xml`,
      data: doc.startsWith('<?xml') ? doc : `<?xml version="1.0" encoding="UTF-8"?>\n${doc}`,
    }));
  }
  if (content.kind === 'text') return [{ name: `${base}.txt`, data: content.text }];
  return [{ name: `${base}.invalid.txt`, data: content.raw }];
}

/** Writes `name` inside `dir` atomically; refuses any name that would land elsewhere. */
export async function writeInside(dir: string, name: string, data: string): Promise<string> {
  const target = pathInside(dir, name);
  await writeFileAtomic(target, data);
  return target;
}

/** ISO 8601; a date and time without a zone is taken as UTC (as cabby does), a bare date as midnight UTC. */
export function parseCliTimestamp(value: string, option: string): string {
  let text = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) text += 'T00:00:00Z';
  else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) text = `${text.replace(' ', 'T')}${/T\d{2}:\d{2}$/.test(text.replace(' ', 'T')) ? ':00' : ''}Z`;
  try {
    return toTaxiiTimestamp(text);
  } catch (e) {
    if (e instanceof TaxiiTimestampError) throw new FlareError('cli_bad_timestamp', `${option} ${value}: ${e.message}`, { hint: e.hint ?? 'Use ISO 8601, e.g. 2024-01-31T00:00:00Z.' });
    throw e;
  }
}

function progressLine(p: PollProgress): string {
  if (p.type === 'part') {
    const count = p.recordCount ? ` of ${p.recordCount.partial ? 'at least ' : ''}${p.recordCount.count}` : '';
    return `part ${p.partNumber}: ${p.blocksInPart} block${p.blocksInPart === 1 ? '' : 's'} (${p.blocksSoFar}${count} so far)${p.more ? ', more to come' : ''}`;
  }
  return `part ${p.partNumber}: waiting ${Math.round(p.ms / 100) / 10} s (${p.reason}${p.detail ? `: ${p.detail}` : ''})`;
}

interface PollOptionsCli {
  configDir?: string;
  collection?: string;
  begin?: string;
  end?: string;
  out: string;
  json?: boolean;
  verbose?: boolean;
}

async function runPoll(opts: PollOptionsCli): Promise<void> {
  const loaded = loadOrExplain(opts);
  if (!loaded) return;
  const { taxii } = loaded.config;
  const collection = opts.collection ?? taxii.collection;
  if (!taxii.pollUrl) throw new FlareError('taxii_not_configured', 'No TAXII poll URL is configured.', { hint: 'Set stixtransclient.poll.baseurl in config.properties.' });
  if (!collection) throw new FlareError('taxii_no_collection', 'No collection given.', { hint: 'Pass --collection NAME, or set stixtransclient.source.collection.' });
  const window = {
    ...(opts.begin !== undefined ? { begin: parseCliTimestamp(opts.begin, '--begin') } : {}),
    ...(opts.end !== undefined ? { end: parseCliTimestamp(opts.end, '--end') } : {}),
  };

  const hub = new LogHub({ level: opts.verbose ? 'debug' : 'warn' });
  hub.redactor.setSecrets(secretValues(loaded));
  hub.addSink(consoleSink(process.stderr));
  const logger = hub.logger('taxii-poll');

  const outDir = path.resolve(opts.out);
  await mkdir(outDir, { recursive: true });
  const transport = taxiiTransportFromConfig(taxii, { logger });
  const written: string[] = [];
  try {
    const stream = poll(collection, window, pollOptionsFromConfig(taxii, transport, { logger, onProgress: (p) => process.stderr.write(`${progressLine(p)}\n`) }));
    process.stderr.write(`Polling collection "${collection}" from ${stream.summary.url} for (${stream.summary.requested.begin ?? 'open'}, ${stream.summary.requested.end ?? 'open'}]\n`);
    for await (const block of stream) {
      for (const file of blockFiles(block)) {
        await writeInside(outDir, file.name, file.data);
        written.push(file.name);
      }
    }
    const s = stream.summary;
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ ...s, outDir, files: written }, null, 2)}\n`);
    } else {
      const lines = [
        `Collection "${collection}": ${s.blocks} content block${s.blocks === 1 ? '' : 's'} in ${s.parts} part${s.parts === 1 ? '' : 's'}; ${written.length} file${written.length === 1 ? '' : 's'} written to ${outDir}`,
      ];
      if (s.recordCount) lines.push(`Record count (server): ${s.recordCount.partial ? 'at least ' : ''}${s.recordCount.count}`);
      if (s.inclusiveEndTimestamp) lines.push(`Server's window end (next begin): ${s.inclusiveEndTimestamp}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
  } finally {
    transport.close();
  }
}

/** `flare-misp taxii poll`: poll a collection and save each content block as a file. */
export function registerTaxii(program: Command): void {
  const taxii = program.commands.find((c) => c.name() === 'taxii') ?? program.command('taxii').description('talk to the configured TAXII 1.1 feed');
  withConfigDir(taxii.command('poll'))
    .description('poll a collection over a window (begin exclusive, end inclusive) and write every content block to DIR as a standalone file named by position and Timestamp_Label (exit 1 on failure)')
    .option('--collection <name>', 'collection to poll (default: stixtransclient.source.collection)')
    .option('--begin <time>', 'exclusive begin, ISO 8601 (no zone = UTC)')
    .option('--end <time>', 'inclusive end, ISO 8601 (no zone = UTC)')
    .requiredOption('--out <dir>', 'folder to write the content blocks to (created if missing)')
    .option('--json', 'print the summary as JSON')
    .option('--verbose', 'print the debug log on stderr')
    .action(async (opts: PollOptionsCli) => {
      try {
        await runPoll(opts);
      } catch (e) {
        process.stderr.write(`error: ${errorMessage(e)}\n`);
        if (e instanceof FlareError && e.hint) process.stderr.write(`hint: ${e.hint}\n`);
        process.exitCode = 1;
      }
    });
}
