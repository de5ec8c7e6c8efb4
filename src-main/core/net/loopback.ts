/**
 * Whether a host names this machine: `localhost`, `*.localhost` (RFC 6761: always loopback), 127.0.0.0/8, ::1 and
 * its IPv4-mapped form — written as in a URL or a Host header (brackets allowed, a trailing dot ignored). Names are
 * not resolved. Used to keep environment proxies away from local servers and to keep the headless API on loopback (server.ts).
 */
import { BlockList, isIP } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

export function isLoopbackHost(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.+$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const family = isIP(name);
  return family !== 0 && LOOPBACK.check(name, family === 4 ? 'ipv4' : 'ipv6');
}
