/**
 * The identifiers TAXII 1.1.1 puts on the wire (reference/taxii.md §1.1, §1.5). Kept in one place so a typo in a
 * URN cannot hide in a message builder or a header.
 */

/** The TAXII 1.1 XML message namespace. Every message element lives in it, whatever prefix a server picks. */
export const TAXII_11_NS = 'http://taxii.mitre.org/messages/taxii_xml_binding-1.1';
/** TAXII 1.0's namespace: recognised only to tell the user the server speaks the older version. */
export const TAXII_10_NS = 'http://taxii.mitre.org/messages/taxii_xml_binding-1';
/** The prefix we write. OpenTAXII writes the same one, which makes our requests easy to compare with its logs. */
export const TAXII_PREFIX = 'taxii_11';

/** X-TAXII-Content-Type / X-TAXII-Accept value for the TAXII 1.1 XML message binding. */
export const MESSAGE_BINDING_XML_11 = 'urn:taxii.mitre.org:message:xml:1.1';
export const MESSAGE_BINDING_XML_10 = 'urn:taxii.mitre.org:message:xml:1.0';
/** X-TAXII-Services value. */
export const SERVICES_11 = 'urn:taxii.mitre.org:services:1.1';
/** X-TAXII-Protocol values, chosen from the URL scheme. */
export const PROTOCOL_HTTP = 'urn:taxii.mitre.org:protocol:http:1.0';
export const PROTOCOL_HTTPS = 'urn:taxii.mitre.org:protocol:https:1.0';

/** The STIX content binding FLARE MISP asks for by default. */
export const CONTENT_BINDING_STIX_111 = 'urn:stix.mitre.org:xml:1.1.1';

export const HEADER = {
  contentType: 'content-type',
  accept: 'accept',
  taxiiContentType: 'x-taxii-content-type',
  taxiiAccept: 'x-taxii-accept',
  taxiiServices: 'x-taxii-services',
  taxiiProtocol: 'x-taxii-protocol',
} as const;

export type ServiceType = 'DISCOVERY' | 'COLLECTION_MANAGEMENT' | 'INBOX' | 'POLL';
export type ResponseType = 'FULL' | 'COUNT_ONLY';
export type CollectionType = 'DATA_FEED' | 'DATA_SET';
