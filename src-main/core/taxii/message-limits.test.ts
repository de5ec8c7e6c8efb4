import { describe, expect, it } from 'vitest';
import { thrown } from '../../../test/support/errors';
import { TaxiiProtocolError } from './errors';
import { parseTaxiiMessage } from './parse-messages';

const NS = 'http://taxii.mitre.org/messages/taxii_xml_binding-1.1';

/** A Poll_Response of `blocks` content blocks, each a STIX-like document of `elements` empty elements. */
function pollResponse(blocks: number, elements: number): string {
  const body = '<x:e/>'.repeat(elements);
  const block = `<taxii_11:Content_Block><taxii_11:Content_Binding binding_id="urn:stix.mitre.org:xml:1.1.1"/><taxii_11:Content><x:doc xmlns:x="urn:x">${body}</x:doc></taxii_11:Content></taxii_11:Content_Block>`;
  return `<taxii_11:Poll_Response xmlns:taxii_11="${NS}" message_id="1" in_response_to="1" collection_name="ais" more="false" result_part_number="1">${block.repeat(blocks)}</taxii_11:Poll_Response>`;
}

describe('per-message limits of the TAXII reader', () => {
  it('refuses a message of many blocks each under the per-block cap, naming the per-message limit', () => {
    const e = thrown(() => parseTaxiiMessage(pollResponse(7, 450_000)), TaxiiProtocolError);
    expect(e.code).toBe('taxii_message_too_large');
    expect(e.message).toContain('more than 2,000,000 elements (the per-message element limit)');
    expect(e.hint).toMatch(/smaller result parts/);
  });

  it('reads a message under the limit, and a lower limit applies when given', () => {
    const xml = pollResponse(3, 1000);
    const m = parseTaxiiMessage(xml);
    expect(m.kind).toBe('Poll_Response');
    expect(thrown(() => parseTaxiiMessage(xml, { maxElements: 2000 }), TaxiiProtocolError).code).toBe('taxii_message_too_large');
  });
});
