/**
 * One TAXII request/response exchange: POST the message, make sure the answer is a TAXII 1.1 message (not a
 * proxy's HTML page, not TAXII 1.0), parse it, and check it answers *this* request (`in_response_to`). Status
 * messages are returned, not thrown: whether PENDING or RETRY is an error depends on the caller.
 */
import { silentLogger, type Logger } from '../log/types';
import type { BuiltMessage } from './build-messages';
import { HEADER, MESSAGE_BINDING_XML_10, MESSAGE_BINDING_XML_11 } from './constants';
import { TaxiiHttpError, TaxiiProtocolError } from './errors';
import { parseTaxiiMessage } from './parse-messages';
import { displayUrl, type TaxiiTransport } from './transport';
import type { TaxiiMessage, TaxiiResponse } from './types';

export interface ExchangeOptions {
  transport: TaxiiTransport;
  signal?: AbortSignal;
  logger?: Logger;
}

const RESPONSE_KINDS = new Set<TaxiiMessage['kind']>(['Status_Message', 'Discovery_Response', 'Collection_Information_Response', 'Poll_Response']);

export async function exchange(address: string, request: BuiltMessage, options: ExchangeOptions): Promise<TaxiiResponse> {
  const log = (options.logger ?? silentLogger).child('taxii');
  const res = await options.transport.post(address, request.xml, { signal: options.signal });
  const url = displayUrl(address);
  const binding = res.headers[HEADER.taxiiContentType]?.trim();
  const contentType = res.headers[HEADER.contentType];

  if (binding === MESSAGE_BINDING_XML_10) {
    throw new TaxiiProtocolError('taxii_unsupported_version', 'The server answered in TAXII 1.0, which FLARE MISP does not speak.', {
      hint: 'Use the server’s TAXII 1.1 service address.',
    });
  }
  const declaredTaxii = binding === MESSAGE_BINDING_XML_11;
  // Without the TAXII header an answer is usually a proxy's or web server's page. We still read it when it is
  // XML, because a few TAXII servers forget the header; anything else is reported with its HTTP status.
  const looksLikeXml = /^\uFEFF?\s*<(?!!DOCTYPE html|html)/i.test(res.body);
  if (!declaredTaxii && !looksLikeXml) {
    if (res.status !== 200) throw new TaxiiHttpError(url, res.status, contentType, res.body);
    throw new TaxiiProtocolError('taxii_not_taxii', 'The server’s answer is not a TAXII message.', {
      hint: 'Check that the URL is the TAXII poll service and that no proxy or login page answers in its place.',
      detail: { url, status: res.status, contentType, body: snippet(res.body) },
    });
  }

  let message: TaxiiMessage;
  try {
    message = parseTaxiiMessage(res.body);
  } catch (e) {
    if (res.status !== 200 && !declaredTaxii) throw new TaxiiHttpError(url, res.status, contentType, res.body);
    throw e;
  }
  if (!declaredTaxii) log.debug(`${url} sent a TAXII message without the X-TAXII-Content-Type header`);
  if (!RESPONSE_KINDS.has(message.kind)) {
    throw new TaxiiProtocolError('taxii_unexpected_message', `The server answered with a ${message.kind}, which is not a response.`, {
      detail: { url, message: message.kind },
    });
  }
  const response = message as TaxiiResponse;
  // "0" is how a server says it could not read the request's id (schema error, authentication): only a
  // Status_Message may carry it.
  const unreadRequest = response.kind === 'Status_Message' && response.inResponseTo === '0';
  if (response.inResponseTo !== request.messageId && !unreadRequest) {
    throw new TaxiiProtocolError(
      'taxii_wrong_in_response_to',
      'The TAXII server’s answer belongs to another request (its in_response_to does not match).',
      {
        hint: 'A cache or proxy between FLARE MISP and the server may be mixing up answers.',
        detail: { url, expected: request.messageId, got: response.inResponseTo, message: response.kind },
      },
    );
  }
  return response;
}

function snippet(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
