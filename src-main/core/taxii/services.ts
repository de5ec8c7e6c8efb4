/**
 * The two TAXII questions asked before polling: which services does the server offer (Discovery) and which
 * collections (Collection Information). Both are single exchanges; RETRY and passing network failures are retried
 * like a poll's, every other status becomes a `TaxiiStatusError`.
 */
import type { Logger } from '../log/types';
import { buildCollectionInformationRequest, buildDiscoveryRequest, type BuiltMessage } from './build-messages';
import { isRetryable, TaxiiProtocolError } from './errors';
import { exchange } from './exchange';
import { backoffDelay, retryPolicy, sleep as realSleep, type RetryPolicy, type Sleep } from './retry';
import { estimatedWaitSeconds, TaxiiStatusError } from './status';
import { displayUrl, type TaxiiTransport } from './transport';
import type { CollectionInformationResponse, DiscoveryResponse, TaxiiResponse } from './types';

export interface ServiceCallOptions {
  transport: TaxiiTransport;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  logger?: Logger;
  sleep?: Sleep;
}

/** Asks a discovery service which TAXII services the server offers. */
export async function discover(url: string, options: ServiceCallOptions): Promise<DiscoveryResponse> {
  return ask(url, buildDiscoveryRequest, 'Discovery_Response', options);
}

/** Asks a collection management service which collections it offers. */
export async function getCollectionInformation(url: string, options: ServiceCallOptions): Promise<CollectionInformationResponse> {
  return ask(url, buildCollectionInformationRequest, 'Collection_Information_Response', options);
}

async function ask<K extends TaxiiResponse['kind']>(
  address: string,
  build: () => BuiltMessage,
  expected: K,
  options: ServiceCallOptions,
): Promise<Extract<TaxiiResponse, { kind: K }>> {
  const policy = retryPolicy(options.retry);
  const sleep = options.sleep ?? realSleep;
  const url = displayUrl(address);
  for (let attempt = 1; ; attempt++) {
    let answer: TaxiiResponse;
    try {
      answer = await exchange(address, build(), options);
    } catch (e) {
      if (!isRetryable(e) || attempt >= policy.attempts || options.signal?.aborted) throw e;
      await sleep(backoffDelay(policy, attempt), options.signal);
      continue;
    }
    if (answer.kind === expected) return answer as Extract<TaxiiResponse, { kind: K }>;
    if (answer.kind === 'Status_Message') {
      if (answer.statusType === 'RETRY' && attempt < policy.attempts) {
        await sleep(backoffDelay(policy, attempt, estimatedWaitSeconds(answer)), options.signal);
        continue;
      }
      throw new TaxiiStatusError(answer, { url });
    }
    throw new TaxiiProtocolError('taxii_unexpected_message', `The TAXII server answered with a ${answer.kind} instead of a ${expected}.`, {
      hint: 'Check that the URL is the right TAXII service.',
      detail: { url, message: answer.kind },
    });
  }
}
