/**
 * The typed model of a STIX 1.x package, as the converters (CybOX → MISP attributes, package → MISP event)
 * read it.
 *
 * Rules of the model:
 * - Everything is resolved: element names by namespace URI, `xsi:type` values to (namespace, local name).
 *   Nothing depends on the prefixes a producer chose or on the layout of the XML, so one package read from
 *   child XML, from CDATA or with other prefixes gives an identical (deeply equal) model.
 * - Plain data only (no classes, no Maps, no cycles): it can be compared, copied and printed as JSON.
 * - A reference is the same type with only `idref` set (e.g. `{ kind: 'indicator', idref: 'x:Indicator-1', … }`);
 *   `indexIds` in walk.ts maps ids to their definitions.
 * - Optional scalars are absent rather than undefined; lists are always present (possibly empty).
 * - Text is kept exactly as written (no trimming); several Description elements are joined by a blank line.
 * - Nothing is dropped: a child element the model does not know (another namespace, a producer's extension, a
 *   rarely used STIX field) lands in the `extensions` list of its construct as a `GenericElement`, which
 *   `toXml` (generic.ts) turns back into XML.
 */
import type { QName } from '../xml/tree';
import type { StixVersion } from '../namespaces';

export type { QName, StixVersion };

/** A resolved, prefix-free copy of an XML element: CybOX object properties and extensions use it. */
export interface GenericElement {
  ns: string;
  /** The local name. */
  name: string;
  /** The resolved `xsi:type`. */
  xsiType?: QName;
  /**
   * Attributes by local name (no-namespace attributes) or `{namespace}local` (namespaced ones). `xsi:type` is in
   * `xsiType`; `xsi:schemaLocation` and namespace declarations are not kept. A plain object: look up the names
   * you expect (`attributes['condition']`); when iterating unknown keys use own keys (`Object.keys`).
   */
  attributes: Record<string, string>;
  /** The element's own text, when it is not whitespace only. */
  text?: string;
  children: GenericElement[];
}

/** A value from a controlled vocabulary (`<Type xsi:type="stixVocabs:IndicatorTypeVocab-1.1">…</Type>`). */
export interface VocabValue {
  value: string;
  /** The vocabulary, from `xsi:type`. */
  vocab?: QName;
  vocabName?: string;
  vocabReference?: string;
}

/** What every identifiable STIX construct carries. */
export interface ConstructBase {
  id?: string;
  idref?: string;
  timestamp?: string;
  /** The construct's `xsi:type` (e.g. indicator:IndicatorType, or an extension type). */
  xsiType?: QName;
  /** Child elements the model does not interpret, kept whole. */
  extensions: GenericElement[];
}

// ——— common structures ————————————————————————————————————————————————————————————————————————

export interface Confidence {
  value?: VocabValue;
  description?: string;
  source?: InformationSource;
  timestamp?: string;
}

export interface Statement {
  value?: VocabValue;
  description?: string;
  source?: InformationSource;
  confidence?: Confidence;
  timestamp?: string;
}

/** A `Related_X` wrapper: the relationship's qualifiers and the related item (inline, or an idref stub). */
export interface Related<T> {
  relationship?: VocabValue;
  confidence?: Confidence;
  source?: InformationSource;
  item?: T;
  /** Other children of the wrapper, when there are any (rare). */
  extensions?: GenericElement[];
}

/** `Related_Packages/Package_Reference` inside a construct: a reference by id, not a package. */
export interface PackageReference {
  idref?: string;
  timestamp?: string;
  relationship?: VocabValue;
  confidence?: Confidence;
  source?: InformationSource;
}

export interface Identity {
  kind: 'identity';
  id?: string;
  idref?: string;
  xsiType?: QName;
  name?: string;
  /** What a CIQ identity (`stix-ciq:CIQIdentity3.0InstanceType`, used by AIS) says, flattened. */
  ciq?: CiqIdentity;
  relatedIdentities: Related<Identity>[];
  extensions: GenericElement[];
}

