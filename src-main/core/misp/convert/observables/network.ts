/**
 * Network families:
 * - Port → `port` (protocol in the comment); SocketAddress → `ip-dst|port` / `ip-src|port` / `hostname|port` when
 *   both parts are exact, else an `ip-port` object; no port → the IP / host name alone.
 * - NetworkConnection → `network-connection` object (its HTTP session / DNS query mapped beside it);
 *   NetworkSocket → `network-socket` object.
 * - HTTPSession → `user-agent`, `http-method`, `uri` (request line), `hostname`/`port` (Host), `url` (Referer),
 *   other headers as text (MISP has no HTTP request object in the shipped templates).
 * - DNSQuery → the queried name as `domain` (query type/class in the comment) and a `passive-dns` object per
 *   answer record given inline; DNSRecord → `passive-dns` object (rrname, rdata, rrtype), else `domain` / `ip-dst`.
 */
import type { GenericElement } from '../../../stix/model/types';
import { addressTypeOf, addressVals } from './address';
import { describeVal, Emitter, type Val } from './emit';
import { uriType } from './domain';

interface Socket {
  ips: { type: string; val: Val }[];
  hosts: Val[];
  ports: Val[];
  protocols: Val[];
}

function socketOf(el: GenericElement | undefined, em: Emitter, side: 'src' | 'dst' | undefined): Socket {
  const ipEl = em.path(el, 'IP_Address');
  const ips = addressVals(ipEl, em, 'IP_Address').map((val) => {
    let type = ipEl ? addressTypeOf(ipEl, val.value) : 'ip-dst';
    if (side === 'src' && type === 'ip-dst') type = 'ip-src';
    if (side === 'dst' && type === 'ip-src') type = 'ip-dst';
    return { type, val };
  });
  return {
    ips,
    hosts: em.readAt(el, 'Hostname', 'Hostname', 'Hostname_Value'),
    ports: em.readAt(el, 'Port', 'Port', 'Port_Value'),
    protocols: em.readAt(el, 'Layer4_Protocol', 'Port', 'Layer4_Protocol'),
  };
}

const protocolComment = (protocols: Val[]): string | undefined =>
  protocols.length > 0 ? protocols.map((p) => describeVal('Layer4_Protocol', p)).join(', ') : undefined;

export function mapPort(props: GenericElement, em: Emitter): void {
  const ports = em.readAt(props, 'Port_Value', 'Port_Value');
  const protocols = em.readAt(props, 'Layer4_Protocol', 'Layer4_Protocol');
  if (em.wantsObject) {
    const draft = em.object('ip-port');
    draft.addAll('dst-port', ports);
    for (const p of protocols) draft.add('protocol', p);
    draft.emit();
    return;
  }
  const comment = protocolComment(protocols);
  em.attributeEach('port', ports, comment !== undefined ? { comment } : {});
  if (ports.length === 0) for (const p of protocols) em.text(p, 'Port Layer4_Protocol');
}

export function mapSocketAddress(props: GenericElement, em: Emitter): void {
  const s = socketOf(props, em, undefined);
  const comment = protocolComment(s.protocols);
  const opts = comment !== undefined ? { comment } : {};
  const ends = [...s.ips.map((i) => ({ kind: i.type, val: i.val })), ...s.hosts.map((val) => ({ kind: 'hostname', val }))];
  if (s.ports.length === 0) {
    for (const e of ends) em.attribute(e.kind, e.val, opts);
    if (ends.length === 0) for (const p of s.protocols) em.text(p, 'SocketAddress Layer4_Protocol');
    return;
  }
  const [end] = ends;
  const [port] = s.ports;
  if (!em.wantsObject && ends.length === 1 && s.ports.length === 1 && end && port && end.val.exact && port.exact) {
    const composite = `${end.kind}|port`;
    if (composite === 'ip-src|port' || composite === 'ip-dst|port' || composite === 'hostname|port') {
      em.attribute(composite, { value: `${end.val.value}|${port.value}`, exact: true, notes: [], field: 'SocketAddress' }, opts);
      return;
    }
  }
  if (ends.length === 0) {
    em.attributeEach('port', s.ports, opts);
    return;
  }
  const draft = em.object('ip-port');
  for (const i of s.ips) draft.add(i.type === 'ip-src' ? 'ip-src' : 'ip-dst', i.val);
  draft.addAll('hostname', s.hosts);
  const isSource = s.ips.some((i) => i.type === 'ip-src');
  draft.addAll(isSource ? 'src-port' : 'dst-port', s.ports);
  for (const p of s.protocols) draft.add('protocol', p);
  draft.emit();
}

