/** TAXII 1.1.1 client: messages, the HTTP transport seam, discovery, collection information and the poll iterator. */
export * from './constants';
export * from './types';
export { toTaxiiTimestamp, compareTimestamps, timestampMicros, nowTimestamp, isCanonicalTimestamp, TaxiiTimestampError } from './timestamps';
export type { TaxiiTimestamp } from './timestamps';
export {
  buildDiscoveryRequest,
  buildCollectionInformationRequest,
  buildPollRequest,
  buildPollFulfillment,
  newMessageId,
} from './build-messages';
export type { BuiltMessage, PollRequestInput, PollFulfillmentInput } from './build-messages';
export { parseTaxiiMessage, isStatusMessage } from './parse-messages';
export { STATUS_TYPES, TaxiiStatusError, statusCode, detailValue, detailValues, estimatedWaitSeconds, isKnownStatusType } from './status';
export type { StatusMessage, StatusDetail, KnownStatusType } from './status';
export { TaxiiTransportError, TaxiiHttpError, TaxiiProtocolError, TaxiiCredentialsError, isRetryable } from './errors';
export type { TaxiiTransportCode, TaxiiProtocolCode } from './errors';
export { taxiiRequestHeaders, displayUrl } from './transport';
export type { TaxiiTransport, TaxiiHttpResponse, TaxiiPostOptions } from './transport';
export { createHttpTransport } from './http-transport';
export type { HttpTransport, HttpTransportInfo, HttpTransportOptions, HttpTransportTls, ProxyRouteInfo } from './http-transport';
export type { ClientCertificateInfo, TlsMaterial } from './tls-context';
export { taxiiTransportFromConfig, tlsFromConfig, basicAuthHeader } from './from-config';
export type { TransportFromConfigOptions } from './from-config';
export { checkTaxiiHealth, problemOf } from './health';
export type { TaxiiHealthOptions, TaxiiProblem } from './health';
export { exchange } from './exchange';
export { discover, getCollectionInformation } from './services';
export type { ServiceCallOptions } from './services';
export { poll, countRecords } from './poll';
export type { PollOptions, PollWindow, PollProgress, PolledBlock, PollSummary, PollStream, PendingPolicy } from './poll';
export { DEFAULT_RETRY, sleep } from './retry';
export type { RetryPolicy, Sleep } from './retry';
