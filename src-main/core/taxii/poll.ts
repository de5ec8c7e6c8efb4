/**
 * The poll iterator: one TAXII poll of one collection over one window `(begin, end]`, as an async iterator of
 * content blocks, part by part.
 *
 * - Part 1 comes from a Poll_Request; while the answer says `more`, part n+1 comes from a Poll_Fulfillment with the
 *   answer's result_id. By default the next part is requested only after the consumer has taken every block of the
 *   current one, so memory holds one part at a time; with `prefetch` it is requested as soon as the current part
 *   has arrived, so the network works while the consumer does (memory then holds at most two parts).
 * - COUNT_ONLY stops after the first answer: the count is in it, and a server that pages a COUNT_ONLY result
 *   (OpenTAXII does) would otherwise send every remaining part with full content.
 * - PENDING: wait the server's ESTIMATED_WAIT (capped per wait and in total), then fulfil its RESULT_ID.
 * - RETRY, a dropped connection, a timeout, HTTP 502/503/504: the same request again after a bounded back-off.
 *   Parts are received whole before any of their blocks is handed on, so a retried part never repeats a block.
 * - Any other status is a `TaxiiStatusError`; an answer that is not the expected TAXII a `TaxiiProtocolError`.
 *
 * `summary` fills in as parts arrive: parts, blocks, Record_Count, the window the server answered for (use its
 * Inclusive_End_Timestamp as the next cursor when present) and `complete` once the last part was received.
 */
import { FlareError } from '../errors';
import { silentLogger, type Logger } from '../log/types';
import { buildPollFulfillment, buildPollRequest, type BuiltMessage } from './build-messages';
import type { ResponseType } from './constants';
import { isRetryable, TaxiiProtocolError } from './errors';
import { exchange } from './exchange';
import { backoffDelay, retryPolicy, sleep as realSleep, type RetryPolicy, type Sleep } from './retry';
import { detailValue, estimatedWaitSeconds, TaxiiStatusError } from './status';
import { compareTimestamps, toTaxiiTimestamp, type TaxiiTimestamp } from './timestamps';
import { displayUrl, type TaxiiTransport } from './transport';
import type { ContentBindingSpec, ContentBlock, PollResponse, RecordCount } from './types';

/** The window `(begin, end]`: begin exclusive, end inclusive; either may be left open. */
export interface PollWindow {
  begin?: Date | string;
  end?: Date | string;
}

export interface PendingPolicy {
  /** Longest single wait for a PENDING result, whatever ESTIMATED_WAIT says. Default 60 s. */
  maxWaitMs: number;
  /** Longest total wait for PENDING results in one poll. Default 10 min. */
  maxTotalWaitMs: number;
  /** Wait used when a PENDING status gives no ESTIMATED_WAIT. Default 5 s. */
  defaultWaitMs: number;
}

export interface PollOptions {
  /** The poll service's address. */
  url: string;
  transport: TaxiiTransport;
  /** FULL (default) or COUNT_ONLY (no blocks; see `summary.recordCount`). */
  responseType?: ResponseType;
  /** Acceptable content bindings; none = whatever the collection has. */
  contentBindings?: readonly (string | ContentBindingSpec)[];
  /** Poll a subscription instead of sending Poll_Parameters. */
  subscriptionId?: string;
  /** Let the server answer PENDING and prepare the result asynchronously. Default false (the XSD's default). */
  allowAsynch?: boolean;
  pending?: Partial<PendingPolicy>;
  retry?: Partial<RetryPolicy>;
  /**
   * A guard against a server that never stops saying `more` while still sending blocks. Default 1,000,000 parts.
   * (Empty parts are guarded separately: a few in a row that say `more` end the poll.)
   */
  maxParts?: number;
  /** Request part n+1 while the consumer is still taking the blocks of part n (at most one part ahead). */
  prefetch?: boolean;
  onProgress?: (event: PollProgress) => void;
  signal?: AbortSignal;
  logger?: Logger;
  /** Replaceable for tests; defaults to a real, cancellable timer. */
  sleep?: Sleep;
}

export type PollProgress =
  | {
      type: 'part';
      partNumber: number;
      blocksInPart: number;
      blocksSoFar: number;
      more: boolean;
      recordCount?: RecordCount;
      resultId?: string;
      inclusiveEndTimestamp?: TaxiiTimestamp;
    }
  | { type: 'wait'; reason: 'pending' | 'retry' | 'transport'; ms: number; attempt: number; partNumber: number; detail?: string };

