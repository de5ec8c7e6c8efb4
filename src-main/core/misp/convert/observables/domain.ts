/**
 * Names and locators: DomainName → `domain`, Hostname → `hostname` (or `domain` when `is_domain_name`),
 * URI by its `type` (URL → `url`, Domain Name → `domain`, General URN → `uri`; untyped: guessed from the value),
 * Link → `link` (its URL_Label in the comment). With related objects to reference they become `domain-ip` / `url`
 * objects. Also `namesOf` / `ipsOf`: the host names and IPs a CybOX object stands for, for Resolved_To →
 * passive-dns.
 */
import type { CyboxObject, GenericElement } from '../../../stix/model/types';
import { isExactCondition, refang, splitList } from '../values';
import type { Emitter, Val } from './emit';

const DOMAIN_LIKE = /^[a-z0-9.\-_]+\.[a-z0-9-]{2,}$/i;

export function mapDomainName(props: GenericElement, em: Emitter): void {
  em.attributesOrObject('domain', em.readAt(props, 'Value', 'Value'), { object: 'domain-ip', relation: 'domain' });
}

export function mapHostname(props: GenericElement, em: Emitter): void {
  const isDomain = props.attributes['is_domain_name'] === 'true';
  const vals = em.readAt(props, 'Hostname_Value', 'Hostname_Value');
  if (isDomain) em.attributesOrObject('domain', vals, { object: 'domain-ip', relation: 'domain' });
  else em.attributesOrObject('hostname', vals, { object: 'domain-ip', relation: 'hostname' });
  em.touch(props.children.find((c) => c.name === 'Naming_System'));
}

/** The MISP type of a URI value: by the URI `type` attribute, else by its look. */
export function uriType(uriTypeAttr: string | undefined, value: string): 'url' | 'domain' | 'uri' {
  switch (uriTypeAttr) {
    case 'URL':
      return 'url';
    case 'Domain Name':
      return 'domain';
    case 'General URN':
      return 'uri';
  }
  const v = refang(value);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return 'url';
  if (DOMAIN_LIKE.test(v)) return 'domain';
  return 'url';
}

export function mapUri(props: GenericElement, em: Emitter): void {
  const vals = em.readAt(props, 'Value', 'Value');
  const byType = new Map<string, Val[]>();
  for (const v of vals) {
    const t = uriType(props.attributes['type'], v.value);
    let l = byType.get(t);
    if (!l) byType.set(t, (l = []));
    l.push(v);
  }
  for (const [type, list] of byType) {
    const promote = type === 'url' ? { object: 'url', relation: 'url' } : type === 'domain' ? { object: 'domain-ip', relation: 'domain' } : undefined;
    em.attributesOrObject(type, list, promote);
  }
}

export function mapLink(props: GenericElement, em: Emitter): void {
  const label = em.rawAt(props, 'URL_Label');
  const comment = label !== undefined ? `Link label: ${label}` : undefined;
  for (const v of em.readAt(props, 'Value', 'Value')) {
    // `link` needs a scheme; a bare host/path is still a URL for MISP.
    const type = /^[a-z][a-z0-9+.-]*:/i.test(refang(v.value)) ? 'link' : 'url';
    em.attribute(type, v, comment !== undefined ? { comment } : {});
  }
}

// ——— values of another object, for passive-dns ———————————————————————————————————————————————

function exactValues(el: GenericElement | undefined): string[] {
  if (!el?.text || !isExactCondition(el.attributes['condition'])) return [];
  return splitList(el.text, el.attributes['apply_condition']).map(refang);
}

function hostOfUrl(url: string): string | undefined {
  try {
    const host = new URL(url).hostname;
    return host.startsWith('[') ? undefined : host || undefined;
  } catch {
    return undefined;
  }
}

const IP_LIKE = /^[0-9a-f:.]+$/i;

/** Host names (domains, hostnames, URL hosts) a CybOX object stands for; exact values only. */
export function namesOf(obj: CyboxObject | undefined): string[] {
  const props = obj?.properties;
  if (!props) return [];
  const child = (n: string): GenericElement | undefined => props.children.find((c) => c.name === n);
  switch (obj.objectType?.name) {
    case 'DomainName':
      return exactValues(child('Value')).map((v) => v.toLowerCase());
    case 'Hostname':
      return exactValues(child('Hostname_Value')).map((v) => v.toLowerCase());
    case 'URI':
    case 'Link': {
      const out: string[] = [];
      for (const v of exactValues(child('Value'))) {
        const t = uriType(props.attributes['type'], v);
        const host = t === 'url' ? hostOfUrl(v) : t === 'domain' ? v : undefined;
        if (host !== undefined && !IP_LIKE.test(host)) out.push(host.toLowerCase());
      }
      return out;
    }
    default:
      return [];
  }
}

/** IP addresses an Address object stands for; exact values only. */
export function ipsOf(obj: CyboxObject | undefined): string[] {
  const props = obj?.properties;
  if (!props || obj.objectType?.name !== 'Address') return [];
  const category = props.attributes['category'];
  if (category !== undefined && category !== 'ipv4-addr' && category !== 'ipv6-addr') return [];
  return exactValues(props.children.find((c) => c.name === 'Address_Value')).filter((v) => IP_LIKE.test(v) && !v.includes('/'));
}
