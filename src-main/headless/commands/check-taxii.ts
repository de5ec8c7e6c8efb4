import type { Command } from 'commander';
import type { HealthResult } from '../../../shared/api';
import { checkGroup, withConfigDir, withService } from './common';

function describeHealth(h: HealthResult): string {
  const d = h.details ?? {};
  const lines = [`TAXII ${h.resource || '(no poll URL)'}: ${h.ok ? 'OK' : 'NOT OK'}${h.statusCode ? ` (HTTP ${h.statusCode})` : ''}${h.latencyMs !== undefined ? `, ${h.latencyMs} ms` : ''}`];
  if (h.reason) lines.push(`  ${h.reason}`);
  const cert = d.clientCertificate as { format?: string; reader?: string; subject?: string; notAfter?: string } | undefined;
  if (cert) lines.push(`  client certificate: ${cert.subject ?? '(subject unknown)'}${cert.notAfter ? `, valid until ${cert.notAfter}` : ''} (${cert.format}, read by ${cert.reader})`);
  if (typeof d.proxy === 'string') lines.push(`  proxy: ${d.proxy}${typeof d.proxyFrom === 'string' ? ` (from ${d.proxyFrom})` : ''}`);
  const services = d.services as { type: string; address: string }[] | undefined;
  for (const s of services ?? []) lines.push(`  service: ${s.type} ${s.address}`);
  const collections = d.collections as { name: string; type?: string; available?: boolean }[] | undefined;
  if (collections) lines.push(`  collections: ${collections.length ? collections.map((c) => c.name).join(', ') : '(none)'}`);
  for (const key of ['discoveryError', 'collectionsError'] as const) {
    const e = d[key] as { message?: string } | undefined;
    if (e?.message) lines.push(`  ${key === 'discoveryError' ? 'discovery' : 'collection information'} failed: ${e.message}`);
  }
  if (h.hint) lines.push(`  hint: ${h.hint}`);
  return lines.join('\n');
}

/** `flare-misp check taxii`: the service's TAXII health check — a COUNT_ONLY poll of the configured collection, plus services/collections when known (exit 1 if not OK). */
export function registerCheckTaxii(program: Command): void {
  withConfigDir(checkGroup(program).command('taxii'))
    .description('check the TAXII feed: a COUNT_ONLY poll of the configured collection over the last hour (TLS, client certificate, credentials, collection name); lists services and collections when a discovery or collection management URL is set (exit 1 when not OK)')
    .option('--json', 'print the result as JSON ({resourceType, resource, statusCode, ok, …})')
    .option('--verbose', 'print the debug log on stderr (which certificate reader was used, each request)')
    .action(async (opts: { configDir?: string; json?: boolean; verbose?: boolean }) => {
      const health = await withService(opts, (service) => service.checkTaxiiStatus());
      if (!health) return;
      process.stdout.write(opts.json ? `${JSON.stringify(health, null, 2)}\n` : `${describeHealth(health)}\n`);
      if (!health.ok) process.exitCode = 1;
    });
}