/** The useful parts of a CIQ 3.0 identity specification; `specification` keeps all of it. */
export interface CiqIdentity {
  organisationNames: string[];
  personNames: string[];
  /** Countries (`xal:Country`): ISO code (`NameCode`) and/or name. */
  countries: { code?: string; name?: string }[];
  /** States / provinces (`xal:AdministrativeArea`), e.g. `US-DC`. */
  administrativeAreas: { code?: string; name?: string }[];
  /** `xpil:OrganisationInfo/@xpil:IndustryType`, split on "|" — the AIS submitter's sector(s). */
  sectors: string[];
  /** E-mail and other electronic addresses (`xpil:ElectronicAddressIdentifier`). */
  electronicAddresses: { type?: string; value: string }[];
  /** `stix-ciq:Role` values. */
  roles: string[];
  languages: string[];
  nationalities: string[];
  freeText: string[];
  specification?: GenericElement;
}

export interface ToolInformation {
  id?: string;
  idref?: string;
  name?: string;
  title?: string;
  types: VocabValue[];
  description?: string;
  shortDescription?: string;
  vendor?: string;
  version?: string;
  /** `cyboxCommon:Metadata` (AIS marks its tool this way: Metadata/Value = "AIS"). */
  metadata: { type?: string; value?: string }[];
  extensions: GenericElement[];
}

export interface InformationSource {
  description?: string;
  identity?: Identity;
  roles: VocabValue[];
  contributingSources: InformationSource[];
  time?: { start?: string; end?: string; produced?: string; received?: string };
  tools: ToolInformation[];
  references: string[];
  extensions: GenericElement[];
}

export interface KillChainPhase {
  phaseId?: string;
  name?: string;
  ordinality?: number;
}

/** A phase as referenced from an indicator or TTP. */
export interface KillChainPhaseReference extends KillChainPhase {
  killChainId?: string;
  killChainName?: string;
}

export interface KillChain {
  id?: string;
  name?: string;
  definer?: string;
  reference?: string;
  numberOfPhases?: string;
  phases: KillChainPhase[];
}

// ——— markings ————————————————————————————————————————————————————————————————————————————————

export type TlpColor = 'WHITE' | 'GREEN' | 'AMBER' | 'RED';
export type AisConsent = 'EVERYONE' | 'USG' | 'NONE';

/** One `marking:Marking`: the structures it applies and the nodes they control. */
export interface Marking {
  id?: string;
  idref?: string;
  version?: string;
  /** XPath of the controlled nodes, e.g. `//node() | //@*`. */
  controlledStructure?: string;
  structures: MarkingStructure[];
  informationSource?: InformationSource;
}

interface MarkingStructureBase {
  id?: string;
  idref?: string;
  xsiType?: QName;
  /** `marking_model_name` / `marking_model_ref`. */
  modelName?: string;
  modelRef?: string;
}

export interface TlpMarking extends MarkingStructureBase {
  kind: 'tlp';
  /** Upper-cased; absent when the colour is missing or not a TLP colour (a warning says which). */
  color?: TlpColor;
}

/** The DHS AIS marking (`AIS:AISMarkingStructure`): consent, TLP, and proprietary status. */
export interface AisMarking extends MarkingStructureBase {
  kind: 'ais';
  /** True for `Is_Proprietary`, false for `Not_Proprietary`. */
  proprietary: boolean;
  /** The `CISA_Proprietary` attribute. */
  cisaProprietary?: boolean;
  consent?: AisConsent;
  color?: TlpColor;
}

export interface TermsOfUseMarking extends MarkingStructureBase {
  kind: 'terms-of-use';
  text: string;
}

export interface SimpleMarking extends MarkingStructureBase {
  kind: 'simple';
  statement: string;
}

/** A marking structure of another model (ISA/EDH, a producer's own…), kept whole. */
export interface OtherMarking extends MarkingStructureBase {
  kind: 'other';
  content: GenericElement;
}

export type MarkingStructure = TlpMarking | AisMarking | TermsOfUseMarking | SimpleMarking | OtherMarking;

// ——— CybOX ——————————————————————————————————————————————————————————————————————————————————

/** The CybOX object type from the `xsi:type` of `Properties`. */
export interface CyboxType {
  ns: string;
  local: string;
  /** Short name: the local name without "ObjectType" (`Address`, `WindowsExecutableFile`, `DomainName`). */
  name: string;
}

