/**
 * The event builder on small packages written for each rule: event identity and time, the distribution policy and
 * its visible decision, markings at every level, compositions (nested), composite and related indicators, idrefs,
 * test mechanisms, merging of repeated values, determinism and stable uuids when a package is re-issued.
 */
import { describe, expect, it } from 'vitest';
import { readPackage } from '../../../stix/index';
import type { MispAttribute, MispEvent } from '../../model';
import { checkEvent } from '../../validate/index';
import { v5 as uuidv5 } from 'uuid';
import { derivedUuid, FLARE_UUID_NAMESPACE } from '../contract';
import { mapObservable } from '../observables/index';
import { buildEventWith, type BuildEventOptions } from './build';
import { eventUuidFor, parseStixTime } from './package-info';
import { eventJson, summarizeReport } from './summary';

const NS = `xmlns:stix="http://stix.mitre.org/stix-1" xmlns:stixCommon="http://stix.mitre.org/common-1"
  xmlns:indicator="http://stix.mitre.org/Indicator-2" xmlns:marking="http://data-marking.mitre.org/Marking-1"
  xmlns:tlpMarking="http://data-marking.mitre.org/extensions/MarkingStructure#TLP-1"
  xmlns:simpleMarking="http://data-marking.mitre.org/extensions/MarkingStructure#Simple-1"
  xmlns:AIS="http://www.us-cert.gov/STIXMarkingStructure#AISConsentMarking-2"
  xmlns:cybox="http://cybox.mitre.org/cybox-2" xmlns:cyboxCommon="http://cybox.mitre.org/common-2"
  xmlns:DomainNameObj="http://cybox.mitre.org/objects#DomainNameObject-1"
  xmlns:AddressObj="http://cybox.mitre.org/objects#AddressObject-2"
  xmlns:yaraTM="http://stix.mitre.org/extensions/TestMechanism#YARA-1"
  xmlns:snortTM="http://stix.mitre.org/extensions/TestMechanism#Snort-1"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ex="http://example.com"`;

const PKG_UUID = '11111111-2222-4333-8444-555555555555';

function pkg(body: string, opts: { id?: string; timestamp?: string; header?: string } = {}): string {
  const id = opts.id ?? `ex:Package-${PKG_UUID}`;
  const ts = opts.timestamp ?? '2016-07-25T04:35:11+02:00';
  return `<stix:STIX_Package ${NS} id="${id}" version="1.1.1" timestamp="${ts}">${opts.header ?? '<stix:STIX_Header><stix:Title>Test package</stix:Title></stix:STIX_Header>'}${body}</stix:STIX_Package>`;
}

const tlp = (color: string, cs = '//node()') =>
  `<marking:Marking><marking:Controlled_Structure>${cs}</marking:Controlled_Structure><marking:Marking_Structure xsi:type="tlpMarking:TLPMarkingStructureType" color="${color}"/></marking:Marking>`;
const ais = (consent: string, color: string) =>
  `<marking:Marking><marking:Controlled_Structure>//node() | //@*</marking:Controlled_Structure><marking:Marking_Structure xsi:type="AIS:AISMarkingStructure"><AIS:Not_Proprietary CISA_Proprietary="false"><AIS:AISConsent consent="${consent}"/><AIS:TLPMarking color="${color}"/></AIS:Not_Proprietary></marking:Marking_Structure></marking:Marking>`;
const header = (title: string, handling = '') => `<stix:STIX_Header><stix:Title>${title}</stix:Title>${handling ? `<stix:Handling>${handling}</stix:Handling>` : ''}</stix:STIX_Header>`;
const domainObs = (id: string, value: string, condition = 'Equals') =>
  `<cybox:Observable id="ex:Observable-${id}"><cybox:Object id="ex:Object-${id}"><cybox:Properties xsi:type="DomainNameObj:DomainNameObjectType"><DomainNameObj:Value condition="${condition}">${value}</DomainNameObj:Value></cybox:Properties></cybox:Object></cybox:Observable>`;
