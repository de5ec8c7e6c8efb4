/**
 * The TAXII transport made from the configuration, with proxies from the environment, over real sockets: the TAXII
 * server answers as `taxii.corp.test` (a name that is not loopback, so the environment rules treat it as remote);
 * the test proxy resolves that name itself, and direct connections use an injected resolver. Each test passes its
 * own environment; process.env is never touched.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestCa } from '../../../test/certs/pki';
import { startConnectProxy, type ConnectProxy, type ConnectProxyOptions } from '../../simulators/taxii/connect-proxy';
import { makeBlocks } from '../../simulators/taxii/fixtures';
import { startTaxiiServer, type TaxiiServerOptions, type TaxiiTestServer } from '../../simulators/taxii/server';
import type { TaxiiConfig } from '../config/config';
import type { Logger } from '../log/types';
import type { ProxyEnv } from '../net/env-proxy';
import { TaxiiCredentialsError, TaxiiTransportError } from './errors';
import { taxiiTransportFromConfig } from './from-config';
import { checkTaxiiHealth } from './health';
import type { HttpTransport } from './http-transport';
import { memoryLogger } from '../../../test/support/memory-logger';
import { rejection } from '../../../test/support/errors';
import { pollAll } from './testing';
import { corpDns } from '../../../test/support/corp-dns';

const HOST = 'taxii.corp.test';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let ca: TestCa;
let caFile: string;
let tls: TaxiiServerOptions['tls'];
beforeAll(() => {
  ca = new TestCa();
  const pair = ca.serverCert({ dns: [HOST, 'localhost'], ips: ['127.0.0.1'] });
  tls = { key: pair.key, cert: pair.cert };
  caFile = path.join(mkdtempSync(path.join(tmpdir(), 'flare-taxii-env-proxy-')), 'ca.pem');
  writeFileSync(caFile, ca.cert);
});

async function taxiiServer(secure = true): Promise<TaxiiTestServer> {
  const s = await startTaxiiServer({ blocks: makeBlocks(3), ...(secure ? { tls } : {}) });
  cleanups.push(() => s.close());
  return s;
}

async function proxyServer(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const p = await startConnectProxy({ hosts: { [HOST]: '127.0.0.1' }, ...options });
  cleanups.push(() => p.close());
  return p;
}

/** The server's poll URL with `taxii.corp.test` in place of 127.0.0.1. */
const byName = (url: string): string => url.replace('127.0.0.1', HOST);

function taxiiConfig(pollUrl: string, over: Partial<TaxiiConfig> = {}): TaxiiConfig {
  return {
    configured: true,
    pollUrl,
    collection: 'ais',
    collections: [],
    contentBindings: [],
    caFile,
    clientAuth: { kind: 'none' },
    connectTimeoutMs: 3000,
    readTimeoutMs: 5000,
    maxWaitSeconds: 10,
    ...over,
  };
}

function transportFor(pollUrl: string, env: ProxyEnv, over: Partial<TaxiiConfig> = {}, logger?: Logger): HttpTransport {
  const t = taxiiTransportFromConfig(taxiiConfig(pollUrl, over), { env, lookup: corpDns, ...(logger ? { logger } : {}) });
  cleanups.push(() => t.close());
  return t;
}

