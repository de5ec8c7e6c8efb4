/**
 * CybOX property values as they arrive, before they become MISP attribute values:
 *   - lists: `##comma##`-delimited (CybOX 2.0.1+), or the CybOX 2.0 form (`,` with `&comma;` for a literal comma);
 *   - patterns: a `condition` other than Equals makes a value a pattern, never an IDS signature as such;
 *   - AIS placeholders ("UNDER NCCIC REVIEW", "[REDACTED]") that stand for a withheld value;
 *   - defanged network values (`hxxp://evil[.]com`) that MISP would refuse or, worse, store unusable.
 * Pure functions, no allocation beyond the result: they run for every value of every package.
 */

/** The CybOX 2.0.1+ list delimiter (`apply_condition` says how the list matches). */
export const LIST_DELIMITER = '##comma##';

/** CybOX conditions that compare a value as it is (an observed instance, or an exact pattern). */
export function isExactCondition(condition: string | undefined): boolean {
  return condition === undefined || condition === 'Equals';
}

/** Conditions whose value list is the two bounds of one range, not alternatives. */
export function isRangeCondition(condition: string | undefined): boolean {
  return condition === 'InclusiveBetween' || condition === 'ExclusiveBetween';
}

/**
 * The values of one CybOX property. A `##comma##` list is split. CybOX 2.0 (STIX 1.0) delimited lists with `,`
 * and escaped a literal comma as `&comma;`; such a list is split on `,` only when `apply_condition` says it is a
 * list and the text either uses the 2.0 escape or is one token without spaces or a URL scheme
 * (`10.0.0.0,10.0.0.1`) — commas are literal in CybOX 2.1, where a subject or a URL may well contain one.
 * Values are trimmed, empty ones dropped.
 */
export function splitList(text: string, applyCondition?: string): string[] {
  let parts: string[];
  if (text.includes(LIST_DELIMITER)) parts = text.split(LIST_DELIMITER);
  else if (applyCondition !== undefined && text.includes(',') && (text.includes('&comma;') || !/\s|:\/\//.test(text.trim()))) {
    parts = text.split(',').map((p) => p.replaceAll('&comma;', ','));
  } else parts = [text];
  const out: string[] = [];
  for (const p of parts) {
    const v = p.trim();
    if (v !== '') out.push(v);
  }
  return out;
}

/**
 * AIS and other sharing programmes replace values they withhold by a placeholder ("UNDER NCCIC REVIEW",
 * "[REDACTED]", "<Redacted>", "withheld"). Such a value is no indicator at all: skip it (with a warning).
 * A redaction token inside an otherwise indicator-like value (`[redacted]@gmail.com`: one token, no spaces) counts
 * too; free text that mentions a redaction (a raw e-mail header) is still text worth keeping.
 */
const PLACEHOLDER_WHOLE = /^[\s[(<{"']*(?:under\s+(?:[a-z-]+\s+)?review|redacted(?:[\s_-][a-z _-]*)?|withheld|n\/a)[\s\])>}"'.]*$/i;
const PLACEHOLDER_TOKEN = /[[(<{](?:redacted|withheld|removed)[^\])>}]*[\])>}]/i;

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER_WHOLE.test(value) || (PLACEHOLDER_TOKEN.test(value) && !/\s/.test(value));
}

/**
 * Prose fields (a header description, a title) that say nothing: "None", "N/A", "null", "-", "TBD" — what a form or an
 * exporter writes into a field it has no text for — besides the value placeholders above.
 */
const PLACEHOLDER_PROSE = /^[\s[(<{"']*(?:none(?:\s+(?:provided|given|available))?|null|nil|n\.?\s?a\.?|not\s+(?:applicable|available|provided)|undefined|tbd|empty|no\s+description(?:\s+(?:provided|given|available))?|[-–—?.]+)[\s\])>}"'.]*$/i;

export function isPlaceholderText(text: string): boolean {
  return PLACEHOLDER_PROSE.test(text) || isPlaceholder(text);
}

/**
 * Defanged spellings of network values and their real form. Order matters: the scheme first, then the
 * bracketed separators.
 */
const DEFANG_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bh(?:xx|XX|\[xx\]|\[XX\]|\*\*|__)p(s?)(?=(?:\[:\]|:|\[:\/\/\]))/g, 'http$1'],
  [/\bf(?:xx|XX)p(?=(?:\[:\]|:))/g, 'ftp'],
  [/\[:\/\/\]/g, '://'],
  [/\[:\]/g, ':'],
  [/\[(?:\.|dot|DOT)\]|\((?:\.|dot|DOT)\)|\{(?:\.|dot|DOT)\}/g, '.'],
  [/\[(?:@|at|AT)\]|\((?:@|at|AT)\)|\{(?:@|at|AT)\}/g, '@'],
  [/\[\/\]/g, '/'],
];

/** Quick pre-check so that the common, clean value costs one scan and no allocation. */
const MAYBE_DEFANGED = /[[({]|h(?:xx|XX|\*\*|__)p|fxxp/;

/** The refanged form of a defanged network value, or the value itself when it is not defanged. */
export function refang(value: string): string {
  if (!MAYBE_DEFANGED.test(value)) return value;
  let out = value;
  for (const [re, to] of DEFANG_RULES) out = out.replace(re, to);
  return out;
}

/** The sentence a pattern leaves in the comment, e.g. `CybOX pattern: File_Name Contains "svch0st"`. */
export function patternNote(field: string, condition: string, value: string, applyCondition?: string): string {
  const scope = applyCondition && applyCondition !== 'ANY' ? ` (apply_condition ${applyCondition})` : '';
  return `CybOX pattern: ${field} ${condition} "${value}"${scope}`;
}

// ——— IPv4 ranges ————————————————————————————————————————————————————————————————————————————

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    const b = Number(p);
    if (b > 255) return undefined;
    n = n * 256 + b;
  }
  return n;
}

/**
 * An inclusive IPv4 range that is exactly one CIDR block, as that block (`143.89.0.0`–`143.89.255.255` →
 * `143.89.0.0/16`); undefined for anything else (not IPv4, reversed, or not aligned on a block).
 */
export function ipv4RangeToCidr(first: string, last: string): string | undefined {
  const a = ipv4ToInt(first);
  const b = ipv4ToInt(last);
  if (a === undefined || b === undefined || b < a) return undefined;
  const size = b - a + 1;
  // A block has a power-of-two size and starts on a multiple of it.
  const bits = Math.log2(size);
  if (!Number.isInteger(bits) || a % size !== 0) return undefined;
  const prefix = 32 - bits;
  return prefix === 32 ? first : `${first}/${prefix}`;
}
