/**
 * From the loaded configuration (`Config.misp`) to the client's options: reads the CA and client certificate files,
 * maps the keys, and says clearly what is missing. The proxy is flare.misp.proxy when set (`none` = never a proxy),
 * else the standard environment variables for the MISP URL (HTTPS_PROXY / HTTP_PROXY with NO_PROXY; see
 * ../../net/env-proxy.ts).
 */
import { readFileSync } from 'node:fs';
import type { MispConfig } from '../../config/config';
import type { Logger } from '../../log/types';
import { chooseProxy, type ProxyEnv } from '../../net/env-proxy';
import type { EventDistribution } from '../model';
import { MispConfigError } from './errors';
import { mispBaseUrl, MISP_PROXY_KEY, type MispClientOptions } from './options';

function readPem(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new MispConfigError(`Cannot read ${file} (${key}): ${(e as Error).message}`, `Check the path in ${key}; relative paths are read from the config folder.`);
  }
}

export interface MispOptionsExtras {
  logger?: Logger;
  /** The environment the proxy variables are read from (default process.env). */
  env?: ProxyEnv;
}

export function mispClientOptionsFromConfig(misp: MispConfig, extras: MispOptionsExtras = {}): MispClientOptions {
  if (!misp.configured || !misp.url || !misp.key) {
    throw new MispConfigError('MISP is not configured.', 'Set flare.misp.url (the MISP root) and misp.authorization.key (or FLARE_MISP_KEY).');
  }
  const options: MispClientOptions = {
    url: misp.url,
    key: misp.key,
    timeoutMs: misp.timeoutMs,
    maxConnections: Math.max(1, misp.concurrency),
    mode: misp.mode,
    publish: misp.publish,
    distribution: misp.distribution as EventDistribution,
  };
  // Id, uuid or name as written: the client turns a uuid or name into MISP's id when it first needs it.
  if (misp.sharingGroup) options.sharingGroup = misp.sharingGroup;
  if (misp.caFile) options.ca = readPem(misp.caFile, 'flare.misp.ca');
  if (misp.clientCertFile) options.clientCert = readPem(misp.clientCertFile, 'flare.misp.client.cert');
  if (misp.clientKeyFile) options.clientKey = readPem(misp.clientKeyFile, 'flare.misp.client.key');
  const proxy = chooseProxy(mispBaseUrl(misp.url), misp.proxy, { key: MISP_PROXY_KEY, env: extras.env ?? process.env });
  if (proxy.proxy !== undefined) options.proxy = proxy.proxy;
  options.proxySource = proxy.source;
  if (extras.logger) options.logger = extras.logger;
  return options;
}
