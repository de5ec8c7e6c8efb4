/**
 * TAXII Status_Message: the status types of TAXII 1.1 (reference/taxii.md §1.4) and the one error type that carries
 * a status the caller cannot act on. PENDING and RETRY are results the poll iterator handles itself; every other
 * type (and any custom one a server invents) becomes a `TaxiiStatusError` with the server's type, message and
 * details, a stable `code` and a sentence a user understands.
 */
import { FlareError } from '../errors';

export const STATUS_TYPES = [
  'SUCCESS',
  'PENDING',
  'RETRY',
  'UNAUTHORIZED',
  'DENIED',
  'NOT_FOUND',
  'BAD_MESSAGE',
  'FAILURE',
  'UNSUPPORTED_MESSAGE',
  'UNSUPPORTED_CONTENT',
  'UNSUPPORTED_PROTOCOL',
  'UNSUPPORTED_QUERY',
  'POLLING_UNSUPPORTED',
  'ASYNCHRONOUS_POLL_ERROR',
  'DESTINATION_COLLECTION_ERROR',
  'INVALID_RESPONSE_PART',
  'NETWORK_ERROR',
] as const;
export type KnownStatusType = (typeof STATUS_TYPES)[number];

/** A Status_Detail/Detail: a name and its text. A name may repeat (e.g. SUPPORTED_CONTENT). */
export interface StatusDetail {
  name: string;
  value: string;
}

export interface StatusMessage {
  kind: 'Status_Message';
  messageId: string;
  inResponseTo: string;
  /** One of STATUS_TYPES, or a custom type the server chose. */
  statusType: string;
  message?: string;
  details: StatusDetail[];
}

export function isKnownStatusType(t: string): t is KnownStatusType {
  return (STATUS_TYPES as readonly string[]).includes(t);
}

/** Every value of the details named `name`, in document order. */
export function detailValues(status: Pick<StatusMessage, 'details'>, name: string): string[] {
  return status.details.filter((d) => d.name === name).map((d) => d.value);
}

export function detailValue(status: Pick<StatusMessage, 'details'>, name: string): string | undefined {
  return status.details.find((d) => d.name === name)?.value;
}

