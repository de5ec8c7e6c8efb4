/**
 * The demo's simulators and configuration, through real runs of the engine: the first run pages through the feed,
 * sends one event per package with every marking's distribution decided, and quarantines the malformed package;
 * the next trickle brings new packages and a re-issue that updates its event. With --mtls the feed wants the
 * client certificate the configuration names.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config/index';
import { LogHub } from '../core/log/index';
import { FlareService } from '../core/service';
import { demoCadenceInWords, isDemoCadence, startDemoSimulators, writeDemoConfig, DEMO_PART_SIZE, type DemoSimulators } from './demo';
import { DEMO_INITIAL_PACKAGES, DEMO_TRICKLE_PACKAGES, demoMarking } from './taxii/demo-feed';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function demo(options: { mtls?: boolean } = {}): Promise<{ sims: DemoSimulators; service: FlareService; base: string; dir: string; notices: string[] }> {
  const notices: string[] = [];
  const sims = await startDemoSimulators({ ...options, tickMs: 3_600_000, log: (l) => notices.push(l) });
  cleanups.push(() => sims.close());
  const base = mkdtempSync(path.join(tmpdir(), 'flare-demo-test-'));
  cleanups.push(() => rmSync(base, { recursive: true, force: true }));
  const { dir } = writeDemoConfig(base, sims, { uiPort: 8080 });
  const hub = new LogHub({ ringSize: 5000 });
  const service = new FlareService({ configDir: dir, mode: 'headless', version: '0.0.0', hub });
  service.start();
  cleanups.push(() => service.close());
  return { sims, service, base, dir, notices };
}

describe('the demo feed and MISP, through the engine', () => {
  it('first run: every package in MISP over several parts, each marking decided, the malformed one quarantined; then a trickle with a re-issue', async () => {
    const { sims, service } = await demo();
    const first = await service.poll('stixToMisp');
    expect(first.status).toBe('Success');
    expect(first.counts).toMatchObject({ received: DEMO_INITIAL_PACKAGES + 1, new: DEMO_INITIAL_PACKAGES, uploaded: DEMO_INITIAL_PACKAGES, quarantined: 1 });
    // Paged: more parts than one.
    expect(sims.taxii.requests.filter((r) => r.answer === 'Poll_Response').length).toBeGreaterThanOrEqual(Math.ceil((DEMO_INITIAL_PACKAGES + 1) / DEMO_PART_SIZE));
    // Every request the client sent was valid TAXII (the XSD is there in a checkout).
    expect(sims.taxii.requests.every((r) => r.xsdValid === true)).toBe(true);
    expect(sims.misp.rejections).toEqual([]);
    const events = sims.misp.events();
    expect(events).toHaveLength(DEMO_INITIAL_PACKAGES);

    // Every marking combination came, and only WHITE/GREEN with consent EVERYONE left the organisation.
    const combos = new Set<string>();
    for (let p = 0; p < DEMO_INITIAL_PACKAGES; p++) {
      const m = demoMarking(p);
      combos.add(`${m.color}/${m.consent}/${m.proprietary}`);
      const event = events.find((e) => String(e.info).startsWith(`Demo AIS package ${p + 1} (`))!;
      expect(event, `package ${p + 1}`).toBeDefined();
      const shareable = (m.color === 'WHITE' || m.color === 'GREEN') && m.consent === 'EVERYONE';
      expect(event.distribution, `package ${p + 1}: ${event.info}`).toBe(shareable ? '1' : '0');
      const tags = (event.Tag as { name: string }[]).map((t) => t.name);
      expect(tags).toContain(`tlp:${m.color.toLowerCase()}`);
    }
    expect(combos.size).toBe(DEMO_INITIAL_PACKAGES);

    const [q] = await service.listQuarantine();
    expect(q).toBeDefined();
    expect(await service.listQuarantine()).toHaveLength(1);

    sims.trickle();
    const second = await service.poll('stixToMisp');
    expect(second.status).toBe('Success');
    expect(second.counts).toMatchObject({ new: DEMO_TRICKLE_PACKAGES, updated: 1 });
    expect(sims.misp.events()).toHaveLength(DEMO_INITIAL_PACKAGES + DEMO_TRICKLE_PACKAGES);
    expect(sims.misp.events().filter((e) => String(e.info).includes('revised'))).toHaveLength(1);

    sims.trickle();
    const third = await service.poll('stixToMisp');
    expect(third.counts).toMatchObject({ new: DEMO_TRICKLE_PACKAGES, updated: 0 });
  });

  it('--mtls: TAXII over HTTPS wants the client certificate the configuration names, and gets it', async () => {
    const { sims, service, base, dir } = await demo({ mtls: true });
    expect(sims.taxii.url).toMatch(/^https:/);
    const config = readFileSync(path.join(dir, 'config.properties'), 'utf8');
    expect(config).toContain('flare.taxii.client.cert=certs/client.pem');
    expect(readFileSync(path.join(base, 'certs', 'ca.pem'), 'utf8')).toBe(sims.pki!.ca.cert);
    const health = await service.checkTaxiiStatus();
    expect(health.statusCode, JSON.stringify(health)).toBe(200);
    const run = await service.poll('stixToMisp');
    expect(run.counts.uploaded).toBe(DEMO_INITIAL_PACKAGES);
    // Without the certificate the simulator refuses the connection.
    const bare = await fetch(sims.taxii.urls.poll, { method: 'POST' }).then(
      () => 'answered',
      () => 'refused',
    );
    expect(bare).toBe('refused');
  });
});

describe('the demo configuration for --every', () => {
  // writeDemoConfig only reads the simulators' addresses: no server needs to listen for these.
  const sims = {
    taxii: { urls: { poll: 'http://127.0.0.1:1/taxii-data', discovery: 'http://127.0.0.1:1/taxii-discovery-service', collections: 'http://127.0.0.1:1/taxii-collection-management-service' } },
    misp: { url: 'http://127.0.0.1:2/' },
    mispKey: 'k'.repeat(40),
  } as unknown as DemoSimulators;
  const written = (options: { everySeconds?: number; frequencyMinutes?: number }) => {
    const base = mkdtempSync(path.join(tmpdir(), 'flare-demo-config-'));
    cleanups.push(() => rmSync(base, { recursive: true, force: true }));
    const { dir } = writeDemoConfig(base, sims, { uiPort: 8080, ...options });
    return { text: readFileSync(path.join(dir, 'config.properties'), 'utf8'), poll: loadConfig(dir).config.poll };
  };

  it('a minute (the default) stays mtc.quartz.frequency=1, no cron', () => {
    for (const options of [{}, { everySeconds: 60 }]) {
      const { text, poll } = written(options);
      expect(text).toMatch(/^mtc\.quartz\.frequency=1$/m);
      expect(text).not.toContain('flare.schedule.cron');
      expect(text).toContain('# Polling: to MISP, every minute,');
      expect(poll).toMatchObject({ frequencyMinutes: 1 });
      expect(poll.cron).toBeUndefined();
    }
  });

  it('a divisor of a minute becomes a cron with seconds, which the configuration accepts', () => {
    const { text, poll } = written({ everySeconds: 10 });
    expect(text).toMatch(/^flare\.schedule\.cron=\*\/10 \* \* \* \* \*$/m);
    expect(text).not.toContain('mtc.quartz.frequency');
    expect(text).toContain('# Polling: to MISP, every 10 seconds,');
    expect(poll.cron).toBe('*/10 * * * * *');
  });

  it('whole minutes stay minutes', () => {
    const { text, poll } = written({ everySeconds: 180 });
    expect(text).toMatch(/^mtc\.quartz\.frequency=3$/m);
    expect(text).not.toContain('flare.schedule.cron');
    expect(poll).toMatchObject({ frequencyMinutes: 3 });
  });

  it('refuses a cadence the schedule cannot keep evenly, and says each in words', () => {
    for (const ok of [5, 6, 10, 12, 15, 20, 30, 60, 120, 3600]) expect(isDemoCadence(ok), String(ok)).toBe(true);
    for (const bad of [0, 4, 7, 45, 90, 3601, 7200, 10.5, Number.NaN]) expect(isDemoCadence(bad), String(bad)).toBe(false);
    expect(() => written({ everySeconds: 45 })).toThrow(/not a demo cadence/);
    expect([10, 60, 120, 3600].map(demoCadenceInWords)).toEqual(['every 10 seconds', 'every minute', 'every 2 minutes', 'every hour']);
  });
});
