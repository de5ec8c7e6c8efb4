import type { LookupFunction } from 'node:net';

/**
 * A DNS lookup that resolves every `*.corp.test` name to 127.0.0.1 and nothing else — so tests can give servers on
 * this machine real-looking names (for NO_PROXY rules, certificates) while a direct connection still reaches them.
 */
export const corpDns: LookupFunction = (hostname, options, callback) => {
  const cb = callback as (...args: unknown[]) => void;
  if (!hostname.endsWith('.corp.test')) {
    process.nextTick(() => cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname })));
    return;
  }
  process.nextTick(() => ((options as { all?: boolean }).all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)));
};
