/**
 * Which proxy a connection to one destination goes through — the one decision the TAXII transport and the MISP
 * client share, so both read the configuration and the environment the same way:
 *
 * 1. The configuration key (`flare.taxii.proxy`, `flare.misp.proxy`) always wins: a URL is used for every
 *    destination (NO_PROXY does not apply to it, loopback included: that is asking explicitly); `none` means a direct
 *    connection, whatever the environment says.
 * 2. Unset, the standard environment variables decide, as curl and Python's requests read them: for an https://
 *    destination `https_proxy`, else `HTTPS_PROXY`; for http:// `http_proxy`, else `HTTP_PROXY` (lower case wins,
 *    an empty value counts as unset). A value without a scheme (`proxy.corp:3128`) means http://.
 * 3. `no_proxy` (else `NO_PROXY`) exempts destinations from an environment proxy: entries separated by commas or
 *    spaces; `*` exempts everything; a name matches itself and its subdomains (`example.org`, `.example.org` and
 *    `*.example.org` all match `example.org` and `www.example.org`, never `badexample.org`); `host:port` only that
 *    port; IPv4/IPv6 addresses (`::1` or `[::1]`, `[::1]:8443`) and CIDR ranges (`10.0.0.0/8`, `fd00::/8`) match
 *    destinations written as addresses (names are not resolved, as in requests).
 * 4. Loopback destinations (`localhost`, `*.localhost`, 127.0.0.0/8, ::1) never take an environment proxy: a proxy
 *    elsewhere cannot reach this machine's loopback, and a MISP or TAXII server on the same host is the usual case of
 *    a forgotten NO_PROXY. The configuration key still proxies them when asked.
 *
 * Nothing here reads process.env unless no environment is given, and nothing here logs: the callers log the
 * decision (`describeProxyChoice`, credentials masked) and name its origin in their errors (`proxyOrigin`,
 * `proxyBypassHint`).
 */
import { BlockList, isIP } from 'node:net';
import { isLoopbackHost } from './loopback';

/** The environment to read (tests pass their own; default process.env). */
export type ProxyEnv = Readonly<Record<string, string | undefined>>;

/** The configuration value that switches proxies off for a client, environment included. */
export const PROXY_OFF = 'none';

export type ProxySource =
  /** The configuration key holds a proxy URL. */
  | { kind: 'config'; key: string }
  /** The proxy comes from this environment variable. */
  | { kind: 'env'; variable: string }
  /** The configuration key says `none`. */
  | { kind: 'off'; key: string }
  /** An environment proxy is set (`proxyVariable`) but `entry` of `variable` (NO_PROXY) exempts the destination. */
  | { kind: 'no-proxy'; variable: string; entry: string; proxyVariable: string }
  /** An environment proxy is set but the destination is this machine. */
  | { kind: 'loopback'; proxyVariable: string }
  /** No key, no environment variable. */
  | { kind: 'none' };

export interface ProxyChoice {
  /**
   * The proxy URL to use, or undefined for a direct connection. It may carry `user:password@`: never log it as it
   * is (`maskProxyUrl`). An environment value without a scheme has `http://` put in front.
   */
  proxy?: string;
  source: ProxySource;
}

export interface ChooseProxyOptions {
  /** The configuration key the client reads, for the decision's source and for hints, e.g. `flare.taxii.proxy`. */
  key: string;
  env?: ProxyEnv;
}

/** The proxy for one destination: `configured` is the configuration key's value (undefined or empty: unset). */
export function chooseProxy(target: string | URL, configured: string | undefined, options: ChooseProxyOptions): ProxyChoice {
  const value = configured?.trim();
  if (value) {
    if (value.toLowerCase() === PROXY_OFF) return { source: { kind: 'off', key: options.key } };
    return { proxy: value, source: { kind: 'config', key: options.key } };
  }
  const url = typeof target === 'string' ? new URL(target) : target;
  const env = options.env ?? process.env;
  const found = envProxyFor(url.protocol, env);
  if (!found) return { source: { kind: 'none' } };
  const host = destinationHost(url);
  const noProxy = envValue(env, ['no_proxy', 'NO_PROXY']);
  if (noProxy) {
    const entry = matchNoProxy(host, destinationPort(url), noProxy.value);
    if (entry !== undefined) return { source: { kind: 'no-proxy', variable: noProxy.variable, entry, proxyVariable: found.variable } };
  }
  if (isLoopbackHost(host)) return { source: { kind: 'loopback', proxyVariable: found.variable } };
  return { proxy: withScheme(found.value), source: { kind: 'env', variable: found.variable } };
}

/** The environment proxy variable for a destination scheme (`https:` / `http:`), lower case first. */
export function envProxyFor(protocol: string, env: ProxyEnv): { variable: string; value: string } | undefined {
  if (protocol === 'https:') return envValue(env, ['https_proxy', 'HTTPS_PROXY']);
  if (protocol === 'http:') return envValue(env, ['http_proxy', 'HTTP_PROXY']);
  return undefined;
}

function envValue(env: ProxyEnv, names: string[]): { variable: string; value: string } | undefined {
  for (const variable of names) {
    const value = env[variable]?.trim();
    if (value) return { variable, value };
  }
  return undefined;
}

/** `proxy.corp:3128` → `http://proxy.corp:3128`; a value with a scheme is kept as it is. */
function withScheme(value: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
}

/** The destination's host as NO_PROXY compares it: lower case, no IPv6 brackets, no trailing dot. */
function destinationHost(url: URL): string {
  return normaliseName(url.hostname.replace(/^\[|\]$/g, ''));
}

function destinationPort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/\.+$/, '');
}

type NoProxyEntry =
  | { kind: 'all' }
  | { kind: 'name'; name: string; port?: number }
  | { kind: 'address'; list: BlockList; port?: number }
  | { kind: 'range'; list: BlockList };

