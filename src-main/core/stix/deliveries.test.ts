/**
 * One package, many deliveries: as a standalone file, as child XML of a TAXII Poll_Response whose ancestors
 * declare its namespaces, as CDATA, as escaped text, with other prefixes, re-indented, with a BOM and an
 * XML declaration, in UTF-16 — same model, same hash. Any real change changes the hash.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../../test/paths';
import { canonicalForm, readPackage, readPackages } from './index';

const AIS = readFileSync(
  path.join(CORPUS_DIR, 'STIXProject__python-stix/stix/test/extensions/marking/ais_test_files/stix_ais_21.xml'),
  'utf8',
);

/** Moves every namespace declaration of the package's start tag to a TAXII Poll_Response around it. */
function asTaxiiChild(xml: string): string {
  const body = xml.replace(/^<\?xml[^>]*>\s*/, '');
  const tagEnd = body.indexOf('>');
  const startTag = body.slice(0, tagEnd);
  const decls = (startTag.match(/\sxmlns(:[\w.-]+)?="[^"]*"/g) ?? []).filter((d) => !d.startsWith(' xmlns:taxii_11='));
  const bare = startTag.replace(/\sxmlns(:[\w.-]+)?="[^"]*"/g, '');
  return (
    `<taxii_11:Poll_Response xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1"${decls.join('')} message_id="1" in_response_to="2" collection_name="c" more="false" result_part_number="1">\n` +
    `  <taxii_11:Record_Count partial_count="false">1</taxii_11:Record_Count>\n` +
    `  <taxii_11:Content_Block>\n    <taxii_11:Content_Binding binding_id="urn:stix.mitre.org:xml:1.1.1"/>\n    <taxii_11:Content>\n` +
    bare +
    body.slice(tagEnd) +
    `\n    </taxii_11:Content>\n    <taxii_11:Timestamp_Label>2016-07-25T04:35:11Z</taxii_11:Timestamp_Label>\n  </taxii_11:Content_Block>\n</taxii_11:Poll_Response>\n`
  );
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Renames a namespace prefix everywhere it is used as a prefix: declarations, element and attribute names, xsi:type values. */
function renamePrefix(xml: string, from: string, to: string): string {
  const f = from.replace(/[.-]/g, '\\$&');
  return xml
    .replace(new RegExp(`xmlns:${f}=`, 'g'), `xmlns:${to}=`)
    .replace(new RegExp(`(</?)${f}:`, 'g'), `$1${to}:`)
    .replace(new RegExp(`(\\s)${f}:([\\w.-]+=)`, 'g'), `$1${to}:$2`)
    .replace(new RegExp(`(:type=["'])${f}:`, 'g'), `$1${to}:`);
}

describe('one package in every delivery', () => {
  const original = readPackage(AIS);

  const deliveries: [string, string | Buffer][] = [
    ['child XML of a TAXII Poll_Response that declares its namespaces', asTaxiiChild(AIS)],
    ['a CDATA section (the content of a TAXII Content element)', `<![CDATA[${AIS}]]>`],
    ['escaped text', escapeXml(AIS)],
    ['a TAXII Content_Block carrying it as escaped text', `<taxii_11:Content_Block xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1"><taxii_11:Content_Binding binding_id="urn:stix.mitre.org:xml:1.1.1"/><taxii_11:Content>${escapeXml(AIS)}</taxii_11:Content></taxii_11:Content_Block>`],
    [
      'other prefixes (stix→s, indicator→ind, cybox→cbx, AddressObj→addr, xsi→i, xal→a, marking→m, AIS→ais)',
      [
        ['stix', 's'],
        ['indicator', 'ind'],
        ['cybox', 'cbx'],
        ['AddressObj', 'addr'],
        ['xsi', 'i'],
        ['xal', 'a'],
        ['marking', 'm'],
        ['AIS', 'ais'],
      ].reduce((x, [f, t]) => renamePrefix(x, f!, t!), AIS),
    ],
    ['re-indented, on one line', AIS.replace(/>\s+</g, '><')],
    ['with a BOM and an XML declaration, as bytes', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${AIS}`)])],
    ['in UTF-16LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`<?xml version="1.0" encoding="UTF-16"?>${AIS}`, 'utf16le')])],
    ['with attributes in another order and no xsi:schemaLocation', AIS.replace(/ xsi:schemaLocation="[^"]*"/, '').replace(/(id="[^"]*") (timestamp="[^"]*") (version="1\.1\.1")/, '$3 $2 $1')],
    ['with comments and a text value split by CDATA', AIS.replace('<stix:STIX_Header>', '<!-- delivered by a test --><stix:STIX_Header>').replace('>SWIFT.jar<', '>SWIFT<![CDATA[.jar]]><')],
  ];

  it.each(deliveries)('as %s: same id, model and hash', (_name, content) => {
    const [p, ...more] = readPackages(content);
    expect(more).toHaveLength(0);
    expect(p!.id).toBe(original.id);
    expect(p!.hash).toBe(original.hash);
    expect(p!.model).toEqual(original.model);
  });

  it.each(deliveries)('as %s, hashed on demand: the same hash and model', (_name, content) => {
    const [p] = readPackages(content, { hashOnDemand: true });
    expect(p!.model).toEqual(original.model);
    expect(p!.hash).toBe(original.hash);
  });

  it('hands back child XML as a standalone document that declares the namespaces it inherited', () => {
    const [p] = readPackages(asTaxiiChild(AIS));
    expect(p!.xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<stix:STIX_Package /);
    expect(p!.xml).toContain('xmlns:AddressObj="http://cybox.mitre.org/objects#AddressObject-2"');
    expect(p!.xml).toContain('xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1"');
    expect(p!.xml).not.toContain('Poll_Response');
    const again = readPackage(p!.xml);
    expect(again.hash).toBe(original.hash);
    expect(again.model).toEqual(original.model);
  });

  it('reads a default namespace and prefixed spellings of the same package alike', () => {
    const prefixed = `<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" xmlns:indicator="http://stix.mitre.org/Indicator-2" xmlns:cybox="http://cybox.mitre.org/cybox-2" xmlns:AddressObj="http://cybox.mitre.org/objects#AddressObject-2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="x:p-1" version="1.1.1"><stix:Indicators><stix:Indicator id="x:i-1" xsi:type="indicator:IndicatorType"><indicator:Observable id="x:o-1"><cybox:Object><cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr"><AddressObj:Address_Value condition="Equals">198.51.100.7</AddressObj:Address_Value></cybox:Properties></cybox:Object></indicator:Observable></stix:Indicator></stix:Indicators></stix:STIX_Package>`;
    const defaulted = `<STIX_Package xmlns="http://stix.mitre.org/stix-1" xmlns:i="http://stix.mitre.org/Indicator-2" xmlns:c="http://cybox.mitre.org/cybox-2" xmlns:xs-i="http://www.w3.org/2001/XMLSchema-instance" version="1.1.1" id="x:p-1"><Indicators><Indicator xs-i:type="i:IndicatorType" id="x:i-1"><i:Observable id="x:o-1"><c:Object><c:Properties xmlns:a="http://cybox.mitre.org/objects#AddressObject-2" category="ipv4-addr" xs-i:type="a:AddressObjectType"><Address_Value xmlns="http://cybox.mitre.org/objects#AddressObject-2" condition="Equals">198.51.100.7</Address_Value></c:Properties></c:Object></i:Observable></Indicator></Indicators></STIX_Package>`;
    const a = readPackage(prefixed);
    const b = readPackage(defaulted);
    expect(b.hash).toBe(a.hash);
    expect(b.model).toEqual(a.model);
    expect(canonicalForm(defaulted)).toEqual(canonicalForm(prefixed));
    const props = a.model.indicators[0]!.observable!.object!.properties!;
    expect(props.xsiType).toEqual({ ns: 'http://cybox.mitre.org/objects#AddressObject-2', local: 'AddressObjectType' });
    expect(props.children[0]).toMatchObject({ name: 'Address_Value', text: '198.51.100.7' });
    expect(props.children[0]!.attributes['condition']).toBe('Equals');
  });

  describe('any real change changes the hash', () => {
    const changes: [string, string][] = [
      ['one character of a value', AIS.replace('info@damavanddarou.com', 'info@damavanddarou.con')],
      ['a condition attribute', AIS.replace('<EmailMessageObj:Subject condition="Equals">SWIFT<', '<EmailMessageObj:Subject condition="Contains">SWIFT<')],
      ['the AIS consent', AIS.replace('consent="EVERYONE"', 'consent="USG"')],
      ['an xsi:type to another namespace', AIS.replace('xsi:type="FileObj:FileObjectType"', 'xsi:type="AddressObj:FileObjectType"')],
      ['an observable removed', AIS.replace(/<stix:Indicator id="NCCIC:Indicator-cea74c3e[\s\S]*?<\/stix:Indicator>/, '')],
      ['a whitespace change inside a value', AIS.replace('>SWIFT<', '>SWIFT <')],
      ['the package timestamp', AIS.replace('timestamp="2016-07-25T04:35:11+00:00"', 'timestamp="2016-07-25T04:35:12+00:00"')],
    ];
    it.each(changes)('%s', (_name, changed) => {
      expect(changed).not.toBe(AIS);
      expect(readPackage(changed).hash).not.toBe(original.hash);
    });
  });

  it('writes a canonical form with generated prefixes declared on the root and sorted attributes', () => {
    const [canonical] = canonicalForm('<p:STIX_Package xmlns:p="http://stix.mitre.org/stix-1" xmlns:q="urn:q" xmlns:unused="urn:u" version="1.2" id="a:b" q:z="1"> <p:STIX_Header>\n  <p:Title>T &amp; &lt;x&gt;</p:Title> <!-- c --></p:STIX_Header></p:STIX_Package>');
    expect(canonical).toBe(
      '<n0:STIX_Package xmlns:n0="http://stix.mitre.org/stix-1" xmlns:n1="urn:q" id="a:b" version="1.2" n1:z="1"><n0:STIX_Header><n0:Title>T &amp; &lt;x&gt;</n0:Title></n0:STIX_Header></n0:STIX_Package>',
    );
  });
});

describe('content blocks with several packages', () => {
  it('takes every STIX_Package of a TAXII message, each standalone', () => {
    const pkg = (n: number): string => `<stix:STIX_Package id="x:p-${n}" version="1.1.1" timestamp="2020-01-0${n}T00:00:00Z"><stix:STIX_Header><stix:Title>P${n}</stix:Title></stix:STIX_Header></stix:STIX_Package>`;
    const message = `<taxii_11:Poll_Response xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" xmlns:stix="http://stix.mitre.org/stix-1" message_id="1" in_response_to="2" collection_name="c"><taxii_11:Content_Block><taxii_11:Content_Binding binding_id="urn:stix.mitre.org:xml:1.1.1"/><taxii_11:Content>${pkg(1)}</taxii_11:Content></taxii_11:Content_Block><taxii_11:Content_Block><taxii_11:Content_Binding binding_id="urn:stix.mitre.org:xml:1.1.1"/><taxii_11:Content>${pkg(2)}</taxii_11:Content></taxii_11:Content_Block></taxii_11:Poll_Response>`;
    const all = readPackages(message);
    expect(all.map((p) => [p.id, p.timestamp, p.model.header?.title])).toEqual([
      ['x:p-1', '2020-01-01T00:00:00Z', 'P1'],
      ['x:p-2', '2020-01-02T00:00:00Z', 'P2'],
    ]);
    for (const p of all) expect(readPackage(p.xml).hash).toBe(p.hash);
  });

  it('takes sibling packages of a Content given as a fragment', () => {
    const ns = 'xmlns:stix="http://stix.mitre.org/stix-1"';
    const all = readPackages(`<?xml version="1.0"?>\n<stix:STIX_Package ${ns} id="a:1" version="1.2"/>\n<stix:STIX_Package ${ns} id="a:2" version="1.2"/>`);
    expect(all.map((p) => p.id)).toEqual(['a:1', 'a:2']);
  });
});
