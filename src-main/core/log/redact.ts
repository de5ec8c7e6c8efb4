/**
 * Secrets never reach a log line, whoever logs them: the values of every secret configuration key are
 * registered here and replaced wherever they appear, and a few shapes that are secret by nature (an
 * Authorization header, a password=… pair, a PEM private key) are masked even when we never saw the value.
 */
const PATTERNS: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[private key redacted]'],
  [/(authorization["']?\s*[:=]\s*["']?)(?:bearer\s+|basic\s+)?[^\s"',}]+/gi, '$1[redacted]'],
  [/((?:password|passphrase|passwd|pwd|token|api[_-]?key|secret)["']?\s*[:=]\s*["']?)[^\s"',}&]+/gi, '$1[redacted]'],
  [/(\/\/[^/\s:@]+:)[^/\s@]+@/g, '$1[redacted]@'],
];

export class Redactor {
  private secrets: string[] = [];

  /** Replaces the set of secret values (called on every config load). Very short values are not treated as secrets. */
  setSecrets(values: Iterable<string>): void {
    this.secrets = [...new Set([...values].filter((v) => v.length >= 4))].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join('[redacted]');
    for (const [re, by] of PATTERNS) out = out.replace(re, by);
    return out;
  }
}
