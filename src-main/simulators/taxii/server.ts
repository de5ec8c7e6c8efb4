/**
 * A strict TAXII 1.1 test server over real HTTP(S) on 127.0.0.1, behaving like OpenTAXII where the reference
 * records what OpenTAXII does (reference/taxii.md §1.5, §1.8):
 *
 * - discovery, collection information, poll and fulfillment services at OpenTAXII's paths;
 * - the HTTP binding checked like OpenTAXII: Content-Type application/xml, X-TAXII-Content-Type and
 *   X-TAXII-Services required, X-TAXII-Protocol and X-TAXII-Accept validated when present, Accept honoured
 *   (406), GET → 405, unknown path → 404;
 * - every request validated against the TAXII 1.1 XSD where the validator is installed (xsd.ts); an invalid one
 *   gets BAD_MESSAGE with in_response_to="0";
 * - windows `(begin, end]` over Timestamp_Labels, content binding filter (UNSUPPORTED_CONTENT), COUNT_ONLY,
 *   result sets paged `partSize` blocks at a time, exact `more` or OpenTAXII's uncounted variant;
 * - scripted faults (faults.ts), including a server whose `more` never ends, and an optional HTTPS listener (pass
 *   node:https server options, e.g. for mTLS).
 *
 * `requests` records every request and what it was answered, for tests to assert on.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { FaultScript, type FaultAction, type FaultRule } from './faults';
import { readRequest, sniffMessageId, type ServerRequest } from './requests';
import { ResponseWriter, type PrefixStyle } from './responses';
import { CollectionStore, labelMicros, ResultSets, type BlockSource, type DeliverAs, type ResultSet, type TestBlock, type TestCollection } from './store';
import { taxiiXsd } from './xsd';

export interface TaxiiServerOptions {
  collections?: TestCollection[];
  /** Shorthand for one collection named `collection` (default "ais"). */
  blocks?: TestBlock[] | BlockSource;
  collection?: string;
  /** Blocks per result part. Default 100. */
  partSize?: number;
  /** How content goes into Content_Blocks unless a block says otherwise. Default child XML. */
  deliverAs?: DeliverAs;
  /** Prefix style of the answers. Default `taxii_11` (OpenTAXII's). */
  prefix?: PrefixStyle;
  /** `exact`: more is true only when blocks remain. `opentaxii-uncounted`: more = (part is full), so a full last part is followed by an empty one. */
  paging?: 'exact' | 'opentaxii-uncounted';
  /**
   * COUNT_ONLY answers like OpenTAXII's: a count that does not fit one part says `more` with a result_id, and the
   * fulfilments of that result carry full content. Default false (one answer, more="false").
   */
  pagedCountOnly?: boolean;
  /** Answer a part past the end with INVALID_RESPONSE_PART (default: an empty Poll_Response, as OpenTAXII does). */
  strictParts?: boolean;
  /** The Inclusive_End_Timestamp to answer when a request has none (default: none, as OpenTAXII). */
  inclusiveEndWhenMissing?: string;
  /**
   * Validate every request against the XSD. Default true: where the validator is not installed (a shipped copy
   * has no xmllint-wasm) requests go unchecked and `log` says so once.
   */
  validateRequests?: boolean;
  /** Where the server's one notice goes (XSD validation unavailable). Default stderr. */
  log?: (line: string) => void;
  /** Require HTTP basic authentication; without it the answer is UNAUTHORIZED (in_response_to "0"). */
  basicAuth?: { username: string; password: string };
  faults?: FaultRule[];
  /** node:https server options (key, cert, ca, requestCert, …): the server then speaks HTTPS. */
  tls?: https.ServerOptions;
  /** Keep request bodies in `requests`. Default true. */
  recordBodies?: boolean;
  port?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body?: string;
  request?: ServerRequest;
  xsdValid?: boolean;
  xsdErrors?: string[];
  /** What was answered: `Poll_Response`, `Status_Message:NOT_FOUND`, `HTTP 405`, `fault:drop`, … */
  answer: string;
  partNumber?: number;
  blocksSent?: number;
  /** With TLS: the client certificate's subject CN, and the curve of its key when it is an EC key (e.g. P-256). */
  clientCertificate?: { subjectCN?: string; authorized: boolean; curve?: string };
}