const ipObs = (id: string, value: string) =>
  `<cybox:Observable id="ex:Observable-${id}"><cybox:Object id="ex:Object-${id}"><cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr"><AddressObj:Address_Value condition="Equals">${value}</AddressObj:Address_Value></cybox:Properties></cybox:Object></cybox:Observable>`;
const asIndicatorObservable = (obs: string) => obs.replace(/^<cybox:Observable /, '<indicator:Observable ').replace(/<\/cybox:Observable>$/, '</indicator:Observable>');
const indicator = (id: string, inner: string, title = `Indicator ${id}`) =>
  `<stix:Indicator id="ex:Indicator-${id}" timestamp="2016-07-25T04:00:00Z" xsi:type="indicator:IndicatorType"><indicator:Title>${title}</indicator:Title>${inner}</stix:Indicator>`;

function build(xml: string, options: BuildEventOptions = {}) {
  return buildEventWith(mapObservable, readPackage(xml), options);
}

function allAttributes(e: MispEvent): MispAttribute[] {
  return [...(e.Attribute ?? []), ...(e.Object ?? []).flatMap((o) => o.Attribute)];
}
function attr(e: MispEvent, type: string, value: string): MispAttribute {
  const found = allAttributes(e).find((a) => a.type === type && a.value === value);
  if (!found) throw new Error(`no ${type} ${value} in ${allAttributes(e).map((a) => `${a.type}:${a.value}`).join(', ')}`);
  return found;
}
const tagNames = (x: { Tag?: { name: string }[] }) => (x.Tag ?? []).map((t) => t.name);

describe('event identity and time', () => {
  it('takes the uuid inside the package id, else UUIDv5 of the whole id; the same id always gives the same uuid', () => {
    expect(eventUuidFor(`NCCIC:STIX_Package-830D87BB-8dfa-4b64-ba11-82db0d8117e8`, 'h')).toBe('830d87bb-8dfa-4b64-ba11-82db0d8117e8');
    const v5 = eventUuidFor('NCCIC:IB-14-20054', 'h');
    expect(v5).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventUuidFor('NCCIC:IB-14-20054', 'other hash')).toBe(v5);
    // A trailing UUID MISP would refuse (version 7) is not taken as it is.
    expect(eventUuidFor('x:Package-0190a000-0000-7000-8000-000000000000', 'h')).not.toBe('0190a000-0000-7000-8000-000000000000');
    expect(eventUuidFor(undefined, 'abc')).toBe(eventUuidFor(undefined, 'abc'));
    // Fixed forever (UUIDv5 of "stix-package|<id>" in FLARE's namespace): events already in MISP depend on it.
    expect(v5).toBe(uuidv5('stix-package|NCCIC:IB-14-20054', FLARE_UUID_NAMESPACE));
    // The hash may be given as a function: asked for only when there is no id.
    let asked = 0;
    const hashOf = (): string => {
      asked++;
      return 'abc';
    };
    expect(eventUuidFor('NCCIC:IB-14-20054', hashOf)).toBe(v5);
    expect(asked).toBe(0);
    expect(eventUuidFor(undefined, hashOf)).toBe(eventUuidFor(undefined, 'abc'));
    expect(asked).toBe(1);
  });

  it('gives a package without an id the same event whether the reader hashed it while parsing or on demand', () => {
    const xml = pkg('<stix:Indicators><stix:Indicator id="ex:indicator-1" timestamp="2016-07-25T04:35:11Z" xsi:type="indicator:IndicatorType"><indicator:Title>t</indicator:Title></stix:Indicator></stix:Indicators>').replace(` id="ex:Package-${PKG_UUID}"`, '');
    const eager = buildEventWith(mapObservable, readPackage(xml)).event;
    const onDemand = buildEventWith(mapObservable, readPackage(xml, { hashOnDemand: true })).event;
    expect(eager.uuid).toBe(derivedUuid('stix-package-hash', readPackage(xml).hash));
    expect(eventJson(onDemand)).toBe(eventJson(eager));
  });

  it('reads STIX times with any fraction and zone as UTC; no zone means UTC', () => {
    expect(parseStixTime('2016-07-25T04:35:11+02:00')).toBe(Date.UTC(2016, 6, 25, 2, 35, 11));
    expect(parseStixTime('2015-01-23T04:01:05.839820+00:00')).toBe(Date.UTC(2015, 0, 23, 4, 1, 5, 839));
    expect(parseStixTime('2023-06-09T01:33:50.810160')).toBe(Date.UTC(2023, 5, 9, 1, 33, 50, 810));
    expect(parseStixTime('2016-07-25T23:30:00-05:00')).toBe(Date.UTC(2016, 6, 26, 4, 30, 0));
    expect(parseStixTime('not a date')).toBeUndefined();
    expect(parseStixTime('2016-02-30T00:00:00Z')).toBeUndefined();
  });

  it('dates the event from the package timestamp in UTC and stores the package id as a searchable text attribute', () => {
    const { event } = build(pkg(indicator('1', asIndicatorObservable(domainObs('1', 'evil.example'))), { timestamp: '2016-07-25T23:30:00-05:00' }));
    expect(event).toMatchObject({ uuid: PKG_UUID, info: 'Test package', date: '2016-07-26', timestamp: Date.UTC(2016, 6, 26, 4, 30) / 1000, threat_level_id: 4, analysis: 0 });
    expect(event.Attribute![0]).toMatchObject({ type: 'text', category: 'Internal reference', value: `ex:Package-${PKG_UUID}`, comment: 'STIX package id', to_ids: false });
  });

  it('completes a title that is only the package id with the indicator count and first title', () => {
    const id = `NCCIC:STIX_Package-${PKG_UUID}`;
    const body = `<stix:Indicators>${indicator('1', asIndicatorObservable(domainObs('1', 'a.example')), 'Malicious domain')}${indicator('2', asIndicatorObservable(domainObs('2', 'b.example')))}</stix:Indicators>`;
    expect(build(pkg(body, { id, header: header(id) })).event.info).toBe(`${id} (2 indicators, first: Malicious domain)`);
    expect(build(pkg(body, { id, header: '' })).event.info).toBe(`STIX package ${id} (2 indicators, first: Malicious domain)`);
  });

  it('takes threat level, analysis and extra tags from the settings', () => {
    const { event } = build(pkg(''), { misp: { threatLevel: 2, analysis: 1, tags: ['source:AIS', 'workflow:state="incomplete"'] } });
    expect(event).toMatchObject({ threat_level_id: 2, analysis: 1 });
    expect(tagNames(event)).toEqual(['source:AIS', 'workflow:state="incomplete"']);
  });
});

