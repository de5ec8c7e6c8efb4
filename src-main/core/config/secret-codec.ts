/**
 * How secrets reach the properties files and come back. The headless service has no codec: secrets stay as typed
 * (or come from the environment). The desktop app passes one built on Electron's safeStorage (the OS keychain):
 * a secret typed into the Config view is then written as a reference, `safe:<base64 of the encrypted bytes>`, and
 * resolved back when the files are read. This file knows the reference format only, never electron.
 */

/** The prefix of a secret encrypted by the desktop app's OS keychain. */
export const SAFE_STORAGE_PREFIX = 'safe:';

export interface SecretCodec {
  /** The text to write for a secret typed in: a reference, or the secret itself where nothing can encrypt it. */
  encode(key: string, text: string): string;
  /** The secret a stored text stands for (plain text is returned as it is); undefined when it cannot be read here. */
  decode(key: string, stored: string): string | undefined;
  /**
   * Why secrets cannot be encrypted here (e.g. "no OS keychain is available"), when they cannot: the Config view
   * then says so, and where they are written in plain text.
   */
  unavailable?: string;
}

export function isSafeStorageReference(text: string): boolean {
  return text.startsWith(SAFE_STORAGE_PREFIX);
}