/** ESTIMATED_WAIT in seconds (PENDING, RETRY), when the server sent a usable number. */
export function estimatedWaitSeconds(status: Pick<StatusMessage, 'details'>): number | undefined {
  const raw = detailValue(status, 'ESTIMATED_WAIT');
  if (raw === undefined) return undefined;
  const n = Number(raw.trim());
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

interface Wording {
  sentence: (s: StatusMessage) => string;
  hint: (s: StatusMessage) => string | undefined;
}

const SUPPORTED_DETAIL: Partial<Record<string, string>> = {
  UNSUPPORTED_MESSAGE: 'SUPPORTED_BINDING',
  UNSUPPORTED_CONTENT: 'SUPPORTED_CONTENT',
  UNSUPPORTED_PROTOCOL: 'SUPPORTED_PROTOCOL',
  UNSUPPORTED_QUERY: 'SUPPORTED_QUERY',
};

function offered(s: StatusMessage): string {
  const name = SUPPORTED_DETAIL[s.statusType];
  const values = name ? detailValues(s, name) : [];
  return values.length ? ` It offers: ${values.join(', ')}.` : '';
}

const WORDING: Record<KnownStatusType, Wording> = {
  SUCCESS: {
    sentence: () => 'The TAXII server answered SUCCESS where it should have sent data.',
    hint: () => 'The URL may point at an inbox rather than a poll service.',
  },
  PENDING: {
    sentence: () => 'The TAXII server was still preparing the result when our wait limit ran out.',
    hint: () => 'The next run will ask again; the wait limit for asynchronous polls is configurable.',
  },
  RETRY: {
    sentence: () => 'The TAXII server is busy and kept asking us to try again later.',
    hint: () => 'The next run will try again.',
  },
  UNAUTHORIZED: {
    sentence: () => 'The TAXII server refused the request: it needs credentials it did not get or did not accept.',
    hint: () => 'Check the feed’s client certificate and key, or its user name and password.',
  },
  DENIED: {
    sentence: () => 'The TAXII server denied the request.',
    hint: () => 'Your account may not have access to this collection (or needs a subscription): ask the feed provider.',
  },
  NOT_FOUND: {
    sentence: (s) => {
      const item = detailValue(s, 'ITEM');
      return item ? `The TAXII server does not know "${item}".` : 'The TAXII server did not find what was asked for.';
    },
    hint: () => 'Check the collection name (Check TAXII lists the collections the server offers).',
  },
  BAD_MESSAGE: {
    sentence: () => 'The TAXII server could not read our request.',
    hint: () => 'This is a bug in FLARE MISP or a server that speaks a different TAXII version; the log has the server’s reason.',
  },
  FAILURE: {
    sentence: () => 'The TAXII server could not handle the request.',
    hint: () => 'The server’s message says why; check the URL is the poll service and the time window is valid.',
  },
  UNSUPPORTED_MESSAGE: {
    sentence: (s) => `The TAXII server does not accept TAXII 1.1 XML messages here.${offered(s)}`,
    hint: () => 'FLARE MISP speaks TAXII 1.1; check that the URL is a TAXII 1.1 service.',
  },
  UNSUPPORTED_CONTENT: {
    sentence: (s) => `The collection does not offer the requested content binding.${offered(s)}`,
    hint: () => 'Change the feed’s content binding to one the collection offers (STIX 1.1.1 is urn:stix.mitre.org:xml:1.1.1).',
  },
  UNSUPPORTED_PROTOCOL: {
    sentence: (s) => `The TAXII server does not support this protocol binding.${offered(s)}`,
    hint: () => 'Try the https:// (or http://) address the server’s discovery service lists.',
  },
  UNSUPPORTED_QUERY: {
    sentence: (s) => `The TAXII server does not support the query.${offered(s)}`,
    hint: () => undefined,
  },
  POLLING_UNSUPPORTED: {
    sentence: () => 'The collection cannot be polled.',
    hint: () => 'The server only pushes this collection to subscribers; ask the feed provider for a pollable collection.',
  },
  ASYNCHRONOUS_POLL_ERROR: {
    sentence: () => 'The TAXII server could not deliver the prepared result (it failed or expired).',
    hint: () => 'The next run will poll again.',
  },
  DESTINATION_COLLECTION_ERROR: {
    sentence: () => 'The TAXII server refused the destination collection.',
    hint: () => undefined,
  },
  INVALID_RESPONSE_PART: {
    sentence: (s) => {
      const max = detailValue(s, 'MAX_PART_NUMBER');
      return `The TAXII server has no such result part${max ? ` (its last part is ${max})` : ''}.`;
    },
    hint: () => 'The result changed on the server while we were reading it; the next run will poll again.',
  },
  NETWORK_ERROR: {
    sentence: () => 'The TAXII server reported a network error on its side.',
    hint: () => 'The next run will try again.',
  },
};

/** A Status_Message the caller cannot act on, as an error. */
export class TaxiiStatusError extends FlareError {
  readonly statusType: string;
  readonly statusMessage: string | undefined;
  readonly details: readonly StatusDetail[];
  readonly inResponseTo: string;

  constructor(status: StatusMessage, context: { url?: string } = {}) {
    const wording = isKnownStatusType(status.statusType) ? WORDING[status.statusType] : undefined;
    const base = wording ? wording.sentence(status) : `The TAXII server answered with status ${status.statusType}.`;
    const said = status.message ? ` The server said: “${status.message}”` : '';
    super(statusCode(status.statusType), base + said, {
      hint: wording?.hint(status),
      detail: { url: context.url, statusType: status.statusType, details: status.details, message: status.message },
    });
    this.name = 'TaxiiStatusError';
    this.statusType = status.statusType;
    this.statusMessage = status.message;
    this.details = status.details;
    this.inResponseTo = status.inResponseTo;
  }

  /** Values of one detail, e.g. `values('SUPPORTED_CONTENT')`. */
  values(name: string): string[] {
    return this.details.filter((d) => d.name === name).map((d) => d.value);
  }
}

/** The stable error code of a status type: `taxii_status_not_found`, …, `taxii_status_custom` for types TAXII does not define. */
export function statusCode(statusType: string): string {
  return isKnownStatusType(statusType) ? `taxii_status_${statusType.toLowerCase()}` : 'taxii_status_custom';
}
