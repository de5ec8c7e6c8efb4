import path from 'node:path';
import type { Command } from 'commander';
import { ConfigError, formatIssue, loadConfig, resolveConfigDir, type ConfigDirChoice, type LoadedConfig } from '../../core/config/index';
import { consoleSink, LogHub } from '../../core/log/index';
// Only the commands that need the service load it (and undici, avsc, node-forge with it): `convert` starts in
// about 0.4 s instead of 0.65 s.
import type { FlareService } from '../../core/service';
import { packageVersion } from '../cli';

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

/** Why a configuration did not load, as the commands print it: on stderr, or as JSON on stdout with --json. */
export function explainConfigError(e: ConfigError, dir: string, json: boolean | undefined): void {
  const errors = e.issues.filter((i) => i.severity === 'error').map(formatIssue);
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, dir, errors }, null, 2)}\n`);
  else process.stderr.write(`The configuration in ${dir} is invalid:\n${errors.map((x) => `  ${x}`).join('\n')}\n`);
  process.exitCode = 1;
}

/** The configuration, or undefined after saying why it is invalid (exit 1): the one "load or explain" of the CLI. */
export function loadOrExplain(opts: { configDir?: string; json?: boolean }): LoadedConfig | undefined {
  const choice = headlessConfigDir(opts);
  try {
    return loadConfig(choice.dir);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    explainConfigError(e, choice.dir, opts.json);
    return undefined;
  }
}

export interface ServiceCommandOptions {
  configDir?: string;
  json?: boolean;
  verbose?: boolean;
}

/**
 * A headless FlareService for one command — the same object the API and the UI go through — closed (the tracker
 * flushed) when `work` ends. Its log goes to stderr: warnings and errors, everything with --verbose. An invalid
 * configuration is explained (exit 1) and `work` is not called.
 */
export async function withService<T>(opts: ServiceCommandOptions, work: (service: FlareService) => Promise<T>): Promise<T | undefined> {
  const choice = headlessConfigDir(opts);
  const level = opts.verbose ? 'debug' : 'warn';
  const hub = new LogHub({ level });
  hub.addSink(consoleSink(process.stderr));
  const { FlareService } = await import('../../core/service');
  const service = new FlareService({ configDir: choice.dir, configDirReason: choice.reason, mode: 'headless', version: packageVersion(), hub, logLevel: level });
  service.start();
  try {
    try {
      void service.loaded;
    } catch (e) {
      if (e instanceof ConfigError) {
        explainConfigError(e, choice.dir, opts.json);
        return undefined;
      }
      throw e;
    }
    return await work(service);
  } finally {
    await service.close();
    await hub.close();
  }
}
