/**
 * Reading TAXII 1.1 messages by namespace URI into the plain data of types.ts. Any prefix works (`taxii_11:`,
 * `ns2:`, a default namespace); elements from other namespaces (e.g. `ds:Signature`) are ignored. Reading is
 * lenient about optional parts and strict about what would make the data wrong: a document that is not
 * well-formed, has a DOCTYPE, or is not a TAXII 1.1 message is a `TaxiiProtocolError`.
 */
import { TAXII_10_NS, TAXII_11_NS } from './constants';
import { TaxiiProtocolError } from './errors';
import { documentsFromText } from './standalone';
import type { StatusDetail, StatusMessage } from './status';
import { toTaxiiTimestamp, type TaxiiTimestamp } from './timestamps';
import type {
  CollectionInformationResponse,
  CollectionRecord,
  ContentBindingSpec,
  ContentBlock,
  DiscoveryResponse,
  InboxMessage,
  InboxServiceContact,
  PollFulfillment,
  PollRequest,
  PollResponse,
  RecordCount,
  ServiceContact,
  ServiceInstance,
  TaxiiMessage,
} from './types';
import { childNamed, childrenNamed, DEFAULT_MAX_DEPTH, readXml, XmlLimitError, type XmlElement } from './xml-reader';

export interface ParseOptions {
  maxDepth?: number;
  /** Most elements in one message, content blocks included (default DEFAULT_MAX_MESSAGE_ELEMENTS). */
  maxElements?: number;
}

/** Parses any TAXII 1.1 message FLARE MISP deals with. */
export function parseTaxiiMessage(xml: string, options: ParseOptions = {}): TaxiiMessage {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  let root: XmlElement;
  try {
    root = readXml(xml, { maxDepth, ...(options.maxElements !== undefined && { maxElements: options.maxElements }), capture: (uri, local) => uri === TAXII_11_NS && local === 'Content' });
  } catch (e) {
    if (e instanceof XmlLimitError) {
      throw new TaxiiProtocolError('taxii_message_too_large', `The TAXII server sent a message too large to read safely: ${e.message} (the per-message element limit).`, {
        hint: 'Each content block may hold up to 500,000 elements, a whole message 2,000,000: ask the feed provider for smaller result parts, or poll a shorter window.',
        detail: { limit: e.limit, value: e.value },
        cause: e,
      });
    }
    throw new TaxiiProtocolError('taxii_bad_xml', 'The TAXII server sent XML that cannot be read.', {
      hint: 'The answer was cut off or is not XML; the log has the parser’s reason.',
      detail: { reason: e instanceof Error ? e.message : String(e) },
      cause: e,
    });
  }
  if (root.uri === TAXII_10_NS) {
    throw new TaxiiProtocolError('taxii_unsupported_version', 'The server answered in TAXII 1.0, which FLARE MISP does not speak.', {
      hint: 'Use the server’s TAXII 1.1 service address.',
    });
  }
  if (root.uri !== TAXII_11_NS) {
    throw new TaxiiProtocolError('taxii_not_taxii', `The server answered with <${root.name}>, which is not a TAXII 1.1 message.`, {
      hint: 'Check that the URL is a TAXII 1.1 service and that no proxy answers in its place.',
      detail: { root: root.name, namespace: root.uri },
    });
  }
  const r = new Reader(maxDepth);
  switch (root.local) {
    case 'Status_Message':
      return r.statusMessage(root);
    case 'Discovery_Request':
    case 'Collection_Information_Request':
      return { kind: root.local, messageId: attr(root, 'message_id') };
    case 'Discovery_Response':
      return r.discoveryResponse(root);
    case 'Collection_Information_Response':
      return r.collectionInformationResponse(root);
    case 'Poll_Request':
      return r.pollRequest(root);
    case 'Poll_Fulfillment':
      return r.pollFulfillment(root);
    case 'Poll_Response':
      return r.pollResponse(root);
    case 'Inbox_Message':
      return r.inboxMessage(root);
    default:
      throw new TaxiiProtocolError('taxii_unexpected_message', `The server sent a TAXII ${root.local} message, which FLARE MISP does not use.`, {
        detail: { message: root.local },
      });
  }
}

function attr(e: XmlElement, name: string): string {
  return e.attributes[name] ?? '';
}

function optionalAttr(e: XmlElement, name: string): string | undefined {
  return e.attributes[name];
}

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const v = value.trim();
  return v === 'true' || v === '1';
}

function optionalBool(value: string | undefined): boolean | undefined {
  return value === undefined ? undefined : bool(value, false);
}

/** A timestamp in canonical form, or undefined when absent or unreadable (a server's odd echo must not break a poll). */
function timestamp(e: XmlElement | undefined): TaxiiTimestamp | undefined {
  if (!e) return undefined;
  try {
    return toTaxiiTimestamp(e.text.trim());
  } catch {
    return undefined;
  }
}

