import path from 'node:path';
import type { Command } from 'commander';
import { FlareService } from '../../core/service';
import { LogHub, consoleSink } from '../../core/log/index';
import { loadServerConfig } from '../../core/config/index';
import { assertProtected, startServer } from '../server';
import { serverTlsFromConfig } from '../tls';
import { PACKAGE_ROOT, exitWhenFlushed, packageVersion } from '../cli';
import { headlessConfigDir, withConfigDir } from './common';

/** How long a stop waits for a run to record the packages it has in flight. */
const SHUTDOWN_GRACE_MS = 30_000;

/** `flare-misp serve`: the engine as a service, with the REST API, the old endpoints and the web UI. */
export function registerServe(program: Command): void {
  withConfigDir(program.command('serve'))
    .description('run headless: REST API (old endpoints too), live events and the web UI')
    .option('--port <port>', 'port to listen on (default: server.port, 8080); 0 picks a free one')
    .option('--host <address>', 'address to listen on (default: flare.server.address, 127.0.0.1)')
    .action(async (opts: { configDir?: string; port?: string; host?: string }) => {
      const choice = headlessConfigDir(opts);
      const hub = new LogHub();
      hub.addSink(consoleSink(process.stdout));
      const httpLog = hub.logger('http');
      // Where and how the service listens comes from the server keys alone, read before anything starts: a bad
      // value elsewhere (a MISP key too short) leaves the service on its configured address with its protection
      // (and the UI shows the error); a bad server key, an unreadable key store or a weak token stop it here.
      const { server } = loadServerConfig(choice.dir);
      const tls = serverTlsFromConfig(server, httpLog);
      const host = opts.host ?? server.address;
      const port = opts.port !== undefined ? Number(opts.port) : server.port;
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${opts.port} is not a port number`);
      assertProtected(host, server.token, tls);
      const service = new FlareService({ configDir: choice.dir, configDirReason: choice.reason, mode: 'headless', version: packageVersion(), hub });
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
        await hub.close();
        throw e;
      }
      (globalThis as { __flareKeepAlive?: boolean }).__flareKeepAlive = true;
      httpLog.info(
        `FLARE MISP is serving on ${running.url} (web UI at ${running.url}/, API under ${running.url}/api/, health at ${running.url}/health)` +
          `${tls ? `; HTTPS${tls.subject ? ` as ${tls.subject}` : ''}${tls.clientAuth ? ', client certificates required' : ''}` : ''}${server.token ? '; bearer token required' : ''}`,
      );
      service.startScheduler();
      const stop = async (signal: string) => {
        hub.logger('http').info(`${signal} received; stopping (a run going on finishes the packages in flight first)`);
        // The scheduler stops, a running run stops taking packages and records those in flight, the tracker closes.
        await service.close(SHUTDOWN_GRACE_MS);
        await running.close();
        await hub.close();
        await exitWhenFlushed(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
}
