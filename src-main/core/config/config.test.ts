import { describe, it, expect, beforeEach } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, cpSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, ConfigError, ConfigStore, configView, mispRoot, resolveConfigDir, secretValues, MASK } from './index';
import { REPO_ROOT } from '../../../test/paths';

const SHIPPED = path.join(REPO_ROOT, 'config');
const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'config');

/** A fresh copy of a config folder inside a temp base folder, so relative paths and saves stay private. */
function copyConfig(from: string): string {
  const base = mkdtempSync(path.join(tmpdir(), 'flare-cfg-'));
  const dir = path.join(base, 'config');
  cpSync(from, dir, { recursive: true });
  return dir;
}

function withLine(dir: string, file: string, key: string, value: string): number {
  const p = path.join(dir, file);
  const lines = readFileSync(p, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.startsWith(`${key}=`));
  if (i >= 0) lines[i] = `${key}=${value}`;
  else lines.push(`${key}=${value}`);
  writeFileSync(p, lines.join('\n'));
  return (i >= 0 ? i : lines.length - 1) + 1;
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('shipped defaults', () => {
  it('load as a valid but unconfigured setup', () => {
    const dir = copyConfig(SHIPPED);
    const { config, warnings } = loadConfig(dir, {});
    expect(warnings).toEqual([]);
    expect(config.taxii.configured).toBe(false);
    expect(config.misp.configured).toBe(false);
    expect(config.poll).toMatchObject({ processType: 'stixToMisp', frequencyMinutes: 5, startTime: '1970-01-01T00:00:00.000Z', overlapMinutes: 5 });
    const base = path.dirname(dir);
    expect(config.poll.outDir).toBe(path.join(base, 'out'));
    expect(config.trackerFile).toBe(path.join(base, 'data', 'trackers.avro'));
    expect(config.log).toEqual({ level: 'INFO', file: path.join(base, 'logs', 'flare-misp.log'), maxSizeBytes: 10 * 1024 * 1024, maxFiles: 5 });
    expect(config.server).toEqual({ address: '127.0.0.1', port: 8080 });
    expect(config.misp).toMatchObject({ mode: 'native', publish: false, distribution: 0, threatLevel: 4, analysis: 0, concurrency: 8 });
    expect(config.taxii.clientAuth).toEqual({ kind: 'none' });
  });
});

describe("the old service's sample files", () => {
  it('Java generation: keys mapped, placeholders and dead keys reported as warnings', () => {
    const dir = copyConfig(path.join(FIXTURES, 'old-java'));
    const { config, warnings } = loadConfig(dir, {});
    expect(config.taxii).toMatchObject({
      configured: true,
      pollUrl: 'https://taxii.dhs.gov:8443/flare/taxii11/poll/',
      collection: 'AIS',
      connectTimeoutMs: 10000,
      readTimeoutMs: 10000,
      clientAuth: { kind: 'none' },
    });
    expect(config.taxii.collections).toContain('guest.phishtank_com');
    expect(config.taxii.collections).toHaveLength(10);
    expect(config.poll).toMatchObject({ processType: 'stixToMisp', frequencyMinutes: 5, startTime: '2022-07-12T00:00:00.000Z', outDir: '/opt/mtc/out' });
    expect(config.trackerFile).toBe('/opt/mtc/avro/trackers.avro');
    expect(config.misp.publish).toBe(true);
    // The MISP URL is the sample's placeholder: not configured, with a warning naming the line.
    expect(config.misp.url).toBeUndefined();
    expect(config.misp.configured).toBe(false);
    const text = warnings.map((w) => `${path.basename(w.file ?? '')}:${w.line ?? ''} ${w.key ?? ''} ${w.message}`);
    expect(text).toContain('config.properties:23 misptransclient.post.baseurl "https://{misp-server-host:port}/events/" is an unfilled placeholder from a sample file; treated as not set');
    expect(text).toContain('config.properties:12 stixtransclient.client.key file not found: /opt/mtc/config/client.key (ignored)');
    expect(text).toContain('application.properties:7 server.ssl.hostname.verify has no effect (verification is always on)');
    expect(config.log).toMatchObject({ level: 'INFO', maxSizeBytes: 1024 * 1024, file: path.join(path.dirname(dir), 'logs', 'flare-misp-service.log') });
    expect(config.server.port).toBe(8443);
  });

  it('Python generation: poll.url wins, --misp-published means true, cursors are kept', () => {
    const dir = copyConfig(path.join(FIXTURES, 'old-python'));
    const { config } = loadConfig(dir, {});
    expect(config.taxii.pollUrl).toBe('https://FLAREgateway:8443/flare/taxii11/poll/');
    expect(config.taxii.collection).toBe('MISP');
    expect(config.misp.publish).toBe(true);
    expect(config.legacyCursors).toEqual({ 'MISP.stixToMisp': '2018-03-22T12:34:18+00:00', 'MISP.xmlOutput': '2018-03-21T08:00:00+00:00' });
    expect(config.log.file).toBe(path.join(path.dirname(dir), 'logs', 'mtc-rest-service.log'));
  });
});

describe('bad configuration: each error names file, line, key and what is expected', () => {
  let dir: string;
  beforeEach(() => {
    dir = copyConfig(SHIPPED);
  });
  const cases: [string, string, string, string][] = [
    ['config.properties', 'mtc.quartz.frequency', 'often', 'expected a whole number of minutes, at least 1, found "often"'],
    ['config.properties', 'mtc.quartz.frequency', '0', 'expected a whole number of minutes, at least 1, found "0"'],
    ['config.properties', 'mtc.processtype', 'stix2misp', 'expected one of stixToMisp, xmlOutput, found "stix2misp"'],
    ['config.properties', 'mtc.start.time', '12/07/2022', 'expected a time like 2022-07-12T00:00:00Z, found "12/07/2022"'],
    ['config.properties', 'stixtransclient.poll.baseurl', 'taxii.example.org/poll', 'expected an http:// or https:// URL, found "taxii.example.org/poll"'],
    ['config.properties', 'flare.misp.import.mode', 'raw', 'expected one of native, stix, found "raw"'],
    ['config.properties', 'misp.authorization.key', 'short', 'expected the 40-character MISP automation key'],
    ['config.properties', 'flare.misp.distribution', '7', 'expected a distribution level from 0 to 4, found "7"'],
    ['config.properties', 'flare.misp.distribution', '4', 'is 4 (sharing group) but flare.misp.sharing-group is empty: name the sharing group'],
    ['config.properties', 'flare.misp.distribution.policy', 'tlp:purple=1', 'expected marking=level pairs with a marking among tlp:white, tlp:green, tlp:amber, tlp:red, ais:everyone, ais:usg, ais:none, unmarked (found "tlp:purple=1"), found "tlp:purple=1"'],
    ['config.properties', 'flare.misp.distribution.policy', 'tlp:amber=5', 'expected a level from 0 to 4 or default for tlp:amber (found "tlp:amber=5"), found "tlp:amber=5"'],
    ['config.properties', 'flare.taxii.ca', 'certs/missing-ca.pem', 'file not found: '],
    ['config.properties', 'flare.taxii.proxy', 'proxy.corp:3128', 'expected an http:// or https:// proxy URL, or none, found "proxy.corp:3128"'],
    ['config.properties', 'flare.misp.proxy', 'direct', 'expected an http:// or https:// proxy URL, or none, found "direct"'],
    ['config.properties', 'flare.misp.proxy', 'socks5://corp-user:corp-secret@proxy.corp:1080', 'expected an http:// or https:// proxy URL, or none'],
    ['application.properties', 'ctimeout', '10s', 'expected a number of milliseconds, at least 100, found "10s"'],
    ['application.properties', 'logging.level.root', 'VERBOSE', 'expected one of ERROR, WARN, INFO, DEBUG, TRACE, found "VERBOSE"'],
    ['application.properties', 'logging.file.max-size', 'ten megs', 'expected a size like 10MB, 500KB or 1GB, found "ten megs"'],
    ['application.properties', 'server.port', '70000', 'expected a port number from 1 to 65535, found "70000"'],
    ['application.properties', '2way.ssl.auth', 'true', 'is true but client.ssl.key-store is empty: set it to the PKCS#12 file with your client certificate'],
    ['application.properties', '2way.ssl.auth', 'maybe', 'expected true or false, found "maybe"'],
  ];
  it.each(cases)('%s %s=%s', (file, key, value, expected) => {
    const line = withLine(dir, file, key, value);
    const err = errorOf(() => loadConfig(dir, {}));
    const issue = err.issues.find((i) => i.severity === 'error');
    expect(issue).toBeDefined();
    expect(issue!.file).toBe(path.join(dir, file));
    expect(issue!.line).toBe(line);
    expect(issue!.key).toBe(key);
    if (expected.endsWith(': ')) expect(issue!.message).toBe(`${expected}${path.join(path.dirname(dir), value)}`);
    else expect(issue!.message).toBe(expected);
    // The thrown message lists the issue as file:line: key: message.
    expect(err.message).toContain(`${path.join(dir, file)}:${line}: ${key}: ${issue!.message}`);
    expect(err.code).toBe('config_invalid');
  });

  it('proxy keys take a URL or none (any case, stored as none); empty leaves the decision to the environment', () => {
    withLine(dir, 'config.properties', 'flare.taxii.proxy', 'NONE');
    withLine(dir, 'config.properties', 'flare.misp.proxy', 'http://corp-user:corp-secret@proxy.corp:3128');
    const { config } = loadConfig(dir, {});
    expect(config.taxii.proxy).toBe('none');
    expect(config.misp.proxy).toBe('http://corp-user:corp-secret@proxy.corp:3128');
    withLine(dir, 'config.properties', 'flare.taxii.proxy', '');
    withLine(dir, 'config.properties', 'flare.misp.proxy', 'none');
    const again = loadConfig(dir, {}).config;
    expect(again.taxii.proxy).toBeUndefined();
    expect(again.misp.proxy).toBe('none');
  });

  it('never echoes a secret in an error', () => {
    withLine(dir, 'config.properties', 'misp.authorization.key', 'not-a-key-but-secret-text');
    const err = errorOf(() => loadConfig(dir, {}));
    expect(err.message).not.toContain('not-a-key-but-secret-text');
  });

  it('warns about an unknown key that looks like a typo', () => {
    withLine(dir, 'config.properties', 'flare.misp.ulr', 'https://misp.test');
    const { warnings } = loadConfig(dir, {});
    expect(warnings.map((w) => w.message)).toContain('unknown key — did you mean flare.misp.url?');
  });

  it('a missing config folder says how to point at one', () => {
    expect(() => loadConfig(path.join(dir, 'nope'), {})).toThrow(/does not exist/);
  });
});

describe('environment overrides for secrets', () => {
  it('FLARE_MISP_KEY wins over the file and is reported as coming from the environment', () => {
    const dir = copyConfig(SHIPPED);
    withLine(dir, 'config.properties', 'flare.misp.url', 'https://misp.test/');
    withLine(dir, 'config.properties', 'misp.authorization.key', 'a'.repeat(40));
    const key = 'B'.repeat(40);
    const loaded = loadConfig(dir, { FLARE_MISP_KEY: key, FLARE_TAXII_KEYSTORE_PASSWORD: 'pw-from-env' });
    expect(loaded.config.misp.key).toBe(key);
    expect(loaded.config.misp.url).toBe('https://misp.test');
    expect(loaded.config.misp.configured).toBe(true);
    expect(loaded.entries.get('misp.authorization.key')?.source).toBe('env');
    expect(loaded.entries.get('client.ssl.key-store-password')?.text).toBe('pw-from-env');
    const view = configView(loaded);
    const shown = view.entries.find((e) => e.key === 'misp.authorization.key')!;
    expect(shown).toMatchObject({ value: MASK, source: 'env', secret: true, isSet: true });
    expect(JSON.stringify(view)).not.toContain(key);
  });

  it('a PKCS#12 client key store takes its password from the environment', () => {
    const dir = copyConfig(SHIPPED);
    writeFileSync(path.join(path.dirname(dir), 'client.p12'), 'x');
    withLine(dir, 'application.properties', '2way.ssl.auth', 'true');
    withLine(dir, 'application.properties', 'client.ssl.key-store', 'file:client.p12');
    const { config } = loadConfig(dir, { FLARE_TAXII_KEYSTORE_PASSWORD: 's3cret' });
    expect(config.taxii.clientAuth).toEqual({ kind: 'pkcs12', file: path.join(path.dirname(dir), 'client.p12'), password: 's3cret' });
  });
});

describe('reload and save', () => {
  it('reload reports exactly the keys that changed', () => {
    const dir = copyConfig(SHIPPED);
    const store = new ConfigStore(dir, {});
    withLine(dir, 'config.properties', 'mtc.quartz.frequency', '60');
    withLine(dir, 'config.properties', 'stixtransclient.source.collection', 'ais');
    withLine(dir, 'config.properties', 'misp.authorization.key', 'c'.repeat(40));
    const { changed } = store.reload();
    expect(changed).toEqual(['misp.authorization.key', 'mtc.quartz.frequency', 'stixtransclient.source.collection']);
    expect(store.current.config.poll.frequencyMinutes).toBe(60);
    expect(store.reload().changed).toEqual([]);
  });

  it('a reload that fails keeps the previous configuration in force', () => {
    const dir = copyConfig(SHIPPED);
    const store = new ConfigStore(dir, {});
    withLine(dir, 'config.properties', 'mtc.quartz.frequency', 'x');
    expect(() => store.reload()).toThrow(ConfigError);
    expect(store.current.config.poll.frequencyMinutes).toBe(5);
  });

  it('save keeps comments, order and untouched lines, and puts new keys in their file', () => {
    const dir = copyConfig(SHIPPED);
    const before = readFileSync(path.join(dir, 'config.properties'), 'utf8');
    const store = new ConfigStore(dir, {});
    const { changed } = store.save({
      'stixtransclient.poll.baseurl': 'https://taxii.test/poll',
      'stixtransclient.source.collection': 'system.Default',
      'mtc.quartz.frequency': '15',
      'rtimeout': '30000',
    });
    expect(changed).toEqual(['mtc.quartz.frequency', 'rtimeout', 'stixtransclient.poll.baseurl', 'stixtransclient.source.collection']);
    const after = readFileSync(path.join(dir, 'config.properties'), 'utf8');
    const beforeLines = before.split('\n');
    const afterLines = after.split('\n');
    expect(afterLines).toHaveLength(beforeLines.length);
    const differing = beforeLines.flatMap((l, i) => (l === afterLines[i] ? [] : [afterLines[i]]));
    // properties-file escapes ':' in values as Java's Properties.store does; both read back the same.
    expect(differing).toEqual(['stixtransclient.poll.baseurl=https\\://taxii.test/poll', 'stixtransclient.source.collection=system.Default', 'mtc.quartz.frequency=15']);
    expect(readFileSync(path.join(dir, 'application.properties'), 'utf8')).toContain('\nrtimeout=30000\n');
    expect(store.current.config.taxii.configured).toBe(true);
  });

  it('a URL password (a proxy with credentials) is masked in the view, redacted from logs, and kept when saved back as shown', () => {
    const dir = copyConfig(SHIPPED);
    withLine(dir, 'config.properties', 'flare.taxii.proxy', 'http://ops:p%40ss-w0rd@proxy.corp:3128');
    const store = new ConfigStore(dir, {});
    const shown = configView(store.current).entries.find((e) => e.key === 'flare.taxii.proxy')!;
    expect(shown.value).toBe(`http://ops:${MASK}@proxy.corp:3128`);
    expect(JSON.stringify(configView(store.current))).not.toContain('p%40ss-w0rd');
    expect(secretValues(store.current)).toEqual(expect.arrayContaining(['p%40ss-w0rd', 'p@ss-w0rd']));
    // Saved back as the view shows it (another port): the password in force stays.
    store.save({ 'flare.taxii.proxy': `http://ops:${MASK}@proxy.corp:8080` });
    expect(store.current.entries.get('flare.taxii.proxy')?.text).toBe('http://ops:p%40ss-w0rd@proxy.corp:8080');
    // A new password replaces it; the mask with no password to keep is refused.
    store.save({ 'flare.taxii.proxy': 'http://ops:new-one@proxy.corp:8080' });
    expect(store.current.entries.get('flare.taxii.proxy')?.text).toBe('http://ops:new-one@proxy.corp:8080');
    expect(() => store.save({ 'flare.misp.proxy': `http://ops:${MASK}@proxy.corp:3128` })).toThrow(/no password to keep/);
  });

  it('save refuses an invalid value and writes nothing', () => {
    const dir = copyConfig(SHIPPED);
    const before = readFileSync(path.join(dir, 'config.properties'), 'utf8');
    const store = new ConfigStore(dir, {});
    expect(() => store.save({ 'mtc.quartz.frequency': 'hourly', 'stixtransclient.source.collection': 'x' })).toThrow(/mtc\.quartz\.frequency: expected a whole number/);
    expect(readFileSync(path.join(dir, 'config.properties'), 'utf8')).toBe(before);
    expect(() => store.save({ 'no.such.key': '1' })).toThrow(/does not know this key/);
  });
});

describe('where things are', () => {
  it('the MISP root is flare.misp.url, else the old events URL without events/', () => {
    expect(mispRoot('https://misp.a/', 'https://misp.b/events/')).toBe('https://misp.a');
    expect(mispRoot(undefined, 'https://misp.b:8443/events/')).toBe('https://misp.b:8443');
    expect(mispRoot(undefined, 'https://misp.b/misp/events')).toBe('https://misp.b/misp');
    expect(mispRoot(undefined, undefined)).toBeUndefined();
  });

  it('the config folder comes from --config-dir, then FLARE_MISP_HOME (itself or its config/), then the default', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'flare-home-'));
    mkdirSync(path.join(home, 'config'));
    writeFileSync(path.join(home, 'config', 'config.properties'), '');
    expect(resolveConfigDir('/x/cfg', { FLARE_MISP_HOME: home }, '/d')).toEqual({ dir: '/x/cfg', reason: '--config-dir' });
    expect(resolveConfigDir(undefined, { FLARE_MISP_HOME: home }, '/d')).toEqual({ dir: path.join(home, 'config'), reason: 'FLARE_MISP_HOME' });
    expect(resolveConfigDir(undefined, { FLARE_MISP_HOME: path.join(home, 'config') }, '/d')).toEqual({ dir: path.join(home, 'config'), reason: 'FLARE_MISP_HOME' });
    expect(resolveConfigDir(undefined, {}, '/d')).toEqual({ dir: '/d', reason: 'default' });
  });
});

