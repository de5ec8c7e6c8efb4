import { describe, it, expect } from 'vitest';
import { CSP } from './csp';

describe('the console\'s CSP (headless server and desktop shell)', () => {
  it('allows only the app itself, with no plugins, base, form targets or framing', () => {
    expect(CSP).toBe("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    expect(CSP).not.toMatch(/unsafe-eval|\*|http:|https:/);
  });
});
