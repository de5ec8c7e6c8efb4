/**
 * The test server's answers, written the way real servers write them. The prefix style is selectable because
 * clients must read by namespace: `taxii_11` (OpenTAXII, with its unused `taxii`/`tdq` declarations), `ns2`
 * (libtaxii fixtures, Java servers) or a default namespace. Content goes in as child XML, CDATA or escaped text.
 */
import type { DeliverAs, TestBlock } from './store';
import { DEFAULT_BINDING } from './store';

const TAXII_11 = 'http://taxii.mitre.org/messages/taxii_xml_binding-1.1';

export type PrefixStyle = 'taxii_11' | 'ns2' | 'default';

function escText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escAttr(s: string): string {
  return escText(s).replace(/"/g, '&quot;');
}

export class ResponseWriter {
  private readonly p: string;
  private readonly declarations: string;

  constructor(style: PrefixStyle) {
    if (style === 'default') {
      this.p = '';
      this.declarations = `xmlns="${TAXII_11}"`;
    } else if (style === 'ns2') {
      this.p = 'ns2:';
      this.declarations = `xmlns:ns2="${TAXII_11}" xmlns="http://www.w3.org/2000/09/xmldsig#"`;
    } else {
      this.p = 'taxii_11:';
      this.declarations =
        'xmlns:taxii="http://taxii.mitre.org/messages/taxii_xml_binding-1" ' +
        `xmlns:taxii_11="${TAXII_11}" xmlns:tdq="http://taxii.mitre.org/query/taxii_default_query-1"`;
    }
  }

  private el(name: string, attrs: Record<string, string | undefined>, children?: string): string {
    let a = '';
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined) a += ` ${k}="${escAttr(v)}"`;
    return children === undefined || children === '' ? `<${this.p}${name}${a}/>` : `<${this.p}${name}${a}>${children}</${this.p}${name}>`;
  }

  private text(name: string, value: string): string {
    return `<${this.p}${name}>${escText(value)}</${this.p}${name}>`;
  }

  private root(name: string, attrs: Record<string, string | undefined>, children: string): string {
    let a = '';
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined) a += ` ${k}="${escAttr(v)}"`;
    return children
      ? `<${this.p}${name} ${this.declarations}${a}>\n${children}\n</${this.p}${name}>`
      : `<${this.p}${name} ${this.declarations}${a}/>`;
  }

  status(inResponseTo: string, statusType: string, options: { message?: string; details?: { name: string; value: string }[] } = {}): string {
    let children = '';
    if (options.details?.length) {
      children += this.el('Status_Detail', {}, options.details.map((d) => this.el('Detail', { name: d.name }, escText(d.value))).join(''));
    }
    if (options.message !== undefined) children += this.text('Message', options.message);
    return this.root('Status_Message', { message_id: newId(), in_response_to: inResponseTo, status_type: statusType }, children);
  }

  discovery(inResponseTo: string, services: { type: string; address: string; protocol: string }[]): string {
    const children = services
      .map((s) =>
        this.el(
          'Service_Instance',
          { service_type: s.type, service_version: 'urn:taxii.mitre.org:services:1.1', available: 'true' },
          this.text('Protocol_Binding', s.protocol) +
            this.text('Address', s.address) +
            this.text('Message_Binding', 'urn:taxii.mitre.org:message:xml:1.1') +
            this.text('Message', `${s.type} service (test server)`),
        ),
      )
      .join('\n');
    return this.root('Discovery_Response', { message_id: newId(), in_response_to: inResponseTo }, children);
  }

  collections(
    inResponseTo: string,
    collections: { name: string; type: string; description: string; bindings: string[]; volume: number }[],
    poll: { address: string; protocol: string },
  ): string {
    const children = collections
      .map((c) =>
        this.el(
          'Collection',
          { collection_name: c.name, collection_type: c.type, available: 'true' },
          this.text('Description', c.description) +
            this.text('Collection_Volume', String(c.volume)) +
            c.bindings.map((b) => this.el('Content_Binding', { binding_id: b })).join('') +
            this.el(
              'Polling_Service',
              {},
              this.text('Protocol_Binding', poll.protocol) + this.text('Address', poll.address) + this.text('Message_Binding', 'urn:taxii.mitre.org:message:xml:1.1'),
            ),
        ),
      )
      .join('\n');
    return this.root('Collection_Information_Response', { message_id: newId(), in_response_to: inResponseTo }, children);
  }

  pollResponse(r: {
    inResponseTo: string;
    collection: string;
    more: boolean;
    resultId?: string;
    partNumber: number;
    begin?: string;
    end?: string;
    recordCount?: number;
    blocks: TestBlock[];
    deliverAs: DeliverAs;
  }): string {
    const parts: string[] = [];
    if (r.begin !== undefined) parts.push(this.text('Exclusive_Begin_Timestamp', r.begin));
    if (r.end !== undefined) parts.push(this.text('Inclusive_End_Timestamp', r.end));
    if (r.recordCount !== undefined) parts.push(this.el('Record_Count', { partial_count: 'false' }, String(r.recordCount)));
    for (const b of r.blocks) parts.push(this.contentBlock(b, b.deliverAs ?? r.deliverAs));
    return this.root(
      'Poll_Response',
      {
        message_id: newId(),
        in_response_to: r.inResponseTo,
        collection_name: r.collection,
        result_id: r.resultId,
        more: r.more ? 'true' : 'false',
        result_part_number: String(r.partNumber),
      },
      parts.join('\n'),
    );
  }

  private contentBlock(b: TestBlock, deliverAs: DeliverAs): string {
    const binding = this.el('Content_Binding', { binding_id: b.binding ?? DEFAULT_BINDING }, b.subtype ? this.el('Subtype', { subtype_id: b.subtype }) : undefined);
    let content: string;
    if (deliverAs === 'cdata') content = `<![CDATA[${b.content.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
    else if (deliverAs === 'escaped') content = escText(b.content);
    else content = `\n${b.content}\n`;
    return this.el('Content_Block', {}, `\n${binding}\n${this.el('Content', {}, content)}\n${this.text('Timestamp_Label', b.timestampLabel)}\n`);
  }
}

let counter = 0;
/** Message ids like OpenTAXII's: decimal numbers. */
function newId(): string {
  counter = (counter + 1) % 1_000_000;
  return `${Date.now()}${String(counter).padStart(6, '0')}`;
}
