/**
 * The one message loop of the test servers that run in processes of their own (benchmarks; tests that must not
 * share a heap or an event loop with the client). Forked with `--import tsx`:
 *
 *   parent → { type: 'start', options }   child → { type: 'ready', …what start answered }
 *   parent → { type: 'stats' }             child → { type: 'stats', …what stats answered }
 *   parent → { type: 'stop' }              child closes the server and exits
 *
 * Any failure answers { type: 'error', message }. The child exits when its parent goes away (the IPC channel
 * closes), so a benchmark that dies leaves no server behind.
 */
export interface IpcServer<O> {
  /** Starts the server; answers the fields of the `ready` message. */
  start(options: O): Promise<object>;
  stats(): object;
  close(): Promise<void>;
}

/** This process's peak RSS (KB) and CPU time (ms), for the stats of a child server. */
export function processUsage(): { maxRssKB: number; cpuMs: number } {
  const usage = process.resourceUsage();
  return { maxRssKB: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 };
}

export function serveOverIpc<O>(server: IpcServer<O>): void {
  let started = false;
  const send = (message: object): void => void process.send?.(message);
  process.on('message', (message: { type: string; options?: O }) => {
    void (async () => {
      try {
        if (message.type === 'start' && message.options !== undefined) {
          send({ type: 'ready', ...(await server.start(message.options)) });
          started = true;
        } else if (message.type === 'stats') {
          if (!started) throw new Error('the test server is not started');
          send({ type: 'stats', ...server.stats() });
        } else if (message.type === 'stop') {
          if (started) await server.close();
          process.exit(0);
        }
      } catch (e) {
        send({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      }
    })();
  });
  process.on('disconnect', () => process.exit(0));
}
