/**
 * The MISP data FLARE MISP ships (see README.md for provenance): attribute types and categories
 * (`describeTypes.json`) and the object templates the converter may build (`objects/*.json`).
 *
 * The files are imported, not read from disk, so they travel inside the bundle and the product never depends on
 * the workplace reference folder at run time. To add a template: copy its definition.json here and list it below.
 */
import describeTypesFile from './describeTypes.json';
import asnTemplate from './objects/asn.json';
import attackPatternTemplate from './objects/attack-pattern.json';
import courseOfActionTemplate from './objects/course-of-action.json';
import credentialTemplate from './objects/credential.json';
import domainIpTemplate from './objects/domain-ip.json';
import emailTemplate from './objects/email.json';
import fileTemplate from './objects/file.json';
import ipPortTemplate from './objects/ip-port.json';
import malwareTemplate from './objects/malware.json';
import networkConnectionTemplate from './objects/network-connection.json';
import networkSocketTemplate from './objects/network-socket.json';
import originalImportedFileTemplate from './objects/original-imported-file.json';
import passiveDnsTemplate from './objects/passive-dns.json';
import peTemplate from './objects/pe.json';
import peSectionTemplate from './objects/pe-section.json';
import processTemplate from './objects/process.json';
import registryKeyTemplate from './objects/registry-key.json';
import reportTemplate from './objects/report.json';
import urlTemplate from './objects/url.json';
import userAccountTemplate from './objects/user-account.json';
import vulnerabilityTemplate from './objects/vulnerability.json';
import whoisTemplate from './objects/whois.json';
import x509Template from './objects/x509.json';

/** `describeTypes.json`'s `result`: what MISP accepts as attribute types and categories. */
export interface DescribeTypesData {
  sane_defaults: Record<string, { default_category: string; to_ids: number }>;
  types: string[];
  categories: string[];
  category_type_mappings: Record<string, string[]>;
}

/** One relation of an object template (`attributes.<relation>` in definition.json). */
export interface TemplateRelationData {
  'misp-attribute': string;
  description?: string;
  multiple?: boolean;
  categories?: string[];
  values_list?: string[];
  sane_default?: string[];
  to_ids?: boolean;
  disable_correlation?: boolean;
  recommended?: boolean;
  'ui-priority'?: number;
}

/** A misp-objects template (`objects/<name>/definition.json`). */
export interface ObjectTemplateData {
  name: string;
  uuid: string;
  version: number;
  'meta-category': string;
  description: string;
  attributes: Record<string, TemplateRelationData>;
  required?: string[];
  requiredOneOf?: string[];
}

export const describeTypesData: DescribeTypesData = (describeTypesFile as { result: DescribeTypesData }).result;

export const objectTemplatesData: readonly ObjectTemplateData[] = [
  asnTemplate,
  attackPatternTemplate,
  courseOfActionTemplate,
  credentialTemplate,
  domainIpTemplate,
  emailTemplate,
  fileTemplate,
  ipPortTemplate,
  malwareTemplate,
  networkConnectionTemplate,
  networkSocketTemplate,
  originalImportedFileTemplate,
  passiveDnsTemplate,
  peTemplate,
  peSectionTemplate,
  processTemplate,
  registryKeyTemplate,
  reportTemplate,
  urlTemplate,
  userAccountTemplate,
  vulnerabilityTemplate,
  whoisTemplate,
  x509Template,
] as ObjectTemplateData[];
