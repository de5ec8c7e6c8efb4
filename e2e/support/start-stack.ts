/**
 * The e2e "wired" stack: the strict TAXII and MISP test servers, and the headless FlareService configured to
 * use them, all on 127.0.0.1 — so the browser specs drive real health checks end to end.
 * Run by Playwright's webServer: `tsx e2e/support/start-stack.ts <port>`.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTaxiiServer } from '../../test/taxii-server/server';
import { makeBlocks } from '../../test/taxii-server/fixtures';
import { startMispServer, TEST_MISP_KEY } from '../../test/misp-server/index';
import { FlareService } from '../../src-main/core/service';
import { LogHub, consoleSink } from '../../src-main/core/log/index';
import { startServer } from '../../src-main/headless/server';

const root = path.resolve(import.meta.dirname, '..', '..');
const port = Number(process.argv[2] ?? 18766);

const taxii = await startTaxiiServer({ blocks: makeBlocks(5), collection: 'ais' });
const misp = await startMispServer();
const base = mkdtempSync(path.join(tmpdir(), 'flare-e2e-stack-'));
const configDir = path.join(base, 'config');
cpSync(path.join(root, 'config'), configDir, { recursive: true });
const file = path.join(configDir, 'config.properties');
const values: Record<string, string> = {
  'stixtransclient.poll.baseurl': taxii.urls.poll,
  'stixtransclient.source.collection': 'ais',
  'flare.misp.url': misp.url,
  'misp.authorization.key': TEST_MISP_KEY,
};
let text = readFileSync(file, 'utf8');
for (const [k, v] of Object.entries(values)) text = text.replace(new RegExp(`^${k.replace(/\./g, '\\.')}=.*$`, 'm'), `${k}=${v}`);
writeFileSync(file, text);

const hub = new LogHub();
hub.addSink(consoleSink(process.stdout));
const service = new FlareService({ configDir, mode: 'headless', version: '0.1.0-e2e', hub });
service.start();
const http = await startServer({ api: service, events: service, host: '127.0.0.1', port, staticDir: path.join(root, 'dist-renderer'), log: hub.logger('http') });
hub.logger('e2e').info(`wired stack on ${http.url} (TAXII ${taxii.url}, MISP ${misp.url})`);

const stop = async () => {
  await http.close();
  await service.close();
  await taxii.close();
  await misp.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
