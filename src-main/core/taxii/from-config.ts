/**
 * From the loaded configuration (`Config.taxii`) to a ready transport: reads the CA file and the client
 * certificate (PEM pair or PKCS#12), adds HTTP basic authentication, the proxy and the timeouts. Problems with the
 * files are `TaxiiCredentialsError`s that name the configuration key to fix.
 *
 * The proxy: flare.taxii.proxy when set (`none` = never a proxy), else the standard environment variables
 * (HTTPS_PROXY / HTTP_PROXY with NO_PROXY), decided per destination by ../net/env-proxy.ts.
 */
import { readFileSync } from 'node:fs';
import type { LookupFunction } from 'node:net';
import type { TaxiiConfig } from '../config/config';
import type { Logger } from '../log/types';
import { chooseProxy, type ProxyEnv } from '../net/env-proxy';
import { FlareError } from '../errors';
import { TaxiiCredentialsError } from './errors';
import { createHttpTransport, type HttpTransport, type HttpTransportOptions, type HttpTransportTls } from './http-transport';
import type { PollOptions } from './poll';
import { TAXII_PROXY_KEY } from './proxy';
import type { TaxiiTransport } from './transport';

export interface TransportFromConfigOptions {
  logger?: Logger;
  /** Host name resolution (tests). */
  lookup?: LookupFunction;
  /** Overrides for the configured timeouts (the health check uses shorter ones). */
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
  /** The environment the proxy variables are read from (default process.env). */
  env?: ProxyEnv;
}

function readFile(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new TaxiiCredentialsError(
      key === 'flare.taxii.ca' ? 'taxii_ca_file' : 'taxii_client_credentials',
      `Cannot read ${file} (${key}): ${code === 'ENOENT' ? 'the file does not exist' : code === 'EACCES' ? 'permission denied' : (e as Error).message}.`,
      `Check the path in ${key}; relative paths are read from the config folder.`,
    );
  }
}

/** The TLS material the configuration names (files read now). */
export function tlsFromConfig(taxii: TaxiiConfig): HttpTransportTls | undefined {
  const tls: HttpTransportTls = {};
  if (taxii.caFile) tls.ca = readFile(taxii.caFile, 'flare.taxii.ca');
  const auth = taxii.clientAuth;
  if (auth.kind === 'pem') {
    tls.cert = readFile(auth.certFile, 'flare.taxii.client.cert');
    tls.key = readFile(auth.keyFile, 'flare.taxii.client.key');
    if (auth.passphrase !== undefined) tls.passphrase = auth.passphrase;
  } else if (auth.kind === 'pkcs12') {
    tls.pfx = readFile(auth.file, 'client.ssl.key-store');
    tls.pfxFile = auth.file;
    if (auth.password !== undefined) tls.passphrase = auth.password;
  }
  return Object.keys(tls).length ? tls : undefined;
}

/** `Authorization: Basic …` for the configured user name and password (never logged). */
export function basicAuthHeader(username: string | undefined, password: string | undefined): Record<string, string> {
  if (!username) return {};
  return { authorization: `Basic ${Buffer.from(`${username}:${password ?? ''}`, 'utf8').toString('base64')}` };
}

export function taxiiTransportFromConfig(taxii: TaxiiConfig, options: TransportFromConfigOptions = {}): HttpTransport {
  const tls = tlsFromConfig(taxii);
  const transportOptions: HttpTransportOptions = {
    connectTimeoutMs: options.connectTimeoutMs ?? taxii.connectTimeoutMs,
    readTimeoutMs: options.readTimeoutMs ?? taxii.readTimeoutMs,
    headers: basicAuthHeader(taxii.username, taxii.password),
  };
  if (tls) transportOptions.tls = tls;
  const env = options.env ?? process.env;
  transportOptions.proxyFor = (target) => chooseProxy(target, taxii.proxy, { key: TAXII_PROXY_KEY, env });
  if (options.lookup) transportOptions.lookup = options.lookup;
  if (options.logger) transportOptions.logger = options.logger;
  const log = options.logger?.child('taxii');
  if (taxii.username && taxii.pollUrl?.startsWith('http:')) {
    log?.warn('The TAXII password is sent over plain http://: use an https:// poll URL if the server offers one.');
  }
  const transport = createHttpTransport(transportOptions);
  // The poll URL's proxy is checked (and logged) now, so a proxy URL that cannot work fails before any run starts.
  if (taxii.pollUrl) {
    try {
      transport.proxyInfo(taxii.pollUrl);
    } catch (e) {
      transport.close();
      throw e;
    }
  }
  return transport;
}

/**
 * Everything of a poll that the configuration decides — address, transport, content bindings, how long to wait for
 * PENDING results and between retries — so the run, the CLI's `taxii poll` and the health check poll alike.
 */
export function pollOptionsFromConfig(taxii: TaxiiConfig, transport: TaxiiTransport, extras: Partial<Pick<PollOptions, 'logger' | 'onProgress' | 'signal' | 'prefetch' | 'sleep'>> = {}): PollOptions {
  if (!taxii.pollUrl) throw new FlareError('taxii_not_configured', 'No TAXII poll URL is configured.', { hint: 'Set stixtransclient.poll.baseurl in config.properties.' });
  const waitMs = taxii.maxWaitSeconds * 1000;
  return {
    url: taxii.pollUrl,
    transport,
    ...(taxii.contentBindings.length ? { contentBindings: taxii.contentBindings } : {}),
    pending: { maxWaitMs: waitMs, maxTotalWaitMs: waitMs },
    retry: { maxDelayMs: waitMs },
    ...extras,
  };
}
