import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { ConfigError, loadConfig, type MispConfig } from '../../core/config/index';
import { errorMessage, FlareError } from '../../core/errors';
import { writeFileAtomic } from '../../core/fs/atomic-write';
import { ConversionReport } from '../../core/misp/convert/contract';
import { buildEvent, countEvent, eventJson, summarizeReport, type BuiltEvent } from '../../core/misp/convert/event/index';
import { isStixError, readPackages } from '../../core/stix/index';
import { explainConfigError, headlessConfigDir, withConfigDir } from './common';

export interface ConvertOptions {
  out?: string;
  preview?: boolean;
  report?: boolean;
  configDir?: string;
}

/** One package's conversion. */
export interface ConvertedPackage {
  packageId?: string;
  built: BuiltEvent;
  /** Where the JSON was written (with --out). */
  written?: string;
}

export type ConvertResult = { file: string; packages: ConvertedPackage[] } | { file: string; failed: { code: string; message: string } };

/** A file name from a package id: letters, digits, `.`, `_` and `-` only, never a path. */
export function safeName(id: string): string {
  const name = id.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, 200);
  return name === '' ? '_' : name;
}

const writeAtomically = (file: string, text: string): Promise<void> => writeFileAtomic(file, text);

/** Converts each file: every package to an event, or the reason the file failed. */
export async function convertFiles(files: readonly string[], misp: Partial<MispConfig>, out?: string): Promise<ConvertResult[]> {
  const results: ConvertResult[] = [];
  if (out !== undefined) await mkdir(out, { recursive: true });
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (e) {
      results.push({ file, failed: { code: 'file_unreadable', message: `cannot read the file: ${errorMessage(e)}` } });
      continue;
    }
    try {
      // The content hash is needed only for a package without an id (its event uuid): computed then, not for all.
      const packages = readPackages(bytes, { hashOnDemand: true });
      if (packages.length === 0) throw new FlareError('stix_not_a_package', 'no STIX package in the file');
      const converted: ConvertedPackage[] = [];
      for (const [i, p] of packages.entries()) {
        const built = buildEvent(p, { misp });
        const c: ConvertedPackage = { built, ...(p.id !== undefined && { packageId: p.id }) };
        if (out !== undefined) {
          const name = p.id !== undefined ? safeName(p.id) : `${safeName(path.basename(file, path.extname(file)))}-${i + 1}`;
          const target = path.join(out, `${name}.json`);
          await writeAtomically(target, eventJson(built.event));
          c.written = target;
        }
        converted.push(c);
      }
      results.push({ file, packages: converted });
    } catch (e) {
      const code = isStixError(e) || e instanceof FlareError ? e.code : 'conversion_failed';
      results.push({ file, failed: { code, message: errorMessage(e) } });
    }
  }
  return results;
}

