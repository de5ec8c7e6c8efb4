/**
 * The `flare-misp` command line. Each command lives in `commands/<name>.ts` and registers itself through
 * `commands/index.ts`. Commands print results on stdout (JSON where a script will read it) and their log on
 * stderr, and exit 0 on success, 1 when the work failed, 2 on a usage error. `run` is what bin/flare-misp.mjs
 * calls: it exits only once stdout and stderr have been written out, whatever they are connected to.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerCommands } from './commands/index';
import { FlareError, errorMessage } from '../core/errors';

export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'flare-misp') return dir;
    } catch {
      /* keep walking up */
    }
    const parent = path.dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** The program with the commands `argv` needs (all of them without `argv`); see commands/index.ts. */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command('flare-misp')
    .description('Pull STIX 1.x from TAXII 1.1 feeds and load it into MISP.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  await registerCommands(program, argv);
  return program;
}

/** Prints a failure for a human: the sentence, then the hint. */
export function printError(e: unknown): void {
  process.stderr.write(`error: ${errorMessage(e)}\n`);
  if (e instanceof FlareError && e.hint) process.stderr.write(`hint: ${e.hint}\n`);
}

export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors have been printed by commander.
      return e.exitCode === 0 ? 0 : 2;
    }
    printError(e);
    return 1;
  }
}

/**
 * A reader that went away (`flare-misp … | head`) ends our output quietly: the rest is dropped and the command
 * still finishes its work, so the exit code says whether it did. Any other failure to write is one line on stderr
 * and exit code 1, never a stack trace.
 */
export function guardOutput(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
      process.exitCode = 1;
      if (stream !== process.stderr && !process.stderr.destroyed) process.stderr.write(`error: cannot write the output: ${errorMessage(e)}\n`);
    });
  }
}

/** Resolves once everything written to `stream` so far has been handed to the file, terminal or pipe. */
export function flushed(stream: NodeJS.WritableStream & { writableLength?: number; destroyed?: boolean }): Promise<void> {
  if (stream.destroyed || stream.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => {
    stream.write('', () => resolve());
  });
}

/**
 * Exits with `code` once stdout and stderr are flushed: a pipe that reads slowly still gets every byte, where a
 * bare `process.exit()` drops whatever the pipe had not taken yet.
 */
export async function exitWhenFlushed(code: number): Promise<never> {
  process.exitCode = code;
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

/** The whole `flare-misp` command: runs `argv`, then exits once the output is out (`serve` keeps running). */
export async function run(argv: string[]): Promise<void> {
  guardOutput();
  const code = await main(argv);
  if ((globalThis as { __flareKeepAlive?: boolean }).__flareKeepAlive) return;
  await exitWhenFlushed(typeof process.exitCode === 'number' && process.exitCode > code ? process.exitCode : code);
}
