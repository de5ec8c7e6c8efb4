/**
 * Retrying what can succeed later: bounded attempts, exponential back-off with jitter (so that eight workers that
 * failed together do not come back together), and MISP's Retry-After when it sends one.
 */
import { MispError } from './errors';

export interface RetryPolicy {
  /** Total attempts, the first included (1 = no retry). */
  attempts: number;
  /** Delay before the second attempt; each further one doubles it. */
  baseDelayMs: number;
  /** No delay is longer than this. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8000 };

/** "Equal jitter": half the exponential step, plus a random part of the other half. Never 0, never above the cap. */
export function backoffDelay(retryNumber: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retryNumber - 1));
  return step / 2 + random() * (step / 2);
}

export interface RetryHooks {
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each new attempt, with the error that ended the previous one. */
  onRetry?: (error: MispError, nextAttempt: number, delayMs: number) => void;
  /** Decides whether an error is worth another attempt; default: the error says it is retryable. */
  shouldRetry?: (error: unknown) => boolean;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `operation` until it succeeds, fails for good, or the attempts are used up; the last error is thrown. */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<T> {
  const sleep = hooks.sleep ?? defaultSleep;
  const shouldRetry = hooks.shouldRetry ?? ((e: unknown) => e instanceof MispError && e.retryable);
  const attempts = Math.max(1, Math.floor(policy.attempts));
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (e) {
      if (attempt >= attempts || !shouldRetry(e)) throw e;
      const fromServer = e instanceof MispError ? e.retryAfterMs : undefined;
      const delay = fromServer !== undefined ? Math.min(fromServer, policy.maxDelayMs) : backoffDelay(attempt, policy, hooks.random);
      if (e instanceof MispError) hooks.onRetry?.(e, attempt + 1, delay);
      await sleep(delay);
    }
  }
}
