/**
 * The e2e "wired" stack: the strict TAXII and MISP test servers, and two headless FlareServices on 127.0.0.1 —
 * so the browser specs drive real health checks, polls and retries end to end:
 *   - <port>: configured for both test servers (collection "ais"); collections "quarantine" and "big" exist for
 *     the specs that need packages no other spec has sent;
 *   - <port + 1>: the shipped, unconfigured setup, protected by a bearer token (FRESH_TOKEN): the first-run
 *     setup and the sign-in form are tried there;
 *   - <port + 2>: a control endpoint for the specs: GET /info (the test servers' URLs and key), POST /misp
 *     ({faults, latencyMs}) and POST /taxii ({faults}).
 * Run by Playwright's webServer: `tsx e2e/support/start-stack.ts <port>` (the fresh service starts first, so it
 * is up when Playwright sees <port> answer).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTaxiiServer } from '../../src-main/simulators/taxii/server';
import { makeBlocks, labelAt, stixPackage } from '../../src-main/simulators/taxii/fixtures';
import type { TestBlock } from '../../src-main/simulators/taxii/store';
import { startMispServer, TEST_MISP_KEY, type FaultRule } from '../../src-main/simulators/misp/index';
import { FlareService } from '../../src-main/core/service';
import { LogHub, consoleSink } from '../../src-main/core/log/index';
import { startServer } from '../../src-main/headless/server';
import { FRESH_TOKEN } from './ports';

const root = path.resolve(import.meta.dirname, '..', '..');
const port = Number(process.argv[2] ?? 18766);

/** `count` packages numbered from `first` (ids no other collection has), a second apart from `start`. */
function series(first: number, count: number, start: string, indicators = 2): TestBlock[] {
  return Array.from({ length: count }, (_, i) => {
    const timestampLabel = labelAt(start, i);
    return { content: stixPackage(first + i, { timestamp: timestampLabel, indicators }), timestampLabel };
  });
}

const taxii = await startTaxiiServer({
  collections: [
    { name: 'ais', blocks: makeBlocks(5) },
    { name: 'quarantine', blocks: series(100, 2, '2016-02-01T00:00:01Z') },
    { name: 'big', blocks: series(200, 60, '2016-03-01T00:00:01Z', 6) },
  ],
  partSize: 10,
});
const misp = await startMispServer();

function configDirWith(values: Record<string, string>): string {
  const base = mkdtempSync(path.join(tmpdir(), 'flare-e2e-stack-'));
  const configDir = path.join(base, 'config');
  cpSync(path.join(root, 'config'), configDir, { recursive: true });
  const file = path.join(configDir, 'config.properties');
  let text = readFileSync(file, 'utf8');
  for (const [k, v] of Object.entries(values)) text = text.replace(new RegExp(`^${k.replace(/\./g, '\\.')}=.*$`, 'm'), `${k}=${v}`);
  writeFileSync(file, text);
  return configDir;
}

const hub = new LogHub();
hub.addSink(consoleSink(process.stdout));

// The unconfigured service first (see above).
const freshHub = new LogHub();
const fresh = new FlareService({ configDir: configDirWith({}), mode: 'headless', version: '0.1.0-e2e', hub: freshHub });
fresh.start();
const freshHttp = await startServer({ api: fresh, events: fresh, host: '127.0.0.1', port: port + 1, token: FRESH_TOKEN, staticDir: path.join(root, 'dist-renderer'), log: freshHub.logger('http') });

const configDir = configDirWith({
  'stixtransclient.poll.baseurl': taxii.urls.poll,
  'stixtransclient.source.collection': 'ais',
  'flare.misp.url': misp.url,
  'misp.authorization.key': TEST_MISP_KEY,
  // At 03:00 UTC: the scheduler runs (as under `serve`) but no scheduled run interferes with the specs' own.
  'flare.schedule.cron': '0 3 * * *',
});
const service = new FlareService({ configDir, mode: 'headless', version: '0.1.0-e2e', hub });
service.start();

const control = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => {
    const answer = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    try {
      const args = body ? (JSON.parse(body) as { faults?: FaultRule[]; latencyMs?: number }) : {};
      if (req.method === 'GET' && req.url === '/info') {
        return answer(200, { taxii: { ...taxii.urls, url: taxii.url }, misp: { url: misp.url, key: TEST_MISP_KEY }, collections: ['ais', 'quarantine', 'big'] });
      }
      if (req.method === 'POST' && req.url === '/misp') {
        if (args.faults) misp.setFaults(args.faults);
        if (args.latencyMs !== undefined) misp.setLatency(args.latencyMs);
        return answer(200, { ok: true });
      }
      if (req.method === 'POST' && req.url === '/taxii') {
        taxii.setFaults((args.faults ?? []) as never);
        return answer(200, { ok: true });
      }
      answer(404, { error: 'no such control' });
    } catch (e) {
      answer(400, { error: String(e) });
    }
  });
});
await new Promise<void>((resolve) => control.listen(port + 2, '127.0.0.1', resolve));

service.startScheduler();
fresh.startScheduler();
const http = await startServer({ api: service, events: service, host: '127.0.0.1', port, staticDir: path.join(root, 'dist-renderer'), log: hub.logger('http') });
hub.logger('e2e').info(`wired stack on ${http.url}, fresh on ${freshHttp.url}, control on port ${port + 2} (TAXII ${taxii.url}, MISP ${misp.url})`);

const stop = async () => {
  control.close();
  await http.close();
  await freshHttp.close();
  await service.close();
  await fresh.close();
  await taxii.close();
  await misp.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
