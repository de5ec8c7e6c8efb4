/**
 * The `flare-misp` command line. Each command lives in `commands/<name>.ts` and registers itself through
 * `commands/index.ts`. Commands print results on stdout (JSON where a script will read it) and their log on
 * stderr, and exit 0 on success, 1 when the work failed, 2 on a usage error.
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

export function buildProgram(): Command {
  const program = new Command('flare-misp')
    .description('Pull STIX 1.x from TAXII 1.1 feeds and load it into MISP.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerCommands(program);
  return program;
}

/** Prints a failure for a human: the sentence, then the hint. */
export function printError(e: unknown): void {
  process.stderr.write(`error: ${errorMessage(e)}\n`);
  if (e instanceof FlareError && e.hint) process.stderr.write(`hint: ${e.hint}\n`);
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
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
