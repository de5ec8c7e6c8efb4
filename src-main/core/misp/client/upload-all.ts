/**
 * Sends many items with bounded concurrency and collects every outcome — one failure never stops the others.
 * For a whole array at once (the corpus test, small batches); a run streams its packages through BoundedRunner.
 */
import { BoundedRunner } from '../../async/bounded';

export interface Settled<T, R> {
  item: T;
  index: number;
  result?: R;
  error?: unknown;
}

export interface UploadAllOptions<T, R> {
  /** How many sends run at once (default 8). */
  concurrency?: number;
  /** Called as each item finishes, in completion order. */
  onSettled?: (settled: Settled<T, R>) => void;
}

export async function uploadAll<T, R>(items: readonly T[], send: (item: T) => Promise<R>, options: UploadAllOptions<T, R> = {}): Promise<Settled<T, R>[]> {
  const runner = new BoundedRunner(Math.max(1, Math.floor(options.concurrency ?? 8)));
  const results: Settled<T, R>[] = new Array(items.length);
  for (let index = 0; index < items.length; index++) {
    const item = items[index] as T;
    await runner.submit(async () => {
      const settled: Settled<T, R> = { item, index };
      try {
        settled.result = await send(item);
      } catch (e) {
        settled.error = e;
      }
      results[index] = settled;
      options.onSettled?.(settled);
    });
  }
  await runner.drain();
  return results;
}
