/**
 * The proxy decision both clients share: the configuration key, the environment variables (lower case first), the
 * NO_PROXY matcher, loopback, masking. Every test passes its own environment; process.env is never touched.
 */
import { describe, expect, it } from 'vitest';
import { chooseProxy, describeProxyChoice, envProxyFor, maskProxyUrl, matchNoProxy, proxyBypassHint, proxyOrigin, proxyUrlProblem, type ProxyEnv } from './env-proxy';
import { isLoopbackHost } from './loopback';

const KEY = 'flare.taxii.proxy';
const choose = (target: string, configured: string | undefined, env: ProxyEnv) => chooseProxy(target, configured, { key: KEY, env });

describe('chooseProxy', () => {
  it('uses the configuration key for every destination, loopback included, and ignores the environment then', () => {
    const env = { HTTPS_PROXY: 'http://env-proxy:3128', NO_PROXY: '*' };
    expect(choose('https://feed.example.org/taxii', 'http://conf-proxy:8080', env)).toEqual({ proxy: 'http://conf-proxy:8080', source: { kind: 'config', key: KEY } });
    expect(choose('https://127.0.0.1:9443/', 'http://conf-proxy:8080', env).proxy).toBe('http://conf-proxy:8080');
    expect(choose('http://localhost/', ' http://conf-proxy:8080 ', {}).proxy).toBe('http://conf-proxy:8080');
  });

  it('none (any case) switches proxies off, the environment included', () => {
    const env = { HTTPS_PROXY: 'http://env-proxy:3128', https_proxy: 'http://env-proxy:3128' };
    expect(choose('https://feed.example.org/', 'none', env)).toEqual({ source: { kind: 'off', key: KEY } });
    expect(choose('https://feed.example.org/', 'NONE', env)).toEqual({ source: { kind: 'off', key: KEY } });
  });

  it('unset or empty key: HTTPS_PROXY for https://, HTTP_PROXY for http://, never the other', () => {
    const env = { HTTPS_PROXY: 'http://secure-proxy:3128', HTTP_PROXY: 'http://plain-proxy:3128' };
    expect(choose('https://feed.example.org/', undefined, env)).toEqual({ proxy: 'http://secure-proxy:3128', source: { kind: 'env', variable: 'HTTPS_PROXY' } });
    expect(choose('http://feed.example.org/', '', env)).toEqual({ proxy: 'http://plain-proxy:3128', source: { kind: 'env', variable: 'HTTP_PROXY' } });
    expect(choose('https://feed.example.org/', '   ', { HTTP_PROXY: 'http://plain-proxy:3128' })).toEqual({ source: { kind: 'none' } });
    expect(choose('http://feed.example.org/', undefined, { HTTPS_PROXY: 'http://secure-proxy:3128' })).toEqual({ source: { kind: 'none' } });
    expect(choose('https://feed.example.org/', undefined, {})).toEqual({ source: { kind: 'none' } });
  });

  it('lower case wins over upper case when both are set (as curl); an empty value counts as unset', () => {
    expect(choose('https://feed.example.org/', undefined, { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' })).toMatchObject({ proxy: 'http://lower:1', source: { variable: 'https_proxy' } });
    expect(choose('http://feed.example.org/', undefined, { http_proxy: 'http://lower:1', HTTP_PROXY: 'http://upper:2' })).toMatchObject({ proxy: 'http://lower:1', source: { variable: 'http_proxy' } });
    expect(choose('https://feed.example.org/', undefined, { https_proxy: '', HTTPS_PROXY: 'http://upper:2' })).toMatchObject({ proxy: 'http://upper:2', source: { variable: 'HTTPS_PROXY' } });
    expect(choose('https://feed.example.org/', undefined, { https_proxy: 'http://lower:1' })).toMatchObject({ source: { variable: 'https_proxy' } });
  });

  it('an environment proxy without a scheme means http:// (as curl and requests read it)', () => {
    expect(choose('https://feed.example.org/', undefined, { HTTPS_PROXY: 'proxy.corp:3128' }).proxy).toBe('http://proxy.corp:3128');
    expect(choose('https://feed.example.org/', undefined, { HTTPS_PROXY: 'user:pa%40ss@proxy.corp:3128' }).proxy).toBe('http://user:pa%40ss@proxy.corp:3128');
    expect(choose('https://feed.example.org/', undefined, { HTTPS_PROXY: 'https://proxy.corp:443' }).proxy).toBe('https://proxy.corp:443');
  });

  it('NO_PROXY (lower case first) exempts a destination from the environment proxy and says which entry did', () => {
    const env = { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'intranet.corp, example.org' };
    expect(choose('https://feed.example.org/taxii', undefined, env)).toEqual({ source: { kind: 'no-proxy', variable: 'NO_PROXY', entry: 'example.org', proxyVariable: 'HTTPS_PROXY' } });
    expect(choose('https://other.example.net/', undefined, env).proxy).toBe('http://p:1');
    const both = { https_proxy: 'http://p:1', no_proxy: 'example.org', NO_PROXY: 'example.net' };
    expect(choose('https://example.org/', undefined, both).source).toMatchObject({ kind: 'no-proxy', variable: 'no_proxy' });
    expect(choose('https://example.net/', undefined, both).proxy).toBe('http://p:1');
    expect(choose('https://example.org/', undefined, { HTTPS_PROXY: 'http://p:1', no_proxy: '', NO_PROXY: 'example.org' }).source).toMatchObject({ kind: 'no-proxy', variable: 'NO_PROXY' });
  });

  it('NO_PROXY compares the port the URL implies (443 for https, 80 for http)', () => {
    const env = { HTTPS_PROXY: 'http://p:1', HTTP_PROXY: 'http://p:1', NO_PROXY: 'feed.example.org:443' };
    expect(choose('https://feed.example.org/', undefined, env).proxy).toBeUndefined();
    expect(choose('https://feed.example.org:8443/', undefined, env).proxy).toBe('http://p:1');
    expect(choose('http://feed.example.org/', undefined, env).proxy).toBe('http://p:1');
  });

  it('loopback destinations never take an environment proxy', () => {
    const env = { HTTPS_PROXY: 'http://p:1', HTTP_PROXY: 'http://p:1' };
    for (const url of ['https://localhost:8443/', 'http://127.0.0.1/', 'https://127.1.2.3/', 'https://[::1]:9443/', 'https://misp.localhost/', 'https://LOCALHOST./']) {
      expect(choose(url, undefined, env), url).toEqual({ source: { kind: 'loopback', proxyVariable: url.startsWith('https') ? 'HTTPS_PROXY' : 'HTTP_PROXY' } });
    }
    expect(choose('https://localhost.example.org/', undefined, env).proxy).toBe('http://p:1');
    expect(choose('https://128.0.0.1/', undefined, env).proxy).toBe('http://p:1');
  });

  it('reads process.env only when no environment is given', () => {
    // An empty environment object is an environment: nothing from the real one leaks in.
    expect(chooseProxy('https://feed.example.org/', undefined, { key: KEY, env: {} })).toEqual({ source: { kind: 'none' } });
  });

  it('envProxyFor knows only http: and https:', () => {
    expect(envProxyFor('ftp:', { ftp_proxy: 'x', HTTPS_PROXY: 'y' })).toBeUndefined();
    expect(envProxyFor('https:', { HTTPS_PROXY: ' http://p:1 ' })).toEqual({ variable: 'HTTPS_PROXY', value: 'http://p:1' });
  });
});

describe('matchNoProxy', () => {
  const match = (host: string, list: string, port = 443) => matchNoProxy(host, port, list);

  it('* alone exempts everything, also among other entries', () => {
    expect(match('feed.example.org', '*')).toBe('*');
    expect(match('10.1.2.3', ' * ')).toBe('*');
    expect(match('feed.example.org', 'intranet.corp,*')).toBe('*');
  });

  it('a name matches itself and its subdomains, with or without a leading dot or *., never a longer name', () => {
    for (const entry of ['example.org', '.example.org', '*.example.org', 'EXAMPLE.ORG', 'example.org.']) {
      expect(match('example.org', entry), entry).toBe(entry);
      expect(match('feed.example.org', entry), entry).toBe(entry);
      expect(match('a.b.example.org', entry), entry).toBe(entry);
      expect(match('badexample.org', entry), entry).toBeUndefined();
      expect(match('example.org.evil.net', entry), entry).toBeUndefined();
    }
    expect(match('Feed.Example.ORG.', 'example.org')).toBe('example.org');
    expect(match('example.org', 'feed.example.org')).toBeUndefined();
  });

  it('entries are separated by commas and/or spaces; empty entries are ignored', () => {
    const list = ' intranet.corp ,, example.org\tlocal.test  10.0.0.0/8 ,';
    expect(match('feed.example.org', list)).toBe('example.org');
    expect(match('x.local.test', list)).toBe('local.test');
    expect(match('10.9.9.9', list)).toBe('10.0.0.0/8');
    expect(match('feed.example.net', list)).toBeUndefined();
    expect(match('feed.example.org', '')).toBeUndefined();
    expect(match('feed.example.org', ' , ')).toBeUndefined();
  });

  it('host:port matches only that port; without a port, any port', () => {
    expect(match('feed.example.org', 'example.org:443', 443)).toBe('example.org:443');
    expect(match('feed.example.org', 'example.org:443', 8443)).toBeUndefined();
    expect(match('feed.example.org', 'example.org', 8443)).toBe('example.org');
    expect(match('10.1.2.3', '10.1.2.3:8443', 8443)).toBe('10.1.2.3:8443');
    expect(match('10.1.2.3', '10.1.2.3:8443', 443)).toBeUndefined();
    expect(match('feed.example.org', 'example.org:99999')).toBeUndefined();
  });

  it('IPv4 addresses match exactly, and never as a name suffix', () => {
    expect(match('192.168.1.10', '192.168.1.10')).toBe('192.168.1.10');
    expect(match('192.168.1.11', '192.168.1.10')).toBeUndefined();
    expect(match('10.0.0.1', '0.0.1')).toBeUndefined();
    expect(match('10.0.0.1', '.0.0.1')).toBeUndefined();
    // Names are not resolved: an address entry does not match a name.
    expect(match('feed.example.org', '93.184.216.34')).toBeUndefined();
  });

  it('IPv6 addresses with or without brackets, with a port only in brackets, in any spelling', () => {
    expect(match('2001:db8::1', '2001:db8::1')).toBe('2001:db8::1');
    expect(match('[2001:db8::1]', '2001:db8::1')).toBe('2001:db8::1');
    expect(match('2001:db8::1', '[2001:db8::1]')).toBe('[2001:db8::1]');
    expect(match('2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1')).toBe('2001:db8::1');
    expect(match('2001:db8::1', '[2001:db8::1]:8443', 8443)).toBe('[2001:db8::1]:8443');
    expect(match('2001:db8::1', '[2001:db8::1]:8443', 443)).toBeUndefined();
    expect(match('2001:db8::2', '2001:db8::1')).toBeUndefined();
  });

  it('CIDR ranges (IPv4 and IPv6) match addresses inside them, not names and not other families', () => {
    expect(match('10.200.3.4', '10.0.0.0/8')).toBe('10.0.0.0/8');
    expect(match('11.0.0.1', '10.0.0.0/8')).toBeUndefined();
    expect(match('192.168.7.1', '192.168.0.0/16')).toBe('192.168.0.0/16');
    expect(match('192.169.0.1', '192.168.0.0/16')).toBeUndefined();
    expect(match('172.16.5.5', '172.16.5.5/32')).toBe('172.16.5.5/32');
    expect(match('172.16.5.6', '172.16.5.5/32')).toBeUndefined();
    expect(match('8.8.8.8', '0.0.0.0/0')).toBe('0.0.0.0/0');
    expect(match('fd12:3456::1', 'fd00::/8')).toBe('fd00::/8');
    expect(match('[fd12:3456::1]', 'fd00::/8')).toBe('fd00::/8');
    expect(match('fe80::1', 'fd00::/8')).toBeUndefined();
    expect(match('10.1.1.1', 'fd00::/8')).toBeUndefined();
    expect(match('ten.example.org', '10.0.0.0/8')).toBeUndefined();
  });

  it('malformed entries are skipped, the rest still apply', () => {
    expect(match('10.1.1.1', '10.0.0.0/33, 10.0.0.0/x, /8, 999.1.1.1, example.org')).toBeUndefined();
    expect(match('10.1.1.1', '10.0.0.0/33 10.1.1.1')).toBe('10.1.1.1');
    expect(match('feed.example.org', 'ex*ample.org, foo:bar, example.org')).toBe('example.org');
    expect(match('feed.example.org', '.')).toBeUndefined();
  });
});

describe('isLoopbackHost', () => {
  it('knows loopback names and addresses without resolving anything', () => {
    for (const host of ['localhost', 'LOCALHOST', 'localhost.', 'api.localhost', '127.0.0.1', '127.255.255.254', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['localhost.example.org', 'mylocalhost', '128.0.0.1', '10.0.0.1', '::2', 'example.org']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});

describe('masking and wording', () => {
  it('maskProxyUrl never shows the user or the password, nor a value that is not a URL', () => {
    expect(maskProxyUrl('http://alice:s3cr%40t@proxy.corp:3128')).toBe('http://***:***@proxy.corp:3128');
    expect(maskProxyUrl('http://alice@proxy.corp:3128/')).toBe('http://***:***@proxy.corp:3128');
    expect(maskProxyUrl('proxy.corp:3128')).toBe('http://proxy.corp:3128');
    expect(maskProxyUrl('https://proxy.corp')).toBe('https://proxy.corp');
    expect(maskProxyUrl('http://[::1]:3128')).toBe('http://[::1]:3128');
    expect(maskProxyUrl('http://alice:secret@')).toBe('(not a URL)');
  });

  it('proxyUrlProblem names what is wrong without echoing the value', () => {
    expect(proxyUrlProblem('http://proxy:3128')).toBeUndefined();
    expect(proxyUrlProblem('https://u:p@proxy')).toBeUndefined();
    expect(proxyUrlProblem('socks5://u:secret@proxy:1080')).toBe('must be an http:// or https:// URL, not socks5://');
    expect(proxyUrlProblem('not a url secret')).toBe('is not a URL');
  });

  it('describeProxyChoice says which proxy and where it came from, credentials masked; direct-by-default at debug', () => {
    const viaEnv = describeProxyChoice({ proxy: 'http://alice:secret@proxy.corp:3128', source: { kind: 'env', variable: 'HTTPS_PROXY' } }, 'TAXII', 'https://feed.example.org/taxii');
    expect(viaEnv).toEqual({ level: 'info', message: 'TAXII requests to https://feed.example.org go through the proxy http://***:***@proxy.corp:3128 (from the HTTPS_PROXY environment variable).' });
    const viaConfig = describeProxyChoice({ proxy: 'http://proxy.corp:3128', source: { kind: 'config', key: 'flare.misp.proxy' } }, 'MISP', 'https://misp.example.org:8443/');
    expect(viaConfig.message).toBe('MISP requests to https://misp.example.org:8443 go through the proxy http://proxy.corp:3128 (from flare.misp.proxy).');
    expect(describeProxyChoice({ source: { kind: 'off', key: KEY } }, 'TAXII', 'https://f.example/').message).toMatch(/go direct: flare\.taxii\.proxy=none/);
    expect(describeProxyChoice({ source: { kind: 'no-proxy', variable: 'no_proxy', entry: '.example', proxyVariable: 'https_proxy' } }, 'TAXII', 'https://f.example/').message).toMatch(/"\.example" in no_proxy exempts them from the proxy in https_proxy/);
    expect(describeProxyChoice({ source: { kind: 'loopback', proxyVariable: 'HTTPS_PROXY' } }, 'MISP', 'https://localhost/')).toMatchObject({ level: 'info' });
    expect(describeProxyChoice({ source: { kind: 'none' } }, 'MISP', 'https://misp.example/')).toEqual({ level: 'debug', message: 'MISP requests to https://misp.example go direct (no proxy configured).' });
  });

  it('origins and hints: an environment proxy is named, and how to bypass it is said', () => {
    expect(proxyOrigin({ kind: 'env', variable: 'https_proxy' })).toBe('the https_proxy environment variable');
    expect(proxyOrigin({ kind: 'config', key: KEY })).toBe(KEY);
    expect(proxyBypassHint({ kind: 'env', variable: 'HTTPS_PROXY' }, KEY)).toMatch(/HTTPS_PROXY environment variable.*NO_PROXY.*set flare\.taxii\.proxy=none to bypass it/);
    expect(proxyBypassHint({ kind: 'config', key: KEY }, KEY)).toMatch(/^Check flare\.taxii\.proxy/);
  });
});