export interface Observable {
  kind: 'observable';
  id?: string;
  idref?: string;
  negate?: boolean;
  sightingCount?: number;
  title?: string;
  description?: string;
  keywords: string[];
  /** `Observable_Source` (MeasureSourceType), kept whole. */
  sources: GenericElement[];
  object?: CyboxObject;
  event?: CyboxEvent;
  composition?: ObservableComposition;
  extensions: GenericElement[];
}

export interface ObservableComposition {
  /** `AND` or `OR` as written (upper-cased). */
  operator: string;
  observables: Observable[];
}

export interface CyboxObject {
  kind: 'object';
  id?: string;
  idref?: string;
  hasChanged?: boolean;
  state?: VocabValue;
  description?: string;
  objectType?: CyboxType;
  /**
   * The object's `Properties`: `xsiType` is the object type, `attributes` its attributes (`category`…), and
   * `children` its fields, each with its `text` and its `condition` / `apply_condition` in `attributes`.
   */
  properties?: GenericElement;
  domainSpecific?: GenericElement;
  relatedObjects: CyboxObject[];
  /** For a `Related_Object`: how it relates to its parent (`Resolved_To`, `Contains`…). */
  relationship?: VocabValue;
  /** For an `Associated_Object` of an action: its role (`input`, `output`…). */
  associationType?: VocabValue;
  extensions: GenericElement[];
}

export interface CyboxEvent {
  kind: 'event';
  id?: string;
  idref?: string;
  type?: VocabValue;
  description?: string;
  actions: CyboxAction[];
  events: CyboxEvent[];
  extensions: GenericElement[];
}

export interface CyboxAction {
  id?: string;
  idref?: string;
  name?: VocabValue;
  type?: VocabValue;
  description?: string;
  associatedObjects: CyboxObject[];
  extensions: GenericElement[];
}

// ——— STIX constructs ————————————————————————————————————————————————————————————————————————

export interface TestMechanism {
  id?: string;
  idref?: string;
  xsiType?: QName;
  /** From the `xsi:type` local name. */
  mechanism: 'snort' | 'yara' | 'openioc' | 'oval' | 'generic' | 'other';
  /** Snort and YARA rules, base64-decoded when `encoded="true"`. */
  rules: string[];
  productName?: string;
  version?: string;
  efficacy?: Statement;
  producer?: InformationSource;
  /** The OpenIOC / OVAL document, generic specification and anything else, kept whole. */
  extensions: GenericElement[];
}

export interface Sighting {
  timestamp?: string;
  source?: InformationSource;
  reference?: string;
  confidence?: Confidence;
  description?: string;
  relatedObservables: Related<Observable>[];
}

export interface IndicatorComposition {
  /** `AND` or `OR` (upper-cased). */
  operator: string;
  indicators: Indicator[];
}

export interface Indicator extends ConstructBase {
  kind: 'indicator';
  version?: string;
  negate?: boolean;
  title?: string;
  types: VocabValue[];
  alternativeIds: string[];
  description?: string;
  shortDescription?: string;
  validTimePositions: { start?: string; end?: string }[];
  observable?: Observable;
  composition?: IndicatorComposition;
  indicatedTTPs: Related<Ttp>[];
  killChainPhases: KillChainPhaseReference[];
  testMechanisms: TestMechanism[];
  likelyImpact?: Statement;
  suggestedCOAs: Related<CourseOfAction>[];
  handling: Marking[];
  confidence?: Confidence;
  sightingsCount?: number;
  sightings: Sighting[];
  relatedIndicators: Related<Indicator>[];
  relatedCampaigns: Related<Campaign>[];
  relatedPackages: PackageReference[];
  producer?: InformationSource;
}

export interface AttackPattern {
  id?: string;
  idref?: string;
  xsiType?: QName;
  capecId?: string;
  title?: string;
  description?: string;
  shortDescription?: string;
  extensions: GenericElement[];
}

export interface MalwareInstance {
  id?: string;
  idref?: string;
  /** E.g. a MAEC instance type; the MAEC document itself is in `extensions`. */
  xsiType?: QName;
  types: VocabValue[];
  names: VocabValue[];
  title?: string;
  description?: string;
  shortDescription?: string;
  extensions: GenericElement[];
}

export interface Exploit {
  id?: string;
  idref?: string;
  xsiType?: QName;
  title?: string;
  description?: string;
  shortDescription?: string;
  extensions: GenericElement[];
}

