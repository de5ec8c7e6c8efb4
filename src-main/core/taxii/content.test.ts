import { describe, expect, it } from 'vitest';
import { stixPackage } from '../../simulators/taxii/fixtures';
import { ResponseWriter } from '../../simulators/taxii/responses';
import { parseTaxiiMessage } from './parse-messages';
import type { PollResponse } from './types';
import { readXml } from './xml-reader';

const NS = 'http://taxii.mitre.org/messages/taxii_xml_binding-1.1';

function response(blocks: string, rootDeclarations = ''): string {
  return `<t:Poll_Response xmlns:t="${NS}" ${rootDeclarations} message_id="1" in_response_to="2" collection_name="c" more="false">${blocks}</t:Poll_Response>`;
}

function block(content: string, label = '2016-01-01T00:00:01Z'): string {
  return `<t:Content_Block><t:Content_Binding binding_id="urn:stix.mitre.org:xml:1.1.1"/><t:Content>${content}</t:Content><t:Timestamp_Label>${label}</t:Timestamp_Label></t:Content_Block>`;
}

function blocksOf(xml: string): PollResponse['contentBlocks'] {
  return (parseTaxiiMessage(xml) as PollResponse).contentBlocks;
}

function documentOf(xml: string, i = 0): string {
  const content = blocksOf(xml)[i]?.content;
  if (content?.kind !== 'xml') throw new Error(`block ${i} is ${content?.kind}`);
  expect(content.documents).toHaveLength(1);
  return content.documents[0] as string;
}

describe('content handed on as standalone documents', () => {
  const pkg = stixPackage(7, { indicators: 2 });

  it('gives the same document for child XML, CDATA and escaped text, in every prefix style', () => {
    const docs = new Set<string>();
    for (const style of ['taxii_11', 'ns2', 'default'] as const) {
      for (const deliverAs of ['xml', 'cdata', 'escaped'] as const) {
        const xml = new ResponseWriter(style).pollResponse({
          inResponseTo: '1',
          collection: 'ais',
          more: false,
          partNumber: 1,
          blocks: [{ content: pkg, timestampLabel: '2016-01-01T00:00:01+00:00' }],
          deliverAs,
        });
        const blocks = blocksOf(xml);
        expect(blocks[0]?.deliveredAs).toBe(deliverAs === 'xml' ? 'xml' : 'text');
        expect(blocks[0]?.timestampLabel).toBe('2016-01-01T00:00:01Z');
        docs.add(documentOf(xml));
      }
    }
    expect(docs.size).toBe(1);
    const [doc] = [...docs];
    expect(doc).toContain('Synthetic AIS test package 7 &amp; friends');
    expect(() => readXml(doc as string)).not.toThrow();
  });

  it('re-declares on the content root the namespaces it inherits from the message, including those only used in QName values', () => {
    const decl = 'xmlns:stix="http://stix.mitre.org/stix-1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:stixVocabs="http://stix.mitre.org/default_vocabularies-1" xmlns:unused="urn:unused"';
    const content = '<stix:STIX_Package id="p1"><stix:STIX_Header><stix:Package_Intent xsi:type="stixVocabs:PackageIntentVocab-1.0">Indicators</stix:Package_Intent></stix:STIX_Header></stix:STIX_Package>';
    const doc = documentOf(response(block(content), decl));
    expect(doc).toBe(
      '<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" xmlns:stixVocabs="http://stix.mitre.org/default_vocabularies-1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="p1">' +
        '<stix:STIX_Header><stix:Package_Intent xsi:type="stixVocabs:PackageIntentVocab-1.0">Indicators</stix:Package_Intent></stix:STIX_Header></stix:STIX_Package>',
    );
    // Standalone: it parses alone, and the QName value's prefix resolves on its own root.
    const root = readXml(doc);
    expect(root.uri).toBe('http://stix.mitre.org/stix-1');
  });

  it('keeps an inherited default namespace for unprefixed content', () => {
    const xml = `<Poll_Response xmlns="${NS}" message_id="1" in_response_to="2" collection_name="c"><Content_Block><Content_Binding binding_id="b"/><Content><Package xmlns:x="urn:x"><x:y>1</x:y><Inner/></Package></Content></Content_Block></Poll_Response>`;
    const doc = documentOf(xml);
    expect(doc).toBe(`<Package xmlns="${NS}" xmlns:x="urn:x"><x:y>1</x:y><Inner/></Package>`);
    expect(readXml(doc).uri).toBe(NS);
  });

  it('preserves text, attributes, comments and processing instructions faithfully', () => {
    const content = '<a:r xmlns:a="urn:a" v="x&#9;y &quot;q&quot; &lt;&amp;&gt;">text &amp; &lt;tag&gt; ]]&gt;<!-- note --><?pi data?><a:e/><a:f></a:f></a:r>';
    const doc = documentOf(response(block(content)));
    expect(doc).toBe('<a:r xmlns:a="urn:a" v="x&#9;y &quot;q&quot; &lt;&amp;&gt;">text &amp; &lt;tag&gt; ]]&gt;<!-- note --><?pi data?><a:e/><a:f/></a:r>');
    const back = readXml(doc);
    expect(back.attributes['v']).toBe('x\ty "q" <&>');
    expect(back.text).toBe('text & <tag> ]]>');
  });

  it('gives each of several top-level elements its own document', () => {
    const blocks = blocksOf(response(block('<a xmlns="urn:a"/><b xmlns="urn:b"/>')));
    expect(blocks[0]?.content).toEqual({ kind: 'xml', documents: ['<a xmlns="urn:a"/>', '<b xmlns="urn:b"/>'] });
  });

  it('drops the XML declaration of text content and still gives the same document', () => {
    const direct = documentOf(response(block(pkg)));
    const declared = documentOf(response(block(`<![CDATA[<?xml version="1.0" encoding="UTF-8"?>\n${pkg}]]>`)));
    expect(declared).toBe(direct);
  });

  it('passes non-XML text through and marks broken XML content as invalid without failing the other blocks', () => {
    const blocks = blocksOf(
      response(
        block('{"type": "bundle"}') +
          block('<![CDATA[<stix:STIX_Package xmlns:stix="urn:s"><unclosed></stix:STIX_Package>]]>') +
          block('<![CDATA[<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>]]>') +
          block('<![CDATA[<p:x/>]]>') +
          block(pkg),
      ),
    );
    expect(blocks.map((b) => b.content.kind)).toEqual(['text', 'invalid', 'invalid', 'invalid', 'xml']);
    expect(blocks[0]?.content).toEqual({ kind: 'text', text: '{"type": "bundle"}' });
    const broken = blocks[1]?.content;
    expect(broken?.kind === 'invalid' && broken.raw).toContain('<unclosed>');
    const doctype = blocks[2]?.content;
    expect(doctype?.kind === 'invalid' && doctype.problem).toMatch(/DOCTYPE/);
  });
});