describe('markings and the distribution policy', () => {
  const body = `<stix:Indicators>${indicator('1', asIndicatorObservable(domainObs('1', 'evil.example')))}</stix:Indicators>`;
  const decisionOf = (e: MispEvent) => e.Attribute!.find((a) => a.comment?.startsWith('Distribution chosen by the FLARE MISP policy'))!.value;

  it('AIS: the four ais-marking tags as the taxonomy spells them, and tlp from the AIS TLPMarking', () => {
    const { event } = build(pkg(body, { header: header('AIS', ais('EVERYONE', 'AMBER')) }), { misp: { distribution: 3 } });
    expect(tagNames(event)).toEqual([
      'tlp:amber',
      'ais-marking:AISMarking="Not_Proprietary"',
      'ais-marking:CISA_Proprietary="false"',
      'ais-marking:AISConsent="EVERYONE"',
      'ais-marking:TLPMarking="AMBER"',
    ]);
    expect(event.distribution).toBe(0);
    expect(decisionOf(event)).toBe('FLARE MISP distribution 0 (your organisation only): tlp:amber → 0; ais:everyone → default (3)');
  });

  it.each([
    ['WHITE', 'EVERYONE', 3],
    ['GREEN', 'EVERYONE', 3],
    ['GREEN', 'USG', 0],
    ['WHITE', 'NONE', 0],
    ['AMBER', 'EVERYONE', 0],
  ] as const)('AIS TLP:%s with consent %s → %i when the configured distribution is 3', (color, consent, expected) => {
    expect(build(pkg(body, { header: header('AIS', ais(consent, color)) }), { misp: { distribution: 3 } }).event.distribution).toBe(expected);
  });

  it('TLP alone: WHITE/GREEN → the configured distribution, AMBER/RED → 0; unmarked → 0 unless widened', () => {
    const d = (handling: string, misp: BuildEventOptions['misp']) => build(pkg(body, { header: header('T', handling) }), { misp }).event.distribution;
    expect(d(tlp('GREEN'), { distribution: 2 })).toBe(2);
    expect(d(tlp('RED'), { distribution: 2 })).toBe(0);
    expect(d('', { distribution: 2 })).toBe(0);
    expect(d('', { distribution: 2, distributionPolicy: { ...policy(), unmarked: 'default' } })).toBe(2);
    expect(d(tlp('AMBER'), { distribution: 3, distributionPolicy: { ...policy(), 'tlp:amber': 1 } })).toBe(1);
    // The most restrictive marking wins, sharing group counting as narrower than a community.
    expect(d(tlp('GREEN') + tlp('AMBER'), { distribution: 3, distributionPolicy: { ...policy(), 'tlp:amber': 4 }, sharingGroup: '7' })).toBe(4);
  });

  it('a sharing group needs its id — written, or resolved by MISP from a uuid or name; otherwise the event stays in the organisation and the decision says why', () => {
    const green = () => pkg(body, { header: header('T', tlp('GREEN')) });
    const ok = build(green(), { misp: { distribution: 4, sharingGroup: '12' } });
    expect(ok.event).toMatchObject({ distribution: 4, sharing_group_id: 12 });
    const uuid = 'a1b2c3d4-0000-4000-8000-000000000000';
    const resolved = build(green(), { misp: { distribution: 4, sharingGroup: uuid, sharingGroupId: 31 } });
    expect(resolved.event).toMatchObject({ distribution: 4, sharing_group_id: 31 });
    const offline = build(green(), { misp: { distribution: 4, sharingGroup: uuid } });
    expect(offline.event.distribution).toBe(0);
    expect(offline.event.sharing_group_id).toBeUndefined();
    expect(offline.distribution.summary).toContain(`"${uuid}" is looked up in MISP only when uploading`);
    const none = build(green(), { misp: { distribution: 4 } });
    expect(none.event.distribution).toBe(0);
    expect(none.distribution.summary).toContain('no sharing group is configured');
  });

  it('indicator markings become attribute tags and can only restrict that indicator', () => {
    const inner = `${asIndicatorObservable(domainObs('1', 'red.example'))}<indicator:Handling>${tlp('RED', '../../../descendant-or-self::node()')}</indicator:Handling>`;
    const xml = pkg(`<stix:Indicators>${indicator('1', inner)}${indicator('2', asIndicatorObservable(domainObs('2', 'green.example')))}</stix:Indicators>`, { header: header('T', tlp('GREEN')) });
    const { event } = build(xml, { misp: { distribution: 3 } });
    expect(event.distribution).toBe(3);
    const red = attr(event, 'domain', 'red.example');
    expect(tagNames(red)).toContain('tlp:red');
    expect(red.distribution).toBe(0);
    const green = attr(event, 'domain', 'green.example');
    expect(tagNames(green)).not.toContain('tlp:red');
    expect(green.distribution ?? 5).toBe(5);
  });

  it('a marking whose Controlled_Structure names another construct by id applies to that construct only', () => {
    const handling = tlp('RED', `//stix:Indicator[@id="ex:Indicator-2"]`);
    const xml = pkg(`<stix:Indicators>${indicator('1', asIndicatorObservable(domainObs('1', 'one.example')))}${indicator('2', asIndicatorObservable(domainObs('2', 'two.example')))}</stix:Indicators>`, {
      header: `<stix:STIX_Header><stix:Title>T</stix:Title><stix:Handling>${tlp('GREEN')}${handling}</stix:Handling></stix:STIX_Header>`,
    });
    const { event } = build(xml, { misp: { distribution: 1 } });
    expect(event.distribution).toBe(1);
    expect(tagNames(event)).toEqual(['tlp:green']);
    expect(attr(event, 'domain', 'two.example')).toMatchObject({ distribution: 0, Tag: [{ name: 'tlp:red' }] });
    expect(attr(event, 'domain', 'one.example').distribution ?? 5).toBe(5);
  });

  it('simple and terms-of-use statements become one comment attribute per distinct text, saying where they apply', () => {
    const simple = (text: string) => `<marking:Marking><marking:Controlled_Structure>..</marking:Controlled_Structure><marking:Marking_Structure xsi:type="simpleMarking:SimpleMarkingStructureType"><simpleMarking:Statement>${text}</simpleMarking:Statement></marking:Marking_Structure></marking:Marking>`;
    const ind = (n: string) => indicator(n, `${asIndicatorObservable(domainObs(n, `d${n}.example`))}<indicator:Handling>${simple('Do not forward.')}</indicator:Handling>`);
    const { event } = build(pkg(`<stix:Indicators>${ind('1')}${ind('2')}</stix:Indicators>`, { header: header('T', simple('Header statement.')) }));
    expect(attr(event, 'comment', 'Header statement.').comment).toBe('STIX simple marking on the package');
    expect(attr(event, 'comment', 'Do not forward.').comment).toBe('STIX simple marking on 2 constructs (2 indicators)');
  });
});