export interface Infrastructure {
  id?: string;
  idref?: string;
  title?: string;
  types: VocabValue[];
  description?: string;
  shortDescription?: string;
  observables: Observable[];
  extensions: GenericElement[];
}

export interface Ttp extends ConstructBase {
  kind: 'ttp';
  version?: string;
  title?: string;
  description?: string;
  shortDescription?: string;
  intendedEffects: Statement[];
  attackPatterns: AttackPattern[];
  malware: MalwareInstance[];
  exploits: Exploit[];
  tools: ToolInformation[];
  infrastructure?: Infrastructure;
  personas: Identity[];
  victimTargeting?: {
    identity?: Identity;
    targetedSystems: VocabValue[];
    targetedInformation: VocabValue[];
    targetedTechnicalDetails: Observable[];
  };
  exploitTargets: Related<ExploitTarget>[];
  relatedTTPs: Related<Ttp>[];
  killChainPhases: KillChainPhaseReference[];
  killChains: KillChain[];
  informationSource?: InformationSource;
  handling: Marking[];
  relatedPackages: PackageReference[];
}

export interface Vulnerability {
  isKnown?: boolean;
  isPubliclyAcknowledged?: boolean;
  title?: string;
  description?: string;
  shortDescription?: string;
  cveId?: string;
  osvdbId?: string;
  source?: string;
  cvss?: {
    overallScore?: string;
    baseScore?: string;
    baseVector?: string;
    temporalScore?: string;
    temporalVector?: string;
    environmentalScore?: string;
    environmentalVector?: string;
  };
  discovered?: string;
  published?: string;
  affectedSoftware: Related<Observable>[];
  references: string[];
  extensions: GenericElement[];
}

export interface ExploitTarget extends ConstructBase {
  kind: 'exploit-target';
  version?: string;
  title?: string;
  description?: string;
  shortDescription?: string;
  vulnerabilities: Vulnerability[];
  weaknesses: { cweId?: string; description?: string; extensions: GenericElement[] }[];
  configurations: { cceId?: string; description?: string; shortDescription?: string; extensions: GenericElement[] }[];
  potentialCOAs: Related<CourseOfAction>[];
  informationSource?: InformationSource;
  handling: Marking[];
  relatedExploitTargets: Related<ExploitTarget>[];
  relatedPackages: PackageReference[];
}

export interface CourseOfAction extends ConstructBase {
  kind: 'course-of-action';
  version?: string;
  title?: string;
  stage?: VocabValue;
  /** The COA's `Type` (e.g. Perimeter Blocking). */
  coaType?: VocabValue;
  description?: string;
  shortDescription?: string;
  objective?: { description?: string; shortDescription?: string; applicabilityConfidence?: Confidence };
  parameterObservables: Observable[];
  structuredCOA?: GenericElement;
  impact?: Statement;
  cost?: Statement;
  efficacy?: Statement;
  informationSource?: InformationSource;
  handling: Marking[];
  relatedCOAs: Related<CourseOfAction>[];
  relatedPackages: PackageReference[];
}

export interface ThreatActor extends ConstructBase {
  kind: 'threat-actor';
  version?: string;
  title?: string;
  description?: string;
  shortDescription?: string;
  identity?: Identity;
  types: Statement[];
  motivations: Statement[];
  sophistications: Statement[];
  intendedEffects: Statement[];
  planningAndOperationalSupport: Statement[];
  observedTTPs: Related<Ttp>[];
  associatedCampaigns: Related<Campaign>[];
  associatedActors: Related<ThreatActor>[];
  handling: Marking[];
  confidence?: Confidence;
  informationSource?: InformationSource;
  relatedPackages: PackageReference[];
}

export interface Campaign extends ConstructBase {
  kind: 'campaign';
  version?: string;
  title?: string;
  description?: string;
  shortDescription?: string;
  names: VocabValue[];
  intendedEffects: Statement[];
  status?: VocabValue;
  relatedTTPs: Related<Ttp>[];
  relatedIncidents: Related<Incident>[];
  relatedIndicators: Related<Indicator>[];
  /** Each `Attribution` element is one list of attributed threat actors. */
  attribution: Related<ThreatActor>[][];
  associatedCampaigns: Related<Campaign>[];
  confidence?: Confidence;
  activity: { dateTime?: string; description?: string }[];
  informationSource?: InformationSource;
  handling: Marking[];
  relatedPackages: PackageReference[];
}

