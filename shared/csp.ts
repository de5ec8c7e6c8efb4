/**
 * The Content-Security-Policy of the console, wherever it is shown: the headless server sends it with every page
 * (src-main/headless/server.ts) and the desktop shell adds it to every response its window loads
 * (src-main/electron/security.ts). Scripts, styles, fonts and connections only from the app itself (inline styles
 * for React's style props), images also as data: URLs; no plugins, no <base>, no forms posted anywhere, never
 * framed. No runtime dependencies: both sides import it.
 */
export const CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
} as const satisfies Record<string, readonly string[]>;

export const CSP: string = Object.entries(CSP_DIRECTIVES)
  .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
  .join('; ');
