/**
 * Whole packages from the corpus → MISP events, with the expected content written from reading each XML file:
 * AIS packages with consent EVERYONE and NONE, TLP WHITE/GREEN/AMBER and a targeted RED, nested compositions,
 * idrefs, composite indicators, TTPs, exploit targets, COAs, threat actors, campaigns, incidents, reports, MISP's own
 * exports, STIX 1.0, 1.1, 1.1.1 and 1.2. Then every corpus package: valid for MISP and byte-identical twice.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allCorpusFiles, CORPUS_DIR, corpusFile, filesUnder } from '../../../../../test/paths';
import { readPackages, walkModel, type ExtractedPackage } from '../../../stix/index';
import type { MispAttribute, MispEvent, MispObject } from '../../model';
import { checkEvent } from '../../validate/index';
import { buildEvent, type BuildEventOptions, type BuiltEvent } from './index';
import { scanModel } from './scan';
import { eventJson, summarizeReport } from './summary';
import { itWithCorpus } from '../../../../../test/support/corpus';

const AIS = 'STIXProject__python-stix/stix/test/extensions/marking/ais_test_files';
const IDIOMS = 'STIXProject__stixproject.github.io/documentation/idioms';
const CISCP = 'anl-cyberscience__FlexTransform/FlexibleTransform/resources/sampleMessages/stix';

function load(file: string): ExtractedPackage {
  const [p] = readPackages(readFileSync(corpusFile(file) ?? path.join(CORPUS_DIR, file)));
  return p!;
}
function convert(file: string, options: BuildEventOptions = { misp: { distribution: 3 } }): BuiltEvent {
  const built = buildEvent(load(file), options);
  expect(built.issues.filter((i) => i.level === 'error'), `${file}: validator errors`).toEqual([]);
  return built;
}
const tags = (x: { Tag?: { name: string }[] } | undefined) => (x?.Tag ?? []).map((t) => t.name);
const attrs = (e: MispEvent) => e.Attribute ?? [];
function attr(e: MispEvent, type: string, value: string): MispAttribute {
  const a = [...attrs(e), ...(e.Object ?? []).flatMap((o) => o.Attribute)].find((x) => x.type === type && x.value === value);
  if (!a) throw new Error(`no ${type} "${value}"`);
  return a;
}
const byComment = (e: MispEvent, comment: string) => attrs(e).filter((a) => a.comment === comment).map((a) => a.value);
function objects(e: MispEvent, name: string): MispObject[] {
  return (e.Object ?? []).filter((o) => o.name === name);
}
const rel = (o: MispObject, relation: string) => o.Attribute.filter((a) => a.object_relation === relation).map((a) => a.value);
const hasObjectWith = (e: MispEvent, name: string, relation: string, value: string) => objects(e, name).some((o) => rel(o, relation).includes(value));

describe('AIS packages', () => {
  it('stix_ais_21: consent EVERYONE, TLP AMBER → ais-marking tags, tlp:amber, distribution 0 although 3 is configured; submitter kept', () => {
    const { event, distribution } = convert(`${AIS}/stix_ais_21.xml`);
    expect(event).toMatchObject({
      uuid: '205ded6a-e00b-493a-8cef-192b5bf53f14',
      info: '814784 15: Spear-Phishing Campaign Using Multiple Themed Emails Containing Malicious Attachment',
      date: '2016-07-25',
      timestamp: Date.UTC(2016, 6, 25, 4, 35, 11) / 1000,
      distribution: 0,
    });
    expect(tags(event)).toEqual([
      'tlp:amber',
      'ais-marking:AISMarking="Not_Proprietary"',
      'ais-marking:CISA_Proprietary="false"',
      'ais-marking:AISConsent="EVERYONE"',
      'ais-marking:TLPMarking="AMBER"',
    ]);
    expect(distribution.summary).toBe('0 (your organisation only): tlp:amber → 0; ais:everyone → default (3)');
    expect(attr(event, 'text', 'NCCIC:STIX_Package-205ded6a-e00b-493a-8cef-192b5bf53f14').comment).toBe('STIX package id');
    expect(attr(event, 'comment', '814784 15: US-CERT was notified by a trusted third party of a spear-phishing campaign using multiple themed emails containing a malicious attachment.').comment).toBe(
      'STIX header description | package intent: Indicators - Phishing',
    );
    expect(byComment(event, 'AIS submitter organisation')).toEqual(['NCCIC']);
    expect(byComment(event, 'AIS submitter sector')).toEqual(['Information Technology Sector']);
    expect(byComment(event, 'AIS submitter country')).toEqual(['US']);
    expect(byComment(event, 'AIS submitter administrative area')).toEqual(['US-DC']);
    // Two malicious e-mails (sender + subject) and one file: indicators, so for IDS, with their kill chain phase.
    const from = attr(event, 'email-src', 'info@damavanddarou.com');
    expect(from.to_ids).toBe(true);
    expect(tags(from)).toContain('kill-chain:Delivery');
    expect(attr(event, 'email-subject', 'You received an iTunes Store 100$ Gift Card')).toBeDefined();
    expect(attr(event, 'md5', 'bb15ea89fa4c4af6cea251b858cd917c').to_ids).toBe(true);
    expect(tags(attr(event, 'md5', 'bb15ea89fa4c4af6cea251b858cd917c'))).toContain('kill-chain:Installation');
    const mail = objects(event, 'email').find((o) => rel(o, 'from').includes('info@damavanddarou.com'));
    expect(mail?.comment).toContain('Indicator: Malicious E-mail Indicator | type: Malicious E-mail');
  });

  it('SQLi-Sample-005: consent NONE keeps the event in the organisation even when AMBER is widened; TTPs, exploit targets, COAs', () => {
    const widened: BuildEventOptions = { misp: { distribution: 3, distributionPolicy: { 'tlp:white': 'default', 'tlp:green': 'default', 'tlp:amber': 3, 'tlp:red': 0, 'ais:everyone': 'default', 'ais:usg': 0, 'ais:none': 0, unmarked: 0 } } };
    const { event, distribution } = convert(`${AIS}/SQLi-Sample-005.xml`, widened);
    expect(event.distribution).toBe(0);
    expect(distribution.summary).toBe('0 (your organisation only): tlp:amber → 3; ais:none → 0');
    expect(tags(event)).toContain('ais-marking:AISConsent="NONE"');
    expect(event).toMatchObject({ uuid: '5db23985-e7d1-4e3a-a78e-d6be5a4b5f70', info: 'SQLi Sample 05', date: '2016-03-29' });
    // The submitter sits in the marking's Information_Source in this sample.
    expect(byComment(event, 'AIS submitter organisation')).toEqual(['SAMPLE COMPANY NAME']);
    for (const d of ['aissubmissionsample.gov', 'aissubmissionsample.org', 'aissubmissionsample.net']) {
      expect(attr(event, 'domain', d)).toMatchObject({ to_ids: true });
      expect(attr(event, 'domain', d).comment).toContain('type: Domain Watchlist');
    }
    // Exploit targets (top level, named as the TTPs' exploits): CVEs → vulnerability attributes; titled ones → objects.
    expect(attr(event, 'vulnerability', 'CVE-2016-2386')).toMatchObject({ category: 'External analysis', to_ids: false });
    expect(attr(event, 'vulnerability', 'CVE-2016-1308').comment).toContain('exploited by TTP NCCIC:TTP-869399b1-b69c-4ab7-a9ff-1fbbde585044');
    expect(hasObjectWith(event, 'vulnerability', 'summary', 'New Vulnerability')).toBe(true);
    expect(hasObjectWith(event, 'attack-pattern', 'id', 'CAPEC-152')).toBe(true);
    expect(hasObjectWith(event, 'attack-pattern', 'id', 'CAPEC-66')).toBe(true);
    expect(objects(event, 'course-of-action').map((o) => rel(o, 'name')[0])).toEqual(['Network Level Recommendations', 'System / Application Level Recommendations']);
  });

  it('stix_ais_10: TLP WHITE with consent EVERYONE → the configured distribution; indicator terms of use kept once; placeholders reported', () => {
    const { event, report } = convert(`${AIS}/stix_ais_10.xml`, { misp: { distribution: 2 } });
    expect(event.distribution).toBe(2);
    expect(tags(event)).toEqual(['tlp:white', 'ais-marking:AISMarking="Not_Proprietary"', 'ais-marking:CISA_Proprietary="false"', 'ais-marking:AISConsent="EVERYONE"', 'ais-marking:TLPMarking="WHITE"']);
    const tou = attrs(event).filter((a) => a.comment?.startsWith('STIX terms of use marking'));
    expect(tou).toHaveLength(1);
    expect(tou[0]!.comment).toBe('STIX terms of use marking on 9 constructs (9 indicators)');
    expect(tou[0]!.value).toMatch(/^This Indicator Bulletin is provided "as is"/);
    expect(attr(event, 'ip-dst', '59.188.0.197').comment).toBe('Indicator: Malicious IPv4 Indicator | type: IP Watchlist | https://www.fireeye.com/blog/threat-research/2015/11/china-based-threat.html');
    expect(summarizeReport(report).dropped.some((d) => d.includes('"N/A" is a placeholder'))).toBe(true);
  });
});

describe('TLP-marked DHS bulletins (STIX 1.0)', () => {
  it('CISCP .30: TLP GREEN → the configured distribution; a non-UUID package id gives a UUIDv5 event uuid; composite indicator members name it', () => {
    const { event } = convert(`${CISCP}/CISCP_INDICATOR.1682097386.30.xml`);
    expect(event.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-/);
    expect(event).toMatchObject({ info: 'CryptoDefense Malware Analysis from Third Party Submissions', distribution: 3, date: '2014-09-04' });
    expect(tags(event)).toEqual(['tlp:green']);
    const c2 = attr(event, 'domain', 'dominikanabestplace.com');
    expect(c2.to_ids).toBe(true);
    expect(c2.comment).toContain('part of OR composite indicator CISCP:indicator-4ea964b4-03b8-4cab-84e0-9eeb343f8362');
    expect(tags(c2)).toEqual(['kill-chain:Command and Control']);
    expect(hasObjectWith(event, 'file', 'md5', 'f612500ee9764e18ca78d2e78df5b017')).toBe(true);
  });

  it('CISCP .20: TLP AMBER and a simple marking statement; Composite_Indicator_Expression followed to every C2 address', () => {
    const { event } = convert(`${CISCP}/CISCP_INDICATOR.1682097386.20.xml`);
    expect(event.distribution).toBe(0);
    expect(tags(event)).toEqual(['tlp:amber']);
    expect(attrs(event).find((a) => a.comment === 'STIX simple marking on the package')?.value).toMatch(/This document is marked TLP: AMBER/);
    const ip = attr(event, 'ip-dst', '222.222.222.222');
    expect(ip.comment).toContain('ChinaNet - Hebei, China');
    expect(ip.comment).toContain('part of OR composite indicator NCCIC:indicator-1224b0c4-d89d-438c-9db2-2fdc799bf912');
    expect(tags(ip)).toEqual(['kill-chain:Command and Control']);
  });
});

describe('compositions and idrefs', () => {
  it('cti-toolkit 1.1.1 (TLP WHITE): idref observables resolved, OR compositions stated, top-level observables not for IDS, COAs and TTPs kept', () => {
    const { event } = convert('Cosive__cti-toolkit/tests/TEST-STIX-1.1.1.xml');
    expect(event).toMatchObject({ info: 'CA-TEST-STIX', distribution: 3 });
    expect(tags(event)).toEqual(['tlp:white']);
    expect(byComment(event, 'STIX information source organisation')).toEqual(['CERT Australia']);
    // Indicator "Malicious URLs" points at its observable by idref.
    const url = attr(event, 'url', 'http://host.domain.tld/path/file');
    expect(url.to_ids).toBe(true);
    expect(url.comment).toBe('Indicator: Malicious URLs | type: URL Watchlist | kill chain: Pre-infection | indicates TTP "Malicious URL"');
    const expr = attrs(event).find((a) => a.value.startsWith('Observable composition of indicator "Domains for known C2 channel"'));
    expect(expr?.value).toBe('Observable composition of indicator "Domains for known C2 channel": (domain bad.domain.org OR domain dnsupdate.dyn.net OR domain free.stuff.com)');
    expect(attr(event, 'domain', 'dnsupdate.dyn.net').comment).toContain('composition: item 2 of 3 in OR');
    expect(tags(attr(event, 'email-src', 'sender@domain.tld'))).toContain('estimative-language:confidence-in-analytic-judgment="high"');
    // Observables no indicator uses stay, for context only.
    expect(attr(event, 'mutex', 'WIN_ABCDEF').to_ids).toBe(false);
    expect(attr(event, 'ip-dst', '111.222.33.44').to_ids).toBe(false);
    expect(objects(event, 'attack-pattern').map((o) => rel(o, 'name')[0])).toEqual(['Malicious URL', 'Spear phishing', 'Malicious file', 'Attacker infrastructure - hosting']);
    const coa = objects(event, 'course-of-action').find((o) => rel(o, 'name').includes('Monitor known malicious emails'))!;
    expect(rel(coa, 'type')).toEqual(['Monitoring']);
    expect(rel(coa, 'stage')).toEqual(['Response']);
    expect(rel(coa, 'efficacy')).toEqual(['Medium']);
  });

  it('stuxnet (OpenTAXII): an OR of files and nested AND groups of drivers, patterns not for IDS, every member placed', () => {
    const { event } = convert('eclecticiq__OpenTAXII/examples/stix/stuxnet.stix.xml');
    const expr = attrs(event).find((a) => a.value.startsWith('Observable composition of indicator'))!.value;
    expect(expr.startsWith('Observable composition of indicator "CybOX-represented Indicator Created from OpenIOC File": (')).toBe(true);
    expect(expr).toMatch(/ OR \(.+ AND .+\) OR /);
    const pnf = attr(event, 'filename', 'mdmcpq3.PNF');
    expect(pnf.to_ids).toBe(false); // condition="Contains": a pattern, not a value to alert on
    expect(pnf.comment).toContain('composition: item 2 of 10 in OR');
    expect(attrs(event).some((a) => (a.comment ?? '').includes('› item 1 of 2 in AND'))).toBe(true);
  });
});

describe('TTPs, threat actors, campaigns, exploit targets, test mechanisms, COAs', () => {
  itWithCorpus('STIXProject__schemas/samples/APT1/Mandiant_APT1_Report.xml')('Mandiant APT1 report: threat actors, malware and tools as galaxy tags; the terms of use kept', () => {
    const { event } = convert('STIXProject__schemas/samples/APT1/Mandiant_APT1_Report.xml');
    expect(event.info).toBe("APT1: Exposing One of China's Cyber Espionage Units");
    expect(event.distribution).toBe(0); // unmarked
    expect(tags(event)).toEqual(
      expect.arrayContaining([
        'misp-galaxy:threat-actor="Comment Crew"',
        `misp-galaxy:threat-actor="People's Liberation Army Unit 61398"`,
        'misp-galaxy:tool="mimikatz"',
        'misp-galaxy:tool="gsecdump"',
        'misp-galaxy:malpedia="WEBC2"',
      ]),
    );
    expect(attr(event, 'threat-actor', 'Comment Crew')).toMatchObject({ category: 'Attribution', to_ids: false });
    expect(hasObjectWith(event, 'malware', 'name', 'WEBC2')).toBe(true);
    expect(attrs(event).find((a) => a.comment === 'STIX terms of use marking on the package')?.value).toMatch(/APT1 Report/);
  });

  it('snort idiom: the Snort rules as snort attributes; the exploit target CVE as a vulnerability', () => {
    const { event } = convert(`${IDIOMS}/snort-test-mechanism/snort-test-mechanism.xml`);
    const snort = attrs(event).filter((a) => a.type === 'snort');
    expect(snort).toHaveLength(2);
    expect(snort.every((a) => a.to_ids && a.comment?.startsWith('Indicator: Snort Signature for Heartbleed'))).toBe(true);
    expect(snort[0]!.value).toMatch(/^alert tcp any any -> any any \(msg:"FOX-SRT - Flowbit - TLS-SSL Client Hello"/);
    expect(attr(event, 'vulnerability', 'CVE-2014-0160').comment).toBe('Exploit target: Heartbleed | exploited by TTP "Generic Heartbleed Exploits"');
    expect(event.info).toBe('STIX package example:Package-c048687c-8018-4dba-8b87-9b70efe59e98 (1 indicator, first: Snort Signature for Heartbleed)');
  });

  it('yara idiom: the YARA rule as a yara attribute', () => {
    const { event } = convert(`${IDIOMS}/yara-test-mechanism/yara-test-mechanism.xml`);
    const yara = attrs(event).find((a) => a.type === 'yara')!;
    expect(yara.value).toMatch(/^rule silent_banker : banker/);
    expect(yara).toMatchObject({ to_ids: true, category: 'Payload installation' });
  });

  it('block-network-traffic idiom: a course-of-action object referencing its parameter observable', () => {
    const { event } = convert(`${IDIOMS}/block-network-traffic/block-network-traffic.xml`);
    const coa = objects(event, 'course-of-action')[0]!;
    expect(rel(coa, 'name')).toEqual(['Block traffic to PIVY C2 Server (10.10.10.10)']);
    expect(rel(coa, 'type')).toEqual(['Perimeter Blocking']);
    const ip = attr(event, 'ip-dst', '10.10.10.10');
    expect(ip.to_ids).toBe(false);
    expect(coa.ObjectReference).toEqual([{ referenced_uuid: ip.uuid, relationship_type: 'related-to' }]);
  });

  it('campaign-v-actors idiom: the campaign by name with its attribution, the threat actor as galaxy tag', () => {
    const { event } = convert(`${IDIOMS}/campaign-v-actors/campaign-v-actors.xml`);
    expect(attr(event, 'campaign-name', 'Compromise of ATM Machines').comment).toBe('STIX campaign | attributed to People behind the intrusion | TTP "Victim Targeting: Customer PII and Financial Data"');
    expect(tags(event)).toEqual(['misp-galaxy:threat-actor="People behind the intrusion"']);
    expect(event.info).toBe('STIX package example:Package-81810123-b298-40f6-a4e7-186efcd07670: campaign Compromise of ATM Machines');
  });

  it('STIX_Phishing_Indicator: the indicator TLP GREEN on its pieces, a RED aimed at one suggested COA only', () => {
    // The header has no marking: widen `unmarked` so the RED visibly restricts its COA below the event's 3.
    const policy = { 'tlp:white': 'default', 'tlp:green': 'default', 'tlp:amber': 0, 'tlp:red': 0, 'ais:everyone': 'default', 'ais:usg': 0, 'ais:none': 0, unmarked: 'default' } as const;
    const { event } = convert('STIXProject__schemas/samples/STIX_Phishing_Indicator.xml', { misp: { distribution: 3, distributionPolicy: policy } });
    expect(event.distribution).toBe(3);
    expect(tags(attr(event, 'domain', 'state.gov'))).toContain('tlp:green');
    expect(tags(attr(event, 'domain', 'state.gov'))).not.toContain('tlp:red');
    const secret = objects(event, 'course-of-action').find((o) => rel(o, 'type').includes('Super Secret Proprietary Response'))!;
    expect(secret.distribution).toBe(0);
    expect(secret.Attribute.every((a) => tags(a).includes('tlp:red'))).toBe(true);
    const other = objects(event, 'course-of-action').find((o) => rel(o, 'type').includes('Email Block'))!;
    expect(other.Attribute.some((a) => tags(a).includes('tlp:red'))).toBe(false);
  });
});

describe('incidents, reports and MISP exports', () => {
  it('incident-vs-indicator idiom: each incident a report object pointing at what its indicators became', () => {
    const { event } = convert(`${IDIOMS}/incident-vs-indicator/sample-combined.xml`);
    const reports = objects(event, 'report');
    expect(reports.map((o) => rel(o, 'title')[0])).toEqual(['192.168.1.1', '192.168.1.2', '192.168.1.3']);
    const ip = attr(event, 'ip-dst', '192.168.1.1');
    expect(ip.to_ids).toBe(true);
    expect(reports[0]!.ObjectReference?.map((r) => r.referenced_uuid)).toContain(ip.uuid);
    expect(rel(reports[0]!, 'type')).toEqual(['STIX incident']);
  });

  it('misp-stix test_event2 (a MISP export, STIX 1.1.1): incidents kept as reports, MISP tags restored, the AND composition stated', () => {
    const { event } = convert('MISP__misp-stix/tests/test_event2_stix11.xml');
    expect(event.uuid).toBe('b9169dc6-8458-4cc6-836b-315c134d63c0');
    expect(tags(event)).toEqual(['misp:tool="MISP-STIX-Converter"']);
    expect(objects(event, 'report').map((o) => rel(o, 'title')[0])).toEqual(['MISP-STIX-Converter test event with domain|ip attribute', 'MISP-STIX-Converter test event with filename attribute']);
    expect(attrs(event).find((a) => a.value.startsWith('Observable composition'))?.value).toBe(
      'Observable composition of indicator "Network activity: circl.lu|149.13.33.14 (MISP Attribute)": (domain circl.lu AND ip-dst 149.13.33.14)',
    );
    expect(attr(event, 'filename', 'test_file_name').to_ids).toBe(true);
  });

  it('multiple-reports idiom (STIX 1.2): both reports and the campaign kept', () => {
    const { event } = convert(`${IDIOMS}/wrapper/multiple-reports-in-package.xml`);
    expect(event.info).toBe("Report on Adversary Alpha's Campaign against the Industrial Control Sector");
    const reports = objects(event, 'report');
    expect(reports.map((o) => rel(o, 'title')[0])).toEqual(["Report on Adversary Alpha's Campaign against the Industrial Control Sector", 'Indicators for Malware DrownedRat']);
    expect(rel(reports[0]!, 'type')).toEqual(['STIX report (Campaign Characterization)']);
    expect(attr(event, 'campaign-name', 'Campaign against ICS')).toBeDefined();
  });

  it('cti-toolkit 1.2: the STIX 1.2 twin converts to the same indicators', () => {
    const { event } = convert('Cosive__cti-toolkit/tests/TEST-STIX-1.2.xml');
    expect(tags(event)).toEqual(['tlp:white']);
    expect(attr(event, 'url', 'http://host.domain.tld/path/file').to_ids).toBe(true);
    expect(attr(event, 'domain', 'free.stuff.com').to_ids).toBe(true);
  });

  it('stix-ramrod 1.1 (STIX 1.1): TLP AMBER; indicators without observable kept as text; incidents as reports', () => {
    const { event, report } = convert('STIXProject__stix-ramrod/samples/stix_1.1_upgradable.xml');
    expect(tags(event)).toContain('tlp:amber');
    expect(attr(event, 'snort', 'log udp any any -> 192.168.1.0/24 1:1024').to_ids).toBe(true);
    expect(attr(event, 'comment', 'Indicator: Demonstrates translation of Related_Campaigns').comment).toBe('STIX indicator without observable');
    expect(objects(event, 'report').map((o) => rel(o, 'title')[0])).toEqual(['Demonstrates AvailabilityLossVocab translation', 'Demonstrates Confidence translation']);
    expect(event.date).toBe('1970-01-01');
    expect(summarizeReport(report).warnings).toContain('the package has no time at all: the event is dated 1970-01-01');
  });
});

describe('a re-issued AIS package', () => {
  it('stix_ais_10 without its IPv4 indicator: same event uuid, every remaining attribute and object uuid unchanged', () => {
    const xml = readFileSync(path.join(CORPUS_DIR, `${AIS}/stix_ais_10.xml`), 'utf8');
    const start = xml.indexOf('<stix:Indicator id="NCCIC:indicator-3f5dc452-4dc3-11e6-a0d0-eccd6d4fa460"');
    const end = xml.indexOf('</stix:Indicator>', start) + '</stix:Indicator>'.length;
    expect(start).toBeGreaterThan(0);
    const reissued = xml.slice(0, start) + xml.slice(end);
    const before = buildEvent(readPackages(xml)[0]!).event;
    const after = buildEvent(readPackages(reissued)[0]!).event;
    expect(after.uuid).toBe(before.uuid);
    const pieces = (e: MispEvent) =>
      new Map<string, string>([
        ...attrs(e).map((a) => [`${a.type}|${a.value}`, a.uuid] as [string, string]),
        ...(e.Object ?? []).flatMap((o) => [[`object|${o.name}|${o.Attribute.map((a) => a.value).join(',')}`, o.uuid] as [string, string], ...o.Attribute.map((a) => [`${o.uuid}|${a.object_relation}|${a.value}`, a.uuid] as [string, string])]),
      ]);
    const was = pieces(before);
    const now = pieces(after);
    expect(was.has('ip-dst|59.188.0.197')).toBe(true);
    expect(now.has('ip-dst|59.188.0.197')).toBe(false);
    expect(now.size).toBe(was.size - 1);
    for (const [key, uuid] of now) expect(was.get(key), key).toBe(uuid);
  });
});

describe('the whole corpus', () => {
  it('every package becomes a valid MISP event, byte-identical when converted again', { timeout: 180_000 }, () => {
    let events = 0;
    for (const { file } of allCorpusFiles()) {
      let packages: ExtractedPackage[];
      try {
        packages = readPackages(readFileSync(file));
      } catch {
        continue; // not a package or not well-formed: the reader's tests cover the refusal
      }
      for (const p of packages) {
        const first = buildEvent(p, { misp: { distribution: 1 } });
        const again = buildEvent(p, { misp: { distribution: 1 } });
        const json = eventJson(first.event);
        expect(eventJson(again.event), file).toBe(json);
        expect(first.issues.filter((i) => i.level === 'error'), file).toEqual([]);
        expect(checkEvent(JSON.parse(json)).issues.filter((i) => i.level === 'error'), file).toEqual([]);
        events++;
      }
    }
    expect(events).toBeGreaterThanOrEqual(75);
  });

  it('the one-pass scan finds every construct the generic walk finds', { timeout: 60_000 }, () => {
    for (const file of filesUnder(CORPUS_DIR)) {
      let packages: ExtractedPackage[];
      try {
        packages = readPackages(readFileSync(file));
      } catch {
        continue;
      }
      for (const p of packages) {
        const scan = scanModel(p.model);
        const found = new Set<unknown>(Object.values(scan.definitions).flat());
        walkModel(p.model, (c) => {
          if (c.kind === 'identity' || c.idref !== undefined) return;
          if (c.id !== undefined && scan.index.byId.get(c.id) !== c) return; // a duplicate id: the first one counts
          expect(found.has(c), `${file}: ${c.kind} ${c.id ?? ''}`).toBe(true);
        });
      }
    }
  });
});
