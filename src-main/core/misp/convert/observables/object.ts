/**
 * One CybOX Object → MISP: dispatch on its type, then its related objects — `Resolved_To` between a name and an
 * address becomes a `passive-dns` object; every other relation an object reference (`Connected_To` →
 * `connected-to`) from this object's MISP object to the related one's uuid. Inline related objects are mapped
 * here; related objects given by idref are mapped where they are defined and only referenced here.
 */
import type { CyboxObject, Observable } from '../../../stix/model/types';
import type { MappingContext, Mapped, MappingOutcome } from '../contract';
import { derivedUuid } from '../contract';
import { mapAccount, mapUserAccount } from './account';
import { mapAddress } from './address';
import { mapArtifact } from './artifact';
import { mapCode, mapCustom, mapCustomProperties, mapUnknown } from './custom';
import { ipsOf, mapDomainName, mapHostname, mapLink, mapUri, namesOf } from './domain';
import { mapEmailMessage } from './email';
import { Emitter, type Mapper } from './emit';
import { mapFile, mapWindowsDriver, mapWindowsExecutableFile } from './file';
import { emitPassiveDns, mapDnsQuery, mapDnsRecord, mapHttpSession, mapNetworkConnection, mapNetworkSocket, mapPort, mapSocketAddress } from './network';
import { refTarget, relationshipName } from './refs';
import { mapWindowsRegistryKey } from './registry';
import { mapMutex, mapPipe, mapProcess, mapSemaphore, mapSystem, mapWindowsService, mapWindowsTask } from './system';
import { mapAs, mapWhois } from './whois';
import { mapX509Certificate } from './x509';

/** CybOX object type (short name, see `CyboxType.name`) → its mapper. Anything else: `mapUnknown` (text). */
export const MAPPERS: ReadonlyMap<string, Mapper> = new Map<string, Mapper>([
  ['Address', mapAddress],
  ['DomainName', mapDomainName],
  ['Hostname', mapHostname],
  ['URI', mapUri],
  ['Link', mapLink],
  ['File', mapFile],
  ['WindowsFile', mapFile],
  ['UnixFile', mapFile],
  ['PDFFile', mapFile],
  ['ImageFile', mapFile],
  ['ArchiveFile', mapFile],
  ['WindowsExecutableFile', mapWindowsExecutableFile],
  ['WindowsDriver', mapWindowsDriver],
  ['EmailMessage', mapEmailMessage],
  ['Mutex', mapMutex],
  ['WindowsMutex', mapMutex],
  ['Pipe', mapPipe],
  ['WindowsPipe', mapPipe],
  ['UnixPipe', mapPipe],
  ['Semaphore', mapSemaphore],
  ['WindowsSemaphore', mapSemaphore],
  ['WindowsTask', mapWindowsTask],
  ['WindowsRegistryKey', mapWindowsRegistryKey],
  ['Port', mapPort],
  ['SocketAddress', mapSocketAddress],
  ['NetworkConnection', mapNetworkConnection],
  ['NetworkSocket', mapNetworkSocket],
  ['HTTPSession', mapHttpSession],
  ['DNSQuery', mapDnsQuery],
  ['DNSRecord', mapDnsRecord],
  ['X509Certificate', mapX509Certificate],
  ['Whois', mapWhois],
  ['AS', mapAs],
  ['Process', mapProcess],
  ['WindowsProcess', mapProcess],
  ['UnixProcess', mapProcess],
  ['WindowsService', mapWindowsService],
  ['System', mapSystem],
  ['WindowsSystem', mapSystem],
  ['UserAccount', mapUserAccount],
  ['WindowsUserAccount', mapUserAccount],
  ['UnixUserAccount', mapUserAccount],
  ['WindowsComputerAccount', mapAccount],
  ['Account', mapAccount],
  ['Artifact', mapArtifact],
  ['Custom', mapCustom],
  ['Code', mapCode],
]);

/** Coverage type for an object that has no Properties. */
export const NO_PROPERTIES = '(no properties)';
/** Coverage type for an idref that does not resolve. */
export const UNRESOLVED = '(unresolved idref)';

/** Each CybOX definition counts once per report, however often it is reached (inline, idref, twice by idref). */
const counted = new WeakMap<object, WeakSet<object>>();

/**
 * Counts a definition as skipped, with the warning that says why (message `<type>: <reason>`, so that a report
 * reader — and the corpus test — can tell every skip was announced).
 */
export function skip(ctx: MappingContext, definition: object, type: string, code: string, reason: string, where: string | undefined): void {
  ctx.report.warn(code, `${type}: ${reason}`, where);
  countOnce(ctx, definition, type, 'skipped');
}

export function countOnce(ctx: MappingContext, definition: object, type: string, outcome: MappingOutcome): void {
  let set = counted.get(ctx.report);
  if (!set) counted.set(ctx.report, (set = new WeakSet()));
  if (set.has(definition)) return;
  set.add(definition);
  ctx.report.count(type, outcome);
}

const MAX_DEPTH = 16;

function isResolvedTo(o: CyboxObject): boolean {
  return (o.relationship?.value ?? '').trim().toLowerCase() === 'resolved_to';
}

