/**
 * For the headless service's tests: one HTTP(S) request over a real socket with any headers (fetch cannot set
 * Host, and sets Origin and Sec-Fetch-* its own way), and an AdminApi wrapper that records which methods were
 * reached. Not used by the service itself.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { AdminApi } from '../../shared/api';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function raw(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; tls?: Pick<RequestOptions, 'ca' | 'cert' | 'key' | 'pfx' | 'passphrase' | 'servername'> } = {},
): Promise<RawResponse> {
  const url = new URL(base);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        agent: false,
        ...options.tls,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** `api` with every call recorded in `calls` (method names, in order); `override` replaces some methods. */
export function recording(api: AdminApi, override: Partial<AdminApi> = {}): { api: AdminApi; calls: string[] } {
  const calls: string[] = [];
  const wrapped = new Proxy(api, {
    get(target, prop, receiver) {
      const own = (override as Record<string | symbol, unknown>)[prop];
      const value = own ?? Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        calls.push(prop);
        return (value as (...a: unknown[]) => unknown).apply(own ? override : target, args);
      };
    },
  });
  return { api: wrapped, calls };
}