/** `file: 1 package, 12 attributes, 6 objects (14 attributes inside), 5 tags, distribution 0, 2 warnings`. */
export function summaryLine(r: ConvertResult): string {
  if ('failed' in r) return `${r.file}: FAILED — ${r.failed.message} [${r.failed.code}]`;
  let attributes = 0;
  let objects = 0;
  let inner = 0;
  let tags = 0;
  let warnings = 0;
  const distributions = new Set<number>();
  for (const p of r.packages) {
    const c = countEvent(p.built.event);
    attributes += c.attributes;
    objects += c.objects;
    inner += c.objectAttributes;
    tags += c.tags;
    warnings += p.built.report.warnings.length;
    distributions.add(p.built.event.distribution);
  }
  const n = r.packages.length;
  return `${r.file}: ${n} package${n === 1 ? '' : 's'}, ${attributes} attributes, ${objects} objects (${inner} attributes inside), ${tags} tags, distribution ${[...distributions].join('/')}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}

/** The human preview of one package: decision, event, and what was dropped, refanged or warned about. */
export function formatPreview(p: ConvertedPackage): string {
  const s = summarizeReport(p.built.report);
  const lines = [`=== ${p.packageId ?? '(package without id)'} → event ${p.built.event.uuid}`, `distribution: ${p.built.distribution.summary}`, eventJson(p.built.event).trimEnd()];
  const section = (title: string, items: string[]) => {
    lines.push(`${title} (${items.length})${items.length ? ':' : ''}`);
    for (const i of items) lines.push(`  - ${i}`);
  };
  section('dropped', s.dropped);
  section('refanged', s.refanged);
  section('warnings', s.warnings);
  return `${lines.join('\n')}\n`;
}

/** Per CybOX type: how many objects were mapped, kept as text or skipped, over every converted package. */
export function formatCoverage(results: readonly ConvertResult[]): string {
  const total = new ConversionReport();
  for (const r of results) if ('packages' in r) for (const p of r.packages) for (const [type, c] of p.built.report.coverage) for (const o of ['mapped', 'text', 'skipped'] as const) for (let i = 0; i < c[o]; i++) total.count(type, o);
  const rows = [...total.coverage].sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(10, ...rows.map(([t]) => t.length));
  const lines = [`${'CybOX type'.padEnd(width)}  ${'mapped'.padStart(7)}  ${'text'.padStart(7)}  ${'skipped'.padStart(7)}`];
  const sum = { mapped: 0, text: 0, skipped: 0 };
  for (const [type, c] of rows) {
    lines.push(`${type.padEnd(width)}  ${String(c.mapped).padStart(7)}  ${String(c.text).padStart(7)}  ${String(c.skipped).padStart(7)}`);
    sum.mapped += c.mapped;
    sum.text += c.text;
    sum.skipped += c.skipped;
  }
  lines.push(`${'total'.padEnd(width)}  ${String(sum.mapped).padStart(7)}  ${String(sum.text).padStart(7)}  ${String(sum.skipped).padStart(7)}`);
  return `${lines.join('\n')}\n`;
}

/** The destination settings: from the config folder when there is one, else the shipped defaults' behaviour. */
function settingsFor(opts: ConvertOptions): { misp: Partial<MispConfig>; note?: string } | { error: string } {
  const choice = headlessConfigDir(opts);
  if (choice.reason === 'default' && !existsSync(choice.dir)) return { misp: {}, note: `no config folder at ${choice.dir}: the safe defaults decide (distribution 0)` };
  try {
    return { misp: loadConfig(choice.dir).config.misp };
  } catch (e) {
    if (e instanceof ConfigError) {
      explainConfigError(e, choice.dir, false);
      return { error: '' };
    }
    if (e instanceof FlareError) return { error: e.message };
    throw e;
  }
}

/**
 * `flare-misp convert FILE... [--out DIR] [--preview] [--report]`: every STIX package → one MISP event JSON
 * (`{"Event":{…}}`). Without --out and --preview the events go to stdout, one JSON document per line, and the
 * human lines to stderr; exit 1 when any file could not be converted.
 */
export function registerConvert(program: Command): void {
  withConfigDir(program.command('convert'))
    .description('convert STIX 1.x files to MISP events ({"Event":…} JSON, one per package: one per line on stdout, or files with --out) with the configured distribution policy; a summary line per file (exit 1 if any file failed)')
    .argument('<files...>', 'STIX XML files')
    .option('--out <dir>', 'write one <package id>.json per package into this folder instead of printing the events')
    .option('--preview', 'show each event with the distribution decision and what was dropped, refanged or warned about')
    .option('--report', 'print, per CybOX type, how many objects were mapped, kept as text or skipped')
    .action(async (files: string[], opts: ConvertOptions) => {
      const human = opts.out !== undefined || opts.preview ? process.stdout : process.stderr;
      const settings = settingsFor(opts);
      if ('error' in settings) {
        if (settings.error) process.stderr.write(`${settings.error}\n`);
        process.exitCode = 1;
        return;
      }
      if (settings.note) process.stderr.write(`note: ${settings.note}\n`);
      const results = await convertFiles(files, settings.misp, opts.out);
      for (const r of results) {
        if ('packages' in r) {
          for (const p of r.packages) {
            if (opts.preview) process.stdout.write(formatPreview(p));
            else if (opts.out === undefined) process.stdout.write(`${JSON.stringify({ Event: p.built.event })}\n`);
          }
        }
        human.write(`${summaryLine(r)}\n`);
      }
      if (opts.report) human.write(formatCoverage(results));
      if (results.some((r) => 'failed' in r)) process.exitCode = 1;
    });
}