/** A content block with its place in the poll. */
export interface PolledBlock extends ContentBlock {
  /** The result part it came in (1-based). */
  partNumber: number;
  /** Its position in the whole poll (0-based). */
  index: number;
}

export interface PollSummary {
  collection: string;
  url: string;
  /** The window we asked for, canonical. */
  requested: { begin?: TaxiiTimestamp; end?: TaxiiTimestamp };
  /** The window the server says it answered for (OpenTAXII echoes the request; others may choose the end). */
  exclusiveBeginTimestamp?: TaxiiTimestamp;
  inclusiveEndTimestamp?: TaxiiTimestamp;
  recordCount?: RecordCount;
  resultId?: string;
  parts: number;
  blocks: number;
  /** True once the last part has been received (not merely requested). */
  complete: boolean;
}

export interface PollStream extends AsyncIterable<PolledBlock> {
  readonly summary: PollSummary;
}

const DEFAULT_PENDING: PendingPolicy = { maxWaitMs: 60_000, maxTotalWaitMs: 10 * 60_000, defaultWaitMs: 5_000 };
/**
 * Empty parts in a row that still say `more` before the poll gives up on the server. A server that filters a part's
 * blocks after paging them may send the odd empty part in the middle of a result (so the first empty part is not
 * taken as the end, as cabby does, which would lose the parts after it); one that keeps sending nothing is broken.
 */
const MAX_EMPTY_PARTS_WITH_MORE = 3;

/** Polls `collection` over `window`. Nothing is sent until iteration starts. */
export function poll(collection: string, window: PollWindow, options: PollOptions): PollStream {
  const requested = canonicalWindow(window);
  const summary: PollSummary = { collection, url: displayUrl(options.url), requested, parts: 0, blocks: 0, complete: false };
  return {
    summary,
    [Symbol.asyncIterator]: () => new Poller(collection, requested, options, summary).blocks(),
  };
}

/** COUNT_ONLY poll: how many blocks the window holds (undefined when the server gives no count). */
export async function countRecords(
  collection: string,
  window: PollWindow,
  options: Omit<PollOptions, 'responseType'>,
): Promise<RecordCount | undefined> {
  const stream = poll(collection, window, { ...options, responseType: 'COUNT_ONLY', prefetch: false });
  for await (const _ of stream) {
    // A COUNT_ONLY answer carries no blocks; a server that sends some anyway is ignored.
  }
  return stream.summary.recordCount;
}

function canonicalWindow(window: PollWindow): PollSummary['requested'] {
  const requested: PollSummary['requested'] = {};
  if (window.begin !== undefined) requested.begin = toTaxiiTimestamp(window.begin);
  if (window.end !== undefined) requested.end = toTaxiiTimestamp(window.end);
  if (requested.begin !== undefined && requested.end !== undefined && compareTimestamps(requested.begin, requested.end) >= 0) {
    throw new FlareError('taxii_bad_window', `The poll window (${requested.begin}, ${requested.end}] is empty: its begin is not before its end.`, {
      hint: 'The begin (the last cursor, or mtc.start.time) must be earlier than the end.',
      detail: { begin: requested.begin, end: requested.end },
    });
  }
  return requested;
}

class Poller {
  private readonly log: Logger;
  private readonly retry: RetryPolicy;
  private readonly pending: PendingPolicy;
  private readonly sleep: Sleep;
  private pendingWaitedMs = 0;

  constructor(
    private readonly collection: string,
    private readonly requested: PollSummary['requested'],
    private readonly options: PollOptions,
    private readonly summary: PollSummary,
  ) {
    this.log = (options.logger ?? silentLogger).child('taxii');
    this.retry = retryPolicy(options.retry);
    this.pending = { ...DEFAULT_PENDING, ...Object.fromEntries(Object.entries(options.pending ?? {}).filter(([, v]) => v !== undefined)) };
    this.sleep = options.sleep ?? realSleep;
  }