export interface TaxiiTestServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  urls: { discovery: string; collections: string; poll: string };
  requests: RecordedRequest[];
  /** Publishes blocks to a collection (default: the first), labels not earlier than its latest (a live feed). */
  addBlocks(blocks: readonly TestBlock[], collection?: string): void;
  setFaults(rules: FaultRule[]): void;
  close(): Promise<void>;
}

export const PATHS = {
  discovery: '/taxii-discovery-service',
  collections: '/taxii-collection-management-service',
  poll: '/taxii-data',
} as const;

const XML_11 = 'urn:taxii.mitre.org:message:xml:1.1';
const XML_10 = 'urn:taxii.mitre.org:message:xml:1.0';
const SERVICES_11 = 'urn:taxii.mitre.org:services:1.1';
const PROTOCOL = { http: 'urn:taxii.mitre.org:protocol:http:1.0', https: 'urn:taxii.mitre.org:protocol:https:1.0' };
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

type Service = keyof typeof PATHS;

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  label: string;
  partNumber?: number;
  blocksSent?: number;
}

export async function startTaxiiServer(options: TaxiiServerOptions = {}): Promise<TaxiiTestServer> {
  const secure = options.tls !== undefined;
  const protocol = secure ? PROTOCOL.https : PROTOCOL.http;
  const partSize = options.partSize ?? 100;
  const paging = options.paging ?? 'exact';
  const deliverAs = options.deliverAs ?? 'xml';
  const writer = new ResponseWriter(options.prefix ?? 'taxii_11');
  const validate = options.validateRequests ?? true;
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  let xsdNoticeGiven = false;
  const recordBodies = options.recordBodies ?? true;
  const collections = new Map<string, CollectionStore>();
  for (const c of options.collections ?? [{ name: options.collection ?? 'ais', blocks: options.blocks ?? [] }]) {
    collections.set(c.name, new CollectionStore(c));
  }
  const results = new ResultSets();
  const faults = new FaultScript();
  faults.set(options.faults ?? []);
  const requests: RecordedRequest[] = [];
  let base = '';

  const taxii = (status: number, body: string, label: string, extra: Partial<Answer> = {}): Answer => ({
    status,
    headers: {
      'content-type': 'application/xml',
      'x-taxii-content-type': XML_11,
      'x-taxii-protocol': protocol,
      'x-taxii-services': SERVICES_11,
    },
    body,
    label,
    ...extra,
  });
  const statusAnswer = (inResponseTo: string, statusType: string, opts: { message?: string; details?: { name: string; value: string }[] } = {}): Answer =>
    taxii(200, writer.status(inResponseTo, statusType, opts), `Status_Message:${statusType}`);
  const plain = (status: number, body: string, headers: Record<string, string> = {}): Answer => ({
    status,
    headers: { 'content-type': 'text/plain', ...headers },
    body,
    label: `HTTP ${status}`,
  });

  async function handle(req: IncomingMessage, body: string, record: RecordedRequest): Promise<{ answer: Answer; after?: FaultAction }> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const service = (Object.keys(PATHS) as Service[]).find((s) => PATHS[s] === path);
    if (!service) return { answer: plain(404, 'Not Found') };
    if (req.method === 'OPTIONS') {
      return { answer: plain(200, '', { allow: 'POST, OPTIONS', 'x-taxii-content-types': `${XML_10},${XML_11}` }) };
    }
    if (req.method !== 'POST') return { answer: plain(405, 'Method Not Allowed', { allow: 'POST, OPTIONS' }) };

    const accept = req.headers.accept;
    if (accept !== undefined && !/application\/xml|application\/\*|\*\/\*/.test(accept)) return { answer: plain(406, 'Unacceptable') };

    // OpenTAXII checks the HTTP binding before reading the message, answering FAILURE with the message id if it has one.
    const id = sniffMessageId(body);
    if (!String(req.headers['content-type'] ?? '').includes('application/xml')) {
      return { answer: statusAnswer(id, 'FAILURE', { message: 'Unsupported Content-Type: application/xml is required' }) };
    }
    const taxiiType = req.headers['x-taxii-content-type'];
    if (taxiiType === undefined) return { answer: statusAnswer(id, 'FAILURE', { message: 'Header X-TAXII-Content-Type was not specified' }) };
    if (taxiiType !== XML_11) {
      return { answer: statusAnswer(id, 'UNSUPPORTED_MESSAGE', { details: [{ name: 'SUPPORTED_BINDING', value: XML_11 }] }) };
    }
    const services = req.headers['x-taxii-services'];
    if (services === undefined) return { answer: statusAnswer(id, 'FAILURE', { message: 'Header X-TAXII-Services was not specified' }) };
    if (services !== SERVICES_11) return { answer: statusAnswer(id, 'FAILURE', { message: `Unsupported X-TAXII-Services: ${services}` }) };
    const taxiiProtocol = req.headers['x-taxii-protocol'];
    if (taxiiProtocol !== undefined && taxiiProtocol !== protocol) {
      return { answer: statusAnswer(id, 'UNSUPPORTED_PROTOCOL', { details: [{ name: 'SUPPORTED_PROTOCOL', value: protocol }] }) };
    }
    const taxiiAccept = req.headers['x-taxii-accept'];
    if (taxiiAccept !== undefined && taxiiAccept !== XML_11) {
      return { answer: statusAnswer(id, 'UNSUPPORTED_MESSAGE', { details: [{ name: 'SUPPORTED_BINDING', value: XML_11 }] }) };
    }
    if (options.basicAuth) {
      const expected = `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}`;
      if (req.headers.authorization !== expected) return { answer: statusAnswer('0', 'UNAUTHORIZED') };
    }

    if (/<!DOCTYPE/i.test(body)) {
      return { answer: statusAnswer('0', 'BAD_MESSAGE', { message: 'Request was not schema valid: DOCTYPE is not allowed' }) };
    }
    const xsd = validate ? await taxiiXsd() : undefined;
    if (xsd && !xsd.validate && !xsdNoticeGiven) {
      xsdNoticeGiven = true;
      log(`TAXII simulator: requests are not checked against the TAXII 1.1 XSD (${xsd.reason})`);
    }
    if (xsd?.validate) {
      const result = await xsd.validate(body);
      record.xsdValid = result.valid;
      if (!result.valid) {
        record.xsdErrors = result.errors;
        return {
          answer: statusAnswer('0', 'BAD_MESSAGE', {
            message: `Request was not schema valid: "${result.errors.join('; ')}" for content type "${XML_11}"`,
          }),
        };
      }
    }

    const request = readRequest(body);
    record.request = request;
    const allowed: Record<Service, ServerRequest['type'][]> = {
      discovery: ['Discovery_Request'],
      collections: ['Collection_Information_Request'],
      poll: ['Poll_Request', 'Poll_Fulfillment'],
    };
    if (!allowed[service].includes(request.type)) {
      return { answer: statusAnswer(request.messageId, 'FAILURE', { message: 'Message not supported by this service' }) };
    }

    const target = faultTarget(request);
    const part = request.type === 'Poll_Request' ? 1 : request.type === 'Poll_Fulfillment' ? request.partNumber : undefined;
    const fault = faults.take(target, part, (a) => a.type !== 'pending' || (request.type === 'Poll_Request' && request.allowAsynch && request.responseType === 'FULL'));
    if (fault) {
      const answered = answerFault(fault, request);
      if (answered) return { answer: { ...answered, label: `fault:${fault.type}/${answered.label}` } };
    }
    const answer = answerRequest(request, fault?.type === 'endless-more');
    return { answer, after: fault };
  }

  /** Faults that replace the answer; undefined for those that alter the real answer on its way out. */
  function answerFault(fault: FaultAction, request: ServerRequest): Answer | undefined {
    const id = request.messageId;
    switch (fault.type) {
      case 'status':
        return statusAnswer(fault.inResponseTo ?? id, fault.statusType, { message: fault.message, details: fault.details });
      case 'retry':
        return statusAnswer(id, 'RETRY', {
          details: fault.estimatedWait === undefined ? [] : [{ name: 'ESTIMATED_WAIT', value: String(fault.estimatedWait) }],
          message: 'The server is busy',
        });
      case 'unauthorized':
        return statusAnswer('0', 'UNAUTHORIZED');
      case 'invalid-response-part': {
        const set = request.type === 'Poll_Fulfillment' ? results.get(request.resultId) : undefined;
        return statusAnswer(id, 'INVALID_RESPONSE_PART', { details: [{ name: 'MAX_PART_NUMBER', value: String(set ? maxPart(set) : 1) }] });
      }
      case 'forget-result':
        if (request.type === 'Poll_Fulfillment') results.delete(request.resultId);
        return undefined;
      case 'pending': {
        if (request.type !== 'Poll_Request') return undefined;
        const prepared = prepare(request);
        if ('status' in prepared) return prepared;
        const set = results.create({ ...prepared, pendingFulfillments: fault.notReadyFor ?? 0, estimatedWait: fault.estimatedWait ?? 0 });
        return pendingAnswer(id, set);
      }
      case 'empty-part': {
        if (request.type === 'Poll_Fulfillment') {
          const set = results.get(request.resultId);
          return set && set.collection === request.collection ? emptyPart(id, set, request.partNumber) : undefined;
        }
        if (request.type !== 'Poll_Request' || request.responseType !== 'FULL') return undefined;
        const prepared = prepare(request);
        if ('status' in prepared) return prepared;
        return emptyPart(id, results.create({ ...prepared, pendingFulfillments: 0, estimatedWait: 0 }), 1);
      }
      case 'raw':
        return { status: fault.status, headers: fault.headers ?? {}, body: fault.body, label: `HTTP ${fault.status}` };
      default:
        return undefined;
    }
  }

  function pendingAnswer(inResponseTo: string, set: ResultSet): Answer {
    return statusAnswer(inResponseTo, 'PENDING', {
      details: [
        { name: 'ESTIMATED_WAIT', value: String(set.estimatedWait) },
        { name: 'RESULT_ID', value: set.id },
        { name: 'WILL_PUSH', value: 'false' },
      ],
      message: 'Result set is being prepared',
    });
  }

  /** The selection a Poll_Request asks for, or the status that refuses it. */
  function prepare(request: Extract<ServerRequest, { type: 'Poll_Request' }>): Answer | Omit<ResultSet, 'id' | 'pendingFulfillments' | 'estimatedWait'> {
    const id = request.messageId;
    const store = collections.get(request.collection);
    if (!store) return statusAnswer(id, 'NOT_FOUND', { details: [{ name: 'ITEM', value: request.collection }], message: 'Requested collection was not found' });
    if (request.subscriptionId !== undefined) {
      return statusAnswer(id, 'NOT_FOUND', { details: [{ name: 'ITEM', value: request.subscriptionId }], message: 'Requested subscription was not found' });
    }
    if (store.type === 'DATA_SET' && (request.begin !== undefined || request.end !== undefined)) {
      return statusAnswer(id, 'FAILURE', { message: 'Timestamp labels are not allowed when polling a DATA_SET collection' });
    }
    if (request.begin !== undefined && request.end !== undefined && (labelMicros(request.begin) ?? 0n) > (labelMicros(request.end) ?? 0n)) {
      return statusAnswer(id, 'FAILURE', { message: 'Exclusive begin timestamp label is later than inclusive end timestamp label' });
    }
    let bindings: string[] = [];
    if (request.bindings.length) {
      bindings = request.bindings.filter((b) => store.bindings.includes(b));
      if (!bindings.length) {
        return statusAnswer(id, 'UNSUPPORTED_CONTENT', { details: store.bindings.map((b) => ({ name: 'SUPPORTED_CONTENT', value: b })) });
      }
    }
    const end = request.end ?? options.inclusiveEndWhenMissing;
    return { collection: store.name, begin: request.begin, end, indexes: store.select(request.begin, end, bindings) };
  }

  function maxPart(set: ResultSet): number {
    const total = set.indexes.length;
    return paging === 'exact' ? Math.max(1, Math.ceil(total / partSize)) : Math.floor(total / partSize) + 1;
  }

  function emptyPart(inResponseTo: string, set: ResultSet, partNumber: number): Answer {
    const xml = writer.pollResponse({
      inResponseTo,
      collection: set.collection,
      more: true,
      resultId: set.id,
      partNumber,
      begin: set.begin,
      end: set.end,
      recordCount: set.indexes.length,
      blocks: [],
      deliverAs,
    });
    return taxii(200, xml, 'Poll_Response', { partNumber, blocksSent: 0 });
  }

  /** One part of a result set; `endless`: say more whatever is left (the `endless-more` fault). */
  function partAnswer(inResponseTo: string, set: ResultSet, partNumber: number, withResultId: boolean, endless = false): Answer {
    const store = collections.get(set.collection) as CollectionStore;
    // A server that keeps saying more does not then refuse the part it announced.
    if (partNumber > maxPart(set) && options.strictParts && !endless) {
      return statusAnswer(inResponseTo, 'INVALID_RESPONSE_PART', { details: [{ name: 'MAX_PART_NUMBER', value: String(maxPart(set)) }] });
    }
    const slice = set.indexes.slice((partNumber - 1) * partSize, partNumber * partSize);
    const more = endless || (paging === 'exact' ? partNumber < maxPart(set) : slice.length === partSize);
    const xml = writer.pollResponse({
      inResponseTo,
      collection: set.collection,
      more,
      resultId: withResultId ? set.id : undefined,
      partNumber,
      begin: set.begin,
      end: set.end,
      recordCount: set.indexes.length,
      blocks: slice.map((i) => store.block(i)),
      deliverAs,
    });
    return taxii(200, xml, 'Poll_Response', { partNumber, blocksSent: slice.length });
  }

  function answerRequest(request: ServerRequest, endless: boolean): Answer {
    const id = request.messageId;
    switch (request.type) {
      case 'Discovery_Request':
        return taxii(
          200,
          writer.discovery(id, [
            { type: 'DISCOVERY', address: base + PATHS.discovery, protocol },
            { type: 'COLLECTION_MANAGEMENT', address: base + PATHS.collections, protocol },
            { type: 'POLL', address: base + PATHS.poll, protocol },
          ]),
          'Discovery_Response',
        );
      case 'Collection_Information_Request':
        return taxii(
          200,
          writer.collections(
            id,
            [...collections.values()].map((c) => ({ name: c.name, type: c.type, description: c.description, bindings: c.bindings, volume: c.count })),
            { address: base + PATHS.poll, protocol },
          ),
          'Collection_Information_Response',
        );
      case 'Poll_Request': {
        const prepared = prepare(request);
        if ('status' in prepared) return prepared;
        if (request.responseType === 'COUNT_ONLY') {
          const pagedCount = options.pagedCountOnly === true && prepared.indexes.length > partSize;
          const xml = writer.pollResponse({
            inResponseTo: id,
            collection: prepared.collection,
            more: pagedCount,
            ...(pagedCount && { resultId: results.create({ ...prepared, pendingFulfillments: 0, estimatedWait: 0 }).id }),
            partNumber: 1,
            begin: prepared.begin,
            end: prepared.end,
            recordCount: prepared.indexes.length,
            blocks: [],
            deliverAs,
          });
          return taxii(200, xml, 'Poll_Response', { partNumber: 1, blocksSent: 0 });
        }
        const total = prepared.indexes.length;
        // An endless server pages every result, so that its `more` comes with a result_id to follow.
        const paged = endless || (paging === 'exact' ? total > partSize : total >= partSize);
        const set = paged ? results.create({ ...prepared, pendingFulfillments: 0, estimatedWait: 0 }) : { id: '', ...prepared, pendingFulfillments: 0, estimatedWait: 0 };
        return partAnswer(id, set, 1, paged, endless);
      }
      case 'Poll_Fulfillment': {
        const set = results.get(request.resultId);
        if (!set || set.collection !== request.collection) {
          return statusAnswer(id, 'NOT_FOUND', { details: [{ name: 'ITEM', value: request.resultId }], message: 'Requested result set was not found' });
        }
        if (set.pendingFulfillments > 0) {
          set.pendingFulfillments--;
          return pendingAnswer(id, set);
        }
        return partAnswer(id, set, request.partNumber, true, endless);
      }
      default:
        return statusAnswer(id, 'FAILURE', { message: 'Message not supported by this service' });
    }
  }

  async function send(res: ServerResponse, answer: Answer, after: FaultAction | undefined): Promise<void> {
    let body = answer.body;
    if (after?.type === 'wrong-in-response-to') body = body.replace(/in_response_to="[^"]*"/, 'in_response_to="not-your-request"');
    const bytes = Buffer.from(body, 'utf8');
    res.writeHead(answer.status, { ...answer.headers, 'content-length': String(bytes.length) });
    if (after?.type === 'drop') {
      const cut = Math.min(after.afterBytes ?? Math.floor(bytes.length / 2), bytes.length - 1);
      res.write(bytes.subarray(0, Math.max(0, cut)), () => res.socket?.destroy());
      return;
    }
    if (after?.type === 'slow') {
      const half = Math.floor(bytes.length / 2);
      res.write(bytes.subarray(0, half));
      await new Promise((r) => setTimeout(r, after.delayMs));
      if (!res.destroyed) res.end(bytes.subarray(half));
      return;
    }
    res.end(bytes);
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const record: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, answer: '' };
      if (recordBodies) record.body = body;
      const socket = req.socket as TLSSocket;
      if (secure) {
        const cert = socket.getPeerCertificate?.();
        const cn = cert && typeof cert.subject?.CN === 'string' ? cert.subject.CN : undefined;
        // Proves which kind of key the handshake was signed with (RSA certificates have no curve).
        const curve = cert?.nistCurve ?? cert?.asn1Curve;
        record.clientCertificate = { authorized: socket.authorized, ...(cn ? { subjectCN: cn } : {}), ...(curve ? { curve } : {}) };
      }
      requests.push(record);
      handle(req, body, record)
        .then(async ({ answer, after }) => {
          record.answer = after && after.type !== 'forget-result' ? `fault:${after.type}/${answer.label}` : answer.label;
          if (answer.partNumber !== undefined) record.partNumber = answer.partNumber;
          if (answer.blocksSent !== undefined) record.blocksSent = answer.blocksSent;
          await send(res, answer, after);
        })
        .catch((e: unknown) => {
          record.answer = 'HTTP 500';
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`test server error: ${e instanceof Error ? e.stack : String(e)}`);
        });
    });
  };

  const server = secure ? https.createServer(options.tls ?? {}, handler) : http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  base = `${secure ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    url: base,
    port,
    urls: { discovery: base + PATHS.discovery, collections: base + PATHS.collections, poll: base + PATHS.poll },
    requests,
    addBlocks: (blocks, collection) => {
      const store = collection === undefined ? collections.values().next().value : collections.get(collection);
      if (!store) throw new Error(`test server: no collection ${collection}`);
      for (const b of blocks) store.add(b);
    },
    setFaults: (rules) => faults.set(rules),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function faultTarget(request: ServerRequest): 'discovery' | 'collection-information' | 'poll' | 'fulfillment' {
  switch (request.type) {
    case 'Discovery_Request':
      return 'discovery';
    case 'Collection_Information_Request':
      return 'collection-information';
    case 'Poll_Fulfillment':
      return 'fulfillment';
    default:
      return 'poll';
  }
}
