/**
 * The demo's two servers and the configuration that points FLARE MISP at them: the TAXII simulator serving the
 * demo feed (taxii/demo-feed.ts) with a new trickle every minute, optionally over mutual TLS with certificates
 * made on the spot, and the MISP simulator in demo mode (its event pages open in a browser without a login).
 * Both listen on free ports of 127.0.0.1 and hold everything in memory.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startMispServer, TEST_MISP_KEY, type MispTestServer } from './misp/index';
import { CertificateAuthority, createPki, type Pki } from './pki';
import { DemoFeed } from './taxii/demo-feed';
import { startTaxiiServer, type TaxiiTestServer } from './taxii/server';

export const DEMO_COLLECTION = 'ais';
/** Small parts, so that one run pages through several. */
export const DEMO_PART_SIZE = 5;
const TICK_MS = 60_000;

export interface DemoSimulatorsOptions {
  /** TAXII over HTTPS requiring a client certificate, all signed by a CA made now. */
  mtls?: boolean;
  /** Where notices of the simulators go (e.g. XSD validation unavailable). */
  log?: (line: string) => void;
  /** Between two trickles of new packages. Default one minute. */
  tickMs?: number;
}

export interface DemoSimulators {
  taxii: TaxiiTestServer;
  misp: MispTestServer;
  mispKey: string;
  /** With mtls: the CA, the TAXII server's certificate and the client certificate FLARE MISP presents. */
  pki?: Pki;
  /** Publishes the next trickle now (the timer does it every `tickMs`). */
  trickle(): void;
  /** Stops the trickle and both servers. */
  close(): Promise<void>;
}

export async function startDemoSimulators(options: DemoSimulatorsOptions = {}): Promise<DemoSimulators> {
  const pki = options.mtls ? createPki(new CertificateAuthority('FLARE MISP demo CA', 'FLARE MISP demo')) : undefined;
  const feed = new DemoFeed();
  const misp = await startMispServer({ demo: true });
  let taxii: TaxiiTestServer;
  try {
    taxii = await startTaxiiServer({
      collections: [{ name: DEMO_COLLECTION, description: 'FLARE MISP demo feed: made-up AIS-like packages', blocks: feed.initialBlocks() }],
      partSize: DEMO_PART_SIZE,
      // A demo that runs for days must not keep every request it answered.
      recordBodies: false,
      ...(options.log && { log: options.log }),
      ...(pki && { tls: { key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert, requestCert: true, rejectUnauthorized: true } }),
    });
  } catch (e) {
    await misp.close();
    throw e;
  }
  const trickle = (): void => taxii.addBlocks(feed.tick());
  const timer = setInterval(() => {
    try {
      trickle();
    } catch (e) {
      // A demo keeps going without its trickle rather than dying of it.
      (options.log ?? console.error)(`TAXII simulator: the demo feed's new packages could not be published: ${e instanceof Error ? e.message : String(e)}`);
    }
  }, options.tickMs ?? TICK_MS);
  return {
    taxii,
    misp,
    mispKey: TEST_MISP_KEY,
    ...(pki && { pki }),
    trickle,
    close: async () => {
      clearInterval(timer);
      await Promise.all([taxii.close(), misp.close()]);
    },
  };
}

export interface DemoConfigOptions {
  /** Port of FLARE MISP's own service and web UI. */
  uiPort: number;
  /** Minutes between scheduled runs. Default 1. */
  frequencyMinutes?: number;
  /**
   * Seconds between scheduled runs instead (wins over frequencyMinutes): whole minutes become
   * mtc.quartz.frequency, a divisor of a minute a cron with seconds (see demoScheduleLines).
   */
  everySeconds?: number;
}

/**
 * Whether `seconds` can be a demo cadence: from 5 s to an hour, and either whole minutes (mtc.quartz.frequency) or
 * a divisor of a minute — a seconds cron (`*\/N`) restarts at every full minute, so any other N would not be
 * evenly spaced.
 */
export function isDemoCadence(seconds: number): boolean {
  return Number.isInteger(seconds) && seconds >= 5 && seconds <= 3600 && (seconds % 60 === 0 || 60 % seconds === 0);
}

/** "every minute", "every 10 seconds", "every 2 minutes", "every hour". */
export function demoCadenceInWords(seconds: number): string {
  if (seconds === 3600) return 'every hour';
  if (seconds % 60 === 0) return seconds === 60 ? 'every minute' : `every ${seconds / 60} minutes`;
  return `every ${seconds} seconds`;
}

