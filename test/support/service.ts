/**
 * A FlareService on a private copy of the shipped configuration with some keys set — what the integration tests
 * start against the TAXII and MISP test servers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LogHub } from '../../src-main/core/log/index';
import { FlareService, type ServiceOptions } from '../../src-main/core/service';
import { tempConfigDir } from './config-dir';

/**
 * Sets keys in the folder's config.properties, in place of the shipped line (so comments and order stay). A key the
 * shipped file does not have is an error: the test would otherwise silently run on the default.
 */
export function setKeys(dir: string, values: Record<string, string>): void {
  const p = path.join(dir, 'config.properties');
  let text = readFileSync(p, 'utf8');
  for (const [k, v] of Object.entries(values)) {
    const line = new RegExp(`^${k.replace(/\./g, '\\.')}=.*$`, 'm');
    if (!line.test(text)) throw new Error(`the shipped config.properties has no line for ${k}`);
    text = text.replace(line, `${k}=${v}`);
  }
  writeFileSync(p, text);
}

/** A started headless FlareService with these keys set; `cleanups` gets its close. */
export function serviceWith(values: Record<string, string>, cleanups: (() => Promise<void>)[], runs?: ServiceOptions['runs']): { service: FlareService; hub: LogHub; dir: string } {
  const dir = tempConfigDir();
  setKeys(dir, values);
  const hub = new LogHub({ ringSize: 5000 });
  const service = new FlareService({ configDir: dir, mode: 'headless', version: '0.0.0', hub, ...(runs && { runs }) });
  service.start();
  cleanups.push(() => service.close());
  return { service, hub, dir };
}
