/**
 * Hand-built MISP events for tests (until the converter builds them from STIX): an AIS-like package with a few
 * indicators, a file object and markings, plus a small STIX 1.1.1 package for upload_stix.
 */
import { v5 as uuidv5 } from 'uuid';
import type { MispAttribute, MispEvent, MispObject } from '../../core/misp/model';

const NAMESPACE = '76beed5f-7251-457e-8c2a-b45f7b589d3d';

/** A deterministic uuid per name, like the converter derives them. */
export const uuidFor = (name: string): string => uuidv5(name, NAMESPACE);

export function attribute(eventName: string, name: string, type: string, category: string, value: string, extra: Partial<MispAttribute> = {}): MispAttribute {
  return { uuid: uuidFor(`${eventName}/${name}`), type, category, value, to_ids: true, ...extra };
}

export function fileObject(eventName: string, name: string, filename: string, md5: string): MispObject {
  return {
    uuid: uuidFor(`${eventName}/${name}`),
    name: 'file',
    'meta-category': 'file',
    description: 'File object describing a file with meta-information',
    template_uuid: '688c46fb-5edb-40a3-8273-1af7923e2215',
    template_version: 25,
    Attribute: [
      { uuid: uuidFor(`${eventName}/${name}/filename`), object_relation: 'filename', type: 'filename', category: 'Payload delivery', value: filename, to_ids: false },
      { uuid: uuidFor(`${eventName}/${name}/md5`), object_relation: 'md5', type: 'md5', category: 'Payload delivery', value: md5, to_ids: true },
    ],
  };
}

/** An AIS-like event: two network indicators, a sender address (PII), a file object referencing the IP. */
export function sampleEvent(name = 'package-1', overrides: Partial<MispEvent> = {}): MispEvent {
  const file = fileObject(name, 'file-1', 'invoice.exe', 'd41d8cd98f00b204e9800998ecf8427e');
  const ip = attribute(name, 'ip-1', 'ip-dst', 'Network activity', '31.7.185.23', { comment: 'Malicious IPv4 Indicator' });
  file.ObjectReference = [{ referenced_uuid: ip.uuid, relationship_type: 'communicates-with' }];
  return {
    uuid: uuidFor(name),
    info: `IIR test ${name} - Indicators of Compromise`,
    date: '2016-07-22',
    timestamp: 1469152451,
    threat_level_id: 4,
    analysis: 0,
    distribution: 0,
    Tag: [{ name: 'tlp:amber' }, { name: 'ais-marking:TLPMarking="AMBER"' }],
    Attribute: [
      ip,
      attribute(name, 'domain-1', 'domain', 'Network activity', 'evil.example.com'),
      attribute(name, 'sender-1', 'email-src', 'Payload delivery', 'john.doe@victim.example', { to_ids: false, comment: 'PII: sender' }),
    ],
    Object: [file],
    ...overrides,
  };
}

/** A minimal STIX 1.1.1 package MISP's importer (and the test server's stand-in) turns into an event. */
export function sampleStixPackage(id = 'NCCIC:STIX_Package-830d87bb-8dfa-4b64-ba11-82db0d8117e8', options: { ip?: string; title?: string; objectUuid?: string; version?: string } = {}): string {
  const objectUuid = options.objectUuid ?? uuidFor(`${id}/object`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" xmlns:indicator="http://stix.mitre.org/Indicator-2"
  xmlns:cybox="http://cybox.mitre.org/cybox-2" xmlns:AddressObj="http://cybox.mitre.org/objects#AddressObject-2"
  xmlns:marking="http://data-marking.mitre.org/Marking-1" xmlns:tlpMarking="http://data-marking.mitre.org/extensions/MarkingStructure#TLP-1"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:NCCIC="http://www.us-cert.gov/nccic"
  id="${id}" version="${options.version ?? '1.1.1'}" timestamp="2016-07-22T01:54:11.000Z">
  <stix:STIX_Header>
    <stix:Title>${options.title ?? 'IIR test package'}</stix:Title>
    <stix:Handling><marking:Marking><marking:Marking_Structure xsi:type="tlpMarking:TLPMarkingStructureType" color="AMBER"/></marking:Marking></stix:Handling>
  </stix:STIX_Header>
  <stix:Indicators>
    <stix:Indicator id="NCCIC:Indicator-${uuidFor(`${id}/indicator`)}" xsi:type="indicator:IndicatorType">
      <indicator:Observable id="NCCIC:Observable-${uuidFor(`${id}/observable`)}">
        <cybox:Object id="NCCIC:Object-${objectUuid}">
          <cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr">
            <AddressObj:Address_Value condition="Equals">${options.ip ?? '31.7.185.23'}</AddressObj:Address_Value>
          </cybox:Properties>
        </cybox:Object>
      </indicator:Observable>
    </stix:Indicator>
  </stix:Indicators>
</stix:STIX_Package>`;
}
