/**
 * Writing the TAXII 1.1 requests we send. Children are written in the order the XSD's sequences demand
 * (OpenTAXII answers BAD_MESSAGE otherwise), every message gets a fresh id, and timestamps are canonical UTC.
 * The old service's defects (reference/seed-service.md §1.6: `allow_async`, a bogus namespace on Response_Type,
 * message id always "1") cannot happen here: names come from one namespace constant and ids from `randomUUID`.
 */
import { randomUUID } from 'node:crypto';
import { TAXII_11_NS, TAXII_PREFIX, type ResponseType } from './constants';
import { toTaxiiTimestamp } from './timestamps';
import type { ContentBindingSpec } from './types';
import { escapeAttribute, escapeText } from './xml-escape';

/** A built request: its id (to check `in_response_to` against) and its XML. */
export interface BuiltMessage {
  messageId: string;
  xml: string;
}

/** A fresh message id. TAXII wants an xs:anyURI; a UUID is one, and never repeats. */
export function newMessageId(): string {
  return randomUUID();
}

const p = TAXII_PREFIX;

function element(name: string, attributes: Record<string, string | undefined>, children: string[] = []): string {
  let attrs = '';
  for (const [k, v] of Object.entries(attributes)) {
    if (v !== undefined) attrs += ` ${k}="${escapeAttribute(v)}"`;
  }
  return children.length ? `<${p}:${name}${attrs}>${children.join('')}</${p}:${name}>` : `<${p}:${name}${attrs}/>`;
}

function textElement(name: string, text: string): string {
  return `<${p}:${name}>${escapeText(text)}</${p}:${name}>`;
}

function message(name: string, messageId: string, attributes: Record<string, string | undefined>, children: string[] = []): string {
  return element(name, { [`xmlns:${p}`]: TAXII_11_NS, message_id: messageId, ...attributes }, children);
}

export function buildDiscoveryRequest(options: { messageId?: string } = {}): BuiltMessage {
  const messageId = options.messageId ?? newMessageId();
  return { messageId, xml: message('Discovery_Request', messageId, {}) };
}

export function buildCollectionInformationRequest(options: { messageId?: string } = {}): BuiltMessage {
  const messageId = options.messageId ?? newMessageId();
  return { messageId, xml: message('Collection_Information_Request', messageId, {}) };
}

export interface PollRequestInput {
  collectionName: string;
  /** Exclusive begin of the window. */
  exclusiveBegin?: Date | string;
  /** Inclusive end of the window. */
  inclusiveEnd?: Date | string;
  /** Poll a subscription instead of sending Poll_Parameters. */
  subscriptionId?: string;
  allowAsynch?: boolean;
  responseType?: ResponseType;
  /** Acceptable content bindings (ids or ids with subtypes); none = any. */
  contentBindings?: readonly (string | ContentBindingSpec)[];
  messageId?: string;
}

export function buildPollRequest(input: PollRequestInput): BuiltMessage {
  const messageId = input.messageId ?? newMessageId();
  const children: string[] = [];
  // XSD sequence: Exclusive_Begin_Timestamp?, Inclusive_End_Timestamp?, (Subscription_ID | Poll_Parameters).
  if (input.exclusiveBegin !== undefined) children.push(textElement('Exclusive_Begin_Timestamp', toTaxiiTimestamp(input.exclusiveBegin)));
  if (input.inclusiveEnd !== undefined) children.push(textElement('Inclusive_End_Timestamp', toTaxiiTimestamp(input.inclusiveEnd)));
  if (input.subscriptionId !== undefined) {
    children.push(textElement('Subscription_ID', input.subscriptionId));
  } else {
    // Poll_Parameters sequence: Response_Type?, Content_Binding*, Query?, Delivery_Parameters?.
    const parameters: string[] = [textElement('Response_Type', input.responseType ?? 'FULL')];
    for (const b of input.contentBindings ?? []) parameters.push(contentBinding(typeof b === 'string' ? { bindingId: b } : b));
    children.push(element('Poll_Parameters', { allow_asynch: input.allowAsynch ? 'true' : 'false' }, parameters));
  }
  return { messageId, xml: message('Poll_Request', messageId, { collection_name: input.collectionName }, children) };
}

export interface PollFulfillmentInput {
  collectionName: string;
  resultId: string;
  resultPartNumber: number;
  messageId?: string;
}

export function buildPollFulfillment(input: PollFulfillmentInput): BuiltMessage {
  const messageId = input.messageId ?? newMessageId();
  const xml = message('Poll_Fulfillment', messageId, {
    collection_name: input.collectionName,
    result_id: input.resultId,
    result_part_number: String(input.resultPartNumber),
  });
  return { messageId, xml };
}

function contentBinding(spec: ContentBindingSpec): string {
  const subtypes = (spec.subtypes ?? []).map((s) => element('Subtype', { subtype_id: s }));
  return element('Content_Binding', { binding_id: spec.bindingId }, subtypes);
}
