/**
 * Runs work for the same key one at a time (and work for different keys in parallel). The same package can arrive
 * twice in one run (overlapping windows); two concurrent upserts of one event would both find it absent and race.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    const tail = current.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      // Forget the key once nobody queued behind us, so the map does not grow with every event ever sent.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
