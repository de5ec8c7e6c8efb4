/**
 * Scripted faults: what the test server does instead of (or to) its normal answer, for the requests a rule
 * matches. Rules are consumed in order; each fires `times` times (default once).
 */

export type FaultTarget = 'poll' | 'fulfillment' | 'discovery' | 'collection-information' | 'any';

export type FaultAction =
  /** Any Status_Message (UNAUTHORIZED, DENIED, FAILURE, POLLING_UNSUPPORTED, a custom type, …). */
  | { type: 'status'; statusType: string; message?: string; details?: { name: string; value: string }[]; inResponseTo?: string }
  /**
   * Answer a Poll_Request with PENDING (ESTIMATED_WAIT, RESULT_ID, WILL_PUSH=false) and prepare the result under
   * that id; the first `notReadyFor` fulfilments get PENDING again. Like a real server it only does this when the
   * request allowed asynchronous polling; otherwise the rule does not fire.
   */
  | { type: 'pending'; estimatedWait?: number; notReadyFor?: number }
  /** RETRY, optionally with ESTIMATED_WAIT (seconds). */
  | { type: 'retry'; estimatedWait?: number }
  /** Status UNAUTHORIZED with in_response_to="0", as OpenTAXII answers a request without valid credentials. */
  | { type: 'unauthorized' }
  /** The result set is forgotten: the fulfilment gets NOT_FOUND with ITEM = the result id. */
  | { type: 'forget-result' }
  /** INVALID_RESPONSE_PART with MAX_PART_NUMBER. */
  | { type: 'invalid-response-part' }
  /** Send the headers and the first `afterBytes` bytes of the real answer (default: half), then drop the connection. */
  | { type: 'drop'; afterBytes?: number }
  /** Send half of the real answer, pause `delayMs`, then the rest. */
  | { type: 'slow'; delayMs: number }
  /** An arbitrary HTTP answer (for example a proxy's HTML error page, without TAXII headers). */
  | { type: 'raw'; status: number; headers?: Record<string, string>; body: string }
  /** The real answer with an in_response_to that belongs to no request. */
  | { type: 'wrong-in-response-to' }
  /**
   * A server whose paging never ends: its Poll_Responses (FULL) say more="true" and carry a result_id whatever is
   * left, so once the real blocks are sent every further part is empty and still says more. Give the rule
   * `times: Infinity` (and no `on`, or `on: 'any'`) to make every poll and fulfilment answer so.
   */
  | { type: 'endless-more' }
  /**
   * Instead of the part asked for, a Poll_Response with no content blocks that still says more="true" (with the
   * result_id), as a server that filters a part's blocks after paging them; the part's own blocks are never sent.
   * Place it with `part` (and `times` for several parts).
   */
  | { type: 'empty-part' };

export interface FaultRule {
  on?: FaultTarget;
  /** Only for this result part (a Poll_Request asks for part 1). */
  part?: number;
  /** How many matching requests the rule applies to. Default 1; Infinity for all. */
  times?: number;
  action: FaultAction;
}

export const HTML_400: FaultAction = {
  type: 'raw',
  status: 400,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body: '<!DOCTYPE html><html><head><title>400 Bad Request</title></head><body><h1>Bad Request</h1><p>nginx</p></body></html>',
};

export class FaultScript {
  private rules: { rule: FaultRule; left: number }[] = [];

  set(rules: FaultRule[]): void {
    this.rules = rules.map((rule) => ({ rule, left: rule.times ?? 1 }));
  }

  /** The action for this request, consuming one use of the first matching rule; `accept` may veto a match. */
  take(target: Exclude<FaultTarget, 'any'>, part: number | undefined, accept: (a: FaultAction) => boolean = () => true): FaultAction | undefined {
    for (const entry of this.rules) {
      const { rule } = entry;
      if (entry.left <= 0) continue;
      if (rule.on !== undefined && rule.on !== 'any' && rule.on !== target) continue;
      if (rule.part !== undefined && rule.part !== part) continue;
      if (!accept(rule.action)) continue;
      entry.left--;
      return rule.action;
    }
    return undefined;
  }

  get pending(): number {
    return this.rules.reduce((n, e) => n + (e.left > 0 ? 1 : 0), 0);
  }
}