function policy() {
  return { 'tlp:white': 'default', 'tlp:green': 'default', 'tlp:amber': 0, 'tlp:red': 0, 'ais:everyone': 'default', 'ais:usg': 0, 'ais:none': 0, unmarked: 0 } as const;
}

describe('indicators', () => {
  it('carry title, type, description, confidence, kill chain and indicated TTP into comments and taxonomy tags', () => {
    const inner = `<indicator:Type>Domain Watchlist</indicator:Type><indicator:Description>Seen in phishing.</indicator:Description>${asIndicatorObservable(domainObs('1', 'evil.example'))}
      <indicator:Indicated_TTP><stixCommon:TTP idref="ex:TTP-1"/></indicator:Indicated_TTP>
      <indicator:Kill_Chain_Phases><stixCommon:Kill_Chain_Phase name="Delivery" kill_chain_name="LM Cyber Kill Chain"/><stixCommon:Kill_Chain_Phase phase_id="ex:p2"/></indicator:Kill_Chain_Phases>
      <indicator:Confidence><stixCommon:Value>Medium</stixCommon:Value></indicator:Confidence>`;
    const ttps = `<stix:TTPs><stix:TTP id="ex:TTP-1" xsi:type="ttp:TTPType" xmlns:ttp="http://stix.mitre.org/TTP-1"><ttp:Title>Phishing</ttp:Title><ttp:Resources><ttp:Tools><ttp:Tool><cyboxCommon:Name>mimikatz</cyboxCommon:Name></ttp:Tool></ttp:Tools></ttp:Resources></stix:TTP>
      <stix:Kill_Chains><stixCommon:Kill_Chain id="ex:kc" name="LM Cyber Kill Chain"><stixCommon:Kill_Chain_Phase phase_id="ex:p2" name="Command and Control" ordinality="6"/></stixCommon:Kill_Chain></stix:Kill_Chains></stix:TTPs>`;
    const { event } = build(pkg(`<stix:Indicators>${indicator('1', inner, 'Bad domain')}</stix:Indicators>${ttps}`));
    const a = attr(event, 'domain', 'evil.example');
    expect(a.to_ids).toBe(true);
    expect(a.comment).toContain('Indicator: Bad domain | type: Domain Watchlist | Seen in phishing. | confidence: Medium | kill chain: Delivery (LM Cyber Kill Chain), Command and Control | indicates TTP "Phishing"');
    expect(tagNames(a)).toEqual(expect.arrayContaining(['kill-chain:Delivery', 'kill-chain:Command and Control', 'estimative-language:confidence-in-analytic-judgment="moderate"', 'misp-galaxy:tool="mimikatz"']));
    expect(tagNames(event)).toContain('misp-galaxy:tool="mimikatz"');
  });

  it('keep nested AND/OR compositions: each member says where it sits, one attribute states the whole expression', () => {
    const comp = `<indicator:Observable id="ex:Observable-root"><cybox:Observable_Composition operator="OR">${domainObs('1', 'a.example')}<cybox:Observable id="ex:Observable-inner"><cybox:Observable_Composition operator="AND">${ipObs('2', '10.1.2.3')}${domainObs('3', 'c.example')}</cybox:Observable_Composition></cybox:Observable></cybox:Observable_Composition></indicator:Observable>`;
    const { event } = build(pkg(`<stix:Indicators>${indicator('1', comp, 'Grouped')}</stix:Indicators>`));
    expect(attr(event, 'domain', 'a.example').comment).toContain('composition: item 1 of 2 in OR');
    expect(attr(event, 'ip-dst', '10.1.2.3').comment).toContain('composition: item 2 of 2 in OR › item 1 of 2 in AND');
    expect(attr(event, 'domain', 'c.example').comment).toContain('composition: item 2 of 2 in OR › item 2 of 2 in AND');
    const expr = event.Attribute!.find((a) => a.type === 'comment' && a.value.startsWith('Observable composition'))!;
    expect(expr.value).toBe('Observable composition of indicator "Grouped": (domain a.example OR (ip-dst 10.1.2.3 AND domain c.example))');
    expect(expr).toMatchObject({ to_ids: false, category: 'Other' });
  });

  it('resolve idrefs (indicator observable, composition members), and report one that dangles', () => {
    const body = `<stix:Observables cybox_major_version="2" cybox_minor_version="1">${domainObs('1', 'ref.example')}${domainObs('2', 'member.example')}</stix:Observables>
      <stix:Indicators>${indicator('1', '<indicator:Observable idref="ex:Observable-1"/>')}
      ${indicator('2', '<indicator:Observable><cybox:Observable_Composition operator="AND"><cybox:Observable idref="ex:Observable-2"/><cybox:Observable idref="ex:Observable-missing"/></cybox:Observable_Composition></indicator:Observable>')}</stix:Indicators>`;
    const { event, report } = build(pkg(body));
    expect(attr(event, 'domain', 'ref.example')).toMatchObject({ to_ids: true });
    expect(attr(event, 'domain', 'ref.example').comment).toContain('Indicator: Indicator 1');
    expect(attr(event, 'domain', 'member.example')).toMatchObject({ to_ids: true });
    expect(summarizeReport(report).dropped).toEqual(['the observable ex:Observable-missing is referenced but not defined in the package: dropped (ex:Indicator-2)']);
    expect(event.Attribute!.find((a) => a.value.startsWith('Observable composition'))!.value).toContain('(domain member.example AND [observable ex:Observable-missing not mapped])');
  });

  it('top-level observables are to_ids false unless an indicator uses them; each value appears once', () => {
    const body = `<stix:Observables cybox_major_version="2" cybox_minor_version="1">${domainObs('1', 'used.example')}${domainObs('2', 'plain.example')}${domainObs('3', 'PLAIN.example')}</stix:Observables>
      <stix:Indicators>${indicator('1', '<indicator:Observable idref="ex:Observable-1"/>')}</stix:Indicators>`;
    const { event, issues } = build(pkg(body));
    expect(attr(event, 'domain', 'used.example').to_ids).toBe(true);
    expect(attr(event, 'domain', 'plain.example').to_ids).toBe(false);
    expect(allAttributes(event).filter((a) => a.type === 'domain')).toHaveLength(2);
    expect(issues.filter((i) => i.level === 'error')).toEqual([]);
  });

  it('follow Composite_Indicator_Expression and Related_Indicators: members are converted once and name their parent', () => {
    const body = `<stix:Indicators>
      <stix:Indicator id="ex:Indicator-parent" xsi:type="indicator:IndicatorType"><indicator:Title>Campaign set</indicator:Title>
        <indicator:Composite_Indicator_Expression operator="OR"><indicator:Indicator idref="ex:Indicator-1"/>${indicator('2', asIndicatorObservable(domainObs('2', 'inline.example')))}</indicator:Composite_Indicator_Expression>
        <indicator:Related_Indicators><indicator:Related_Indicator><stixCommon:Relationship>Derived from</stixCommon:Relationship><stixCommon:Indicator idref="ex:Indicator-3"/></indicator:Related_Indicator></indicator:Related_Indicators>
      </stix:Indicator>
      ${indicator('1', asIndicatorObservable(domainObs('1', 'one.example')))}${indicator('3', asIndicatorObservable(domainObs('3', 'three.example')))}</stix:Indicators>`;
    const { event } = build(pkg(body));
    expect(attr(event, 'domain', 'one.example').comment).toContain('part of OR composite indicator "Campaign set"');
    expect(attr(event, 'domain', 'inline.example').comment).toContain('part of OR composite indicator "Campaign set"');
    expect(attr(event, 'domain', 'three.example').comment).toContain('related (Derived from) to indicator "Campaign set"');
    expect(allAttributes(event).filter((a) => a.type === 'domain')).toHaveLength(3);
  });

  it('turn YARA and Snort test mechanisms into yara and snort attributes', () => {
    const tms = `<indicator:Test_Mechanisms><indicator:Test_Mechanism xsi:type="yaraTM:YaraTestMechanismType"><yaraTM:Rule>rule x { condition: true }</yaraTM:Rule></indicator:Test_Mechanism>
      <indicator:Test_Mechanism xsi:type="snortTM:SnortTestMechanismType"><snortTM:Rule>alert tcp any any -> any 80 (msg:"x"; sid:1;)</snortTM:Rule></indicator:Test_Mechanism></indicator:Test_Mechanisms>`;
    const { event } = build(pkg(`<stix:Indicators>${indicator('1', tms, 'Rules')}</stix:Indicators>`));
    expect(attr(event, 'yara', 'rule x { condition: true }')).toMatchObject({ category: 'Payload installation', to_ids: true });
    expect(attr(event, 'snort', 'alert tcp any any -> any 80 (msg:"x"; sid:1;)')).toMatchObject({ category: 'Network activity', to_ids: true });
    expect(attr(event, 'yara', 'rule x { condition: true }').comment).toContain('Indicator: Rules');
  });
});

