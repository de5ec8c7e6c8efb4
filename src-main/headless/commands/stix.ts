import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { errorMessage } from '../../core/errors';
import { isStixError, readPackages, summarizePackages, type PackageSummary } from '../../core/stix/index';

/** What `stix inspect` found in one file: its packages, or why it was refused. */
export type InspectResult =
  | { file: string; packages: PackageSummary[] }
  | { file: string; refused: { code: string; message: string; line?: number; column?: number } };

/** Reads each file with the STIX reader; a file that cannot be read or is refused gets its reason. */
export async function inspectFiles(files: readonly string[]): Promise<InspectResult[]> {
  const out: InspectResult[] = [];
  for (const file of files) {
    try {
      const bytes = await readFile(file);
      out.push({ file, packages: summarizePackages(readPackages(bytes)) });
    } catch (e) {
      if (isStixError(e)) {
        const refused: { code: string; message: string; line?: number; column?: number } = { code: e.code, message: e.message };
        if (e.line !== undefined) refused.line = e.line;
        if (e.column !== undefined) refused.column = e.column;
        out.push({ file, refused });
      } else {
        out.push({ file, refused: { code: 'file_unreadable', message: `cannot read the file: ${errorMessage(e)}` } });
      }
    }
  }
  return out;
}

function list(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length ? entries.map(([k, n]) => `${k} ${n}`).join(', ') : '—';
}

/** The human form: one block per file, one paragraph per package. */
export function formatInspection(results: readonly InspectResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(r.file);
    if ('refused' in r) {
      lines.push(`  refused     ${r.refused.message} [${r.refused.code}]`);
      continue;
    }
    for (const p of r.packages) {
      lines.push(`  package     ${p.id ?? '(no id)'}`);
      lines.push(`  version     ${p.version ?? '(none)'}    timestamp ${p.timestamp ?? '(none)'}`);
      if (p.title !== undefined) lines.push(`  title       ${p.title.replace(/\s+/g, ' ').slice(0, 160)}`);
      lines.push(`  markings    ${p.markings.length ? p.markings.join(', ') : '—'}`);
      if (Object.keys(p.innerMarkings).length) lines.push(`  inner marks ${list(p.innerMarkings)}`);
      lines.push(`  sha256      ${p.hash}`);
      lines.push(`  contains    ${list(p.counts)}`);
      if (Object.keys(p.references).length) lines.push(`  idrefs      ${list(p.references)}`);
      lines.push(`  cybox       ${list(p.cyboxTypes)}`);
      if (Object.keys(p.embeddedTypes).length) lines.push(`  embedded    ${list(p.embeddedTypes)}`);
      if (Object.keys(p.typesInExtensions).length) lines.push(`  extensions  ${list(p.typesInExtensions)}`);
      if (Object.keys(p.compositions).length) lines.push(`  composed    ${list(p.compositions)}`);
      for (const w of p.warnings) lines.push(`  warning     ${w}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `flare-misp stix inspect FILE...`: what the STIX reader makes of each file (exit 1 if any was refused). */
export function registerStix(program: Command): void {
  const stix = program.commands.find((c) => c.name() === 'stix') ?? program.command('stix').description('work with STIX 1.x files');
  stix
    .command('inspect')
    .description('read STIX 1.x files: per package the id, version, timestamp, title, markings, content hash and counts of each construct and CybOX type, or why the file was refused (exit 1 if any was)')
    .argument('<files...>', 'STIX XML files')
    .option('--json', 'print the results as JSON')
    .action(async (files: string[], opts: { json?: boolean }) => {
      const results = await inspectFiles(files);
      process.stdout.write(opts.json ? `${JSON.stringify(results, null, 2)}\n` : formatInspection(results));
      if (results.some((r) => 'refused' in r)) process.exitCode = 1;
    });
}