const ns = TAXII_11_NS;

class Reader {
  constructor(private readonly maxDepth: number) {}

  private text(parent: XmlElement, local: string): string | undefined {
    return childNamed(parent, ns, local)?.text.trim();
  }

  private texts(parent: XmlElement, local: string): string[] {
    return childrenNamed(parent, ns, local).map((c) => c.text.trim());
  }

  private contentBindings(parent: XmlElement): ContentBindingSpec[] {
    return childrenNamed(parent, ns, 'Content_Binding').map((b) => {
      const subtypes = childrenNamed(b, ns, 'Subtype').map((s) => attr(s, 'subtype_id'));
      const spec: ContentBindingSpec = { bindingId: attr(b, 'binding_id') };
      if (subtypes.length) spec.subtypes = subtypes;
      return spec;
    });
  }

  private contact(e: XmlElement): ServiceContact {
    return {
      protocolBinding: this.text(e, 'Protocol_Binding') ?? '',
      address: this.text(e, 'Address') ?? '',
      messageBindings: this.texts(e, 'Message_Binding'),
    };
  }

  private recordCount(parent: XmlElement): RecordCount | undefined {
    const e = childNamed(parent, ns, 'Record_Count');
    if (!e) return undefined;
    const count = Number(e.text.trim());
    return { count: Number.isFinite(count) ? count : 0, partial: bool(optionalAttr(e, 'partial_count'), false) };
  }

  statusMessage(root: XmlElement): StatusMessage {
    const details: StatusDetail[] = [];
    for (const group of childrenNamed(root, ns, 'Status_Detail')) {
      for (const d of childrenNamed(group, ns, 'Detail')) details.push({ name: attr(d, 'name'), value: d.text.trim() });
    }
    const status: StatusMessage = {
      kind: 'Status_Message',
      messageId: attr(root, 'message_id'),
      inResponseTo: attr(root, 'in_response_to'),
      statusType: attr(root, 'status_type'),
      details,
    };
    const message = this.text(root, 'Message');
    if (message !== undefined) status.message = message;
    return status;
  }

  discoveryResponse(root: XmlElement): DiscoveryResponse {
    const services = childrenNamed(root, ns, 'Service_Instance').map((s): ServiceInstance => {
      const service: ServiceInstance = {
        serviceType: attr(s, 'service_type'),
        serviceVersion: attr(s, 'service_version'),
        ...this.contact(s),
        supportedQueries: childrenNamed(s, ns, 'Supported_Query').map((q) => attr(q, 'format_id')),
        contentBindings: this.contentBindings(s),
      };
      const available = optionalBool(optionalAttr(s, 'available'));
      if (available !== undefined) service.available = available;
      const message = this.text(s, 'Message');
      if (message !== undefined) service.message = message;
      return service;
    });
    return { kind: 'Discovery_Response', messageId: attr(root, 'message_id'), inResponseTo: attr(root, 'in_response_to'), services };
  }

  collectionInformationResponse(root: XmlElement): CollectionInformationResponse {
    const collections = childrenNamed(root, ns, 'Collection').map((c): CollectionRecord => {
      const record: CollectionRecord = {
        name: attr(c, 'collection_name'),
        type: optionalAttr(c, 'collection_type') ?? 'DATA_FEED',
        description: this.text(c, 'Description') ?? '',
        contentBindings: this.contentBindings(c),
        pushMethods: childrenNamed(c, ns, 'Push_Method').map((m) => ({
          protocolBinding: this.text(m, 'Protocol_Binding') ?? '',
          messageBindings: this.texts(m, 'Message_Binding'),
        })),
        pollingServices: childrenNamed(c, ns, 'Polling_Service').map((s) => this.contact(s)),
        subscriptionServices: childrenNamed(c, ns, 'Subscription_Service').map((s) => this.contact(s)),
        receivingInboxServices: childrenNamed(c, ns, 'Receiving_Inbox_Service').map(
          (s): InboxServiceContact => ({ ...this.contact(s), contentBindings: this.contentBindings(s) }),
        ),
      };
      const available = optionalBool(optionalAttr(c, 'available'));
      if (available !== undefined) record.available = available;
      const volume = this.text(c, 'Collection_Volume');
      if (volume !== undefined && Number.isFinite(Number(volume))) record.volume = Number(volume);
      return record;
    });
    return {
      kind: 'Collection_Information_Response',
      messageId: attr(root, 'message_id'),
      inResponseTo: attr(root, 'in_response_to'),
      collections,
    };
  }