describe('TAXII through proxies from the environment', () => {
  it('uses HTTPS_PROXY when flare.taxii.proxy is unset: the proxy sees the CONNECT, TLS is still verified end to end', async () => {
    const s = await taxiiServer();
    const proxy = await proxyServer();
    const { logger, lines } = memoryLogger();
    const url = byName(s.urls.poll);
    const t = transportFor(url, { HTTPS_PROXY: proxy.url }, {}, logger);
    expect(await pollAll(url, t)).toBe(3);
    expect(proxy.connects).toEqual([`${HOST}:${s.port}`]);
    expect(t.proxyInfo(url)).toEqual({ proxy: proxy.url, source: { kind: 'env', variable: 'HTTPS_PROXY' } });
    const said = lines.filter((l) => l.includes('go through the proxy'));
    expect(said).toEqual([`info TAXII requests to https://${HOST}:${s.port} go through the proxy ${proxy.url} (from the HTTPS_PROXY environment variable).`]);
  });

  it('NO_PROXY exempts the host: the proxy sees nothing, the poll goes direct', async () => {
    const s = await taxiiServer();
    const proxy = await proxyServer();
    const { logger, lines } = memoryLogger();
    const url = byName(s.urls.poll);
    for (const noProxy of ['corp.test', '.corp.test', `other.example, ${HOST}:${s.port}`, '*']) {
      const t = transportFor(url, { HTTPS_PROXY: proxy.url, NO_PROXY: noProxy }, {}, logger);
      expect(await pollAll(url, t), noProxy).toBe(3);
    }
    expect(proxy.connects).toEqual([]);
    expect(lines.join('\n')).toContain('in NO_PROXY exempts them from the proxy in HTTPS_PROXY');
    // An entry for another port does not exempt it.
    const t = transportFor(url, { HTTPS_PROXY: proxy.url, NO_PROXY: `${HOST}:1` });
    expect(await pollAll(url, t)).toBe(3);
    expect(proxy.connects).toEqual([`${HOST}:${s.port}`]);
  });

  it('flare.taxii.proxy=none bypasses the environment proxy', async () => {
    const s = await taxiiServer();
    const proxy = await proxyServer();
    const { logger, lines } = memoryLogger();
    const url = byName(s.urls.poll);
    const t = transportFor(url, { HTTPS_PROXY: proxy.url, https_proxy: proxy.url }, { proxy: 'none' }, logger);
    expect(await pollAll(url, t)).toBe(3);
    expect(proxy.connects).toEqual([]);
    expect(t.proxyInfo(url)).toEqual({ source: { kind: 'off', key: 'flare.taxii.proxy' } });
    expect(lines.join('\n')).toContain('go direct: flare.taxii.proxy=none');
  });

  it('flare.taxii.proxy beats the environment, and NO_PROXY does not apply to it', async () => {
    const s = await taxiiServer();
    const configured = await proxyServer();
    const fromEnv = await proxyServer();
    const url = byName(s.urls.poll);
    const t = transportFor(url, { HTTPS_PROXY: fromEnv.url, NO_PROXY: 'corp.test' }, { proxy: configured.url });
    expect(await pollAll(url, t)).toBe(3);
    expect(configured.connects).toEqual([`${HOST}:${s.port}`]);
    expect(fromEnv.connects).toEqual([]);
  });

  it('https_proxy (lower case) wins over HTTPS_PROXY; either alone is used', async () => {
    const s = await taxiiServer();
    const lower = await proxyServer();
    const upper = await proxyServer();
    const url = byName(s.urls.poll);
    expect(await pollAll(url, transportFor(url, { https_proxy: lower.url, HTTPS_PROXY: upper.url }))).toBe(3);
    expect(lower.connects).toHaveLength(1);
    expect(upper.connects).toHaveLength(0);
    expect(await pollAll(url, transportFor(url, { HTTPS_PROXY: upper.url }))).toBe(3);
    expect(upper.connects).toHaveLength(1);
    expect(lower.connects).toHaveLength(1);
  });

  it('an http:// feed takes HTTP_PROXY (forwarded in absolute form), never HTTPS_PROXY', async () => {
    const s = await taxiiServer(false);
    const httpProxy = await proxyServer();
    const httpsProxy = await proxyServer();
    const url = byName(s.urls.poll);
    expect(await pollAll(url, transportFor(url, { HTTPS_PROXY: httpsProxy.url, HTTP_PROXY: httpProxy.url }))).toBe(3);
    expect(httpProxy.forwarded).toEqual([url]);
    expect(httpsProxy.forwarded).toEqual([]);
    expect(httpsProxy.connects).toEqual([]);
  });

  it('a feed on this machine never takes an environment proxy', async () => {
    const s = await taxiiServer();
    const proxy = await proxyServer();
    const { logger, lines } = memoryLogger();
    const t = transportFor(s.urls.poll, { HTTPS_PROXY: proxy.url }, {}, logger);
    expect(await pollAll(s.urls.poll, t)).toBe(3);
    expect(proxy.connects).toEqual([]);
    expect(lines.join('\n')).toContain('the server is on this machine, so the proxy in HTTPS_PROXY is not used');
  });

  it('proxy credentials from the environment are used and never logged: the log masks them', async () => {
    const s = await taxiiServer();
    const proxy = await proxyServer({ auth: { username: 'corp-user', password: 'corp secret' } });
    const { logger, lines } = memoryLogger();
    const url = byName(s.urls.poll);
    const t = transportFor(url, { https_proxy: proxy.urlWithAuth }, {}, logger);
    expect(await pollAll(url, t)).toBe(3);
    expect(proxy.connects).toEqual([`${HOST}:${s.port}`]);
    const log = lines.join('\n');
    expect(log).toContain(`go through the proxy http://***:***@127.0.0.1:${proxy.port} (from the https_proxy environment variable)`);
    expect(log).not.toContain('corp-user');
    expect(log).not.toContain('corp%20secret');
    expect(log).not.toContain('corp secret');
  });

  it('errors through an environment proxy say where it came from and how to bypass it', async () => {
    const s = await taxiiServer();
    const proxy = await proxyServer({ auth: { username: 'corp-user', password: 'corp secret' } });
    const url = byName(s.urls.poll);
    const auth = await rejection(pollAll(url, transportFor(url, { HTTPS_PROXY: proxy.url })), TaxiiTransportError);
    expect(auth.code).toBe('taxii_proxy_auth');
    expect(auth.message).toBe(`The proxy ${proxy.url} (from HTTPS_PROXY) asks for credentials (HTTP 407).`);
    expect(auth.hint).toContain('HTTPS_PROXY environment variable');
    expect(auth.hint).toContain('set flare.taxii.proxy=none to bypass it');
    expect(auth.detail).toMatchObject({ proxy: proxy.url, proxySource: 'HTTPS_PROXY', status: 407 });

    const gone = await startConnectProxy();
    await gone.close();
    const down = await rejection(pollAll(url, transportFor(url, { HTTPS_PROXY: gone.url })), TaxiiTransportError);
    expect(down.code).toBe('taxii_proxy');
    expect(down.message).toContain(`The proxy ${gone.url} (from HTTPS_PROXY) could not be used`);
    expect(down.hint).toContain('set flare.taxii.proxy=none to bypass it');

    // The health check reports it as a proxy problem, with the same hint.
    const health = await checkTaxiiHealth(taxiiConfig(url), { env: { HTTPS_PROXY: proxy.url }, lookup: corpDns });
    expect(health.ok).toBe(false);
    expect(health.details).toMatchObject({ problem: 'proxy', proxy: proxy.url, proxyFrom: 'HTTPS_PROXY' });
    expect(health.hint).toContain('flare.taxii.proxy=none');
  });

  it('the health check names the proxy and its origin', async () => {
    const s = await taxiiServer();
    const proxy = await proxyServer({ auth: { username: 'u', password: 'proxy-secret' } });
    const url = byName(s.urls.poll);
    const health = await checkTaxiiHealth(taxiiConfig(url), { env: { HTTPS_PROXY: proxy.urlWithAuth }, lookup: corpDns });
    expect(health.ok).toBe(true);
    expect(health.details).toMatchObject({ proxy: proxy.url, proxyFrom: 'HTTPS_PROXY' });
    expect(JSON.stringify(health)).not.toContain('proxy-secret');
    expect(proxy.connects).toEqual([`${HOST}:${s.port}`]);
  });

  it('an environment proxy that is not an http(s) URL is refused up front, naming the variable, without echoing it', () => {
    const e = (() => {
      try {
        taxiiTransportFromConfig(taxiiConfig(`https://${HOST}:9/taxii-data`), { env: { HTTPS_PROXY: 'socks5://corp-user:corp-secret@proxy.corp:1080' } });
      } catch (err) {
        return err;
      }
      throw new Error('expected an error');
    })();
    expect(e).toBeInstanceOf(TaxiiCredentialsError);
    const error = e as TaxiiCredentialsError;
    expect(error.code).toBe('taxii_proxy_setting');
    expect(error.message).toBe('The proxy in the HTTPS_PROXY environment variable must be an http:// or https:// URL, not socks5://.');
    expect(error.hint).toContain('flare.taxii.proxy=none');
    expect(JSON.stringify({ message: error.message, hint: error.hint, detail: error.detail })).not.toContain('corp-secret');
  });
});
