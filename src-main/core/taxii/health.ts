/**
 * "Check TAXII": can we poll the configured feed?
 *
 * The poll URL is often the only TAXII address an admin has, and a Discovery_Request sent to a poll service is
 * answered FAILURE "Message not supported by this service" (reference/taxii-messages/11-status-wrong-service.*), so
 * the probe is what polling itself does: a COUNT_ONLY Poll_Request for the configured collection over a short recent
 * window, sent to the poll URL. It exercises everything a run needs — DNS, TCP, proxy, TLS both ways, basic auth,
 * the collection name, the content bindings — and moves no content. When a discovery URL or a collection
 * management URL is configured (or discovery names a collection management service) the check also lists the
 * services and the collections, so a wrong collection name can be answered with the names the server offers.
 *
 * The result keeps the old service's `{resourceType: "FLARE/TAXII", resource, statusCode}` and adds `ok`,
 * `latencyMs`, a human `reason` and `hint`, and `details` (problem kind, error code, record count, collections…).
 */
import type { LookupFunction } from 'node:net';
import type { HealthResult } from '../../../shared/api';
import type { TaxiiConfig } from '../config/config';
import { FlareError } from '../errors';
import { silentLogger, type Logger } from '../log/types';
import type { ProxyEnv } from '../net/env-proxy';
import { TaxiiCredentialsError, TaxiiHttpError, TaxiiProtocolError, TaxiiTransportError } from './errors';
import { taxiiTransportFromConfig } from './from-config';
import { TAXII_PROXY_KEY } from './proxy';
import type { HttpTransport } from './http-transport';
import { countRecords } from './poll';
import { getCollectionInformation, discover } from './services';
import { TaxiiStatusError } from './status';
import { toTaxiiTimestamp } from './timestamps';
import { displayUrl, type TaxiiTransport } from './transport';
import type { CollectionRecord, RecordCount, ServiceInstance } from './types';

export interface TaxiiHealthOptions {
  logger?: Logger;
  /** Host name resolution (tests). */
  lookup?: LookupFunction;
  now?: () => Date;
  /** Length of the recent window the probe counts. Default 60 minutes. */
  windowMinutes?: number;
  /** The environment the proxy variables are read from (default process.env). */
  env?: ProxyEnv;
}

/** What kind of failure, for the UI and scripts (the reason is the sentence for people). */
export type TaxiiProblem =
  | 'not-configured'
  | 'credentials'
  | 'unreachable'
  | 'timeout'
  | 'untrusted'
  | 'expired'
  | 'wrong-host'
  | 'tls'
  | 'client-certificate-rejected'
  | 'proxy'
  | 'taxii-status'
  | 'http'
  | 'protocol'
  | 'error';

const RESOURCE_TYPE = 'FLARE/TAXII' as const;

