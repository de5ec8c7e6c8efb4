/**
 * Sends many items with bounded concurrency and collects every outcome — one failure never stops the others.
 * The pipeline (and the corpus test) use it for "upload all packages of a run, 8 at a time".
 */
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
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
  const results: Settled<T, R>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const item = items[index] as T;
      const settled: Settled<T, R> = { item, index };
      try {
        settled.result = await send(item);
      } catch (e) {
        settled.error = e;
      }
      results[index] = settled;
      options.onSettled?.(settled);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
