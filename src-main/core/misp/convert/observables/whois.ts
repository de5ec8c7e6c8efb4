/**
 * Whois → `whois` object (domain, ip-address, registrar, registrant name/e-mail/phone/org, creation /
 * modification / expiration dates, nameservers, remarks as comment, status and the rest as text).
 * AS → `AS` (number or numeric handle) alone, or an `asn` object (asn, name) when it also has a name or registry.
 */
import type { GenericElement } from '../../../stix/model/types';
import { addressVals } from './address';
import { describeVal, type Emitter, type Val } from './emit';

export function mapWhois(props: GenericElement, em: Emitter): void {
  const draft = em.object('whois');
  draft.addAll('domain', em.readAt(props, 'Domain_Name', 'Domain_Name', 'Value'));
  draft.addAll('ip-address', addressVals(em.path(props, 'IP_Address'), em, 'IP_Address'));
  const registrar = em.path(props, 'Registrar_Info');
  draft.addAll('registrar', em.readAt(registrar, 'Registrar', 'Name'));
  if (!draft.has('registrar')) draft.addAll('registrar', em.readAt(props, 'Sponsoring_Registrar', 'Sponsoring_Registrar'));
  for (const r of em.pathAll(props, 'Registrants', 'Registrant')) {
    draft.addAll('registrant-name', em.readAt(r, 'Name', 'Name'));
    draft.addAll('registrant-email', addressVals(em.path(r, 'Email_Address'), em, 'Email_Address'));
    draft.addAll('registrant-phone', em.readAt(r, 'Phone_Number', 'Phone_Number'));
    draft.addAll('registrant-org', em.readAt(r, 'Organization', 'Organization'));
  }
  draft.addAll('creation-date', em.readAt(props, 'Creation_Date', 'Creation_Date'));
  draft.addAll('modification-date', em.readAt(props, 'Updated_Date', 'Updated_Date'));
  draft.addAll('expiration-date', em.readAt(props, 'Expiration_Date', 'Expiration_Date'));
  draft.addAll('nameserver', em.readAt(props, 'Nameserver', 'Nameservers', 'Nameserver', 'Value'));
  draft.addAll('comment', em.readAt(props, 'Remarks', 'Remarks'));
  const lines: string[] = [];
  const line = (label: string, vals: Val[]): void => {
    for (const v of vals) lines.push(describeVal(label, v));
  };
  line('Status', em.readAt(props, 'Status', 'Status', 'Status'));
  line('Whois server', em.readAt(props, 'Server_Name', 'Server_Name', 'Value'));
  line('Regional Internet Registry', em.readAt(props, 'Regional_Internet_Registry', 'Regional_Internet_Registry'));
  line('Domain ID', em.readAt(props, 'Domain_ID', 'Domain_ID'));
  line('DNSSEC', em.readAt(props, 'DNSSEC', 'DNSSEC'));
  line('Lookup date', em.readAt(props, 'Lookup_Date', 'Lookup_Date'));
  line('Registrar e-mail', addressVals(em.path(registrar, 'Email_Address'), em, 'Email_Address'));
  line('Registrar phone', em.readAt(registrar, 'Phone_Number', 'Phone_Number'));
  if (lines.length > 0) draft.add('text', { value: lines.join('\n'), exact: false, notes: [], field: 'Whois details' });
  draft.emit();
}

export function mapAs(props: GenericElement, em: Emitter): void {
  const numbers = [...em.readAt(props, 'Number', 'Number'), ...em.readAt(props, 'Handle', 'Handle')];
  const names = em.readAt(props, 'Name', 'Name');
  const rir = em.readAt(props, 'Regional_Internet_Registry', 'Regional_Internet_Registry');
  if (names.length === 0 && rir.length === 0 && !em.wantsObject) {
    em.attributeEach('AS', numbers);
    return;
  }
  const draft = em.object('asn');
  draft.addAll('asn', numbers);
  draft.addAll('name', names);
  const comment = rir.map((v) => describeVal('Regional Internet Registry', v)).join(', ');
  draft.emit(comment !== '' ? { comment } : {});
}