/** One NO_PROXY entry, or undefined when it cannot match anything (then it is skipped). */
function parseEntry(raw: string): NoProxyEntry | undefined {
  const text = raw.trim().toLowerCase();
  if (text === '*') return { kind: 'all' };
  if (text === '') return undefined;

  const slash = text.indexOf('/');
  if (slash >= 0) {
    const address = text.slice(0, slash).replace(/^\[|\]$/g, '');
    const bits = text.slice(slash + 1);
    const family = isIP(address);
    if (!family || !/^\d{1,3}$/.test(bits)) return undefined;
    const prefix = Number(bits);
    if (prefix > (family === 4 ? 32 : 128)) return undefined;
    const list = new BlockList();
    list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
    return { kind: 'range', list };
  }

  let host = text;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1]!;
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (isIP(text) !== 6) {
    const withPort = /^(.*):(\d+)$/.exec(text);
    if (withPort) {
      host = withPort[1]!;
      port = Number(withPort[2]);
    }
  }
  if (port !== undefined && !(port > 0 && port < 65536)) return undefined;
  const family = isIP(host);
  if (family) {
    const list = new BlockList();
    list.addAddress(host, family === 4 ? 'ipv4' : 'ipv6');
    return { kind: 'address', list, ...(port !== undefined ? { port } : {}) };
  }
  const name = normaliseName(host.replace(/^\*?\.+/, ''));
  if (name === '' || name.includes('*') || name.includes(':')) return undefined;
  return { kind: 'name', name, ...(port !== undefined ? { port } : {}) };
}

/**
 * The NO_PROXY entry that exempts `host:port`, or undefined. `host` is a name or an IP address (IPv6 with or
 * without brackets); `list` is the variable's value.
 */
export function matchNoProxy(host: string, port: number, list: string): string | undefined {
  const name = normaliseName(host.replace(/^\[|\]$/g, ''));
  const family = isIP(name);
  for (const raw of list.split(/[\s,]+/)) {
    const entry = parseEntry(raw);
    if (!entry) continue;
    if (entry.kind === 'all') return raw.trim();
    const entryPort = entry.kind === 'name' || entry.kind === 'address' ? entry.port : undefined;
    if (entryPort !== undefined && entryPort !== port) continue;
    if (entry.kind === 'name') {
      // Names match names only: "0.0.1" is not a suffix of the address 10.0.0.1.
      if (!family && (name === entry.name || name.endsWith(`.${entry.name}`))) return raw.trim();
    } else if (family && entry.list.check(name, family === 4 ? 'ipv4' : 'ipv6')) {
      return raw.trim();
    }
  }
  return undefined;
}

/**
 * A proxy URL fit for logs: scheme, `***:***@` in place of any credentials, host and port — never the user name or
 * the password. A value that is not a URL is not echoed at all (it may hold a password).
 */
export function maskProxyUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(withScheme(value.trim()));
  } catch {
    return '(not a URL)';
  }
  return `${url.protocol}//${url.username || url.password ? '***:***@' : ''}${url.host}`;
}

/** What is wrong with a proxy URL (a sentence without the value, which may hold a password), or undefined. */
export function proxyUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be an http:// or https:// URL, not ${url.protocol}//`;
  if (!url.hostname) return 'has no host name';
  return undefined;
}

/** Where a proxy came from, for messages: `flare.taxii.proxy` or `the HTTPS_PROXY environment variable`. */
export function proxyOrigin(source: ProxySource): string {
  switch (source.kind) {
    case 'env':
      return `the ${source.variable} environment variable`;
    case 'config':
    case 'off':
      return source.key;
    case 'no-proxy':
      return `the ${source.proxyVariable} environment variable (exempted by ${source.variable})`;
    case 'loopback':
      return `the ${source.proxyVariable} environment variable (not used for this machine)`;
    case 'none':
      return 'no proxy setting';
  }
}

/** What to do about a failing proxy, naming its origin: the key to check, or how to bypass an environment proxy. */
export function proxyBypassHint(source: ProxySource, key: string): string {
  if (source.kind === 'env') {
    return `This proxy comes from the ${source.variable} environment variable: correct it, add the host to NO_PROXY, or set ${key}=none to bypass it (or ${key}=<proxy URL> to use another proxy).`;
  }
  return `Check ${key} (host, port and any user:password@).`;
}

/**
 * One sentence for the log saying how `client` reaches `target` and why — the proxy masked. `level` is `info` when a
 * proxy is used or an environment proxy is deliberately not, `debug` for a plain direct connection.
 */
export function describeProxyChoice(choice: ProxyChoice, client: string, target: string | URL): { level: 'info' | 'debug'; message: string } {
  const url = typeof target === 'string' ? new URL(target) : target;
  const where = `${client} requests to ${url.protocol}//${url.host}`;
  const source = choice.source;
  if (choice.proxy !== undefined) {
    return { level: 'info', message: `${where} go through the proxy ${maskProxyUrl(choice.proxy)} (from ${proxyOrigin(source)}).` };
  }
  switch (source.kind) {
    case 'off':
      return { level: 'info', message: `${where} go direct: ${source.key}=${PROXY_OFF} (proxy environment variables are not used).` };
    case 'no-proxy':
      return { level: 'info', message: `${where} go direct: "${source.entry}" in ${source.variable} exempts them from the proxy in ${source.proxyVariable}.` };
    case 'loopback':
      return { level: 'info', message: `${where} go direct: the server is on this machine, so the proxy in ${source.proxyVariable} is not used (an explicit proxy setting would be).` };
    default:
      return { level: 'debug', message: `${where} go direct (no proxy configured).` };
  }
}