export interface IncidentCourseOfAction {
  priority?: string;
  time?: { start?: string; end?: string };
  courseOfAction?: CourseOfAction;
  extensions: GenericElement[];
}

export interface AffectedAsset {
  type?: VocabValue;
  countAffected?: string;
  description?: string;
  businessFunctionOrRole?: string;
  ownershipClass?: VocabValue;
  managementClass?: VocabValue;
  locationClass?: VocabValue;
  propertiesAffected: {
    property?: VocabValue;
    descriptionOfEffect?: string;
    typeOfAvailabilityLoss?: VocabValue;
    durationOfAvailabilityLoss?: VocabValue;
    nonPublicDataCompromised?: VocabValue;
  }[];
  structuredDescription: Observable[];
  extensions: GenericElement[];
}

export interface Incident extends ConstructBase {
  kind: 'incident';
  version?: string;
  url?: string;
  title?: string;
  externalIds: { source?: string; value: string }[];
  /** `Time` children by name in camelCase: firstMaliciousAction, initialCompromise, incidentDiscovery… */
  time: Record<string, string>;
  description?: string;
  shortDescription?: string;
  categories: VocabValue[];
  reporter?: InformationSource;
  responders: InformationSource[];
  coordinators: InformationSource[];
  victims: Identity[];
  affectedAssets: AffectedAsset[];
  impactAssessment?: { effects: VocabValue[]; impactQualification?: VocabValue; details: GenericElement };
  status?: VocabValue;
  relatedIndicators: Related<Indicator>[];
  relatedObservables: Related<Observable>[];
  leveragedTTPs: Related<Ttp>[];
  attributedThreatActors: Related<ThreatActor>[];
  intendedEffects: Statement[];
  securityCompromise?: VocabValue;
  discoveryMethods: VocabValue[];
  relatedIncidents: Related<Incident>[];
  coaRequested: IncidentCourseOfAction[];
  coaTaken: IncidentCourseOfAction[];
  confidence?: Confidence;
  contacts: InformationSource[];
  history: { journalEntry?: { author?: string; time?: string; text: string }; actionEntry?: IncidentCourseOfAction }[];
  informationSource?: InformationSource;
  handling: Marking[];
  relatedPackages: PackageReference[];
}

export interface ReportHeader {
  title?: string;
  intents: VocabValue[];
  description?: string;
  shortDescription?: string;
  handling: Marking[];
  informationSource?: InformationSource;
}

/** A STIX 1.2 report: a header and (usually) references to the package's constructs. */
export interface Report extends ConstructBase {
  kind: 'report';
  version?: string;
  header?: ReportHeader;
  observables: Observable[];
  indicators: Indicator[];
  ttps: Ttp[];
  exploitTargets: ExploitTarget[];
  incidents: Incident[];
  coursesOfAction: CourseOfAction[];
  campaigns: Campaign[];
  threatActors: ThreatActor[];
  relatedReports: Related<Report>[];
}

export interface StixHeader {
  title?: string;
  packageIntents: VocabValue[];
  description?: string;
  shortDescription?: string;
  profiles: string[];
  handling: Marking[];
  informationSource?: InformationSource;
  extensions: GenericElement[];
}

export interface StixPackage extends ConstructBase {
  kind: 'package';
  /** The `version` attribute as written (absent in a few old samples). */
  version?: string;
  header?: StixHeader;
  observables: Observable[];
  indicators: Indicator[];
  ttps: Ttp[];
  /** `TTPs/Kill_Chains`: the kill chains the package defines. */
  killChains: KillChain[];
  exploitTargets: ExploitTarget[];
  incidents: Incident[];
  coursesOfAction: CourseOfAction[];
  campaigns: Campaign[];
  threatActors: ThreatActor[];
  reports: Report[];
  relatedPackages: Related<StixPackage>[];
}

/** Every construct that has a `kind` and may carry an id (what `indexIds` and `walkModel` visit). */
export type Construct =
  | StixPackage
  | Observable
  | CyboxObject
  | CyboxEvent
  | Indicator
  | Ttp
  | ExploitTarget
  | CourseOfAction
  | ThreatActor
  | Campaign
  | Incident
  | Report
  | Identity;

export type ConstructKind = Construct['kind'];
