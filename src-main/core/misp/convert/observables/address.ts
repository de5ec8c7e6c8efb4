/**
 * Address (`AddressObjectType`): the `category` attribute says what the value is. IPs are `ip-dst` unless the
 * object says `is_source="true"` (MISP's own importer does the same; AIS never sets it), e-mail addresses
 * `email-src` (or `email-dst` with `is_destination`), MAC → `mac-address`, ASN → `AS`. An IPv4 range
 * (InclusiveBetween) that is exactly one CIDR block becomes that block; any other range stays text.
 */
import type { GenericElement } from '../../../stix/model/types';
import { ipv4RangeToCidr } from '../values';
import type { Emitter, Val } from './emit';

/** The MISP type for an Address value of this category and direction. */
export function addressType(category: string | undefined, value: string, isSource: boolean, isDestination: boolean): string {
  switch (category) {
    case 'e-mail':
      return isDestination && !isSource ? 'email-dst' : 'email-src';
    case 'mac':
      return 'mac-address';
    case 'asn':
      return 'AS';
    case 'atm':
    case 'ipv4-netmask':
    case 'ipv6-netmask':
      return 'text';
    default:
      if (category === undefined && value.includes('@')) return 'email-src';
      return isSource && !isDestination ? 'ip-src' : 'ip-dst';
  }
}

/** The values of an Address element (the object's Properties, or a nested `From`, `IP_Address`…). */
export function addressVals(el: GenericElement | undefined, em: Emitter, field = 'Address_Value'): Val[] {
  const out: Val[] = [];
  for (const v of em.readAt(el, field, 'Address_Value')) {
    if (v.range) {
      const cidr = ipv4RangeToCidr(v.range[0], v.range[1]);
      if (cidr !== undefined) {
        out.push({ value: cidr, exact: true, notes: [`CybOX range ${v.range[0]} to ${v.range[1]} as CIDR ${cidr}`], field });
        continue;
      }
    }
    out.push(v);
  }
  return out;
}

/** The MISP type for the values of an Address element, from its attributes. */
export function addressTypeOf(el: GenericElement, value: string): string {
  const a = el.attributes;
  return addressType(a['category'], value, a['is_source'] === 'true', a['is_destination'] === 'true');
}

const PROMOTE: Record<string, { object: string; relation: string }> = {
  'ip-src': { object: 'ip-port', relation: 'ip-src' },
  'ip-dst': { object: 'ip-port', relation: 'ip-dst' },
  'email-src': { object: 'email', relation: 'from' },
  'email-dst': { object: 'email', relation: 'to' },
};

export function mapAddress(props: GenericElement, em: Emitter): void {
  const vals = addressVals(props, em);
  // One type per object in practice; group anyway so that a mixed list stays correct.
  const byType = new Map<string, Val[]>();
  for (const v of vals) {
    const type = addressTypeOf(props, v.value);
    let list = byType.get(type);
    if (!list) byType.set(type, (list = []));
    list.push(v);
  }
  for (const [type, list] of byType) {
    em.attributesOrObject(type, list, PROMOTE[type], type === 'text' ? { comment: `Address (${props.attributes['category'] ?? 'no category'})` } : {});
  }
}
