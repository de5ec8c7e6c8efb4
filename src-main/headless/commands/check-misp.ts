import type { Command } from 'commander';
import { ConfigError, formatIssue, loadConfig } from '../../core/config/index';
import { MispClient } from '../../core/misp/client/client';
import { mispClientOptionsFromConfig } from '../../core/misp/client/from-config';
import type { MispHealth } from '../../core/misp/client/health';
import { FlareError } from '../../core/errors';
import { checkGroup, headlessConfigDir, withConfigDir } from './common';

function describeHealth(h: MispHealth): string {
  const lines = [`MISP ${h.resource}: ${h.ok ? 'OK' : 'NOT OK'} (HTTP ${h.statusCode})`, `  ${h.message}`];
  if (h.version) lines.push(`  version ${h.version}${h.organisation ? `, organisation ${h.organisation}` : ''}${h.user ? `, user ${h.user}` : ''}${h.role ? `, role ${h.role}` : ''}`);
  for (const gap of h.missingPermissions) lines.push(`  ${gap.required ? 'missing' : 'limited'}: ${gap.permission} — ${gap.consequence}`);
  const sg = h.sharingGroup;
  if (sg) {
    const found = sg.name !== undefined ? `${sg.name} (id ${sg.id})` : sg.id !== undefined ? `id ${sg.id}` : sg.configured;
    lines.push(sg.problem !== undefined ? `  sharing group ${sg.configured}: ${sg.problem}` : `  sharing group: ${found}`);
  }
  if (h.hint) lines.push(`  hint: ${h.hint}`);
  return lines.join('\n');
}

/** `flare-misp check misp`: reach MISP with the configured key and say what the key's role lacks (exit 1 if not OK). */
export function registerCheckMisp(program: Command): void {
  withConfigDir(checkGroup(program).command('misp'))
    .description('check the MISP destination: reachable, key accepted, role permissions for the import mode (exit 1 when not OK)')
    .option('--json', 'print the result as JSON ({resourceType, resource, statusCode, ok, …})')
    .action(async (opts: { configDir?: string; json?: boolean }) => {
      const choice = headlessConfigDir(opts);
      let health: MispHealth;
      try {
        const { config } = loadConfig(choice.dir);
        const client = new MispClient(mispClientOptionsFromConfig(config.misp));
        try {
          health = await client.checkMispStatus();
        } finally {
          await client.close();
        }
      } catch (e) {
        if (e instanceof ConfigError) {
          const errors = e.issues.filter((i) => i.severity === 'error').map(formatIssue);
          if (opts.json) process.stdout.write(`${JSON.stringify({ ok: false, dir: choice.dir, errors }, null, 2)}\n`);
          else process.stderr.write(`The configuration in ${choice.dir} is invalid:\n${errors.map((x) => `  ${x}`).join('\n')}\n`);
          process.exitCode = 1;
          return;
        }
        if (!(e instanceof FlareError)) throw e;
        health = { resourceType: 'Misp', resource: '', statusCode: 0, ok: false, message: e.message, errorCode: e.code, mode: 'native', missingPermissions: [], ...(e.hint ? { hint: e.hint } : {}) };
      }
      process.stdout.write(opts.json ? `${JSON.stringify(health, null, 2)}\n` : `${describeHealth(health)}\n`);
      if (!health.ok) process.exitCode = 1;
    });
}