/** The schedule's lines of config.properties for a run every `seconds` (a cadence isDemoCadence accepts). */
export function demoScheduleLines(seconds: number): string[] {
  if (!isDemoCadence(seconds)) throw new Error(`${seconds} s is not a demo cadence (5 to 3600 s, whole minutes or a divisor of a minute)`);
  if (seconds % 60 === 0) return [`mtc.quartz.frequency=${seconds / 60}`];
  // flare.schedule.cron wins over mtc.quartz.frequency; a 6-field pattern has seconds.
  return [`flare.schedule.cron=*/${seconds} * * * * *`];
}

export interface DemoConfig {
  /** The config folder (`<base>/config`); data/, out/, logs/ and certs/ go beside it. */
  dir: string;
  /** Every file written, with its text (private keys left out). */
  files: { path: string; text: string }[];
}

/**
 * Writes `<base>/config/config.properties` and `application.properties` wired to the simulators (and, with mTLS,
 * `<base>/certs/`). Relative paths in the files are relative to `base`, as for any install.
 */
export function writeDemoConfig(base: string, sims: DemoSimulators, options: DemoConfigOptions): DemoConfig {
  const everySeconds = options.everySeconds ?? (options.frequencyMinutes ?? 1) * 60;
  const dir = path.join(base, 'config');
  mkdirSync(dir, { recursive: true });
  const files: DemoConfig['files'] = [];
  const write = (file: string, text: string, show = true): void => {
    writeFileSync(file, text, { mode: 0o600 });
    if (show) files.push({ path: file, text });
  };
  const certLines: string[] = [];
  if (sims.pki) {
    const certs = path.join(base, 'certs');
    mkdirSync(certs, { recursive: true });
    write(path.join(certs, 'ca.pem'), sims.pki.ca.cert, false);
    write(path.join(certs, 'client.pem'), sims.pki.client.cert, false);
    write(path.join(certs, 'client-key.pem'), sims.pki.client.key, false);
    certLines.push(
      '# Mutual TLS (--mtls): the client certificate FLARE MISP presents, and the CA that signed the simulator\'s.',
      'flare.taxii.client.cert=certs/client.pem',
      'flare.taxii.client.key=certs/client-key.pem',
      'flare.taxii.ca=certs/ca.pem',
    );
  }
  // The first run starts a day back: it takes everything the feed holds.
  const start = new Date(Date.now() - 24 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const lines = (l: string[]): string => `${l.join('\n')}\n`;
  write(
    path.join(dir, 'config.properties'),
    lines([
      '# FLARE MISP demo: a throwaway configuration wired to the built-in TAXII and MISP simulators on this machine.',
      '# For a real feed and MISP server, start from the shipped config/ folder instead (see the README).',
      '',
      '# The TAXII 1.1 feed (the TAXII simulator).',
      `stixtransclient.poll.baseurl=${sims.taxii.urls.poll}`,
      `stixtransclient.source.collection=${DEMO_COLLECTION}`,
      `flare.taxii.discovery.url=${sims.taxii.urls.discovery}`,
      `flare.taxii.collection-management.url=${sims.taxii.urls.collections}`,
      ...certLines,
      '',
      `# Polling: to MISP, ${demoCadenceInWords(everySeconds)}, the first run from a day back.`,
      'mtc.processtype=stixToMisp',
      ...demoScheduleLines(everySeconds),
      `mtc.start.time=${start}`,
      'mtc.destination.directory=out',
      'mtc.tracking.datafile=data/trackers.avro',
      'flare.data.dir=data',
      '',
      '# The MISP server (the MISP simulator; its demo key is not a secret).',
      `flare.misp.url=${sims.misp.url}`,
      `misp.authorization.key=${sims.mispKey}`,
      'flare.misp.import.mode=native',
      'stixtransclient.misp.published=false',
      '# Shareable packages (TLP:WHITE/GREEN, consent EVERYONE) go to the community; the rest stays in the organisation.',
      'flare.misp.distribution=1',
    ]),
  );
  write(
    path.join(dir, 'application.properties'),
    lines([
      '# FLARE MISP demo: the service and its web UI, on this machine only.',
      `server.port=${options.uiPort}`,
      'flare.server.address=127.0.0.1',
      'logging.level.root=INFO',
      'logging.file.name=logs/flare-misp.log',
    ]),
  );
  return { dir, files };
}
