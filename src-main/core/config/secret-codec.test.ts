import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigStore, configView, loadConfig, secretValues, SAFE_STORAGE_PREFIX, type SecretCodec } from './index';
import { tempConfigDir } from '../../../test/support/config-dir';

const KEY = 'Abcdefghij0123456789Abcdefghij0123456789';

/** A stand-in for the OS keychain: reversible, and the secret never appears in what it writes. */
const keychain: SecretCodec = {
  encode: (_k, text) => SAFE_STORAGE_PREFIX + Buffer.from([...text].reverse().join(''), 'utf8').toString('base64'),
  decode: (_k, stored) => (stored.startsWith(SAFE_STORAGE_PREFIX) ? (stored === `${SAFE_STORAGE_PREFIX}broken` ? undefined : [...Buffer.from(stored.slice(5), 'base64').toString('utf8')].reverse().join('')) : stored),
};

describe('secrets through a codec (the desktop app\'s OS keychain)', () => {
  it('are saved as references, never as typed, and read back; the view masks them, the redactor knows them', () => {
    const dir = tempConfigDir();
    const store = new ConfigStore(dir, {}, keychain);
    const { changed } = store.save({ 'misp.authorization.key': KEY, 'client.ssl.key-store-password': 'pkcs12-pass', 'flare.misp.url': 'https://misp.example.org' });
    expect(changed).toEqual(['client.ssl.key-store-password', 'flare.misp.url', 'misp.authorization.key']);
    const files = readFileSync(path.join(dir, 'config.properties'), 'utf8') + readFileSync(path.join(dir, 'application.properties'), 'utf8');
    expect(files).not.toContain(KEY);
    expect(files).not.toContain('pkcs12-pass');
    expect(store.current.config.misp.key).toBe(KEY);
    expect(store.current.config.misp.configured).toBe(true);
    expect(secretValues(store.current)).toEqual(expect.arrayContaining([KEY, 'pkcs12-pass']));
    const view = configView(store.current);
    expect(view.entries.find((e) => e.key === 'misp.authorization.key')).toMatchObject({ value: '••••••', isSet: true, source: 'file' });
    expect(JSON.stringify(view)).not.toContain(KEY);
    // Reloading (and saving something else) keeps them.
    expect(store.reload().changed).toEqual([]);
    store.save({ 'flare.misp.tags': 'ais' });
    expect(new ConfigStore(dir, {}, keychain).current.config.misp.key).toBe(KEY);
  });

  it('an unreadable reference is a warning and not set; without a codec too; the environment still wins', () => {
    const dir = tempConfigDir();
    new ConfigStore(dir, {}, keychain).save({ 'misp.authorization.key': KEY });
    // Headless (no codec) on a folder the desktop app wrote:
    const headless = loadConfig(dir, {});
    expect(headless.config.misp.key).toBeUndefined();
    expect(headless.warnings.map((w) => w.message)).toContain("is encrypted with the desktop app's OS keychain and cannot be read here; treated as not set: type it again in the desktop app's Config view, or set FLARE_MISP_KEY");
    expect(loadConfig(dir, { FLARE_MISP_KEY: KEY }).config.misp.key).toBe(KEY);
    // Another user's keychain entry:
    const other = tempConfigDir();
    const store = new ConfigStore(other, {}, { ...keychain, encode: () => `${SAFE_STORAGE_PREFIX}broken` });
    store.save({ 'misp.authorization.key': KEY });
    const w = store.current.warnings.find((i) => i.key === 'misp.authorization.key')!;
    expect(w).toMatchObject({ severity: 'warning', file: path.join(other, 'config.properties') });
    expect(w.message).toMatch(/^is encrypted with an OS keychain entry this user cannot read/);
    expect(store.current.config.misp.key).toBeUndefined();
  });

  it('where nothing can encrypt, they are written as typed and the view says so and where', () => {
    const dir = tempConfigDir();
    const plain: SecretCodec = { encode: (_k, t) => t, decode: (_k, s) => s, unavailable: 'no OS keychain here' };
    const store = new ConfigStore(dir, {}, plain);
    store.save({ 'misp.authorization.key': KEY });
    expect(readFileSync(path.join(dir, 'config.properties'), 'utf8')).toContain(`misp.authorization.key=${KEY}`);
    expect(configView(store.current).warnings).toContain(
      `Secrets typed in here (the MISP key, passwords, the API token) are written in plain text to ${path.join(dir, 'config.properties')} and ${path.join(dir, 'application.properties')}, readable by your user account only: no OS keychain here.`,
    );
    // No codec (headless): no such warning.
    expect(configView(loadConfig(dir, {})).warnings.join('\n')).not.toMatch(/plain text/);
  });
});
