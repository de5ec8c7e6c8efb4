/**
 * Secrets typed into the desktop app's Config view go to the OS keychain through Electron's safeStorage (DPAPI
 * on Windows, the Keychain on macOS, libsecret / kwallet on Linux): the properties file then holds
 * `safe:<base64 of the encrypted bytes>`, never the secret. Where safeStorage cannot really encrypt (no keychain,
 * or Linux's `basic_text` fallback, which uses a hard-coded password), secrets are written as typed and the
 * Config view says so and where (core/config adds the warning from `unavailable`).
 * safeStorage is injected (its type only is imported), so this runs under plain Node in the tests.
 */
import type { SafeStorage } from 'electron';
import { SAFE_STORAGE_PREFIX, isSafeStorageReference, type SecretCodec } from '../core/config/index';

export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;

/** Why safeStorage cannot protect secrets here, or undefined when it can. Call after app `ready` (Linux needs it). */
export function safeStorageProblem(safeStorage: SafeStorageLike, platform: NodeJS.Platform): string | undefined {
  let available = false;
  try {
    available = safeStorage.isEncryptionAvailable();
  } catch {
    available = false;
  }
  if (!available) return 'the OS keychain (Electron safeStorage) is not available on this system';
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend?.();
    if (backend === 'basic_text' || backend === 'unknown') {
      return 'no secret service (GNOME Keyring, KWallet) is running, and Electron\'s fallback only obscures secrets with a fixed password';
    }
  }
  return undefined;
}

/** The codec core/config uses to save secrets and read them back. */
export function safeStorageCodec(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): SecretCodec {
  const problem = safeStorageProblem(safeStorage, platform);
  return {
    encode(_key, text) {
      if (problem !== undefined) return text;
      return SAFE_STORAGE_PREFIX + safeStorage.encryptString(text).toString('base64');
    },
    decode(_key, stored) {
      if (!isSafeStorageReference(stored)) return stored;
      if (problem !== undefined) return undefined;
      try {
        return safeStorage.decryptString(Buffer.from(stored.slice(SAFE_STORAGE_PREFIX.length), 'base64'));
      } catch {
        return undefined; // another user's or machine's keychain entry
      }
    },
    ...(problem !== undefined && { unavailable: problem }),
  };
}