export function mapNetworkConnection(props: GenericElement, em: Emitter): void {
  const draft = em.object('network-connection');
  for (const [el, side] of [['Source_Socket_Address', 'src'], ['Destination_Socket_Address', 'dst']] as const) {
    const s = socketOf(em.path(props, el), em, side);
    for (const i of s.ips) draft.add(side === 'src' ? 'ip-src' : 'ip-dst', i.val);
    draft.addAll(`hostname-${side}`, s.hosts);
    draft.addAll(`${side}-port`, s.ports);
    for (const p of s.protocols) if (!draft.has('layer4-protocol')) draft.add('layer4-protocol', p);
  }
  for (const layer of ['3', '4', '7'] as const) {
    for (const v of em.readAt(props, `Layer${layer}_Protocol`, `Layer${layer}_Protocol`)) draft.add(`layer${layer}-protocol`, v);
  }
  draft.addAll('first-packet-seen', em.readAt(props, 'Creation_Time', 'Creation_Time'));
  draft.emit();
  for (const http of em.pathAll(props, 'Layer7_Connections', 'HTTP_Session')) mapHttpSession(http, em);
  for (const dns of em.pathAll(props, 'Layer7_Connections', 'DNS_Query')) mapDnsQuery(dns, em);
}

const SOCKET_PROTOCOLS: Readonly<Record<string, string>> = { TCP: 'TCP', UDP: 'UDP', ICMP: 'ICMP', IP: 'IP', IPPROTO_TCP: 'TCP', IPPROTO_UDP: 'UDP', IPPROTO_ICMP: 'ICMP', IPPROTO_IP: 'IP' };

export function mapNetworkSocket(props: GenericElement, em: Emitter): void {
  const draft = em.object('network-socket');
  for (const [el, side] of [['Local_Address', 'src'], ['Remote_Address', 'dst']] as const) {
    const s = socketOf(em.path(props, el), em, side);
    for (const i of s.ips) draft.add(side === 'src' ? 'ip-src' : 'ip-dst', i.val);
    draft.addAll(`hostname-${side}`, s.hosts);
    draft.addAll(`${side}-port`, s.ports);
  }
  for (const v of em.readAt(props, 'Protocol', 'Protocol')) {
    const p = SOCKET_PROTOCOLS[v.value.toUpperCase()];
    draft.add(p !== undefined ? 'protocol' : 'option', p !== undefined ? { ...v, value: p } : { ...v, value: describeVal('Protocol', v) });
  }
  draft.addAll('address-family', em.readAt(props, 'Address_Family', 'Address_Family'));
  draft.addAll('domain-family', em.readAt(props, 'Domain', 'Domain'));
  draft.addAll('socket-type', em.readAt(props, 'Type', 'Type'));
  if (props.attributes['is_listening'] === 'true') draft.add('state', Emitter.val('listening', 'is_listening'));
  if (props.attributes['is_blocking'] !== undefined) draft.add('option', Emitter.val(props.attributes['is_blocking'] === 'true' ? 'blocking' : 'non-blocking', 'is_blocking'));
  for (const o of em.path(props, 'Options')?.children ?? []) for (const v of em.read(o)) draft.add('option', { ...v, value: describeVal(o.name, v) });
  draft.emit();
}

