/**
 * The typed model, checked against what the corpus files say when read by a person: markings, the AIS
 * submitter, indicator fields, CybOX properties and conditions, compositions, idrefs, test mechanisms, TTPs,
 * exploit targets with CVEs, COAs, threat actors, campaigns, incidents, reports, related packages, and
 * extensions kept whole.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, corpusFile } from '../../../test/paths';
import {
  childNamed,
  conditionOf,
  findPath,
  forEachExtension,
  indexIds,
  readPackage,
  resolveRef,
  textAt,
  toXml,
  walkModel,
  type CyboxObject,
  type Indicator,
  type Observable,
  type StixPackage,
} from './index';
import { itWithCorpus } from '../../../test/support/corpus';

function load(file: string): StixPackage {
  return readPackage(readFileSync(corpusFile(file) ?? path.join(CORPUS_DIR, file))).model;
}
const AIS_DIR = 'STIXProject__python-stix/stix/test/extensions/marking/ais_test_files';

describe('an AIS package (stix_ais_21)', () => {
  const pkg = load(`${AIS_DIR}/stix_ais_21.xml`);

  it('has its header: title, intent, profile, AIS marking', () => {
    expect(pkg).toMatchObject({ id: 'NCCIC:STIX_Package-205ded6a-e00b-493a-8cef-192b5bf53f14', version: '1.1.1', timestamp: '2016-07-25T04:35:11+00:00' });
    const h = pkg.header!;
    expect(h.title).toBe('814784 15: Spear-Phishing Campaign Using Multiple Themed Emails Containing Malicious Attachment');
    expect(h.packageIntents).toEqual([{ value: 'Indicators - Phishing', vocab: { ns: 'http://stix.mitre.org/default_vocabularies-1', local: 'PackageIntentVocab-1.0' } }]);
    expect(h.profiles).toEqual(['AIS Profile v1.1']);
    expect(h.handling).toHaveLength(1);
    expect(h.handling[0]!.controlledStructure).toBe('//node() | //@*');
    expect(h.handling[0]!.structures).toEqual([
      {
        kind: 'ais',
        xsiType: { ns: 'http://www.us-cert.gov/STIXMarkingStructure#AISConsentMarking-2', local: 'AISMarkingStructure' },
        proprietary: false,
        cisaProprietary: false,
        consent: 'EVERYONE',
        color: 'AMBER',
      },
    ]);
  });

  it('has the submitter: organisation, country, administrative area, sector, AIS tool, time', () => {
    const source = pkg.header!.informationSource!;
    expect(source.time).toEqual({ produced: '2016-07-26T01:09:12Z' });
    const contributor = source.contributingSources[0]!;
    expect(contributor.identity!.name).toBe('NCCIC');
    expect(contributor.identity!.ciq).toMatchObject({
      organisationNames: ['NCCIC'],
      countries: [{ code: 'US' }],
      administrativeAreas: [{ code: 'US-DC' }],
      sectors: ['Information Technology Sector'],
    });
    expect(contributor.tools[0]!.metadata).toEqual([{ value: 'AIS' }]);
  });

  it('has its indicators with title, type, description, kill chain phase and observable', () => {
    expect(pkg.indicators.map((i) => i.title)).toEqual(['Malicious E-mail Indicator', 'Malicious E-mail Indicator', 'Malicious File Indicator']);
    const file = pkg.indicators[2]!;
    expect(file.types[0]!.value).toBe('File Hash Watchlist');
    expect(file.description).toMatch(/^File Path: %Common Profile%Trojan\. \n\nWhen executed/);
    expect(file.killChainPhases).toEqual([
      { phaseId: 'stix:KillChainPhase-e1e4e3f7-be3b-4b39-b80a-a593cfd99a4f', name: 'Installation', ordinality: 5, killChainId: 'stix:KillChainPhase-af3e707f-2fb9-49e5-8c37-14026ca0a5ff' },
    ]);
    const obj = file.observable!.object!;
    expect(obj.id).toBe('NCCIC:Object-b738a8e0-c854-11e5-88e2-eccd6d6e8a9e');
    expect(obj.objectType).toEqual({ ns: 'http://cybox.mitre.org/objects#FileObject-2', local: 'FileObjectType', name: 'File' });
    expect(textAt(obj.properties, 'File_Name')).toBe('SWIFT.jar');
    expect(textAt(obj.properties, 'Size_In_Bytes')).toBe('117787');
    const [hash] = findPath(obj.properties, 'Hashes', 'Hash');
    expect(textAt(hash, 'Type')).toBe('MD5');
    expect(childNamed(hash, 'Type')!.xsiType).toEqual({ ns: 'http://cybox.mitre.org/default_vocabularies-2', local: 'HashNameVocab-1.0' });
    expect(textAt(hash, 'Simple_Hash_Value')).toBe('BB15EA89FA4C4AF6CEA251B858CD917C');
  });

  it('keeps conditions and typed sub-objects in CybOX properties', () => {
    const email = pkg.indicators[0]!.observable!.object!;
    expect(email.objectType!.name).toBe('EmailMessage');
    const [from] = findPath(email.properties, 'Header', 'From');
    expect(from!.attributes['category']).toBe('e-mail');
    expect(from!.xsiType!.local).toBe('AddressObjectType');
    const [value] = findPath(from, 'Address_Value');
    expect(value!.text).toBe('info@damavanddarou.com');
    expect(conditionOf(value)).toBe('Equals');
  });

  it('has the kill chain the package defines', () => {
    expect(pkg.killChains).toHaveLength(1);
    expect(pkg.killChains[0]).toMatchObject({ name: 'LM Cyber Kill Chain', definer: 'LMCO', numberOfPhases: '7' });
    expect(pkg.killChains[0]!.phases.map((p) => p.name)).toEqual([
      'Reconnaissance',
      'Weaponization',
      'Delivery',
      'Exploitation',
      'Installation',
      'Command and Control',
      'Actions on Objectives',
    ]);
  });
});

describe('AIS consent NONE with TTPs, exploit targets (CVE) and COAs (SQLi-Sample-005)', () => {
  const pkg = load(`${AIS_DIR}/SQLi-Sample-005.xml`);
  it('reads the consent and the constructs', () => {
    const ais = pkg.header!.handling[0]!.structures[0]!;
    expect(ais).toMatchObject({ kind: 'ais', consent: 'NONE', color: 'AMBER' });
    expect(pkg.exploitTargets.length).toBe(2);
    const cves = pkg.exploitTargets.flatMap((et) => et.vulnerabilities.map((v) => v.cveId)).filter(Boolean);
    expect(cves.length).toBeGreaterThan(0);
    for (const cve of cves) expect(cve).toMatch(/^CVE-\d{4}-\d+$/);
    expect(pkg.ttps.map((t) => t.attackPatterns[0]?.capecId)).toEqual(['CAPEC-152', 'CAPEC-66']);
    expect(pkg.coursesOfAction.length).toBe(2);
  });
});

describe('compositions', () => {
  it('keeps nested observable compositions (stuxnet: OR of files and ANDs of drivers)', () => {
    const pkg = load('eclecticiq__OpenTAXII/examples/stix/stuxnet.stix.xml');
    const top = pkg.indicators[0]!.observable!;
    expect(top.title).toMatch(/^Generic indicator for the stuxnet virus/);
    expect(top.sources[0]!.children[0]!.text).toBe('OpenIOC File: stuxnet.ioc.xml');
    expect(top.composition!.operator).toBe('OR');
    const members = top.composition!.observables;
    expect(members[0]!.object!.objectType!.name).toBe('WindowsExecutableFile');
    expect(findPath(members[0]!.object!.properties, 'Sections', 'Section', 'Section_Header', 'Name')[0]).toMatchObject({ text: '.stub', attributes: { condition: 'Contains' } });
    expect(members.slice(1, 5).map((o) => textAt(o.object!.properties, 'File_Name'))).toEqual(['mdmcpq3.PNF', 'mdmeric3.PNF', 'oem6C.PNF', 'oem7A.PNF']);
    const nested = members[5]!.composition!;
    expect(nested.operator).toBe('AND');
    expect(nested.observables.map((o) => textAt(o.object!.properties, 'Device_Object_List', 'Device_Object_Struct', 'Attached_To_Driver_Name'))).toEqual([
      'fs_rec.sys',
      'mrxsmb.sys',
      'sr.sys',
      'fastfat.sys',
    ]);
  });

  it('keeps composite indicators whose members are idrefs, resolvable through the index (CISCP bulletin)', () => {
    const pkg = load('anl-cyberscience__FlexTransform/FlexibleTransform/resources/sampleMessages/stix/CISCP_INDICATOR.1682097386.20.xml');
    expect(pkg.version).toBe('1.0');
    const composite = pkg.indicators.find((i) => i.composition)!;
    expect(composite.composition!.operator).toBe('OR');
    expect(composite.composition!.indicators).toHaveLength(22);
    const index = indexIds(pkg);
    const first = composite.composition!.indicators[0]!;
    expect(first).toMatchObject({ kind: 'indicator', idref: 'NCCIC:indicator-e4a4291d-568b-407f-a169-10c988ddea8d' });
    const resolved = resolveRef(index, first)!;
    expect(resolved.id).toBe(first.idref);
    expect(resolved.observable).toBeDefined();
    for (const member of composite.composition!.indicators) expect(resolveRef(index, member), member.idref).toBeDefined();
  });
});

describe('related objects and idref stubs (Poison Ivy)', () => {
  itWithCorpus('STIXProject__schemas/samples/Poison Ivy/fireeye-pivy-indicators.xml')('reads Related_Objects with their relationship, as stubs that resolve to objects', () => {
    const pkg = load('STIXProject__schemas/samples/Poison Ivy/fireeye-pivy-indicators.xml');
    const objects: CyboxObject[] = [];
    walkModel(pkg, (c) => c.kind === 'object' && c.relatedObjects.length > 0 && objects.push(c));
    const withRelated = objects[0]!;
    expect(withRelated.relatedObjects[0]).toMatchObject({
      kind: 'object',
      idref: 'fireeye:object-07e2d2f3-092d-436d-bbd6-60d2bdc36d43',
      relationship: { value: 'Connected_To', vocab: { local: 'ObjectRelationshipVocab-1.0' } },
    });
    const index = indexIds(pkg);
    const created = withRelated.relatedObjects.find((r) => r.relationship?.value === 'Created')!;
    const mutex = resolveRef(index, created)!;
    expect(mutex.objectType!.name).toBe('Mutex');
    expect(textAt(mutex.properties, 'Name')).toBe('8ju6thdgf');
  });
});

describe('test mechanisms', () => {
  it('reads a YARA rule', () => {
    const pkg = load('STIXProject__stixproject.github.io/documentation/idioms/yara-test-mechanism/yara-test-mechanism.xml');
    const tm = pkg.indicators[0]!.testMechanisms[0]!;
    expect(tm.mechanism).toBe('yara');
    expect(tm.rules).toHaveLength(1);
    expect(tm.rules[0]).toMatch(/rule silent_banker : banker/);
    expect(tm.producer!.identity!.name).toBe('Yara');
  });

  it('reads Snort rules, and the CVE of the exploit target the indicated TTP points to', () => {
    const pkg = load('STIXProject__stixproject.github.io/documentation/idioms/snort-test-mechanism/snort-test-mechanism.xml');
    const indicator = pkg.indicators[0]!;
    const tm = indicator.testMechanisms[0]!;
    expect(tm.mechanism).toBe('snort');
    expect(tm.rules).toHaveLength(2);
    expect(tm.rules[0]).toMatch(/^alert tcp any any -> any any \(msg:"FOX-SRT - Flowbit - TLS-SSL Client Hello"/);
    expect(tm.efficacy!.value!.value).toBe('Low');
    expect(indicator.confidence!.value!.value).toBe('High');
    const index = indexIds(pkg);
    const ttp = resolveRef(index, indicator.indicatedTTPs[0]!.item!)!;
    expect(ttp.title).toBe('Generic Heartbleed Exploits');
    const et = resolveRef(index, ttp.exploitTargets[0]!.item!)!;
    expect(et.vulnerabilities[0]!.cveId).toBe('CVE-2014-0160');
  });

  it('keeps an OpenIOC document whole', () => {
    const pkg = load('STIXProject__stixproject.github.io/documentation/idioms/openioc-test-mechanism/openioc-test-mechanism.xml');
    const tms = pkg.indicators.flatMap((i) => i.testMechanisms).concat(
      pkg.indicators.flatMap((i) => i.composition?.indicators.flatMap((c) => c.testMechanisms) ?? []),
    );
    const ioc = tms.find((t) => t.mechanism === 'openioc')!;
    expect(ioc.extensions[0]!.name).toBe('ioc');
    const xml = toXml(ioc.extensions[0]!);
    expect(xml).toMatch(/^<n0:ioc xmlns:n0="http:\/\/stix\.mitre\.org\/extensions\/TestMechanism#OpenIOC2010-1" xmlns:n1="http:\/\/schemas\.mandiant\.com\/2010\/ioc"/);
    expect(xml).toContain('<n1:Content type="string">winlogon.exe</n1:Content>');
  });
});

describe('threat actors, campaigns and COAs', () => {
  itWithCorpus('STIXProject__schemas/samples/APT1/Mandiant_APT1_Report.xml')('reads threat actor identities (Mandiant APT1 report)', () => {
    const pkg = load('STIXProject__schemas/samples/APT1/Mandiant_APT1_Report.xml');
    const apt1 = pkg.threatActors.find((t) => t.id === 'mandiant:threat-actor-8dff0344-0c82-4079-8d04-6f3e4d9bd1df')!;
    expect(apt1.identity!.ciq!.organisationNames).toEqual(["People's Liberation Army Unit 61398", 'APT1']);
    expect(apt1.identity!.ciq!.countries).toEqual([{ name: 'China' }]);
    expect(apt1.identity!.ciq!.administrativeAreas).toEqual([{ name: 'Pudong New Area' }]);
    expect(apt1.identity!.ciq!.languages).toEqual(['Chinese', 'English']);
    expect(apt1.identity!.ciq!.nationalities).toEqual(['Chinese']);
    expect(apt1.identity!.relatedIdentities.map((r) => [r.relationship?.value, r.item?.name])).toEqual([
      ['Recruits From', 'Harbin Institute of Technology (哈尔滨工业大学)'],
      ['Recruits From', 'Zhejiang University School of Computer Science and Technology (浙江大学计算机学院)'],
    ]);
    const gorilla = pkg.threatActors.find((t) => t.id === 'mandiant:threat-actor-6d179234-61fc-40c4-ae86-3d53308d8e65')!;
    expect(gorilla.identity!.ciq!.personNames).toEqual(['Ugly Gorilla', 'Wang Dong', 'JackWang', 'Greenfield” (绿野)']);
  });

  itWithCorpus('STIXProject__schemas/samples/Poison Ivy/fireeye-pivy-report.xml')('reads campaigns with their TTPs and attribution (Poison Ivy report)', () => {
    const pkg = load('STIXProject__schemas/samples/Poison Ivy/fireeye-pivy-report.xml');
    const f = pkg.campaigns.find((c) => c.id === 'fireeye:campaign-700c8b90-fd16-40e9-8b80-00b0c8bc84ee')!;
    expect(f.title).toBe('F');
    expect(f.relatedTTPs).toHaveLength(5);
    expect(f.relatedTTPs[0]).toMatchObject({ relationship: { value: 'Uses Malware' }, item: { kind: 'ttp', idref: 'fireeye:ttp-2ee01cb3-e9fa-46f9-8ec5-ffc9cb0b59f1' } });
    expect(f.attribution[0]![0]!.item!.kind).toBe('threat-actor');
    const admin338 = pkg.campaigns.find((c) => c.title === 'admin338')!;
    expect(admin338.status!.value).toBe('Ongoing');
    expect(pkg.coursesOfAction).toHaveLength(1);
  });

  it('reads COAs with stage, type, objective, impact, cost and efficacy (cti-toolkit test)', () => {
    const pkg = load('Cosive__cti-toolkit/tests/TEST-STIX-1.1.1.xml');
    const coas = pkg.coursesOfAction;
    expect(coas.length).toBeGreaterThan(0);
    const full = coas.find((c) => c.stage && c.coaType && c.objective)!;
    expect(full.stage!.vocab!.local).toBe('COAStageVocab-1.0');
    expect(full.coaType!.vocab!.local).toBe('CourseOfActionTypeVocab-1.0');
    expect(pkg.header!.handling[0]!.structures[0]).toMatchObject({ kind: 'tlp', color: 'WHITE' });
  });
});

describe('incidents, reports and related packages', () => {
  it('reads a MISP export: related packages holding incidents holding indicators with AND compositions', () => {
    const pkg = load('MISP__misp-stix/tests/test_event2_stix11.xml');
    expect(pkg.relatedPackages).toHaveLength(2);
    const inner = pkg.relatedPackages[0]!.item!;
    expect(inner).toMatchObject({ kind: 'package', id: 'MISP:STIXPackage-50bf87fc-d134-499f-9e26-806cbe89ed37', version: '1.1.1' });
    const incident = inner.incidents[0]!;
    expect(incident.title).toBe('MISP-STIX-Converter test event with domain|ip attribute');
    expect(incident.time).toEqual({ incidentDiscovery: '2020-10-25T00:00:00+00:00' });
    expect(incident.reporter!.identity!.name).toBe('MISP-Project');
    expect(incident.history.map((h) => h.journalEntry?.text)).toEqual(['Event Threat Level: Medium', 'MISP Tag: misp:tool="MISP-STIX-Converter"']);
    const related = incident.relatedIndicators[0]!;
    expect(related.relationship!.value).toBe('Network activity');
    const indicator: Indicator = related.item!;
    expect(indicator.title).toBe('Network activity: circl.lu|149.13.33.14 (MISP Attribute)');
    expect(indicator.confidence!.value!.value).toBe('High');
    const composition = indicator.observable!.composition!;
    expect(composition.operator).toBe('AND');
    const values = composition.observables.map((o: Observable) => textAt(o.object!.properties, o.object!.objectType!.name === 'DomainName' ? 'Value' : 'Address_Value'));
    expect(values).toEqual(['circl.lu', '149.13.33.14']);
    expect(composition.observables[1]!.object!.properties!.attributes).toMatchObject({ category: 'ipv4-addr', is_source: 'false', is_destination: 'true' });
  });

  it('reads affected assets of an incident', () => {
    const pkg = load('STIXProject__stixproject.github.io/documentation/idioms/affected-assets/incident-with-affected-asset.xml');
    const asset = pkg.incidents[0]!.affectedAssets.find((a) => a.propertiesAffected.length > 0)!;
    expect(asset.propertiesAffected[0]!.property).toBeDefined();
    expect(pkg.incidents[0]!.affectedAssets.some((a) => a.type !== undefined)).toBe(true);
  });

  it('reads STIX 1.2 reports with their header and references', () => {
    const pkg = load('STIXProject__stixproject.github.io/documentation/idioms/wrapper/multiple-reports-in-package.xml');
    expect(pkg.version).toBe('1.2');
    expect(pkg.reports).toHaveLength(2);
    for (const r of pkg.reports) expect(r.header!.title).toBeTruthy();
    const refs = pkg.reports.flatMap((r) => [...r.campaigns, ...r.ttps]);
    const index = indexIds(pkg);
    for (const ref of refs) if (ref.idref) expect(resolveRef(index, ref), ref.idref).toBeDefined();
  });
});

describe('markings on constructs', () => {
  it('reads indicator-level TLP markings and their controlled structures (phishing sample)', () => {
    const pkg = load('STIXProject__schemas/samples/STIX_Phishing_Indicator.xml');
    const handling = pkg.indicators[0]!.handling;
    expect(handling.map((m) => (m.structures[0]!.kind === 'tlp' ? m.structures[0]!.color : undefined))).toEqual(['GREEN', 'RED']);
    expect(handling[0]!.controlledStructure).toBe('ancestor-or-self::stix:Indicator//node()');
    expect(handling[0]!.structures[0]).toMatchObject({ modelName: 'TLP', modelRef: 'http://www.us-cert.gov/tlp/' });
  });

  itWithCorpus('STIXProject__schemas/samples/APT1/Appendix_D_FQDNs.xml')('reads terms of use and simple markings (CISCP bulletin, APT1)', () => {
    const ciscp = load('anl-cyberscience__FlexTransform/FlexibleTransform/resources/sampleMessages/stix/CISCP_INDICATOR.1682097386.20.xml');
    const kinds = ciscp.header!.handling.flatMap((m) => m.structures.map((s) => s.kind));
    expect(kinds).toEqual(['tlp', 'simple']);
    const simple = ciscp.header!.handling[1]!.structures[0]!;
    expect(simple.kind === 'simple' && simple.statement).toMatch(/^This Indicator Bulletin is provided "as is"/);
    const apt1 = load('STIXProject__schemas/samples/APT1/Appendix_D_FQDNs.xml');
    const tou = apt1.header!.handling[0]!.structures[0]!;
    expect(tou.kind).toBe('terms-of-use');
  });
});

describe('older STIX and extensions', () => {
  it('reads STIX 1.0 and keeps MAEC and CAPEC extensions whole', () => {
    const pkg = load('STIXProject__stix-ramrod/samples/stix_1.0_forcible.xml');
    expect(pkg.version).toBe('1.0');
    const malware = pkg.ttps[0]!.malware;
    expect(malware.map((m) => m.names[0]!.value)).toEqual([
      'This Malware_Instance should make it through the update process.',
      'This cannot be updated to STIX v1.0.1',
    ]);
    expect(malware[1]!.xsiType!.local).toBe('MAEC4.0InstanceType');
    const maec = malware[1]!.extensions[0]!;
    expect(maec.name).toBe('MAEC');
    expect(maec.attributes).toMatchObject({ id: 'maec-example-pkg-2', schema_version: '2.0' });
    expect(maec.children[0]).toMatchObject({ ns: 'http://maec.mitre.org/XMLSchema/maec-package-2', name: 'Malware_Subjects' });
    const xml = toXml(maec);
    expect(xml).toContain('<n1:Malware_Subjects');
    expect(xml).toContain('<n1:Malware_Instance_Object_Attributes/>');
    const capec = pkg.ttps[1]!.attackPatterns[0]!;
    expect(capec.xsiType!.local).toBe('CAPEC2.5InstanceType');
    expect(capec.extensions[0]!.attributes).toMatchObject({ Name: 'This cannot be translated', Status: 'Draft' });
    let seen = 0;
    forEachExtension(pkg, () => seen++);
    expect(seen).toBeGreaterThanOrEqual(2);
    // A comma list kept as written: splitting `##comma##` and `,` lists is the converter's job.
    const email = pkg.observables[0]!.object!;
    expect(textAt(email.properties, 'Header', 'Subject')).toBe('New modifications to the specification&comma;Brad,Free Face Enlargement Pills!');
    expect(findPath(email.properties, 'Header', 'From', 'Address_Value')[0]!.attributes['apply_condition']).toBe('ANY');
  });

  it('reads a package without a version, and reports duplicate ids', () => {
    const sighting = readPackage(readFileSync(path.join(CORPUS_DIR, 'STIXProject__stixproject.github.io/getting-started/analyst-exercise/sighting.xml')));
    expect(sighting.version).toBeUndefined();
    expect(sighting.warnings).toContain('the package has no version attribute; read as STIX 1.x');
    const sightingObservable = sighting.model.indicators[0]!.sightings[0]!.relatedObservables[0]!.item!;
    expect(sightingObservable).toMatchObject({ kind: 'observable', idref: 'ip_you_saw' });
    const dup = readPackage(readFileSync(path.join(CORPUS_DIR, 'STIXProject__stix-ramrod/samples/stix_duplicate_ids.xml')));
    expect(dup.warnings.join('\n')).toContain('example:Observable-duplicate');
    expect(indexIds(dup.model).duplicates).toEqual(['example:Observable-duplicate']);
  });
});
