/**
 * Reading a request on the server side. By the time this runs the request has passed the TAXII XSD, which pins
 * every element to the TAXII 1.1 namespace, so dropping prefixes is safe here. fast-xml-parser is used on purpose
 * (the client reads with saxes): two independent readers keep a bug in one from confirming itself in the other.
 */
import { XMLParser } from 'fast-xml-parser';

export type ServerRequest =
  | { type: 'Discovery_Request'; messageId: string }
  | { type: 'Collection_Information_Request'; messageId: string }
  | {
      type: 'Poll_Request';
      messageId: string;
      collection: string;
      begin?: string;
      end?: string;
      subscriptionId?: string;
      allowAsynch: boolean;
      responseType: 'FULL' | 'COUNT_ONLY';
      bindings: string[];
    }
  | { type: 'Poll_Fulfillment'; messageId: string; collection: string; resultId: string; partNumber: number }
  | { type: 'other'; name: string; messageId: string };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  processEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  isArray: (name) => name === 'Content_Binding' || name === 'Subtype',
});

type Node = Record<string, unknown>;

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim();
  if (v && typeof v === 'object' && '#text' in v) return String((v as Node)['#text']).trim();
  return undefined;
}

export function readRequest(xml: string): ServerRequest {
  const doc = parser.parse(xml) as Node;
  const [name, value] = Object.entries(doc).find(([k]) => !k.startsWith('?') && !k.startsWith('#')) ?? ['', {}];
  const root = (value && typeof value === 'object' ? value : {}) as Node;
  const messageId = String(root['@_message_id'] ?? '');
  switch (name) {
    case 'Discovery_Request':
    case 'Collection_Information_Request':
      return { type: name, messageId };
    case 'Poll_Request': {
      const params = root['Poll_Parameters'] as Node | undefined;
      const bindings = ((params?.['Content_Binding'] as Node[] | undefined) ?? []).map((b) => String(b['@_binding_id']));
      return {
        type: 'Poll_Request',
        messageId,
        collection: String(root['@_collection_name'] ?? ''),
        begin: str(root['Exclusive_Begin_Timestamp']),
        end: str(root['Inclusive_End_Timestamp']),
        subscriptionId: str(root['Subscription_ID']),
        allowAsynch: ['true', '1'].includes(String(params?.['@_allow_asynch'] ?? 'false')),
        responseType: str(params?.['Response_Type']) === 'COUNT_ONLY' ? 'COUNT_ONLY' : 'FULL',
        bindings,
      };
    }
    case 'Poll_Fulfillment':
      return {
        type: 'Poll_Fulfillment',
        messageId,
        collection: String(root['@_collection_name'] ?? ''),
        resultId: String(root['@_result_id'] ?? ''),
        partNumber: Number(root['@_result_part_number'] ?? 1),
      };
    default:
      return { type: 'other', name, messageId };
  }
}

/** The message id of a request we could not (or did not yet) read, for `in_response_to`; "0" when unknown. */
export function sniffMessageId(xml: string): string {
  return /\smessage_id\s*=\s*["']([^"']*)["']/.exec(xml)?.[1] ?? '0';
}
