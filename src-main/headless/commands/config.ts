import type { Command } from 'commander';
import { ConfigError, configView, loadConfig } from '../../core/config/index';
import { explainConfigError, headlessConfigDir, withConfigDir } from './common';

/** `flare-misp config check`: the resolved configuration with secrets masked; exit 1 with the errors. */
export function registerConfig(program: Command): void {
  const config = program.command('config').description('inspect the configuration');
  withConfigDir(config.command('check'))
    .description('validate the configuration and print it with secrets masked (exit 1 when invalid)')
    .option('--json', 'print JSON instead of text')
    .action((opts: { configDir?: string; json?: boolean }) => {
      const choice = headlessConfigDir(opts);
      try {
        const view = configView(loadConfig(choice.dir));
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ ok: true, configDirReason: choice.reason, ...view }, null, 2)}\n`);
          return;
        }
        const out: string[] = [`Config folder: ${view.dir} (from ${choice.reason})`, ''];
        const width = Math.max(...view.entries.map((e) => e.key.length));
        for (const e of view.entries) {
          if (e.ignored && !e.isSet) continue;
          const origin = e.source === 'env' ? '(environment)' : e.source === 'default' ? '(default)' : `(${e.file}:${e.line})`;
          out.push(`  ${e.key.padEnd(width)}  ${e.value === '' ? '—' : e.value}  ${origin}${e.ignored ? '  [no effect]' : ''}`);
        }
        out.push('', `TAXII feed: ${view.taxiiConfigured ? `${view.summary.pollUrl} collection ${view.summary.collection}` : 'not configured'}`);
        out.push(`MISP: ${view.mispConfigured ? `${view.summary.mispUrl} (${view.summary.mispMode} mode)` : 'not configured'}`);
        if (view.warnings.length) out.push('', 'Warnings:', ...view.warnings.map((w) => `  ${w}`));
        process.stdout.write(`${out.join('\n')}\n`);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        explainConfigError(e, choice.dir, opts.json);
      }
    });
}