describe('distribution policy', () => {
  it('is safe by default: only TLP:WHITE/GREEN and AIS consent EVERYONE reach flare.misp.distribution', () => {
    const { config } = loadConfig(copyConfig(SHIPPED), {});
    expect(config.misp.distributionPolicy).toEqual({
      'tlp:white': 'default',
      'tlp:green': 'default',
      'tlp:amber': 0,
      'tlp:red': 0,
      'ais:everyone': 'default',
      'ais:usg': 0,
      'ais:none': 0,
      unmarked: 0,
    });
  });

  it('takes the admin\'s overrides (case-insensitive, spaces allowed) over the safe defaults', () => {
    const dir = copyConfig(SHIPPED);
    withLine(dir, 'config.properties', 'flare.misp.distribution', '3');
    withLine(dir, 'config.properties', 'flare.misp.distribution.policy', 'TLP:AMBER = 1, ais:usg=2 ,unmarked=default');
    const { config, warnings } = loadConfig(dir, {});
    expect(warnings).toEqual([]);
    expect(config.misp.distribution).toBe(3);
    expect(config.misp.distributionPolicy).toMatchObject({ 'tlp:amber': 1, 'ais:usg': 2, unmarked: 'default', 'tlp:red': 0, 'ais:none': 0, 'tlp:green': 'default' });
  });
});
