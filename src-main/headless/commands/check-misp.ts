import type { Command } from 'commander';
import type { HealthResult } from '../../../shared/api';
import { checkGroup, withConfigDir, withService } from './common';

interface Gap {
  permission: string;
  required: boolean;
  consequence: string;
}
interface SharingGroup {
  configured: string;
  id?: number;
  name?: string;
  problem?: string;
}

/** The health result for a person: what the service's checkMispStatus found (the JSON is the same object). */
function describeHealth(h: HealthResult): string {
  const d = h.details ?? {};
  const lines = [`MISP ${h.resource || '(no URL)'}: ${h.ok ? 'OK' : 'NOT OK'}${h.statusCode ? ` (HTTP ${h.statusCode})` : ''}${h.latencyMs !== undefined ? `, ${h.latencyMs} ms` : ''}`];
  if (h.reason) lines.push(`  ${h.reason}`);
  if (typeof d.version === 'string') lines.push(`  version ${d.version}${d.organisation ? `, organisation ${String(d.organisation)}` : ''}${d.user ? `, user ${String(d.user)}` : ''}${d.role ? `, role ${String(d.role)}` : ''}`);
  for (const gap of (d.missingPermissions as Gap[] | undefined) ?? []) lines.push(`  ${gap.required ? 'missing' : 'limited'}: ${gap.permission} — ${gap.consequence}`);
  const sg = d.sharingGroup as SharingGroup | undefined;
  if (sg) {
    const found = sg.name !== undefined ? `${sg.name} (id ${sg.id})` : sg.id !== undefined ? `id ${sg.id}` : sg.configured;
    lines.push(sg.problem !== undefined ? `  sharing group ${sg.configured}: ${sg.problem}` : `  sharing group: ${found}`);
  }
  if (h.hint) lines.push(`  hint: ${h.hint}`);
  return lines.join('\n');
}

/** `flare-misp check misp`: the service's MISP health check — reachable, key accepted, what the key's role lacks (exit 1 if not OK). */
export function registerCheckMisp(program: Command): void {
  withConfigDir(checkGroup(program).command('misp'))
    .description('check the MISP destination: reachable, key accepted, role permissions for the import mode (exit 1 when not OK)')
    .option('--json', 'print the result as JSON: the same HealthResult the API answers ({resourceType, resource, statusCode, ok, …})')
    .option('--verbose', 'print the log on stderr')
    .action(async (opts: { configDir?: string; json?: boolean; verbose?: boolean }) => {
      const health = await withService(opts, (service) => service.checkMispStatus());
      if (!health) return;
      process.stdout.write(opts.json ? `${JSON.stringify(health, null, 2)}\n` : `${describeHealth(health)}\n`);
      if (!health.ok) process.exitCode = 1;
    });
}
