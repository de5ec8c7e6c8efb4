import type { Command } from 'commander';
import type { HealthResult } from '../../../shared/api';
import { ConfigError, formatIssue, loadConfig, secretValues } from '../../core/config/index';
import { consoleSink, LogHub } from '../../core/log/index';
import { checkTaxiiHealth } from '../../core/taxii/health';
import { checkGroup, headlessConfigDir, withConfigDir } from './common';

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

/** `flare-misp check taxii`: a COUNT_ONLY poll of the configured collection, plus services/collections when known (exit 1 if not OK). */
export function registerCheckTaxii(program: Command): void {
  withConfigDir(checkGroup(program).command('taxii'))
    .description('check the TAXII feed: a COUNT_ONLY poll of the configured collection over the last hour (TLS, client certificate, credentials, collection name); lists services and collections when a discovery or collection management URL is set (exit 1 when not OK)')
    .option('--json', 'print the result as JSON ({resourceType, resource, statusCode, ok, …})')
    .option('--verbose', 'print the debug log on stderr (which certificate reader was used, each request)')
    .action(async (opts: { configDir?: string; json?: boolean; verbose?: boolean }) => {
      const choice = headlessConfigDir(opts);
      let loaded;
      try {
        loaded = loadConfig(choice.dir);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        const errors = e.issues.filter((i) => i.severity === 'error').map(formatIssue);
        if (opts.json) process.stdout.write(`${JSON.stringify({ ok: false, dir: choice.dir, errors }, null, 2)}\n`);
        else process.stderr.write(`The configuration in ${choice.dir} is invalid:\n${errors.map((x) => `  ${x}`).join('\n')}\n`);
        process.exitCode = 1;
        return;
      }
      const hub = new LogHub({ level: opts.verbose ? 'debug' : 'error' });
      hub.redactor.setSecrets(secretValues(loaded));
      hub.addSink(consoleSink(process.stderr));
      const health = await checkTaxiiHealth(loaded.config.taxii, { logger: hub.logger('check') });
      process.stdout.write(opts.json ? `${JSON.stringify(health, null, 2)}\n` : `${describeHealth(health)}\n`);
      if (!health.ok) process.exitCode = 1;
    });
}
