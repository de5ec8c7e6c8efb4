/**
 * The namespace URIs the reader understands. STIX 1.0 through 1.2 share these URIs (the version lives in the
 * `version` attribute), so one set serves every accepted version; CybOX 2.0–2.1 likewise share theirs.
 */
export const NS = {
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xmlns: 'http://www.w3.org/2000/xmlns/',
  xml: 'http://www.w3.org/XML/1998/namespace',

  stix: 'http://stix.mitre.org/stix-1',
  stixCommon: 'http://stix.mitre.org/common-1',
  stixVocabs: 'http://stix.mitre.org/default_vocabularies-1',
  indicator: 'http://stix.mitre.org/Indicator-2',
  ttp: 'http://stix.mitre.org/TTP-1',
  exploitTarget: 'http://stix.mitre.org/ExploitTarget-1',
  courseOfAction: 'http://stix.mitre.org/CourseOfAction-1',
  threatActor: 'http://stix.mitre.org/ThreatActor-1',
  campaign: 'http://stix.mitre.org/Campaign-1',
  incident: 'http://stix.mitre.org/Incident-1',
  report: 'http://stix.mitre.org/Report-1',
  marking: 'http://data-marking.mitre.org/Marking-1',

  tlpMarking: 'http://data-marking.mitre.org/extensions/MarkingStructure#TLP-1',
  simpleMarking: 'http://data-marking.mitre.org/extensions/MarkingStructure#Simple-1',
  termsOfUseMarking: 'http://data-marking.mitre.org/extensions/MarkingStructure#Terms_Of_Use-1',
  aisMarking: 'http://www.us-cert.gov/STIXMarkingStructure#AISConsentMarking-2',

  ciqIdentity: 'http://stix.mitre.org/extensions/Identity#CIQIdentity3.0-1',
  xpil: 'urn:oasis:names:tc:ciq:xpil:3',
  xnl: 'urn:oasis:names:tc:ciq:xnl:3',
  xal: 'urn:oasis:names:tc:ciq:xal:3',

  cybox: 'http://cybox.mitre.org/cybox-2',
  cyboxCommon: 'http://cybox.mitre.org/common-2',
  cyboxVocabs: 'http://cybox.mitre.org/default_vocabularies-2',

  taxii10: 'http://taxii.mitre.org/messages/taxii_xml_binding-1',
  taxii11: 'http://taxii.mitre.org/messages/taxii_xml_binding-1.1',
} as const;

/** STIX versions this reader accepts (the `version` attribute of STIX_Package). */
export const SUPPORTED_STIX_VERSIONS = ['1.0', '1.0.1', '1.1', '1.1.1', '1.2'] as const;
export type StixVersion = (typeof SUPPORTED_STIX_VERSIONS)[number];

/**
 * The namespaces whose elements the model builders interpret. A child element in any other namespace is an
 * extension: it is kept whole (see `GenericElement`), never dropped.
 */
export const STIX_FAMILY: ReadonlySet<string> = new Set([
  NS.stix,
  NS.stixCommon,
  NS.indicator,
  NS.ttp,
  NS.exploitTarget,
  NS.courseOfAction,
  NS.threatActor,
  NS.campaign,
  NS.incident,
  NS.report,
  NS.marking,
  NS.cybox,
  NS.cyboxCommon,
]);

/** TAXII message namespaces: a content string rooted in one of these is searched for the packages it carries. */
export const TAXII_NAMESPACES: ReadonlySet<string> = new Set([NS.taxii10, NS.taxii11]);
