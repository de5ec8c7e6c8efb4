import path from 'node:path';
import type { Command } from 'commander';
import { resolveConfigDir, type ConfigDirChoice } from '../../core/config/index';

/** Adds the `--config-dir` option every command that reads the configuration takes. */
export function withConfigDir(cmd: Command): Command {
  return cmd.option('--config-dir <dir>', 'folder with config.properties and application.properties (default: $FLARE_MISP_HOME, else ./config)');
}

/** Headless commands default to ./config in the working directory, like the old service. */
export function headlessConfigDir(opts: { configDir?: string }): ConfigDirChoice {
  return resolveConfigDir(opts.configDir, process.env, path.join(process.cwd(), 'config'));
}

/** The `check` group, shared by the `check <thing>` commands (whichever registers first creates it). */
export function checkGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'check') ?? program.command('check').description('check a connection (misp, taxii)');
}
