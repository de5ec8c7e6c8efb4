/**
 * The MISP client made from the configuration, with proxies from the environment, over real sockets: the MISP test
 * server answers as `misp.corp.test` (not loopback, so the environment rules treat it as remote); the test proxy
 * resolves that name itself, and direct connections use an injected resolver. Each test passes its own environment;
 * process.env is never touched.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestCa } from '../../../../test/certs/pki';
import { startMispServer, TEST_MISP_KEY, type MispTestServer } from '../../../simulators/misp/index';
import { startConnectProxy, type ConnectProxy, type ConnectProxyOptions } from '../../../simulators/taxii/connect-proxy';
import { SAFE_DISTRIBUTION_POLICY, type MispConfig } from '../../config/config';
import type { Logger } from '../../log/types';
import type { ProxyEnv } from '../../net/env-proxy';
import { MispClient } from './client';
import { MispConfigError, MispProxyError } from './errors';
import { mispClientOptionsFromConfig } from './from-config';
import type { MispHealth } from './health';
import { memoryLogger } from '../../../../test/support/memory-logger';
import { corpDns } from '../../../../test/support/corp-dns';

const HOST = 'misp.corp.test';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let caFile: string;
let https: MispTestServer;
let plain: MispTestServer;
beforeAll(async () => {
  const ca = new TestCa();
  const pair = ca.serverCert({ dns: [HOST, 'localhost'], ips: ['127.0.0.1'] });
  caFile = path.join(mkdtempSync(path.join(tmpdir(), 'flare-misp-env-proxy-')), 'ca.pem');
  writeFileSync(caFile, ca.cert);
  https = await startMispServer({ tls: { cert: pair.cert, key: pair.key } });
  plain = await startMispServer();
  return async () => {
    await https.close();
    await plain.close();
  };
});

async function proxyServer(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const p = await startConnectProxy({ hosts: { [HOST]: '127.0.0.1' }, ...options });
  cleanups.push(() => p.close());
  return p;
}

/** The test server's root with `misp.corp.test` in place of 127.0.0.1. */
const byName = (server: MispTestServer): string => server.url.replace('127.0.0.1', HOST);
const authority = (server: MispTestServer): string => new URL(byName(server)).host;
/** The hosts a proxy was asked to CONNECT to, each once (a health check opens more than one connection). */
const tunnels = (proxy: ConnectProxy): string[] => [...new Set(proxy.connects)];

function mispConfig(url: string, over: Partial<MispConfig> = {}): MispConfig {
  return {
    configured: true,
    url,
    key: TEST_MISP_KEY,
    mode: 'native',
    publish: false,
    caFile,
    distribution: 0,
    distributionPolicy: { ...SAFE_DISTRIBUTION_POLICY },
    threatLevel: 4,
    analysis: 0,
    tags: [],
    concurrency: 2,
    timeoutMs: 5000,
    ...over,
  };
}

async function check(url: string, env: ProxyEnv, over: Partial<MispConfig> = {}, logger?: Logger): Promise<MispHealth> {
  const options = mispClientOptionsFromConfig(mispConfig(url, over), { env, ...(logger ? { logger } : {}) });
  const client = new MispClient({ ...options, lookup: corpDns, retry: { attempts: 1 } });
  try {
    return await client.checkMispStatus();
  } finally {
    await client.close();
  }
}