// ——— HTTP ———————————————————————————————————————————————————————————————————————————————————

const NET = { category: 'Network activity' };

export function mapHttpSession(props: GenericElement, em: Emitter): void {
  for (const rr of em.pathAll(props, 'HTTP_Request_Response')) {
    const request = em.path(rr, 'HTTP_Client_Request');
    const line = em.path(request, 'HTTP_Request_Line');
    const version = em.rawAt(line, 'Version');
    const lineComment = version !== undefined ? `HTTP version ${version}` : undefined;
    em.attributeEach('http-method', em.readAt(line, 'HTTP_Method', 'HTTP_Method'), { ...NET, ...(lineComment && { comment: lineComment }) });
    em.attributeEach('uri', em.readAt(line, 'Value', 'Value'), { ...NET, comment: 'HTTP request line' });
    const header = em.path(request, 'HTTP_Request_Header');
    for (const v of em.readAt(header, 'Raw_Header', 'Raw_Header')) em.text(v, 'HTTP request header (raw)', NET);
    const parsed = em.path(header, 'Parsed_Header');
    for (const field of parsed?.children ?? []) {
      switch (field.name) {
        case 'User_Agent':
          em.attributeEach('user-agent', em.read(field), NET);
          break;
        case 'Host':
          em.attributeEach('hostname', em.readAt(field, 'Host', 'Domain_Name', 'Value'), { ...NET, comment: 'HTTP Host header' });
          em.attributeEach('port', em.readAt(field, 'Host port', 'Port', 'Port_Value'), { ...NET, comment: 'HTTP Host header port' });
          em.touch(field);
          break;
        case 'Referer':
          for (const v of em.read(field)) em.attribute(uriType(undefined, v.value) === 'url' ? 'url' : 'text', v, { ...NET, comment: 'HTTP Referer' });
          break;
        case 'X_Forwarded_For':
          em.attributeEach('ip-src', em.read(field), { ...NET, comment: 'HTTP X-Forwarded-For' });
          break;
        default:
          for (const v of em.read(field)) em.text({ ...v, value: describeVal(field.name.replace(/_/g, '-'), v) }, 'HTTP request header', NET);
      }
    }
    const response = em.path(rr, 'HTTP_Server_Response');
    for (const v of em.readAt(response, 'Status_Code', 'HTTP_Status_Line', 'Status_Code')) em.text({ ...v, value: describeVal('HTTP status', v) }, 'HTTP response', NET);
    for (const field of em.path(response, 'HTTP_Response_Header', 'Parsed_Header')?.children ?? []) {
      for (const v of em.read(field)) em.text({ ...v, value: describeVal(field.name.replace(/_/g, '-'), v) }, 'HTTP response header', NET);
    }
  }
}

// ——— DNS ————————————————————————————————————————————————————————————————————————————————————

/** A `passive-dns` object: name → data of a record type. Dropped (not loosened) when a part is missing. */
export function emitPassiveDns(em: Emitter, name: Val, data: Val, rrtype: string | undefined, extra: { text?: string; raw?: Val[]; comment?: string; suffix?: string } = {}): boolean {
  const type = rrtype ?? (data.value.includes(':') ? 'AAAA' : /^[0-9.]+$/.test(data.value) ? 'A' : undefined);
  if (type === undefined) return false;
  const draft = em.object('passive-dns');
  draft.add('rrname', name, { category: 'Network activity', refang: true });
  draft.add('rdata', data, { category: 'Network activity', refang: true });
  draft.add('rrtype', Emitter.val(type.toUpperCase(), 'rrtype'), { category: 'Network activity' });
  for (const raw of extra.raw ?? []) draft.add('raw_rdata', raw, { category: 'Network activity' });
  if (extra.text !== undefined) draft.add('text', Emitter.val(extra.text, 'DNS record'), { category: 'Network activity' });
  const opts: { suffix: string; fallback: 'drop'; comment?: string } = { suffix: extra.suffix ?? `passive-dns/${name.value}/${data.value}`, fallback: 'drop' };
  if (extra.comment !== undefined) opts.comment = extra.comment;
  return draft.emit(opts) !== undefined;
}