  async *blocks(): AsyncGenerator<PolledBlock> {
    const { collection, requested, summary } = this;
    const maxParts = this.options.maxParts ?? 1_000_000;
    this.log.info(`Polling collection ${collection} for (${requested.begin ?? 'open'}, ${requested.end ?? 'open'}] from ${displayUrl(this.options.url)}`);

    let partNumber = 1;
    let emptyPartsWithMore = 0;
    let response: PollResponse | undefined = await this.request(partNumber, () =>
      buildPollRequest({
        collectionName: collection,
        exclusiveBegin: requested.begin,
        inclusiveEnd: requested.end,
        subscriptionId: this.options.subscriptionId,
        allowAsynch: this.options.allowAsynch ?? false,
        responseType: this.options.responseType ?? 'FULL',
        contentBindings: this.options.contentBindings,
      }),
    );

    while (response) {
      // A server may leave result_part_number out; one that names another part is answering something else.
      if (response.resultPartNumber !== undefined && response.resultPartNumber !== partNumber) {
        throw new TaxiiProtocolError('taxii_bad_paging', `The TAXII server sent part ${response.resultPartNumber} when part ${partNumber} was asked for.`, {
          detail: { url: displayUrl(this.options.url), resultId: summary.resultId },
        });
      }
      if (partNumber === 1) this.takeHeader(response);
      const blocks: (ContentBlock | undefined)[] = response.contentBlocks;
      const more = response.more;
      summary.parts = partNumber;
      this.options.onProgress?.({
        type: 'part',
        partNumber,
        blocksInPart: blocks.length,
        blocksSoFar: summary.blocks + blocks.length,
        more,
        recordCount: summary.recordCount,
        resultId: summary.resultId,
        inclusiveEndTimestamp: summary.inclusiveEndTimestamp,
      });
      this.log.debug(`Part ${partNumber}: ${blocks.length} blocks${more ? ', more to come' : ''}`);
      // Drop the response before yielding so that only the blocks not yet handed on stay referenced.
      response = undefined;
      const last = !more || this.options.responseType === 'COUNT_ONLY';
      let next: Promise<PollResponse> | undefined;
      let failure: unknown;
      if (!last) {
        emptyPartsWithMore = blocks.length === 0 ? emptyPartsWithMore + 1 : 0;
        // Checked before the blocks are handed on only when nothing is handed on; otherwise after (see endlessPaging).
        if (this.options.prefetch) {
          try {
            next = this.nextPart(partNumber, emptyPartsWithMore, maxParts);
            // Failures surface when the part is due, after the blocks already received were handed on.
            next.catch(() => undefined);
          } catch (e) {
            failure = e;
          }
        }
      }
      for (let i = 0; i < blocks.length; i++) {
        const block = blocks[i];
        blocks[i] = undefined;
        if (block) yield { ...block, partNumber, index: summary.blocks++ };
      }
      if (last) break;
      if (failure !== undefined) throw failure;
      response = await (next ?? this.nextPart(partNumber, emptyPartsWithMore, maxParts));
      partNumber++;
    }
    summary.complete = true;
    this.log.info(`Poll of ${collection} complete: ${summary.blocks} blocks in ${summary.parts} part${summary.parts === 1 ? '' : 's'}`);
  }

  /** Asks for the part after `partNumber` (a Poll_Fulfillment), unless the paging so far says it must not. */
  private nextPart(partNumber: number, emptyPartsWithMore: number, maxParts: number): Promise<PollResponse> {
    const { summary, collection } = this;
    if (!summary.resultId) {
      throw new TaxiiProtocolError('taxii_bad_paging', 'The TAXII server said more parts follow but gave no result_id to fetch them with.', {
        detail: { url: displayUrl(this.options.url), partNumber },
      });
    }
    if (emptyPartsWithMore >= MAX_EMPTY_PARTS_WITH_MORE || partNumber >= maxParts) {
      throw this.endlessPaging(partNumber, emptyPartsWithMore, maxParts);
    }
    const resultId = summary.resultId;
    const wanted = partNumber + 1;
    return this.request(wanted, () => buildPollFulfillment({ collectionName: collection, resultId, resultPartNumber: wanted }));
  }

  /**
   * The poll stops instead of asking for part after part forever. The blocks of the parts received so far were
   * already handed on (a part is checked only after its blocks were taken), and `summary` stays incomplete, so
   * the caller keeps what it got and does not treat the window as done.
   */
  private endlessPaging(partNumber: number, emptyParts: number, maxParts: number): TaxiiProtocolError {
    const { summary } = this;
    const what =
      emptyParts >= MAX_EMPTY_PARTS_WITH_MORE
        ? `sent ${emptyParts} empty parts in a row (parts ${partNumber - emptyParts + 1} to ${partNumber}) that still said more parts follow`
        : `still said more parts follow after ${partNumber} parts, the limit for one poll`;
    const received = `${summary.blocks} content block${summary.blocks === 1 ? '' : 's'} in ${partNumber} part${partNumber === 1 ? '' : 's'}`;
    this.log.warn(`Poll of ${this.collection} stopped: the server ${what}; ${received} received`);
    return new TaxiiProtocolError('taxii_endless_paging', `The TAXII server ${what}, so the poll stopped instead of asking forever. The ${received} received before ${summary.blocks === 1 ? 'was' : 'were'} delivered; the window is not complete.`, {
      hint:
        'The server’s paging is broken (it never says the result is finished): tell the feed provider, naming the collection and the result_id (in the log). ' +
        'Until it is fixed, polling a shorter window may avoid the fault.',
      detail: {
        url: displayUrl(this.options.url),
        collection: this.collection,
        resultId: summary.resultId,
        partNumber,
        emptyPartsInARow: emptyParts,
        maxParts,
        blocks: summary.blocks,
      },
    });
  }

