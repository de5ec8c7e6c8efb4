import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { KEY_INDEX } from '../../core/config/index';
import { LogHub, consoleSink } from '../../core/log/index';
import { exitWhenFlushed } from '../cli';
import { portOption, startHeadless } from './serve';

/** Whether `port` on 127.0.0.1 can be listened on now. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A port of 127.0.0.1 nobody listens on (the system's choice). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The UI's port: --port (0 = a free one), else serve's default when it is free, else a free one. */
async function uiPort(option: number | undefined): Promise<number> {
  if (option !== undefined && option !== 0) return option;
  const serveDefault = Number(KEY_INDEX.get('server.port')?.default ?? 8080);
  if (option === undefined && (await portIsFree(serveDefault))) return serveDefault;
  return freePort();
}

/** --every: seconds between the feed's new packages and between scheduled runs. */
function everyOption(value: string | undefined, isCadence: (seconds: number) => boolean): number {
  if (value === undefined) return 60;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!isCadence(seconds))
    throw new Error(
      `--every ${value}: expected a whole number of seconds from 5 to 3600 that keeps runs evenly spaced: a divisor of a minute (5, 6, 10, 12, 15, 20, 30) or whole minutes (60, 120, …, 3600)`,
    );
  return seconds;
}

const say = (text: string): void => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

/**
 * `flare-misp demo`: the whole flow on this machine, without a feed or a MISP server of one's own — the TAXII and
 * MISP simulators in this process, a throwaway configuration wired to them, and the same headless service `serve`
 * runs (scheduler every minute, web UI). SIGINT / SIGTERM stop everything, exit 0, and remove the folder.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the whole flow on built-in TAXII and MISP simulators: a throwaway configuration, a run every minute (--every), the web UI')
    .option('--port <port>', 'port of the web UI (default: 8080 when free, else a free one; 0 picks a free one)')
    .option('--keep', 'keep the throwaway configuration folder (with the tracker, runs and logs) when the demo stops')
    .option('--mtls', 'the TAXII simulator requires a client certificate; the configuration presents one made for it')
    .option('--every <seconds>', "seconds between the feed's new packages and between scheduled runs; default 60")
    .action(async (opts: { port?: string; keep?: boolean; mtls?: boolean; every?: string }) => {
      const requestedPort = portOption(opts.port);
      // Loaded here, not at registration: `flare-misp --help` needs none of it.
      const { startDemoSimulators, writeDemoConfig, isDemoCadence, demoCadenceInWords, DEMO_COLLECTION } = await import('../../simulators/demo');
      const every = everyOption(opts.every, isDemoCadence);
      const hub = new LogHub();
      hub.addSink(consoleSink(process.stdout));
      const log = hub.logger('demo');
      // Undone in reverse order, whether the start fails or a signal stops the demo.
      const undo: (() => Promise<void> | void)[] = [];
      const undoAll = async (): Promise<void> => {
        for (const step of undo.splice(0).reverse()) {
          try {
            await step();
          } catch (e) {
            log.warn(`while stopping: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
      };

      let stopping: Promise<void> | undefined;
      let started: Promise<void> = Promise.resolve();
      const stop = (signal: NodeJS.Signals): void => {
        stopping ??= (async () => {
          log.info(`${signal} received; stopping the demo (a run going on finishes the packages in flight first)`);
          await started.catch(() => undefined);
          await undoAll();
          await hub.close();
          await exitWhenFlushed(0);
        })();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);

      started = (async () => {
        const sims = await startDemoSimulators({ mtls: opts.mtls === true, tickMs: every * 1000, log: (line) => log.warn(line) });
        undo.push(() => sims.close());
        const port = await uiPort(requestedPort);
        const base = mkdtempSync(path.join(tmpdir(), 'flare-misp-demo-'));
        undo.push(() => {
          if (opts.keep) say(`The demo's folder is kept: ${base}`);
          else rmSync(base, { recursive: true, force: true });
        });
        const config = writeDemoConfig(base, sims, { uiPort: port, everySeconds: every });
        say(`FLARE MISP demo: a throwaway configuration in ${base}${opts.keep ? ' (kept when the demo stops)' : ' (removed when the demo stops; --keep keeps it)'}`);
        for (const file of config.files) say(`\n── ${file.path}\n${file.text}`);
        if (sims.pki) say(`── ${path.join(base, 'certs')}: ca.pem, client.pem, client-key.pem (made now for this demo)\n`);

        const headless = await startHeadless({ configDir: config.dir, configDirReason: 'flare-misp demo', hub, port, demo: { taxiiUrl: sims.taxii.urls.poll, mispUrl: sims.misp.url } });
        undo.push(() => headless.stop());
        const misp = sims.misp.url.replace(/\/+$/, '');
        say(
          [
            '',
            `FLARE MISP demo is running (ready ${(performance.now() / 1000).toFixed(1)} s after start):`,
            `  web UI           ${headless.url}/`,
            `  MISP simulator   ${misp}/events/index   (the events FLARE MISP sent; no login)`,
            `  TAXII simulator  ${sims.taxii.urls.poll}   (collection ${DEMO_COLLECTION}${sims.pki ? ', client certificate required' : ''}; new packages ${demoCadenceInWords(every)})`,
            `  A run ${demoCadenceInWords(every)}; the first one now. Ctrl-C stops the demo.`,
            '',
          ].join('\n'),
        );
      })();
      (globalThis as { __flareKeepAlive?: boolean }).__flareKeepAlive = true;
      try {
        await started;
      } catch (e) {
        (globalThis as { __flareKeepAlive?: boolean }).__flareKeepAlive = false;
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        await undoAll();
        await hub.close();
        throw e;
      }
    });
}
