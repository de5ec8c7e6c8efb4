/**
 * The TAXII 1.1 messages FLARE MISP sends and reads, as plain data. Names follow the XML (reference/taxii.md §1.3)
 * in camelCase; timestamps are canonical UTC strings (timestamps.ts).
 */
import type { CollectionType, ResponseType } from './constants';
import type { StatusMessage } from './status';
import type { TaxiiTimestamp } from './timestamps';

/** A content binding, optionally narrowed to subtypes (Poll_Parameters, collection and service descriptions). */
export interface ContentBindingSpec {
  bindingId: string;
  subtypes?: string[];
}

// ---- requests -----------------------------------------------------------------------------------------------

export interface DiscoveryRequest {
  kind: 'Discovery_Request';
  messageId: string;
}

export interface CollectionInformationRequest {
  kind: 'Collection_Information_Request';
  messageId: string;
}

export interface PollParameters {
  /** May the server answer PENDING and prepare the result later? (XSD default false) */
  allowAsynch?: boolean;
  responseType?: ResponseType;
  /** Acceptable content bindings; none = any. */
  contentBindings?: ContentBindingSpec[];
}

export interface PollRequest {
  kind: 'Poll_Request';
  messageId: string;
  collectionName: string;
  exclusiveBeginTimestamp?: TaxiiTimestamp;
  inclusiveEndTimestamp?: TaxiiTimestamp;
  /** Exactly one of subscriptionId and pollParameters is present. */
  subscriptionId?: string;
  pollParameters?: PollParameters;
}

export interface PollFulfillment {
  kind: 'Poll_Fulfillment';
  messageId: string;
  collectionName: string;
  resultId: string;
  resultPartNumber?: number;
}

// ---- responses ----------------------------------------------------------------------------------------------

export interface ServiceInstance {
  serviceType: string;
  serviceVersion: string;
  available?: boolean;
  protocolBinding: string;
  address: string;
  messageBindings: string[];
  /** format_id of each Supported_Query. */
  supportedQueries: string[];
  /** For inbox services: the content they accept. */
  contentBindings: ContentBindingSpec[];
  message?: string;
}

export interface DiscoveryResponse {
  kind: 'Discovery_Response';
  messageId: string;
  inResponseTo: string;
  services: ServiceInstance[];
}

export interface ServiceContact {
  protocolBinding: string;
  address: string;
  messageBindings: string[];
}

export interface InboxServiceContact extends ServiceContact {
  contentBindings: ContentBindingSpec[];
}

export interface CollectionRecord {
  name: string;
  /** DATA_FEED unless the server says otherwise (XSD default). Only DATA_FEED allows time windows. */
  type: CollectionType | string;
  available?: boolean;
  description: string;
  volume?: number;
  /** Content the collection offers; empty = any. */
  contentBindings: ContentBindingSpec[];
  pushMethods: { protocolBinding: string; messageBindings: string[] }[];
  pollingServices: ServiceContact[];
  subscriptionServices: ServiceContact[];
  receivingInboxServices: InboxServiceContact[];
}

export interface CollectionInformationResponse {
  kind: 'Collection_Information_Response';
  messageId: string;
  inResponseTo: string;
  collections: CollectionRecord[];
}

/**
 * What a block's content is, ready to hand on:
 * - `xml`: standalone documents (normally exactly one, the STIX_Package), whether the server sent child XML or text;
 * - `text`: content that is not XML (another binding), verbatim;
 * - `invalid`: content that looks like XML but cannot be read; `raw` keeps it for the quarantine.
 */
export type BlockContent =
  | { kind: 'xml'; documents: string[] }
  | { kind: 'text'; text: string }
  | { kind: 'invalid'; problem: string; raw: string };

export interface ContentBlock {
  binding: string;
  subtype?: string;
  /** Canonical UTC; absent when the server sent none (or one we could not read). */
  timestampLabel?: TaxiiTimestamp;
  message?: string;
  /** How the server sent the content: as child XML or as text (CDATA or escaped). */
  deliveredAs: 'xml' | 'text';
  content: BlockContent;
}

export interface RecordCount {
  count: number;
  /** True when the server says the real number is larger. */
  partial: boolean;
}

export interface PollResponse {
  kind: 'Poll_Response';
  messageId: string;
  inResponseTo: string;
  collectionName: string;
  more: boolean;
  resultId?: string;
  /** As sent; absent means part 1 by the XSD's default (some servers omit it on every part). */
  resultPartNumber?: number;
  subscriptionId?: string;
  exclusiveBeginTimestamp?: TaxiiTimestamp;
  inclusiveEndTimestamp?: TaxiiTimestamp;
  recordCount?: RecordCount;
  message?: string;
  contentBlocks: ContentBlock[];
}

export interface InboxMessage {
  kind: 'Inbox_Message';
  messageId: string;
  resultId?: string;
  destinationCollectionNames: string[];
  message?: string;
  recordCount?: RecordCount;
  contentBlocks: ContentBlock[];
}

export type TaxiiRequest = DiscoveryRequest | CollectionInformationRequest | PollRequest | PollFulfillment;
export type TaxiiResponse = DiscoveryResponse | CollectionInformationResponse | PollResponse | StatusMessage;
export type TaxiiMessage = TaxiiRequest | TaxiiResponse | InboxMessage;
export type TaxiiMessageKind = TaxiiMessage['kind'];