/** DNSRecord fields: name, address or data, type, and the rest as text. */
function recordFields(rec: GenericElement, em: Emitter): { names: Val[]; ips: Val[]; data: Val[]; type?: string; lines: string[] } {
  const names = em.readAt(rec, 'Domain_Name', 'Domain_Name', 'Value');
  const ips = addressVals(em.path(rec, 'IP_Address'), em, 'IP_Address');
  const data = em.readAt(rec, 'Record_Data', 'Record_Data');
  const type = em.rawAt(rec, 'Entry_Type') ?? em.rawAt(rec, 'Record_Type');
  const lines: string[] = [];
  for (const f of ['Record_Name', 'TTL', 'Flags', 'Address_Class', 'Queried_Date', 'Data_Length', 'Description'] as const) {
    for (const v of em.readAt(rec, f, f)) lines.push(describeVal(f, v));
  }
  const out: { names: Val[]; ips: Val[]; data: Val[]; type?: string; lines: string[] } = { names, ips, data, lines };
  if (type !== undefined) out.type = type;
  return out;
}

/** A record as passive-dns objects; true when at least one was made. */
function emitRecord(rec: GenericElement, em: Emitter, fallbackName: Val | undefined): boolean {
  const r = recordFields(rec, em);
  const names = r.names.length > 0 ? r.names : fallbackName ? [fallbackName] : [];
  const rdata = r.ips.length > 0 ? r.ips : r.data;
  let made = false;
  for (const name of names) {
    for (const data of rdata) {
      const extra: { text?: string; raw?: Val[] } = {};
      if (r.lines.length > 0) extra.text = r.lines.join('\n');
      if (r.ips.length > 0 && r.data.length > 0) extra.raw = r.data;
      made = emitPassiveDns(em, name, data, r.type, extra) || made;
    }
  }
  return made;
}

export function mapDnsRecord(props: GenericElement, em: Emitter): void {
  if (emitRecord(props, em, undefined)) return;
  // Not a complete record: keep what identifies it, like MISP's importer (domain or ip-dst).
  em.attributeEach('domain', em.readAt(props, 'Domain_Name', 'Domain_Name', 'Value'));
  for (const v of addressVals(em.path(props, 'IP_Address'), em, 'IP_Address')) em.attribute('ip-dst', v);
  for (const v of em.readAt(props, 'Record_Data', 'Record_Data')) em.text(v, 'DNS record data');
}

export function mapDnsQuery(props: GenericElement, em: Emitter): void {
  const notes: string[] = [];
  const successful = props.attributes['successful'];
  const names: Val[] = [];
  for (const q of em.pathAll(props, 'Question')) {
    const type = em.rawAt(q, 'QType');
    const cls = em.rawAt(q, 'QClass');
    notes.push(`DNS query${type !== undefined ? ` type ${type}` : ''}${cls !== undefined ? ` class ${cls}` : ''}${successful !== undefined ? `, successful: ${successful}` : ''}`);
    names.push(...em.readAt(q, 'QName', 'QName', 'Value'));
  }
  const comment = notes.join('; ');
  for (const v of names) {
    const t = uriType(undefined, v.value) === 'domain' ? 'domain' : 'hostname';
    em.attributesOrObject(t, [v], { object: 'domain-ip', relation: t }, comment !== '' ? { comment } : {});
  }
  for (const list of ['Answer_Resource_Records', 'Authority_Resource_Records', 'Additional_Records'] as const) {
    for (const rec of em.pathAll(props, list, 'Resource_Record')) emitRecord(rec, em, names[0]);
  }
}
