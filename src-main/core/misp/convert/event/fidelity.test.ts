/**
 * Fidelity gaps a MISP analyst would notice, on small packages written for each: an indicator whose observable
 * reference dangles keeps what it says; markings reach the constructs written inside a marked one; placeholder
 * header descriptions are skipped. (Alternatives of single-valued relations: observables/alternatives.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { readPackage } from '../../../stix/index';
import type { MispAttribute, MispEvent, MispObject } from '../../model';
import { mapObservable } from '../observables/index';
import { isPlaceholderText } from '../values';
import { buildEventWith, type BuildEventOptions } from './build';
import { summarizeReport } from './summary';

const NS = `xmlns:stix="http://stix.mitre.org/stix-1" xmlns:stixCommon="http://stix.mitre.org/common-1"
  xmlns:indicator="http://stix.mitre.org/Indicator-2" xmlns:ttp="http://stix.mitre.org/TTP-1" xmlns:coa="http://stix.mitre.org/CourseOfAction-1"
  xmlns:et="http://stix.mitre.org/ExploitTarget-1" xmlns:marking="http://data-marking.mitre.org/Marking-1"
  xmlns:tlpMarking="http://data-marking.mitre.org/extensions/MarkingStructure#TLP-1"
  xmlns:cybox="http://cybox.mitre.org/cybox-2" xmlns:cyboxCommon="http://cybox.mitre.org/common-2"
  xmlns:DomainNameObj="http://cybox.mitre.org/objects#DomainNameObject-1"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ex="http://example.com"`;

function pkg(body: string, header = '<stix:STIX_Header><stix:Title>Test package</stix:Title></stix:STIX_Header>'): string {
  return `<stix:STIX_Package ${NS} id="ex:Package-11111111-2222-4333-8444-555555555555" version="1.1.1" timestamp="2016-07-25T04:35:11Z">${header}${body}</stix:STIX_Package>`;
}
const tlp = (color: string, cs = '../../../descendant-or-self::node() | ../../../descendant-or-self::node()/@*') =>
  `<marking:Marking><marking:Controlled_Structure>${cs}</marking:Controlled_Structure><marking:Marking_Structure xsi:type="tlpMarking:TLPMarkingStructureType" color="${color}"/></marking:Marking>`;
const headerWith = (handling: string, description = '') =>
  `<stix:STIX_Header><stix:Title>Test package</stix:Title>${description}<stix:Handling>${handling}</stix:Handling></stix:STIX_Header>`;
const domain = (id: string, value: string) =>
  `<indicator:Observable id="ex:Observable-${id}"><cybox:Object id="ex:Object-${id}"><cybox:Properties xsi:type="DomainNameObj:DomainNameObjectType"><DomainNameObj:Value condition="Equals">${value}</DomainNameObj:Value></cybox:Properties></cybox:Object></indicator:Observable>`;
const coa = (id: string, title: string, handling = '') =>
  `<stixCommon:Course_Of_Action id="ex:COA-${id}" xsi:type="coa:CourseOfActionType"><coa:Title>${title}</coa:Title>${handling ? `<coa:Handling>${handling}</coa:Handling>` : ''}</stixCommon:Course_Of_Action>`;

const build = (xml: string, options: BuildEventOptions = {}) => buildEventWith(mapObservable, readPackage(xml), options);
const all = (e: MispEvent): MispAttribute[] => [...(e.Attribute ?? []), ...(e.Object ?? []).flatMap((o) => o.Attribute)];
const tagNames = (x: { Tag?: { name: string }[] }) => (x.Tag ?? []).map((t) => t.name);
const objectTags = (o: MispObject) => [...new Set(o.Attribute.flatMap(tagNames))];
const coaNamed = (e: MispEvent, name: string) => (e.Object ?? []).find((o) => o.name === 'course-of-action' && o.Attribute.some((a) => a.object_relation === 'name' && a.value === name))!;

describe('an indicator whose observable reference points at nothing in the package', () => {
  const body = `<stix:Indicators><stix:Indicator id="ex:Indicator-1" xsi:type="indicator:IndicatorType"><indicator:Title>C2 domain</indicator:Title>
    <indicator:Type>Domain Watchlist</indicator:Type><indicator:Description>Beacons every 2 hours.</indicator:Description>
    <indicator:Observable idref="ex:Observable-missing"/>
    <indicator:Kill_Chain_Phases><stixCommon:Kill_Chain_Phase name="Command and Control"/></indicator:Kill_Chain_Phases>
    <indicator:Confidence><stixCommon:Value>High</stixCommon:Value></indicator:Confidence>
    <indicator:Sightings sightings_count="3"><indicator:Sighting timestamp="2014-08-06T00:00:00Z"><indicator:Source><stixCommon:Identity><stixCommon:Name>MITRE</stixCommon:Name></stixCommon:Identity></indicator:Source></indicator:Sighting><indicator:Sighting timestamp="2014-08-07T00:00:00Z"/></indicator:Sightings>
    <indicator:Handling>${tlp('RED')}</indicator:Handling>
    </stix:Indicator></stix:Indicators>`;

  it('is not dropped: title, description, type, confidence, sightings, kill chain and its tags reach the event', () => {
    const { event, report, issues } = build(pkg(body, headerWith(tlp('GREEN', '//node()'))), { misp: { distribution: 3 } });
    expect(issues.filter((i) => i.level === 'error')).toEqual([]);
    const kept = all(event).filter((a) => a.value.startsWith('Indicator: C2 domain'));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({
      type: 'comment',
      value: 'Indicator: C2 domain | Beacons every 2 hours.',
      to_ids: false,
      distribution: 0,
      comment: 'STIX indicator whose observable ex:Observable-missing is not in the package | type: Domain Watchlist | confidence: High | sightings: 3 (2014-08-06T00:00:00Z by MITRE; 2014-08-07T00:00:00Z) | kill chain: Command and Control',
    });
    expect(tagNames(kept[0]!)).toEqual(['kill-chain:Command and Control', 'estimative-language:confidence-in-analytic-judgment="high"', 'tlp:red']);
    // One warning about the dangling reference (not a silent drop, not two warnings).
    const summary = summarizeReport(report);
    expect(summary.warnings).toEqual([
      'indicator "C2 domain" names the observable ex:Observable-missing, which is not defined in the package: the indicator\'s title, description, type, confidence and sightings are kept as a comment attribute, its observable is missing (ex:Indicator-1)',
    ]);
    expect(summary.dropped).toEqual([]);
  });

  it('a dangling object reference (cybox:Object idref) is kept the same way; a member of a composition is still reported as dropped', () => {
    const xml = pkg(`<stix:Indicators><stix:Indicator id="ex:Indicator-2" xsi:type="indicator:IndicatorType"><indicator:Title>Object ref</indicator:Title>
      <indicator:Observable id="ex:Observable-2"><cybox:Object idref="ex:Object-missing"/></indicator:Observable></stix:Indicator></stix:Indicators>`);
    const { event, report } = build(xml);
    expect(all(event).find((a) => a.value === 'Indicator: Object ref')?.comment).toBe('STIX indicator whose observable ex:Object-missing is not in the package');
    expect(report.warnings.map((w) => w.code)).toEqual(['dangling-observable']);
  });

  it('an indicator with a resolvable observable is unchanged: no indicator comment attribute', () => {
    const xml = pkg(`<stix:Indicators><stix:Indicator id="ex:Indicator-3" xsi:type="indicator:IndicatorType"><indicator:Title>Fine</indicator:Title>${domain('3', 'fine.example')}</stix:Indicator></stix:Indicators>`);
    const { event } = build(xml);
    expect(all(event).filter((a) => a.type === 'comment' && a.value.startsWith('Indicator'))).toEqual([]);
  });
});

describe('markings inherited by nested constructs', () => {
  const indicator = (handling: string, coas: string) =>
    `<stix:Indicators><stix:Indicator id="ex:Indicator-1" xsi:type="indicator:IndicatorType"><indicator:Title>Phish</indicator:Title>${domain('1', 'phish.example')}
      <indicator:Suggested_COAs>${coas}</indicator:Suggested_COAs>${handling ? `<indicator:Handling>${handling}</indicator:Handling>` : ''}</stix:Indicator></stix:Indicators>`;
  const suggested = (inner: string) => `<indicator:Suggested_COA>${inner}</indicator:Suggested_COA>`;

  it('a COA inside a marked indicator, under a package-level TLP, carries the same tags as the indicator and its distribution', () => {
    const xml = pkg(indicator(tlp('AMBER'), suggested(coa('1', 'Block the domain'))), headerWith(tlp('GREEN', '//node() | //@*')));
    const { event } = build(xml, { misp: { distribution: 3 } });
    expect(event.distribution).toBe(3);
    expect(tagNames(event)).toEqual(['tlp:green']);
    const parent = all(event).find((a) => a.value === 'phish.example')!;
    expect(tagNames(parent)).toEqual(['tlp:amber']);
    const block = coaNamed(event, 'Block the domain');
    expect(block.Attribute.map(tagNames)).toEqual(block.Attribute.map(() => ['tlp:amber']));
    expect(block.distribution).toBe(parent.distribution);
    expect(block.distribution).toBe(0);
  });

  it("the nearest marking wins: a COA's own TLP replaces the indicator's (one tlp tag), the distribution stays the stricter", () => {
    const xml = pkg(indicator(tlp('RED'), suggested(coa('1', 'Own green', `${tlp('GREEN')}`)) + suggested(coa('2', 'Inherits red'))), headerWith(tlp('GREEN', '//node()')));
    const { event } = build(xml, { misp: { distribution: 3 } });
    expect(objectTags(coaNamed(event, 'Own green'))).toEqual(['tlp:green']);
    expect(coaNamed(event, 'Own green').distribution).toBe(0);
    expect(objectTags(coaNamed(event, 'Inherits red'))).toEqual(['tlp:red']);
  });

  it('an exploit target and its COA inside a marked TTP inherit its marking, through every level', () => {
    const ttp = `<stix:TTPs><stix:TTP id="ex:TTP-1" xsi:type="ttp:TTPType"><ttp:Title>Exploit kit</ttp:Title>
      <ttp:Exploit_Targets><ttp:Exploit_Target><stixCommon:Exploit_Target id="ex:ET-1" xsi:type="et:ExploitTargetType"><et:Title>Old Flash</et:Title>
        <et:Vulnerability><et:CVE_ID>CVE-2015-5119</et:CVE_ID></et:Vulnerability>
        <et:Potential_COAs><et:Potential_COA>${coa('3', 'Patch Flash')}</et:Potential_COA></et:Potential_COAs></stixCommon:Exploit_Target></ttp:Exploit_Target></ttp:Exploit_Targets>
      <ttp:Handling>${tlp('AMBER')}</ttp:Handling></stix:TTP></stix:TTPs>`;
    const { event } = build(pkg(ttp), { misp: { distribution: 3 } });
    expect(tagNames(all(event).find((a) => a.type === 'vulnerability')!)).toEqual(['tlp:amber']);
    expect(objectTags(coaNamed(event, 'Patch Flash'))).toEqual(['tlp:amber']);
  });

  it('a marking that selects only its own element (Controlled_Structure "..") is not inherited; a construct referenced by idref inherits nothing', () => {
    const body = indicator(tlp('RED', '..'), suggested(coa('4', 'Inline')) + suggested('<stixCommon:Course_Of_Action idref="ex:COA-5"/>')) +
      `<stix:Courses_Of_Action>${coa('5', 'Referenced').replace('stixCommon:Course_Of_Action', 'stix:Course_Of_Action').replace('</stixCommon:Course_Of_Action>', '</stix:Course_Of_Action>')}</stix:Courses_Of_Action>`;
    const { event } = build(pkg(body));
    expect(tagNames(all(event).find((a) => a.value === 'phish.example')!)).toEqual(['tlp:red']);
    expect(objectTags(coaNamed(event, 'Inline'))).toEqual([]);
    expect(objectTags(coaNamed(event, 'Referenced'))).toEqual([]);
  });
});

describe('placeholder header descriptions', () => {
  it.each(['None', 'N/A', 'null', 'NULL', ' none ', 'n/a.', '-', 'TBD', 'Not applicable', '[REDACTED]'])('"%s" is skipped with a placeholder warning', (text) => {
    const { event, report } = build(pkg('', `<stix:STIX_Header><stix:Title>T</stix:Title><stix:Description>${text}</stix:Description></stix:STIX_Header>`));
    expect(all(event).filter((a) => a.comment?.startsWith('STIX header description'))).toEqual([]);
    expect(report.warnings.map((w) => w.code)).toEqual(['placeholder']);
  });

  it('the short description is used when the description is a placeholder; the intent alone is kept as before', () => {
    const withShort = build(pkg('', `<stix:STIX_Header><stix:Title>T</stix:Title><stix:Description>None</stix:Description><stix:Short_Description>Phishing wave</stix:Short_Description></stix:STIX_Header>`));
    expect(all(withShort.event).find((a) => a.comment === 'STIX header description')?.value).toBe('Phishing wave');
    const intent = build(pkg('', `<stix:STIX_Header><stix:Title>T</stix:Title><stix:Package_Intent>Indicators</stix:Package_Intent><stix:Description>null</stix:Description></stix:STIX_Header>`));
    expect(all(intent.event).find((a) => a.comment === 'STIX header package intent')?.value).toBe('STIX package intent: Indicators');
  });

  it('real descriptions that merely start like a placeholder are kept', () => {
    for (const text of ['None of the hosts responded.', 'Null session enumeration', 'NA region campaign', 'N/A-rated']) expect(isPlaceholderText(text), text).toBe(false);
    const { event } = build(pkg('', `<stix:STIX_Header><stix:Title>T</stix:Title><stix:Description>None of the hosts responded.</stix:Description></stix:STIX_Header>`));
    expect(all(event).find((a) => a.comment === 'STIX header description')?.value).toBe('None of the hosts responded.');
  });
});