export async function checkTaxiiHealth(taxii: TaxiiConfig, options: TaxiiHealthOptions = {}): Promise<HealthResult> {
  // The probe is not a run: the poll's own progress lines ("Polling…", "0 blocks") go to the debug level.
  const log = quieter(options.logger ?? silentLogger);
  const resource = taxii.pollUrl ? displayUrl(taxii.pollUrl) : '';
  if (!taxii.configured || !taxii.pollUrl || !taxii.collection) {
    const missing = [!taxii.pollUrl && 'stixtransclient.poll.baseurl (the poll service URL)', !taxii.collection && 'stixtransclient.source.collection (the collection to poll)'].filter(Boolean);
    return {
      resourceType: RESOURCE_TYPE,
      resource,
      statusCode: 0,
      ok: false,
      configured: false,
      reason: 'The TAXII feed is not configured.',
      hint: `Set ${missing.join(' and ')}.`,
      details: { problem: 'not-configured' satisfies TaxiiProblem },
    };
  }
  const pollUrl = taxii.pollUrl;
  const collection = taxii.collection;
  const now = options.now?.() ?? new Date();
  const window = { begin: toTaxiiTimestamp(new Date(now.getTime() - (options.windowMinutes ?? 60) * 60_000)), end: toTaxiiTimestamp(now) };
  const details: Record<string, unknown> = { collection, window, auth: describeAuth(taxii) };

  let transport: HttpTransport;
  try {
    transport = taxiiTransportFromConfig(taxii, { logger: log, ...(options.lookup ? { lookup: options.lookup } : {}), ...(options.env ? { env: options.env } : {}) });
  } catch (e) {
    return failure({ resource, statusCode: 0, details, error: e });
  }
  if (transport.info.clientCertificate) details.clientCertificate = transport.info.clientCertificate;
  // Checked when the transport was made: the poll URL's proxy (scheme, host and port) and where it came from.
  const route = transport.proxyInfo(pollUrl);
  if (route.proxy) {
    details.proxy = route.proxy;
    details.proxyFrom = route.source.kind === 'env' ? route.source.variable : TAXII_PROXY_KEY;
  }

  // Remember the HTTP status of the last answer: the old shape's statusCode.
  let lastStatus = 0;
  const probe: TaxiiTransport = {
    post: async (url, xml, postOptions) => {
      const res = await transport.post(url, xml, postOptions);
      lastStatus = res.status;
      return res;
    },
  };
  const call = { transport: probe, retry: { attempts: 1 }, logger: log };

  try {
    const started = Date.now();
    let recordCount: RecordCount | undefined;
    let pollError: unknown;
    try {
      recordCount = await countRecords(collection, window, {
        url: pollUrl,
        ...call,
        allowAsynch: false,
        pending: { maxTotalWaitMs: 0 },
        ...(taxii.contentBindings.length ? { contentBindings: taxii.contentBindings } : {}),
      });
    } catch (e) {
      pollError = e;
    }
    const latencyMs = Date.now() - started;
    const pollStatus = lastStatus;
    if (recordCount) details.recordCount = recordCount;

    // Services and collections, when we know where to ask — unless the server could not be reached at all.
    const listing = pollError instanceof TaxiiTransportError ? {} : await listServices(taxii, call, details);

    if (pollError === undefined) {
      const count = recordCount ? `${recordCount.partial ? 'at least ' : ''}${recordCount.count} content block${recordCount.count === 1 ? '' : 's'}` : 'no record count given';
      const offered = listing.collections ? `; the server offers ${listing.collections.length} collection${listing.collections.length === 1 ? '' : 's'}` : '';
      const trouble = [details.discoveryError, details.collectionsError].filter(Boolean).length ? ' (listing services or collections failed: see details)' : '';
      return {
        resourceType: RESOURCE_TYPE,
        resource,
        statusCode: pollStatus,
        ok: true,
        configured: true,
        latencyMs,
        reason: `The TAXII poll service answered for collection "${collection}": ${count} in the last ${options.windowMinutes ?? 60} minutes${offered}.${trouble}`,
        details,
      };
    }
    const result = failure({ resource, statusCode: pollStatus, details, error: pollError, taxii, collections: listing.collections });
    result.latencyMs = latencyMs;
    return result;
  } finally {
    transport.close();
  }
}

async function listServices(
  taxii: TaxiiConfig,
  call: { transport: TaxiiTransport; retry: { attempts: number }; logger: Logger },
  details: Record<string, unknown>,
): Promise<{ services?: ServiceInstance[]; collections?: CollectionRecord[] }> {
  const out: { services?: ServiceInstance[]; collections?: CollectionRecord[] } = {};
  let collectionsUrl = taxii.collectionManagementUrl;
  if (taxii.discoveryUrl) {
    try {
      out.services = (await discover(taxii.discoveryUrl, call)).services;
      details.services = out.services.map((s) => ({ type: s.serviceType, address: s.address, protocol: s.protocolBinding, ...(s.available !== undefined ? { available: s.available } : {}) }));
      collectionsUrl ??= out.services.find((s) => s.serviceType === 'COLLECTION_MANAGEMENT')?.address;
    } catch (e) {
      details.discoveryError = errorSummary(e);
    }
  }
  if (collectionsUrl) {
    try {
      out.collections = (await getCollectionInformation(collectionsUrl, call)).collections;
      details.collections = out.collections.map((c) => ({
        name: c.name,
        type: c.type,
        ...(c.available !== undefined ? { available: c.available } : {}),
        ...(c.volume !== undefined ? { volume: c.volume } : {}),
        contentBindings: c.contentBindings.map((b) => b.bindingId),
      }));
    } catch (e) {
      details.collectionsError = errorSummary(e);
    }
  }
  return out;
}

/** The same logger with info entries demoted to debug. */
function quieter(logger: Logger): Logger {
  return {
    error: (m, c) => logger.error(m, c),
    warn: (m, c) => logger.warn(m, c),
    info: (m, c) => logger.debug(m, c),
    debug: (m, c) => logger.debug(m, c),
    child: (name) => quieter(logger.child(name)),
  };
}

function errorSummary(e: unknown): Record<string, unknown> {
  return e instanceof FlareError ? { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) } : { code: 'error', message: e instanceof Error ? e.message : String(e) };
}

function describeAuth(taxii: TaxiiConfig): string[] {
  const auth: string[] = [];
  if (taxii.clientAuth.kind === 'pem') auth.push('client certificate (PEM)');
  if (taxii.clientAuth.kind === 'pkcs12') auth.push('client certificate (PKCS#12)');
  if (taxii.username) auth.push('basic');
  return auth;
}

