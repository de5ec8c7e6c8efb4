/**
 * What the MISP client needs to know, given explicitly (the config loader maps its keys onto this), checked once.
 */
import type { LookupFunction } from 'node:net';
import type { Logger } from '../../log/types';
import { silentLogger } from '../../log/types';
import { proxyBypassHint, proxyUrlProblem, type ProxyChoice, type ProxySource } from '../../net/env-proxy';
import type { EventDistribution } from '../model';
import { MispConfigError } from './errors';
import { parseSharingGroupRef, type SharingGroupRef } from './sharing-group';
import type { RetryPolicy } from './retry';
import { DEFAULT_RETRY } from './retry';

/** `native`: FLARE MISP converts and upserts events. `stix`: the old service's way, MISP's own upload_stix. */
export type ImportMode = 'native' | 'stix';

type Pem = string | Buffer;

export interface MispClientOptions {
  /** The MISP root, e.g. `https://misp.example.org/` (a trailing `events/` from the old key is removed). */
  url: string;
  /** The 40-character API key. Sent as the Authorization header; never logged. */
  key: string;
  /** CA certificate(s) to trust for the MISP server (PEM). When given, they replace the system's roots. */
  ca?: Pem | Pem[];
  /** Client certificate and key (PEM) when MISP (or its proxy) wants mutual TLS. */
  clientCert?: Pem;
  clientKey?: Pem;
  clientKeyPassphrase?: string;
  /** Client certificate as PKCS#12, instead of clientCert/clientKey. */
  pfx?: Buffer;
  pfxPassphrase?: string;
  /** Deadline for one request, from sending to the last byte of the answer. */
  timeoutMs: number;
  /** Deadline for opening a connection (TCP + TLS); defaults to timeoutMs. */
  connectTimeoutMs?: number;
  /** HTTP(S) proxy URL; HTTPS to MISP is tunnelled through it with CONNECT. */
  proxy?: string;
  /**
   * Where `proxy` came from — or, without one, why MISP is reached directly — for the log line and for errors
   * (from-config.ts fills it from ../../net/env-proxy.ts). Default: flare.misp.proxy when `proxy` is set.
   */
  proxySource?: ProxySource;
  /** Host name resolution for direct connections (tests). */
  lookup?: LookupFunction;
  /** Upper bound of open connections to MISP (the pool size). */
  maxConnections: number;
  mode: ImportMode;
  /** Publish events after they are created or changed (and any found unpublished). */
  publish: boolean;
  /** Stix mode: the distribution every uploaded event ends with (MISP ignores it on upload_stix). */
  distribution: EventDistribution;
  /** The sharing group's numeric id, needed when distribution is 4 (or `sharingGroup`). */
  sharingGroupId?: number;
  /**
   * The sharing group as the user wrote it (`flare.misp.sharing-group`): numeric id, uuid or name. A uuid or name is
   * looked up in MISP once, before the first request that needs it (see sharing-group.ts). `sharingGroupId` wins.
   */
  sharingGroup?: string;
  /**
   * Event tags in MISP that the event no longer carries: `exact` removes them (except local tags, which MISP users
   * add by hand), `add-only` leaves them.
   */
  tagPolicy?: 'exact' | 'add-only';
  /** Accept attribute types newer than MISP 2.5.1 (only when the destination runs a newer MISP). */
  allowNewerTypes?: boolean;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
  /** Clock in milliseconds (tests). */
  now?: () => number;
  /** Source of randomness for retry jitter (tests). */
  random?: () => number;
}

export interface ResolvedMispOptions extends Required<Pick<MispClientOptions, 'key' | 'timeoutMs' | 'maxConnections' | 'mode' | 'publish' | 'distribution' | 'tagPolicy' | 'allowNewerTypes'>> {
  /** The MISP root, always ending with `/`. */
  baseUrl: URL;
  connectTimeoutMs: number;
  retry: RetryPolicy;
  logger: Logger;
  now: () => number;
  random: () => number;
  /** The configured sharing group, not yet resolved to an id when given by uuid or name. */
  sharingGroup?: SharingGroupRef;
  /** The proxy (URL possibly with credentials: never logged as it is) and where it came from. */
  proxy: ProxyChoice;
  source: MispClientOptions;
}

export const MISP_PROXY_KEY = 'flare.misp.proxy';

/** A proxy MISP requests go through, as errors describe it (never with its credentials). */
export interface MispProxyInfo {
  /** Scheme, host and port. */
  display: string;
  /** `display`, plus its origin when that is the environment: `http://proxy:3128 (from HTTPS_PROXY)`. */
  label: string;
  source: ProxySource;
  /** The environment variable or configuration key it came from. */
  origin: string;
  /** The proxy URL carries user:password (sent as Proxy-Authorization). */
  withCredentials: boolean;
  /** What to check or do when it fails, naming its origin. */
  hint: string;
}

