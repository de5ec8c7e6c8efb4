/**
 * What the headless service checks before it lets a request near a handler:
 *  - the Host header names this service (DNS rebinding: a page on evil.example that re-points its name at
 *    127.0.0.1 sends `Host: evil.example`);
 *  - a state-changing call does not come from another site's page (`Origin` not ours, `Sec-Fetch-Site`
 *    cross-site or same-site): a no-cors `fetch('http://127.0.0.1:8080/refreshConfig')` from any web page used to
 *    reach the handler. Scripts (curl, cron jobs, monitoring) send neither header and keep working;
 *  - the bearer token, compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { isLoopbackHost } from '../core/net/loopback';

/** Bearer tokens shorter than this are refused: a short token is guessed. */
export const MIN_TOKEN_LENGTH = 32;

/** A host as written in a Host header or URL, without port, brackets, case or trailing dot. */
export function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[')) h = h.slice(1, h.indexOf(']') === -1 ? undefined : h.indexOf(']'));
  else if (h.split(':').length === 2) h = h.replace(/:\d*$/, ''); // name:port (a bare IPv6 address has more colons)
  return h.replace(/\.+$/, '');
}

const WILDCARD = new Set(['0.0.0.0', '::', '']);

/**
 * The names a Host header may carry: loopback (127.0.0.0/8, localhost, ::1), the bound address, and for a wildcard
 * bind (0.0.0.0, ::) this machine's interface addresses and host name; plus `extra` (flare.server.names and the
 * names in the HTTPS certificate).
 */
export function allowedHosts(bound: string, extra: readonly string[] = []): (host: string) => boolean {
  const names = new Set<string>([normaliseHost(bound), ...extra.map(normaliseHost)]);
  if (WILDCARD.has(normaliseHost(bound))) {
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) names.add(normaliseHost(i.address));
    const own = hostname().toLowerCase();
    names.add(own);
    names.add(own.split('.')[0]!);
  }
  names.delete('');
  return (host: string) => {
    const h = normaliseHost(host);
    if (isLoopbackHost(h)) return true;
    if (names.has(h)) return true;
    // An IPv4-mapped IPv6 form of an allowed IPv4 address.
    return isIP(h) === 6 && h.startsWith('::ffff:') && names.has(h.slice(7));
  };
}

/** Why the Host header is refused, or undefined when it names this service (or is absent: HTTP/1.0 scripts). */
export function hostRefusal(req: IncomingMessage, allowed: (host: string) => boolean): string | undefined {
  const host = req.headers.host;
  if (host === undefined) return undefined;
  if (allowed(host)) return undefined;
  return `This service does not answer to the host name "${normaliseHost(host).slice(0, 100)}".`;
}

/**
 * Why a request from a browser page of another site is refused, or undefined. `ownScheme` is `http` or `https`.
 * Same-origin means: the Origin is exactly this scheme and the Host the request was sent to (Host is checked apart).
 */
export function crossSiteRefusal(req: IncomingMessage, ownScheme: 'http' | 'https'): string | undefined {
  const site = String(req.headers['sec-fetch-site'] ?? '').toLowerCase();
  if (site === 'cross-site' || site === 'same-site') return `Requests from another site's page are refused (Sec-Fetch-Site: ${site}).`;
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  const own = `${ownScheme}://${String(req.headers.host ?? '').toLowerCase()}`;
  if (origin.toLowerCase() === own) return undefined;
  return `Requests from another site's page are refused (Origin: ${origin.slice(0, 200)}).`;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time comparison of a presented token with the configured one (equal-length digests). */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The token of an `Authorization: Bearer …` header. */
export function bearerOf(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}
