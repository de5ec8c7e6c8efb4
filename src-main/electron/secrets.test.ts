import { describe, it, expect } from 'vitest';
import { safeStorageCodec, safeStorageProblem } from './secrets';
import { fakeElectron } from '../../test/support/fake-electron';

describe('secrets through safeStorage', () => {
  it('encode to safe:<base64> and decode back; plain text stays plain', () => {
    const { safeStorage } = fakeElectron().deps;
    const codec = safeStorageCodec(safeStorage, 'linux');
    expect(codec.unavailable).toBeUndefined();
    const stored = codec.encode('misp.authorization.key', 'secret-value-1');
    expect(stored).toMatch(/^safe:[A-Za-z0-9+/]+=*$/);
    expect(stored).not.toContain('secret-value-1');
    expect(Buffer.from(stored.slice(5), 'base64').toString('latin1')).not.toContain('secret');
    expect(codec.decode('misp.authorization.key', stored)).toBe('secret-value-1');
    expect(codec.decode('misp.authorization.key', 'typed-by-hand')).toBe('typed-by-hand');
    // Another user's or machine's entry cannot be read: undefined, not an exception.
    expect(codec.decode('misp.authorization.key', 'safe:' + Buffer.from('garbage').toString('base64'))).toBeUndefined();
  });

  it('say why they cannot be encrypted: no keychain, or Linux basic_text; elsewhere the backend does not matter', () => {
    expect(safeStorageProblem(fakeElectron({ encryption: false }).deps.safeStorage, 'win32')).toMatch(/not available/);
    expect(safeStorageProblem(fakeElectron({ backend: 'basic_text' }).deps.safeStorage, 'linux')).toMatch(/no secret service/);
    expect(safeStorageProblem(fakeElectron({ backend: 'basic_text' }).deps.safeStorage, 'darwin')).toBeUndefined();
    const throwing = { isEncryptionAvailable: () => { throw new Error('not ready'); }, encryptString: () => Buffer.alloc(0), decryptString: () => '' };
    expect(safeStorageProblem(throwing, 'linux')).toMatch(/not available/);
    const codec = safeStorageCodec(fakeElectron({ encryption: false }).deps.safeStorage, 'linux');
    expect(codec.encode('k', 'as typed')).toBe('as typed');
    expect(codec.decode('k', 'safe:AAAA')).toBeUndefined();
    expect(codec.unavailable).toMatch(/not available/);
  });
});