/** How errors describe the proxy of a choice, or undefined for a direct connection. */
export function mispProxyInfo(choice: ProxyChoice): MispProxyInfo | undefined {
  if (choice.proxy === undefined) return undefined;
  const url = new URL(choice.proxy);
  const display = `${url.protocol}//${url.host}`;
  const source = choice.source;
  const fromEnv = source.kind === 'env';
  return {
    display,
    label: fromEnv ? `${display} (from ${source.variable})` : display,
    source,
    origin: fromEnv ? source.variable : MISP_PROXY_KEY,
    withCredentials: Boolean(url.username || url.password),
    hint: proxyBypassHint(source, MISP_PROXY_KEY),
  };
}

const KEY_SHAPE = /^[a-zA-Z0-9]{40}$/;

/** The MISP root from a configured URL: `https://h/events/` (old `misptransclient.post.baseurl`) → `https://h/`. */
export function mispBaseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new MispConfigError(`The MISP URL "${url}" is not a URL.`, 'Set flare.misp.url to the MISP root, e.g. https://misp.example.org/');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new MispConfigError(`The MISP URL must start with https:// (or http://), not ${parsed.protocol}`, 'Set flare.misp.url to the MISP root, e.g. https://misp.example.org/');
  }
  if (parsed.username || parsed.password) {
    throw new MispConfigError('The MISP URL must not carry a user name or password.', 'MISP authenticates with the API key (misp.authorization.key) only.');
  }
  let path = parsed.pathname.replace(/\/+$/, '');
  path = path.replace(/\/events(\/upload_stix)?$/, '');
  parsed.pathname = `${path}/`;
  parsed.search = '';
  parsed.hash = '';
  return parsed;
}

export function resolveOptions(options: MispClientOptions): ResolvedMispOptions {
  const baseUrl = mispBaseUrl(options.url);
  if (!KEY_SHAPE.test(options.key ?? '')) {
    throw new MispConfigError(
      'The MISP API key must be 40 letters and digits.',
      'Copy the key from MISP (Administration → List Auth Keys, or your profile) into misp.authorization.key.',
    );
  }
  if (!(options.timeoutMs > 0)) throw new MispConfigError('The MISP timeout must be a positive number of milliseconds.', 'Set rtimeout to e.g. 60000.');
  if (!Number.isInteger(options.maxConnections) || options.maxConnections < 1) {
    throw new MispConfigError('The MISP connection pool needs at least one connection.', 'Set the MISP connection limit to 1 or more.');
  }
  if (![0, 1, 2, 3, 4].includes(options.distribution)) {
    throw new MispConfigError(`The MISP distribution must be 0 to 4, not ${String(options.distribution)}.`, '0 = your organisation only, 1 = this community, 2 = connected communities, 3 = all, 4 = a sharing group.');
  }
  let sharingGroup: SharingGroupRef | undefined;
  if (options.sharingGroupId !== undefined) sharingGroup = { kind: 'id', id: options.sharingGroupId };
  else if (options.sharingGroup !== undefined) sharingGroup = parseSharingGroupRef(options.sharingGroup);
  if (sharingGroup?.kind === 'id' && !(Number.isInteger(sharingGroup.id) && sharingGroup.id > 0)) {
    throw new MispConfigError(`The MISP sharing group id must be a whole number above 0, not ${String(sharingGroup.id)}.`, 'Set flare.misp.sharing-group to the sharing group\'s id, uuid or name.');
  }
  if (options.distribution === 4 && sharingGroup === undefined) {
    throw new MispConfigError('Distribution 4 (sharing group) needs a sharing group id, uuid or name.', 'Set flare.misp.sharing-group, or choose another distribution.');
  }
  const proxy: ProxyChoice =
    options.proxy !== undefined
      ? { proxy: options.proxy, source: options.proxySource ?? { kind: 'config', key: MISP_PROXY_KEY } }
      : { source: options.proxySource ?? { kind: 'none' } };
  if (proxy.proxy !== undefined) {
    // Never echo the value: it may carry the proxy password.
    const problem = proxyUrlProblem(proxy.proxy);
    if (problem) {
      throw proxy.source.kind === 'env'
        ? new MispConfigError(`The proxy in the ${proxy.source.variable} environment variable ${problem}.`, `Correct ${proxy.source.variable} (e.g. http://proxy.example:3128), or set ${MISP_PROXY_KEY}=none to reach MISP directly.`)
        : new MispConfigError(`The MISP proxy setting (${MISP_PROXY_KEY}) ${problem}.`, `Give the proxy as http://host:port (with user:password@ when it needs credentials), or none.`);
    }
  }
  return {
    baseUrl,
    key: options.key,
    timeoutMs: options.timeoutMs,
    connectTimeoutMs: options.connectTimeoutMs ?? options.timeoutMs,
    maxConnections: options.maxConnections,
    mode: options.mode,
    publish: options.publish,
    distribution: options.distribution,
    tagPolicy: options.tagPolicy ?? 'exact',
    allowNewerTypes: options.allowNewerTypes ?? false,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    logger: (options.logger ?? silentLogger).child('misp'),
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    ...(sharingGroup !== undefined && { sharingGroup }),
    proxy,
    source: options,
  };
}