/** Related objects by idref resolve through `ctx.resolveObject`; inline ones are themselves. */
function related(ctx: MappingContext, r: CyboxObject): CyboxObject | undefined {
  return r.idref !== undefined && !r.properties ? ctx.resolveObject?.(r.idref) : r;
}

/**
 * Maps one CybOX object (and its inline related objects) into `out`. `baseKey` is the uuid key of its first
 * piece (its id, else its observable's id). Returns that first piece's uuid, if anything was made.
 */
export function mapCyboxObject(obj: CyboxObject, ctx: MappingContext, baseKey: string | undefined, observable: Observable | undefined, out: Mapped, depth = 0): string | undefined {
  if (depth > MAX_DEPTH) {
    ctx.report.warn('too-deep', `CybOX objects nested deeper than ${MAX_DEPTH} levels; the rest is skipped.`, obj.id ?? observable?.id);
    return undefined;
  }
  if (obj.idref !== undefined && !obj.properties) {
    const target = ctx.resolveObject?.(obj.idref);
    if (!target) {
      skip(ctx, obj, UNRESOLVED, 'unresolved-idref', `Object ${obj.idref} is referenced but not defined in the package; skipped.`, obj.idref);
      return undefined;
    }
    return mapCyboxObject(target, ctx, target.id ?? baseKey, observable, out, depth + 1);
  }
  const where = obj.id ?? observable?.id;
  const type = obj.objectType?.name ?? (obj.properties ? '(untyped properties)' : NO_PROPERTIES);
  const em = new Emitter(ctx, type, obj.id ?? baseKey, where, observable);
  // Resolved_To between a name and an address is passive DNS; every other relation is an object reference.
  const pdns: [string, string][][] = [];
  if (obj.relatedObjects.length > 0) {
    const hasResolvedTo = obj.relatedObjects.some(isResolvedTo);
    const names = hasResolvedTo ? namesOf(obj) : [];
    const ips = hasResolvedTo ? ipsOf(obj) : [];
    for (const r of obj.relatedObjects) {
      const pairs: [string, string][] = [];
      if (hasResolvedTo && isResolvedTo(r)) {
        const target = related(ctx, r);
        if (names.length > 0) for (const n of names) for (const ip of ipsOf(target)) pairs.push([n, ip]);
        if (ips.length > 0) for (const n of namesOf(target)) for (const ip of ips) pairs.push([n, ip]);
      }
      pdns.push(pairs);
    }
    em.wantsObject = pdns.some((p) => p.length === 0);
  }

  const props = obj.properties;
  if (props) {
    (MAPPERS.get(type) ?? mapUnknown)(props, em);
    if (MAPPERS.has(type) && type !== 'Custom' && type !== 'Code') mapCustomProperties(props, em);
  } else if (obj.description !== undefined) {
    em.text(Emitter.val(obj.description.trim(), 'Description'), 'CybOX object description (no properties)');
  }

  for (const pairs of pdns) {
    for (const [n, ip] of pairs) emitPassiveDns(em, Emitter.val(n, 'Resolved_To'), Emitter.val(ip, 'Resolved_To'), undefined, { comment: 'CybOX Resolved_To' });
  }

  // Outcome for the coverage report, and the reasons when nothing came out.
  const outcome: MappingOutcome =
    em.objects.length > 0 || em.attributes.some((a) => a.type !== 'text') ? 'mapped' : em.attributes.length > 0 ? 'text' : 'skipped';
  if (outcome === 'skipped') skip(ctx, obj, type, 'skipped', `the object gave nothing MISP can hold (${props ? 'no usable value' : 'no properties'}); skipped.`, where);
  else countOnce(ctx, obj, type, outcome);
  const unread = em.unreadFields(props);
  if (unread.length > 0) ctx.report.info('fields-not-mapped', `${type}: fields without a MISP mapping: ${unread.join(', ')}.`, where);

  out.attributes.push(...em.attributes);
  out.objects.push(...em.objects);

  // Other related objects: references from this object's MISP object.
  const source = em.objects.find((o) => o.uuid === em.primaryUuid);
  obj.relatedObjects.forEach((r, i) => {
    if ((pdns[i] ?? []).length > 0) return;
    let targetUuid: string | undefined;
    if (r.idref !== undefined && !r.properties) {
      const target = refTarget(ctx, r.idref);
      if (!target) {
        ctx.report.info('unresolved-idref', `Related object ${r.idref} is not defined in the package; no reference.`, where);
        return;
      }
      targetUuid = ctx.uuid ? ctx.uuid(target.key) : derivedUuid(ctx.eventUuid, target.key);
    } else {
      const childKey = r.id ?? (em.baseKey !== undefined ? `${em.baseKey}/related/${i}` : undefined);
      targetUuid = mapCyboxObject(r, ctx, childKey, observable, out, depth + 1);
    }
    if (targetUuid === undefined) return;
    const relationship = relationshipName(r.relationship?.value);
    if (source) em.reference(source, targetUuid, relationship);
    else if (em.primaryUuid !== undefined) {
      ctx.report.info('reference-dropped', `${type} maps to an attribute; the "${relationship}" relation to ${r.idref ?? r.id ?? 'an inline object'} has no MISP object to hang on.`, where);
    }
  });
  return em.primaryUuid;
}
