import path from 'node:path';
import type { Command } from 'commander';
import type { DemoInfo } from '../../../shared/api';
import { FlareService } from '../../core/service';
import { LogHub, consoleSink } from '../../core/log/index';
import { loadServerConfig } from '../../core/config/index';
import { assertProtected, startServer } from '../server';
import { serverTlsFromConfig } from '../tls';
import { PACKAGE_ROOT, exitWhenFlushed, packageVersion } from '../cli';
import { headlessConfigDir, withConfigDir } from './common';

/** How long a stop waits for a run to record the packages it has in flight. */
const SHUTDOWN_GRACE_MS = 30_000;

export interface HeadlessOptions {
  configDir: string;
  /** Why this folder (shown in the log at start). */
  configDirReason?: string;
  /** Override server.port / flare.server.address. */
  port?: number;
  host?: string;
  hub: LogHub;
  /** The demo's simulators, when this service runs on them (the UI labels it a demo). */
  demo?: DemoInfo;
}

export interface Headless {
  service: FlareService;
  /** The service's base URL, e.g. http://127.0.0.1:8080. */
  url: string;
  /** Stops the scheduler, lets a run record what it has in flight, closes the tracker and the server. */
  stop(): Promise<void>;
}

/**
 * The headless service — the engine, its REST API, the old endpoints and the web UI — started with its scheduler:
 * what `serve` runs, and `demo` on its throwaway configuration.
 */
export async function startHeadless(options: HeadlessOptions): Promise<Headless> {
  const { hub } = options;
  const httpLog = hub.logger('http');
  // Where and how the service listens comes from the server keys alone, read before anything starts: a bad
  // value elsewhere (a MISP key too short) leaves the service on its configured address with its protection
  // (and the UI shows the error); a bad server key, an unreadable key store or a weak token stop it here.
  const { server } = loadServerConfig(options.configDir);
  const tls = serverTlsFromConfig(server, httpLog);
  const host = options.host ?? server.address;
  const port = options.port ?? server.port;
  assertProtected(host, server.token, tls);
  const service = new FlareService({
    configDir: options.configDir,
    ...(options.configDirReason && { configDirReason: options.configDirReason }),
    mode: 'headless',
    version: packageVersion(),
    hub,
    ...(options.demo && { demo: options.demo }),
  });
  service.start();
  let running;
  try {
    running = await startServer({
      api: service,
      events: service,
      host,
      port,
      ...(server.token && { token: server.token }),
      ...(tls && { tls }),
      ...(server.names && { hostNames: server.names }),
      staticDir: path.join(PACKAGE_ROOT, 'dist-renderer'),
      log: httpLog,
    });
  } catch (e) {
    await service.close();
    throw e;
  }
  httpLog.info(
    `FLARE MISP is serving on ${running.url} (web UI at ${running.url}/, API under ${running.url}/api/, health at ${running.url}/health)` +
      `${tls ? `; HTTPS${tls.subject ? ` as ${tls.subject}` : ''}${tls.clientAuth ? ', client certificates required' : ''}` : ''}${server.token ? '; bearer token required' : ''}`,
  );
  service.startScheduler();
  return {
    service,
    url: running.url,
    stop: async () => {
      // The scheduler stops, a running run stops taking packages and records those in flight, the tracker closes.
      await service.close(SHUTDOWN_GRACE_MS);
      await running.close();
    },
  };
}

/** A port option's value: a whole number from 0 (a free one) to 65535. */
export function portOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${value} is not a port number`);
  return port;
}

/** `flare-misp serve`: the engine as a service, with the REST API, the old endpoints and the web UI. */
export function registerServe(program: Command): void {
  withConfigDir(program.command('serve'))
    .description('run headless: REST API (old endpoints too), live events and the web UI')
    .option('--port <port>', 'port to listen on (default: server.port, 8080); 0 picks a free one')
    .option('--host <address>', 'address to listen on (default: flare.server.address, 127.0.0.1)')
    .action(async (opts: { configDir?: string; port?: string; host?: string }) => {
      const choice = headlessConfigDir(opts);
      const port = portOption(opts.port);
      const hub = new LogHub();
      hub.addSink(consoleSink(process.stdout));
      let headless: Headless;
      try {
        headless = await startHeadless({ configDir: choice.dir, configDirReason: choice.reason, hub, ...(port !== undefined && { port }), ...(opts.host !== undefined && { host: opts.host }) });
      } catch (e) {
        await hub.close();
        throw e;
      }
      (globalThis as { __flareKeepAlive?: boolean }).__flareKeepAlive = true;
      const stop = async (signal: string) => {
        hub.logger('http').info(`${signal} received; stopping (a run going on finishes the packages in flight first)`);
        await headless.stop();
        await hub.close();
        await exitWhenFlushed(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
}
