/**
 * Injectable faults for the MISP test server: what goes wrong between a client and MISP in real life.
 */

export type Fault =
  /** Answer with this status (500, 502, 503…) and MISP's error body, or the given one. */
  | { kind: 'status'; status: number; json?: unknown; retryAfter?: string }
  /** Accept the request and never answer (the client's deadline has to end it). */
  | { kind: 'timeout' }
  /** Answer normally, this much later. */
  | { kind: 'slow'; delayMs: number }
  /** Close the connection without an answer. */
  | { kind: 'reset' };

export interface FaultRule {
  method?: string;
  /** A path prefix (`/events/add`) or a pattern. */
  path?: string | RegExp;
  fault: Fault;
  /** How many matching requests it hits; default: all of them. */
  times?: number;
  /** Let this many matching requests through first. */
  skip?: number;
  /**
   * `before` (default): the fault happens instead of MISP's work. `after`: MISP does the work (the event is saved)
   * and then the answer is lost — the case that tests whether a client's retry is idempotent.
   */
  when?: 'before' | 'after';
}

interface ArmedRule {
  rule: FaultRule;
  seen: number;
  hits: number;
}

export class FaultInjector {
  private rules: ArmedRule[] = [];

  set(rules: readonly FaultRule[]): void {
    this.rules = rules.map((rule) => ({ rule, seen: 0, hits: 0 }));
  }

  /** The fault for this request at this moment, if a rule fires (counting it). */
  take(method: string, path: string, when: 'before' | 'after'): Fault | undefined {
    for (const armed of this.rules) {
      const { rule } = armed;
      if ((rule.when ?? 'before') !== when) continue;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (rule.path !== undefined && !(typeof rule.path === 'string' ? path.startsWith(rule.path) : rule.path.test(path))) continue;
      armed.seen++;
      if (armed.seen <= (rule.skip ?? 0)) continue;
      if (rule.times !== undefined && armed.hits >= rule.times) continue;
      armed.hits++;
      return rule.fault;
    }
    return undefined;
  }
}