describe('determinism and re-issued packages', () => {
  const full = (withSecond: boolean) =>
    pkg(`<stix:Observables cybox_major_version="2" cybox_minor_version="1">${domainObs('1', 'keep.example')}${withSecond ? domainObs('2', 'removed.example') : ''}${ipObs('3', '192.0.2.7')}</stix:Observables>
      <stix:Indicators>${indicator('1', asIndicatorObservable(domainObs('9', 'ind.example')))}</stix:Indicators>`, { header: header('Re-issue', ais('EVERYONE', 'GREEN')) });

  it('the same package gives byte-identical JSON every time', () => {
    const a = eventJson(build(full(true), { misp: { distribution: 2 } }).event);
    const b = eventJson(build(full(true), { misp: { distribution: 2 } }).event);
    expect(a).toBe(b);
    expect(checkEvent(JSON.parse(a)).issues.filter((i) => i.level === 'error')).toEqual([]);
  });

  it('a re-issue without one observable keeps the event uuid and every remaining uuid', () => {
    const before = build(full(true)).event;
    const after = build(full(false)).event;
    expect(after.uuid).toBe(before.uuid);
    const uuids = (e: MispEvent) => new Map(allAttributes(e).map((a) => [`${a.type}|${a.value}`, a.uuid]));
    const was = uuids(before);
    const now = uuids(after);
    expect(was.has('domain|removed.example')).toBe(true);
    expect(now.has('domain|removed.example')).toBe(false);
    expect(now.size).toBe(was.size - 1);
    for (const [key, uuid] of now) expect(was.get(key), key).toBe(uuid);
  });

  it('derives every uuid from the event uuid: nothing reuses a CybOX id', () => {
    const { event } = build(full(true));
    expect(allAttributes(event).every((a) => !a.uuid.startsWith('11111111'))).toBe(true);
    expect(event.Attribute![0]!.uuid).toBe(derivedUuid(event.uuid, 'package-id'));
  });
});
