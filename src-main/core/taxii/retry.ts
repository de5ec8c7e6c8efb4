/**
 * Waiting, for the two reasons TAXII gives us to wait: RETRY (the server is busy; it may say how long) and a
 * failed connection. Back-off doubles from `baseDelayMs` up to `maxDelayMs`; a server's ESTIMATED_WAIT is honoured
 * but never beyond `maxDelayMs`, so a server cannot park a run for hours. Sleeps end early when the run is cancelled.
 */

export interface RetryPolicy {
  /** Tries in total for one request, the first included. Default 4. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 60_000 };

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const p = { ...DEFAULT_RETRY, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
  return { attempts: Math.max(1, Math.floor(p.attempts)), baseDelayMs: Math.max(0, p.baseDelayMs), maxDelayMs: Math.max(0, p.maxDelayMs) };
}

/** Delay before try number `attempt + 1`, after `attempt` failed tries. */
export function backoffDelay(policy: RetryPolicy, attempt: number, estimatedWaitSeconds?: number): number {
  if (estimatedWaitSeconds !== undefined) return Math.min(estimatedWaitSeconds * 1000, policy.maxDelayMs);
  return Math.min(policy.baseDelayMs * 2 ** Math.max(0, attempt - 1), policy.maxDelayMs);
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** setTimeout as a promise that rejects with the signal's reason when the signal aborts. */
export const sleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
