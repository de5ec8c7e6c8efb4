/**
 * A synthetic DHS-AIS-like feed: N packages × M indicators, shaped like real AIS 1.1.1 packages (NCCIC ids,
 * AIS consent + TLP marking with a CIQ submitter, indicator titles and types, kill chain phases, CybOX
 * Address / DomainName / URI / File / EmailMessage observables). Deterministic: the same arguments always give
 * the same bytes, so benchmark runs compare. Used by the benchmarks and, with a variant per package (marking,
 * timestamp, title, indicators left out), by the demo's feed (demo-feed.ts). All content is made up here.
 */
import { createHash } from 'node:crypto';

export interface AisFeedOptions {
  packages: number;
  indicatorsPerPackage: number;
  /** Timestamp of the first package; each next one is a minute later. */
  start?: Date;
}

export interface SyntheticPackage {
  id: string;
  timestamp: string;
  xml: string;
}

/** A stable UUID-shaped id from a name (sha1, like UUIDv5 without the namespace ceremony). */
function uuidFor(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export type AisConsent = 'EVERYONE' | 'USG' | 'NONE';
export type TlpColor = 'WHITE' | 'GREEN' | 'AMBER' | 'RED';

export interface AisMarking {
  consent: AisConsent;
  color: TlpColor;
  /** Is_Proprietary (CISA_Proprietary="true") instead of Not_Proprietary. */
  proprietary?: boolean;
}

/** What a package may differ in from the plain series (every field optional; none = the benchmark's bytes). */
export interface AisPackageVariant {
  marking?: AisMarking;
  /** The package's (and its indicators') timestamp, instead of `start` + p minutes. */
  timestamp?: string;
  title?: string;
  description?: string;
  /** Indicator numbers left out (a re-issue that withdrew some). */
  omitIndicators?: readonly number[];
}

const MARKINGS: [consent: AisConsent, color: TlpColor][] = [
  ['EVERYONE', 'GREEN'],
  ['EVERYONE', 'AMBER'],
  ['USG', 'AMBER'],
  ['EVERYONE', 'WHITE'],
  ['NONE', 'AMBER'],
];
const SECTORS = ['Information Technology Sector', 'Financial Services Sector', 'Energy Sector', 'Healthcare and Public Health Sector'];
const PHASES: [name: string, ordinality: number, id: string][] = [
  ['Delivery', 3, 'stix:KillChainPhase-79a0e041-9d5f-49bb-ada4-8322622b162d'],
  ['Command and Control', 6, 'stix:KillChainPhase-d6dc32b9-2538-4951-8733-3cb9ef1daae2'],
  ['Installation', 5, 'stix:KillChainPhase-e1e4e3f7-be3b-4b39-b80a-a593cfd99a4f'],
];

const NAMESPACES = [
  'xmlns:stix="http://stix.mitre.org/stix-1"',
  'xmlns:stixCommon="http://stix.mitre.org/common-1"',
  'xmlns:stixVocabs="http://stix.mitre.org/default_vocabularies-1"',
  'xmlns:indicator="http://stix.mitre.org/Indicator-2"',
  'xmlns:marking="http://data-marking.mitre.org/Marking-1"',
  'xmlns:AIS="http://www.us-cert.gov/STIXMarkingStructure#AISConsentMarking-2"',
  'xmlns:stix-ciq="http://stix.mitre.org/extensions/Identity#CIQIdentity3.0-1"',
  'xmlns:xpil="urn:oasis:names:tc:ciq:xpil:3"',
  'xmlns:xnl="urn:oasis:names:tc:ciq:xnl:3"',
  'xmlns:xal="urn:oasis:names:tc:ciq:xal:3"',
  'xmlns:cybox="http://cybox.mitre.org/cybox-2"',
  'xmlns:cyboxCommon="http://cybox.mitre.org/common-2"',
  'xmlns:cyboxVocabs="http://cybox.mitre.org/default_vocabularies-2"',
  'xmlns:AddressObj="http://cybox.mitre.org/objects#AddressObject-2"',
  'xmlns:DomainNameObj="http://cybox.mitre.org/objects#DomainNameObject-1"',
  'xmlns:URIObj="http://cybox.mitre.org/objects#URIObject-2"',
  'xmlns:FileObj="http://cybox.mitre.org/objects#FileObject-2"',
  'xmlns:EmailMessageObj="http://cybox.mitre.org/objects#EmailMessageObject-2"',
  'xmlns:NCCIC="http://www.us-cert.gov/nccic"',
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
].join(' ');

function observableFor(p: number, i: number): { title: string; type: string; properties: string } {
  const n = p * 1000 + i;
  const md5 = createHash('md5').update(`file-${n}`).digest('hex');
  switch (n % 5) {
    case 0: {
      const ip = `198.51.${(n >> 8) % 256}.${n % 256}`;
      return {
        title: `Malicious IP ${ip}`,
        type: 'IP Watchlist',
        properties: `<cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr"><AddressObj:Address_Value condition="Equals">${ip}</AddressObj:Address_Value></cybox:Properties>`,
      };
    }
    case 1: {
      const domain = `bad${n}.example.com`;
      return {
        title: `Malicious domain ${domain}`,
        type: 'Domain Watchlist',
        properties: `<cybox:Properties xsi:type="DomainNameObj:DomainNameObjectType" type="FQDN"><DomainNameObj:Value condition="Equals">${domain}</DomainNameObj:Value></cybox:Properties>`,
      };
    }
    case 2: {
      const url = `http://bad${n}.example.net/path/${md5.slice(0, 8)}.php?id=${n}&amp;x=1`;
      return {
        title: 'Malicious URL',
        type: 'URL Watchlist',
        properties: `<cybox:Properties xsi:type="URIObj:URIObjectType" type="URL"><URIObj:Value condition="Equals">${url}</URIObj:Value></cybox:Properties>`,
      };
    }
    case 3: {
      const sha256 = createHash('sha256').update(`file-${n}`).digest('hex');
      return {
        title: 'Malicious file',
        type: 'File Hash Watchlist',
        properties:
          `<cybox:Properties xsi:type="FileObj:FileObjectType"><FileObj:File_Name condition="Equals">invoice_${n}.exe</FileObj:File_Name>` +
          `<FileObj:Size_In_Bytes condition="Equals">${10_000 + n}</FileObj:Size_In_Bytes><FileObj:Hashes>` +
          `<cyboxCommon:Hash><cyboxCommon:Type xsi:type="cyboxVocabs:HashNameVocab-1.0">MD5</cyboxCommon:Type><cyboxCommon:Simple_Hash_Value condition="Equals">${md5}</cyboxCommon:Simple_Hash_Value></cyboxCommon:Hash>` +
          `<cyboxCommon:Hash><cyboxCommon:Type xsi:type="cyboxVocabs:HashNameVocab-1.0">SHA256</cyboxCommon:Type><cyboxCommon:Simple_Hash_Value condition="Equals">${sha256}</cyboxCommon:Simple_Hash_Value></cyboxCommon:Hash>` +
          `</FileObj:Hashes></cybox:Properties>`,
      };
    }
    default:
      return {
        title: 'Malicious E-mail Indicator',
        type: 'Malicious E-mail',
        properties:
          `<cybox:Properties xsi:type="EmailMessageObj:EmailMessageObjectType"><EmailMessageObj:Header>` +
          `<EmailMessageObj:From category="e-mail" xsi:type="AddressObj:AddressObjectType"><AddressObj:Address_Value condition="Equals">sender${n}@phish.example.org</AddressObj:Address_Value></EmailMessageObj:From>` +
          `<EmailMessageObj:Subject condition="Equals">Invoice ${n} overdue</EmailMessageObj:Subject></EmailMessageObj:Header></cybox:Properties>`,
      };
  }
}

/** Package number `p` (0-based) of the feed, with `indicators` indicators. */
export function aisPackage(p: number, indicators: number, start = new Date('2016-01-01T00:00:00Z'), variant: AisPackageVariant = {}): SyntheticPackage {
  const id = `NCCIC:STIX_Package-${uuidFor(`package-${p}`)}`;
  const timestamp = variant.timestamp ?? new Date(start.getTime() + p * 60_000).toISOString().replace('.000Z', '+00:00');
  const [consent, color] = variant.marking ? [variant.marking.consent, variant.marking.color] : MARKINGS[p % MARKINGS.length]!;
  const proprietary = variant.marking?.proprietary === true;
  const structure = proprietary ? 'Is_Proprietary' : 'Not_Proprietary';
  const omit = new Set(variant.omitIndicators ?? []);
  const sector = SECTORS[p % SECTORS.length]!;
  const parts: string[] = [];
  parts.push(
    `<stix:STIX_Package ${NAMESPACES} id="${id}" version="1.1.1" timestamp="${timestamp}">\n`,
    `  <stix:STIX_Header>\n    <stix:Title>${variant.title ?? `Synthetic AIS package ${p + 1}`}</stix:Title>\n`,
    `    <stix:Package_Intent xsi:type="stixVocabs:PackageIntentVocab-1.0">Indicators</stix:Package_Intent>\n`,
    `    <stix:Description>${variant.description ?? `Synthetic AIS-like package ${p + 1} with ${indicators} indicators, for benchmarks.`}</stix:Description>\n`,
    `    <stix:Profiles><stixCommon:Profile>AIS Profile v1.1</stixCommon:Profile></stix:Profiles>\n`,
    `    <stix:Handling><marking:Marking><marking:Controlled_Structure>//node() | //@*</marking:Controlled_Structure>`,
    `<marking:Marking_Structure xsi:type="AIS:AISMarkingStructure"><AIS:${structure} CISA_Proprietary="${proprietary}">`,
    `<AIS:AISConsent consent="${consent}"/><AIS:TLPMarking color="${color}"/></AIS:${structure}></marking:Marking_Structure></marking:Marking></stix:Handling>\n`,
    `    <stix:Information_Source><stixCommon:Contributing_Sources><stixCommon:Source>`,
    `<stixCommon:Identity xsi:type="stix-ciq:CIQIdentity3.0InstanceType"><stix-ciq:Specification>`,
    `<xpil:PartyName><xnl:OrganisationName><xnl:NameElement>Example Submitter ${p % 7}</xnl:NameElement></xnl:OrganisationName></xpil:PartyName>`,
    `<xpil:Addresses><xpil:Address><xal:Country><xal:NameElement xal:NameCode="US" xal:NameCodeType="ISO_3166-1_alpha-2"/></xal:Country>`,
    `<xal:AdministrativeArea><xal:NameElement xal:NameCode="US-VA" xal:NameCodeType="ISO_3166-2"/></xal:AdministrativeArea></xpil:Address></xpil:Addresses>`,
    `<xpil:OrganisationInfo xpil:IndustryType="${sector}"/></stix-ciq:Specification></stixCommon:Identity>`,
    `<stixCommon:Tools><cyboxCommon:Tool><cyboxCommon:Metadata><cyboxCommon:Value>AIS</cyboxCommon:Value></cyboxCommon:Metadata></cyboxCommon:Tool></stixCommon:Tools>`,
    `</stixCommon:Source></stixCommon:Contributing_Sources><stixCommon:Time><cyboxCommon:Produced_Time>${timestamp}</cyboxCommon:Produced_Time></stixCommon:Time></stix:Information_Source>\n`,
    `  </stix:STIX_Header>\n  <stix:Indicators>\n`,
  );
  for (let i = 0; i < indicators; i++) {
    if (omit.has(i)) continue;
    const objectId = `NCCIC:Object-${uuidFor(`object-${p}-${i}`)}`;
    const o = observableFor(p, i);
    const [phase, ordinality, phaseId] = PHASES[(p + i) % PHASES.length]!;
    parts.push(
      `    <stix:Indicator id="NCCIC:Indicator-${uuidFor(`indicator-${p}-${i}`)}" timestamp="${timestamp}" xsi:type="indicator:IndicatorType">\n`,
      `      <indicator:Title>${o.title}</indicator:Title>\n`,
      `      <indicator:Type xsi:type="stixVocabs:IndicatorTypeVocab-1.1">${o.type}</indicator:Type>\n`,
      `      <indicator:Description>Observed in activity reported to NCCIC (synthetic ${p}.${i}).</indicator:Description>\n`,
      `      <indicator:Observable id="NCCIC:Observable-${uuidFor(`observable-${p}-${i}`)}"><cybox:Object id="${objectId}">${o.properties}</cybox:Object></indicator:Observable>\n`,
      `      <indicator:Kill_Chain_Phases><stixCommon:Kill_Chain_Phase name="${phase}" ordinality="${ordinality}" phase_id="${phaseId}" kill_chain_id="stix:KillChain-af3e707f-2fb9-49e5-8c37-14026ca0a5ff"/></indicator:Kill_Chain_Phases>\n`,
      `    </stix:Indicator>\n`,
    );
  }
  parts.push(`  </stix:Indicators>\n</stix:STIX_Package>\n`);
  return { id, timestamp, xml: parts.join('') };
}

/** The whole feed, package by package. */
export function aisFeed(options: AisFeedOptions): SyntheticPackage[] {
  const out: SyntheticPackage[] = [];
  for (let p = 0; p < options.packages; p++) out.push(aisPackage(p, options.indicatorsPerPackage, options.start));
  return out;
}