export function problemOf(e: unknown): TaxiiProblem {
  if (e instanceof TaxiiCredentialsError) return 'credentials';
  if (e instanceof TaxiiStatusError) return 'taxii-status';
  if (e instanceof TaxiiHttpError) return e.code === 'taxii_client_cert_rejected' ? 'client-certificate-rejected' : 'http';
  if (e instanceof TaxiiProtocolError) return 'protocol';
  if (e instanceof TaxiiTransportError) {
    switch (e.code) {
      case 'taxii_connection_refused':
      case 'taxii_host_not_found':
      case 'taxii_connection_reset':
        return 'unreachable';
      case 'taxii_timeout':
        return 'timeout';
      case 'taxii_tls_untrusted':
        return 'untrusted';
      case 'taxii_tls_expired':
        return 'expired';
      case 'taxii_tls_wrong_host':
        return 'wrong-host';
      case 'taxii_tls':
        return 'tls';
      case 'taxii_client_cert_rejected':
        return 'client-certificate-rejected';
      case 'taxii_proxy':
      case 'taxii_proxy_auth':
        return 'proxy';
      default:
        return 'error';
    }
  }
  return 'error';
}

function failure(args: {
  resource: string;
  statusCode: number;
  details: Record<string, unknown>;
  error: unknown;
  taxii?: TaxiiConfig;
  collections?: CollectionRecord[];
}): HealthResult {
  const { error, details } = args;
  const problem = problemOf(error);
  let reason = error instanceof Error ? error.message : String(error);
  let hint = error instanceof FlareError ? error.hint : undefined;
  details.problem = problem;
  if (error instanceof FlareError) details.errorCode = error.code;
  if (error instanceof TaxiiStatusError) {
    details.statusType = error.statusType;
    if (error.statusMessage) details.statusMessage = error.statusMessage;
    const better = statusWording(error, args.taxii, args.collections);
    reason = better.reason ?? reason;
    hint = better.hint ?? hint;
  }
  if (error instanceof TaxiiHttpError && args.statusCode === 0) args.statusCode = error.status;
  const cert = details.clientCertificate as { expired?: boolean; notAfter?: string } | undefined;
  if (problem === 'client-certificate-rejected' && cert?.expired) reason += ` The configured client certificate expired on ${cert.notAfter}.`;
  if (!(error instanceof FlareError)) hint ??= 'This is unexpected; the log has the details.';
  return {
    resourceType: RESOURCE_TYPE,
    resource: args.resource,
    statusCode: args.statusCode,
    ok: false,
    configured: true,
    reason,
    ...(hint !== undefined ? { hint } : {}),
    details,
  };
}

/** Health-check wording for TAXII statuses, naming the configuration keys to look at. */
function statusWording(e: TaxiiStatusError, taxii: TaxiiConfig | undefined, collections: CollectionRecord[] | undefined): { reason?: string; hint?: string } {
  const collection = taxii?.collection;
  switch (e.statusType) {
    case 'UNAUTHORIZED': {
      const hasCredentials = taxii !== undefined && (taxii.username !== undefined || taxii.clientAuth.kind !== 'none');
      return {
        reason: hasCredentials
          ? 'The TAXII server did not accept the configured credentials (status UNAUTHORIZED).'
          : 'The TAXII server requires credentials, and none are configured (status UNAUTHORIZED).',
        hint: hasCredentials
          ? 'Check flare.taxii.username and flare.taxii.password (or FLARE_TAXII_PASSWORD), and the client certificate the feed provider registered.'
          : 'Set flare.taxii.username and flare.taxii.password (HTTP basic) or a client certificate, as the feed provider specifies.',
      };
    }
    case 'NOT_FOUND': {
      const item = e.values('ITEM')[0] ?? collection;
      const names = collections?.map((c) => c.name) ?? [];
      return {
        reason: `The TAXII server does not know the collection "${item ?? ''}" (status NOT_FOUND).`,
        hint: names.length
          ? `Set stixtransclient.source.collection to one the server offers: ${names.join(', ')}.`
          : 'Check stixtransclient.source.collection (the name in the onboarding letter); set flare.taxii.collection-management.url to have the check list the collections the server offers.',
      };
    }
    case 'DENIED':
      return { hint: `Your account may not poll "${collection ?? ''}" (or needs a subscription): ask the feed provider.` };
    case 'FAILURE':
      if (/not supported by this service/i.test(e.statusMessage ?? '')) {
        return {
          reason: 'The configured poll URL does not accept Poll_Requests: it is not the poll service (status FAILURE).',
          hint: 'Set stixtransclient.poll.baseurl to the poll service address (the discovery service lists it as the POLL service).',
        };
      }
      return {};
    case 'UNSUPPORTED_CONTENT':
      return { hint: 'Change flare.taxii.content-bindings to bindings the collection offers, or leave it empty to accept any.' };
    default:
      return {};
  }
}
