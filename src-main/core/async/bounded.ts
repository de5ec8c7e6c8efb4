/**
 * Bounded concurrency for a stream of work: `submit` starts a task as soon as fewer than `limit` run, and until
 * then makes the producer wait — so a producer reading an unbounded feed never holds more than `limit` tasks in
 * memory. A task that throws does not stop the others; the first error is kept and rethrown by `drain`, and once
 * one is kept `submit` refuses new work (the producer stops early instead of queueing more).
 */
export class BoundedRunner {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly active = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`concurrency must be at least 1 (got ${limit})`);
  }

  /** How many tasks run now. */
  get size(): number {
    return this.running;
  }

  /** The first error a task threw, if any. */
  get error(): unknown {
    return this.failure?.error;
  }

  /** Resolves once `task` has started (waiting for a free slot first); rejects if an earlier task failed. */
  async submit(task: () => Promise<void>): Promise<void> {
    while (this.running >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    if (this.failure) throw this.failure.error;
    this.running++;
    const p = this.run(task).finally(() => {
      this.running--;
      this.active.delete(p);
      this.waiting.shift()?.();
    });
    this.active.add(p);
  }

  private async run(task: () => Promise<void>): Promise<void> {
    try {
      await task();
    } catch (e) {
      this.failure ??= { error: e };
    }
  }

  /** Waits for every started task; rethrows the first error. */
  async drain(): Promise<void> {
    while (this.active.size) await Promise.all([...this.active]);
    if (this.failure) throw this.failure.error;
  }

  /** Waits for every started task without rethrowing (used when the caller is already failing). */
  async settle(): Promise<void> {
    while (this.active.size) await Promise.all([...this.active]);
  }
}
