/**
 * Credentials written into a URL value (`http://user:password@proxy:3128`, a proxy or a feed URL): the key is not a
 * secret, but that part is. The one place that recognises it, for the loader (never echo such a value in an error),
 * the Config view (show the password masked, keep it when the masked text is saved back) and the log redaction.
 */

/** `//user:password@` anywhere in the text, even in a value too broken to parse as a URL. */
const CREDENTIALS_ANYWHERE = /\/\/[^/@\s]*:[^/@\s]*@/;

/** A URL's password where a well-formed `scheme://user:password@` starts the value; group 1 is what precedes it. */
const LEADING_URL_PASSWORD = /^(\s*[a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*:)([^\s/?#@]*)@/i;

/** Whether the text may carry URL credentials: such a value is not repeated in messages. */
export function mentionsUrlCredentials(text: string): boolean {
  return CREDENTIALS_ANYWHERE.test(text);
}

/** The (non-empty) password of a URL written with credentials, as written (possibly %-encoded). */
export function urlPassword(text: string): string | undefined {
  const p = LEADING_URL_PASSWORD.exec(text)?.[2];
  return p ? p : undefined;
}

/** The text with the URL's password replaced (unchanged when it has none). */
export function withUrlPassword(text: string, password: string): string {
  return urlPassword(text) === undefined ? text : text.replace(LEADING_URL_PASSWORD, (_m, head: string) => `${head}${password}@`);
}
