/**
 * A small stand-in for MISP's legacy STIX 1 importer (what `/events/upload_stix` runs, `misp.md` §1), enough to
 * behave like it where the client cares: info from the header title, simple CybOX observables as attributes whose
 * uuid is the UUID part of the CybOX Object id (so a re-upload collides and loses them, like MISP), TLP tags,
 * STIX 1.1.1 and 1.2 only.
 */
import { randomUUID } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { defaultCategory } from '../../core/misp/validate/describe-types';
import { isMispUuid } from '../../core/misp/validate/event';

export interface ImportedAttribute {
  uuid: string;
  type: string;
  category: string;
  value: string;
  toIds: boolean;
}

export interface ImportedPackage {
  info: string;
  date: string;
  timestamp?: number;
  tags: string[];
  attributes: ImportedAttribute[];
}

export class StixImportError extends Error {}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (isNode(v) && (typeof v['#text'] === 'string' || typeof v['#text'] === 'number')) return String(v['#text']);
  return undefined;
}

/** The CybOX object's MISP type and value(s), for the few types the stand-in knows. */
function observe(properties: Node): Array<{ type: string; value: string }> {
  const xsiType = String(properties['@_type'] ?? '').split(':').pop() ?? '';
  const values = (field: unknown): string[] => (textOf(field) ?? '').split('##comma##').map((v) => v.trim()).filter((v) => v !== '');
  switch (xsiType) {
    case 'AddressObjectType': {
      const type = properties['@_category'] === 'e-mail' ? 'email-src' : properties['@_is_source'] === 'true' ? 'ip-src' : 'ip-dst';
      return values(properties.Address_Value).map((value) => ({ type, value }));
    }
    case 'DomainNameObjectType':
      return values(properties.Value).map((value) => ({ type: 'domain', value }));
    case 'HostnameObjectType':
      return values(properties.Hostname_Value).map((value) => ({ type: 'hostname', value }));
    case 'URIObjectType':
      return values(properties.Value).map((value) => ({ type: 'url', value }));
    case 'MutexObjectType':
      return values(properties.Name).map((value) => ({ type: 'mutex', value }));
    case 'FileObjectType':
    case 'WindowsFileObjectType': {
      const hashes = isNode(properties.Hashes) ? asList(properties.Hashes.Hash).filter(isNode) : [];
      for (const hash of hashes) {
        const kind = (textOf(hash.Type) ?? '').toLowerCase();
        const value = textOf(hash.Simple_Hash_Value);
        if (value && ['md5', 'sha1', 'sha256'].includes(kind)) return [{ type: kind, value: value.trim().toLowerCase() }];
      }
      return values(properties.File_Name).map((value) => ({ type: 'filename', value }));
    }
    default:
      return [];
  }
}

export function importStix(xml: string): ImportedPackage {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new StixImportError(`Error while loading the STIX file: ${valid.err.msg}`);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', removeNSPrefix: true, processEntities: false });
  const doc = parser.parse(xml) as Node;
  const root = doc.STIX_Package;
  if (!isNode(root)) throw new StixImportError('Error while loading the STIX file: the document is not a STIX_Package.');
  const version = String(root['@_version'] ?? '');
  if (version !== '1.1.1' && version !== '1.2') {
    throw new StixImportError(`Error while loading the STIX file: STIX version ${version || '(none)'} is not supported (1.1.1 and 1.2 only).`);
  }
  const header = isNode(root.STIX_Header) ? root.STIX_Header : {};
  const info = textOf(header.Title)?.trim() || 'Imported from external STIX event';
  const stamp = typeof root['@_timestamp'] === 'string' ? Date.parse(root['@_timestamp']) : NaN;
  const date = Number.isNaN(stamp) ? new Date().toISOString().slice(0, 10) : new Date(stamp).toISOString().slice(0, 10);

  const tags = new Set<string>();
  const attributes: ImportedAttribute[] = [];
  const walk = (node: unknown, inIndicator: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, inIndicator));
    if (!isNode(node)) return;
    for (const [key, child] of Object.entries(node)) {
      if (key.startsWith('@_') || key === '#text') continue;
      if (key === 'Marking_Structure') {
        for (const m of asList(child).filter(isNode)) if (typeof m['@_color'] === 'string') tags.add(`tlp:${m['@_color'].toLowerCase()}`);
      }
      if (key === 'Object') {
        for (const object of asList(child).filter(isNode)) {
          const id = String(object['@_id'] ?? '');
          const tail = id.slice(id.indexOf('-') + 1);
          const properties = isNode(object.Properties) ? object.Properties : undefined;
          if (properties) {
            observe(properties).forEach((o, i) => {
              const category = defaultCategory(o.type) ?? 'Other';
              attributes.push({ uuid: i === 0 && isMispUuid(tail) ? tail.toLowerCase() : randomUUID(), type: o.type, category, value: o.value, toIds: inIndicator });
            });
          }
        }
      }
      walk(child, inIndicator || key === 'Indicator');
    }
  };
  walk(root, false);

  const result: ImportedPackage = { info, date, tags: [...tags], attributes };
  if (!Number.isNaN(stamp)) result.timestamp = Math.floor(stamp / 1000);
  return result;
}