  private takeHeader(response: PollResponse): void {
    const s = this.summary;
    if (response.exclusiveBeginTimestamp !== undefined) s.exclusiveBeginTimestamp = response.exclusiveBeginTimestamp;
    if (response.inclusiveEndTimestamp !== undefined) s.inclusiveEndTimestamp = response.inclusiveEndTimestamp;
    if (response.recordCount) s.recordCount = response.recordCount;
    if (response.resultId !== undefined) s.resultId = response.resultId;
  }

  /**
   * Sends the request `build` makes (a fresh message id each try) until a Poll_Response comes back, handling
   * PENDING, RETRY and retryable transport failures.
   */
  private async request(partNumber: number, build: () => BuiltMessage): Promise<PollResponse> {
    const { transport, signal, logger } = this.options;
    const address = this.options.url;
    const url = displayUrl(address);
    let attempt = 0;
    for (;;) {
      attempt++;
      let answer;
      try {
        answer = await exchange(address, build(), { transport, signal, logger });
      } catch (e) {
        if (!isRetryable(e) || attempt >= this.retry.attempts || signal?.aborted) throw e;
        await this.wait('transport', backoffDelay(this.retry, attempt), attempt, partNumber, e instanceof Error ? e.message : String(e));
        continue;
      }
      if (answer.kind === 'Poll_Response') {
        if (answer.resultId !== undefined && this.summary.resultId === undefined) this.summary.resultId = answer.resultId;
        return answer;
      }
      if (answer.kind !== 'Status_Message') {
        throw new TaxiiProtocolError('taxii_unexpected_message', `The TAXII server answered a poll with a ${answer.kind}.`, {
          hint: 'Check that the URL is the poll service, not discovery or collection management.',
          detail: { url, message: answer.kind },
        });
      }
      if (answer.statusType === 'RETRY' && attempt < this.retry.attempts) {
        await this.wait('retry', backoffDelay(this.retry, attempt, estimatedWaitSeconds(answer)), attempt, partNumber, answer.message);
        continue;
      }
      if (answer.statusType === 'PENDING') {
        const resultId = detailValue(answer, 'RESULT_ID');
        if (!resultId) throw new TaxiiStatusError(answer, { url });
        const estimated = estimatedWaitSeconds(answer);
        const ms = Math.min(estimated === undefined ? this.pending.defaultWaitMs : estimated * 1000, this.pending.maxWaitMs);
        if (this.pendingWaitedMs + ms > this.pending.maxTotalWaitMs) throw new TaxiiStatusError(answer, { url });
        this.pendingWaitedMs += ms;
        this.summary.resultId = resultId;
        await this.wait('pending', ms, attempt, partNumber, answer.message);
        // The result is being prepared under RESULT_ID: from now on ask for it, part by part.
        build = () => buildPollFulfillment({ collectionName: this.collection, resultId, resultPartNumber: partNumber });
        attempt = 0;
        continue;
      }
      throw new TaxiiStatusError(answer, { url });
    }
  }

  private async wait(reason: 'pending' | 'retry' | 'transport', ms: number, attempt: number, partNumber: number, detail?: string): Promise<void> {
    this.log.info(
      reason === 'pending'
        ? `The server is preparing the result; asking again in ${formatMs(ms)}`
        : `${reason === 'retry' ? 'The server asked us to retry' : `Request failed (${detail ?? 'unknown'})`}; trying again in ${formatMs(ms)}`,
    );
    this.options.onProgress?.({ type: 'wait', reason, ms, attempt, partNumber, ...(detail !== undefined ? { detail } : {}) });
    await this.sleep(ms, this.options.signal);
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 ? 1 : 0)} s` : `${ms} ms`;
}