  pollRequest(root: XmlElement): PollRequest {
    const request: PollRequest = { kind: 'Poll_Request', messageId: attr(root, 'message_id'), collectionName: attr(root, 'collection_name') };
    const begin = timestamp(childNamed(root, ns, 'Exclusive_Begin_Timestamp'));
    const end = timestamp(childNamed(root, ns, 'Inclusive_End_Timestamp'));
    if (begin !== undefined) request.exclusiveBeginTimestamp = begin;
    if (end !== undefined) request.inclusiveEndTimestamp = end;
    const subscriptionId = this.text(root, 'Subscription_ID');
    if (subscriptionId !== undefined) request.subscriptionId = subscriptionId;
    const parameters = childNamed(root, ns, 'Poll_Parameters');
    if (parameters) {
      const responseType = this.text(parameters, 'Response_Type');
      request.pollParameters = {
        allowAsynch: bool(optionalAttr(parameters, 'allow_asynch'), false),
        responseType: responseType === 'COUNT_ONLY' ? 'COUNT_ONLY' : 'FULL',
        contentBindings: this.contentBindings(parameters),
      };
    }
    return request;
  }

  pollFulfillment(root: XmlElement): PollFulfillment {
    const fulfillment: PollFulfillment = {
      kind: 'Poll_Fulfillment',
      messageId: attr(root, 'message_id'),
      collectionName: attr(root, 'collection_name'),
      resultId: attr(root, 'result_id'),
    };
    const part = optionalAttr(root, 'result_part_number');
    if (part !== undefined) fulfillment.resultPartNumber = Number(part);
    return fulfillment;
  }

  pollResponse(root: XmlElement): PollResponse {
    const response: PollResponse = {
      kind: 'Poll_Response',
      messageId: attr(root, 'message_id'),
      inResponseTo: attr(root, 'in_response_to'),
      collectionName: attr(root, 'collection_name'),
      more: bool(optionalAttr(root, 'more'), false),
      contentBlocks: childrenNamed(root, ns, 'Content_Block').map((b) => this.contentBlock(b)),
    };
    const resultId = optionalAttr(root, 'result_id');
    if (resultId !== undefined) response.resultId = resultId;
    const part = Number(optionalAttr(root, 'result_part_number'));
    if (Number.isInteger(part) && part > 0) response.resultPartNumber = part;
    const subscriptionId = this.text(root, 'Subscription_ID');
    if (subscriptionId !== undefined) response.subscriptionId = subscriptionId;
    const begin = timestamp(childNamed(root, ns, 'Exclusive_Begin_Timestamp'));
    const end = timestamp(childNamed(root, ns, 'Inclusive_End_Timestamp'));
    if (begin !== undefined) response.exclusiveBeginTimestamp = begin;
    if (end !== undefined) response.inclusiveEndTimestamp = end;
    const recordCount = this.recordCount(root);
    if (recordCount) response.recordCount = recordCount;
    const message = this.text(root, 'Message');
    if (message !== undefined) response.message = message;
    return response;
  }

  inboxMessage(root: XmlElement): InboxMessage {
    const inbox: InboxMessage = {
      kind: 'Inbox_Message',
      messageId: attr(root, 'message_id'),
      destinationCollectionNames: this.texts(root, 'Destination_Collection_Name'),
      contentBlocks: childrenNamed(root, ns, 'Content_Block').map((b) => this.contentBlock(b)),
    };
    const resultId = optionalAttr(root, 'result_id');
    if (resultId !== undefined) inbox.resultId = resultId;
    const message = this.text(root, 'Message');
    if (message !== undefined) inbox.message = message;
    const recordCount = this.recordCount(root);
    if (recordCount) inbox.recordCount = recordCount;
    return inbox;
  }

  contentBlock(b: XmlElement): ContentBlock {
    const bindingElement = childNamed(b, ns, 'Content_Binding');
    const captured = childNamed(b, ns, 'Content')?.captured ?? { documents: [], text: '' };
    const block: ContentBlock = {
      binding: bindingElement ? attr(bindingElement, 'binding_id') : '',
      deliveredAs: captured.documents.length ? 'xml' : 'text',
      content: { kind: 'xml', documents: captured.documents },
    };
    if (!captured.documents.length) {
      const read = documentsFromText(captured.text, this.maxDepth);
      block.content =
        read.kind === 'xml'
          ? read
          : read.kind === 'text'
            ? { kind: 'text', text: captured.text }
            : { kind: 'invalid', problem: read.problem, raw: captured.text };
    }
    const subtype = bindingElement ? childNamed(bindingElement, ns, 'Subtype') : undefined;
    if (subtype) block.subtype = attr(subtype, 'subtype_id');
    const label = timestamp(childNamed(b, ns, 'Timestamp_Label'));
    if (label !== undefined) block.timestampLabel = label;
    const message = this.text(b, 'Message');
    if (message !== undefined) block.message = message;
    return block;
  }
}

/** Narrowing helpers for callers that expect one kind. */
export function isStatusMessage(m: TaxiiMessage): m is StatusMessage {
  return m.kind === 'Status_Message';
}