describe('MISP through proxies from the environment', () => {
  it('uses HTTPS_PROXY when flare.misp.proxy is unset: the proxy sees the CONNECT, MISP\'s certificate is still verified', async () => {
    const proxy = await proxyServer();
    const { logger, lines } = memoryLogger();
    const health = await check(byName(https), { HTTPS_PROXY: proxy.url }, {}, logger);
    expect(health.ok).toBe(true);
    expect(tunnels(proxy)).toEqual([authority(https)]);
    const said = lines.filter((l) => l.includes('go through the proxy'));
    expect(said).toEqual([`info MISP requests to https://${authority(https)} go through the proxy ${proxy.url} (from the HTTPS_PROXY environment variable).`]);
  });

  it('NO_PROXY exempts the host: the proxy sees nothing, MISP is reached directly', async () => {
    const proxy = await proxyServer();
    const { logger, lines } = memoryLogger();
    for (const noProxy of ['corp.test', `.${HOST}`, `intranet.example ${authority(https)}`, '*']) {
      expect((await check(byName(https), { HTTPS_PROXY: proxy.url, no_proxy: noProxy }, {}, logger)).ok, noProxy).toBe(true);
    }
    expect(proxy.connects).toEqual([]);
    expect(lines.join('\n')).toContain('in no_proxy exempts them from the proxy in HTTPS_PROXY');
  });

  it('flare.misp.proxy=none bypasses the environment proxy', async () => {
    const proxy = await proxyServer();
    const { logger, lines } = memoryLogger();
    const health = await check(byName(https), { HTTPS_PROXY: proxy.url, https_proxy: proxy.url }, { proxy: 'none' }, logger);
    expect(health.ok).toBe(true);
    expect(proxy.connects).toEqual([]);
    expect(lines.join('\n')).toContain('go direct: flare.misp.proxy=none');
  });

  it('flare.misp.proxy beats the environment, and NO_PROXY does not apply to it', async () => {
    const configured = await proxyServer();
    const fromEnv = await proxyServer();
    const { logger, lines } = memoryLogger();
    const health = await check(byName(https), { HTTPS_PROXY: fromEnv.url, NO_PROXY: 'corp.test' }, { proxy: configured.url }, logger);
    expect(health.ok).toBe(true);
    expect(tunnels(configured)).toEqual([authority(https)]);
    expect(fromEnv.connects).toEqual([]);
    expect(lines.join('\n')).toContain(`go through the proxy ${configured.url} (from flare.misp.proxy)`);
  });

  it('https_proxy (lower case) wins over HTTPS_PROXY; an http:// MISP takes HTTP_PROXY, never HTTPS_PROXY', async () => {
    const lower = await proxyServer();
    const upper = await proxyServer();
    expect((await check(byName(https), { https_proxy: lower.url, HTTPS_PROXY: upper.url })).ok).toBe(true);
    expect(tunnels(lower)).toEqual([authority(https)]);
    expect(upper.connects).toEqual([]);

    const httpProxy = await proxyServer();
    expect((await check(byName(plain), { HTTPS_PROXY: upper.url, http_proxy: httpProxy.url })).ok).toBe(true);
    // undici tunnels plain HTTP through the proxy too (CONNECT), which is what the proxy records.
    expect(tunnels(httpProxy)).toEqual([authority(plain)]);
    expect(upper.connects).toEqual([]);
  });

  it('a MISP on this machine never takes an environment proxy', async () => {
    const proxy = await proxyServer();
    const { logger, lines } = memoryLogger();
    expect((await check(https.url, { HTTPS_PROXY: proxy.url }, {}, logger)).ok).toBe(true);
    expect(proxy.connects).toEqual([]);
    expect(lines.join('\n')).toContain('the server is on this machine, so the proxy in HTTPS_PROXY is not used');
  });

  it('proxy credentials from the environment are used and never logged: the log masks them', async () => {
    const proxy = await proxyServer({ auth: { username: 'corp-user', password: 'corp secret' } });
    const { logger, lines } = memoryLogger();
    const health = await check(byName(https), { HTTPS_PROXY: proxy.urlWithAuth }, {}, logger);
    expect(health.ok).toBe(true);
    expect(tunnels(proxy)).toEqual([authority(https)]);
    const log = lines.join('\n');
    expect(log).toContain(`go through the proxy http://***:***@127.0.0.1:${proxy.port} (from the HTTPS_PROXY environment variable)`);
    expect(log).not.toContain('corp-user');
    expect(log).not.toContain('corp%20secret');
    expect(log).not.toContain('corp secret');
  });

  it('errors through an environment proxy are proxy errors that say where it came from and how to bypass it', async () => {
    const proxy = await proxyServer({ auth: { username: 'corp-user', password: 'corp secret' } });
    const auth = await check(byName(https), { HTTPS_PROXY: proxy.url });
    expect(auth.ok).toBe(false);
    expect(auth.errorCode).toBe('misp_proxy_auth');
    expect(auth.message).toBe(`The proxy ${proxy.url} (from HTTPS_PROXY) asks for credentials (HTTP 407).`);
    const wrong = await check(byName(https), { HTTPS_PROXY: proxy.urlWithAuth.replace('corp%20secret', 'nope') });
    expect(wrong.errorCode).toBe('misp_proxy_auth');
    expect(wrong.message).toBe(`The proxy ${proxy.url} (from HTTPS_PROXY) did not accept its credentials (HTTP 407).`);
    expect(JSON.stringify(wrong)).not.toContain('nope');
    expect(auth.hint).toContain('HTTPS_PROXY environment variable');
    expect(auth.hint).toContain('set flare.misp.proxy=none to bypass it');

    const gone = await startConnectProxy();
    await gone.close();
    const down = await check(byName(https), { HTTPS_PROXY: gone.url });
    expect(down.errorCode).toBe('misp_proxy');
    expect(down.message).toBe(`The proxy ${gone.url} (from HTTPS_PROXY) could not be used: it refused the connection.`);
    expect(down.hint).toContain('set flare.misp.proxy=none to bypass it');

    // A proxy from flare.misp.proxy is named by its key instead.
    const configured = await check(byName(https), {}, { proxy: gone.url });
    expect(configured.errorCode).toBe('misp_proxy');
    expect(configured.message).toBe(`The proxy ${gone.url} could not be used: it refused the connection.`);
    expect(configured.hint).toContain('Check flare.misp.proxy');
  });

  it('requests throw the proxy error class, which says MISP never saw the request', async () => {
    const proxy = await proxyServer({ auth: { username: 'u', password: 'p' } });
    const options = mispClientOptionsFromConfig(mispConfig(byName(https)), { env: { HTTPS_PROXY: proxy.url } });
    const client = new MispClient({ ...options, retry: { attempts: 1 } });
    cleanups.push(() => client.close());
    const e = await client.whoAmI().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(MispProxyError);
    expect((e as MispProxyError).code).toBe('misp_proxy_auth');
    expect((e as MispProxyError).maybeProcessed).toBe(false);
    expect((e as MispProxyError).retryable).toBe(false);
    expect((e as MispProxyError).detail).toMatchObject({ proxy: proxy.url, proxySource: 'HTTPS_PROXY', status: 407 });
  });

  it('an environment proxy that is not an http(s) URL is refused, naming the variable, without echoing it', () => {
    const options = mispClientOptionsFromConfig(mispConfig(byName(https)), { env: { HTTPS_PROXY: 'socks5://corp-user:corp-secret@proxy.corp:1080' } });
    let error: unknown;
    try {
      new MispClient(options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MispConfigError);
    const e = error as MispConfigError;
    expect(e.message).toBe('The proxy in the HTTPS_PROXY environment variable must be an http:// or https:// URL, not socks5://.');
    expect(e.hint).toContain('flare.misp.proxy=none');
    expect(`${e.message} ${e.hint}`).not.toContain('corp-secret');
  });
});
