/**
 * The facts a health check found, for people: what the card lists under the verdict. The engine's `details` are
 * open-ended (shared/api.ts HealthResult), so each known field is read defensively and unknown ones are left out —
 * the raw details stay in the API and the log.
 */
import type { HealthResult } from '../../shared/api';

export interface HealthFact {
  label: string;
  value: string;
  /** Worth the analyst's attention (a missing permission, an expired certificate, a lookup that failed). */
  warn?: boolean;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const texts = (v: unknown): string[] => (Array.isArray(v) ? v.map(text).filter((s): s is string => s !== undefined) : []);

function mispFacts(d: Json): HealthFact[] {
  const out: HealthFact[] = [];
  const add = (label: string, v: unknown) => {
    const s = text(v);
    if (s !== undefined) out.push({ label, value: s });
  };
  add('MISP version', d.version);
  add('Organisation', d.organisation);
  add('User', d.user);
  add('Role', d.role);
  add('Upload mode', d.mode);
  const missing = texts(d.missingPermissions);
  if (missing.length > 0) out.push({ label: 'Missing permissions', value: missing.join(', '), warn: true });
  const sg = d.sharingGroup;
  if (isObject(sg)) {
    const problem = text(sg.problem);
    if (problem !== undefined) out.push({ label: 'Sharing group', value: problem, warn: true });
    else {
      const name = text(sg.name);
      const id = text(sg.id);
      const shown = name !== undefined ? `${name}${id !== undefined ? ` (id ${id})` : ''}` : id !== undefined ? `id ${id}` : text(sg.configured);
      if (shown !== undefined) out.push({ label: 'Sharing group', value: shown });
    }
  }
  return out;
}

function taxiiFacts(d: Json): HealthFact[] {
  const out: HealthFact[] = [];
  const collection = text(d.collection);
  if (collection !== undefined) out.push({ label: 'Collection', value: collection });
  if (isObject(d.recordCount) && typeof d.recordCount.count === 'number') {
    const window = isObject(d.window) && text(d.window.begin) && text(d.window.end) ? ` (${text(d.window.begin)} → ${text(d.window.end)})` : '';
    out.push({ label: 'Records in the check window', value: `${d.recordCount.count}${d.recordCount.partial === true ? '+' : ''}${window}` });
  }
  const auth = texts(d.auth);
  out.push({ label: 'Authentication', value: auth.length > 0 ? auth.join(', ') : 'none' });
  const cert = d.clientCertificate;
  if (isObject(cert)) {
    const subject = text(cert.subject) ?? 'client certificate';
    const until = text(cert.notAfter);
    out.push({ label: 'Client certificate', value: `${subject}${until !== undefined ? `, valid until ${until.slice(0, 10)}` : ''}${cert.expired === true ? ' — expired' : ''}`, warn: cert.expired === true });
  }
  const proxy = text(d.proxy);
  if (proxy !== undefined) out.push({ label: 'Proxy', value: `${proxy}${text(d.proxyFrom) !== undefined ? ` (from ${text(d.proxyFrom)})` : ''}` });
  if (Array.isArray(d.collections)) {
    const names = d.collections.map((c) => (isObject(c) ? text(c.name) : undefined)).filter((s): s is string => s !== undefined);
    if (names.length > 0) out.push({ label: 'Collections offered', value: names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', ') });
  }
  for (const [key, label] of [['discoveryError', 'Discovery'], ['collectionsError', 'Collection listing']] as const) {
    const e = d[key];
    const message = isObject(e) ? text(e.message) : text(e);
    if (message !== undefined) out.push({ label, value: message, warn: true });
  }
  return out;
}

export function healthFacts(result: HealthResult | undefined): HealthFact[] {
  if (!result || !result.configured || !isObject(result.details)) return [];
  return result.resourceType === 'Misp' ? mispFacts(result.details) : taxiiFacts(result.details);
}
