/**
 * The headless service as an attacker and an admin meet it, over real sockets (issue 15): other sites' pages
 * and rebound DNS names are refused before any handler runs; the token is long, compared in constant time and
 * taken from the header (the event stream also from ?access_token); unknown paths are 404, malformed escapes and
 * wrong arguments 400 without an ERROR line; the old Quartz endpoints answer text, failures too.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminApi } from '../../shared/api';
import { FlareService } from '../../src-main/core/service';
import { LogHub } from '../../src-main/core/log/index';
import { NotAvailableError } from '../../src-main/core/errors';
import { startServer, CSP, type RunningServer, type ServerOptions } from '../../src-main/headless/server';
import { tokenMatches } from '../../src-main/headless/guard';
import { raw, recording } from '../../src-main/headless/test-requests';
import { tempConfigDir } from '../support/config-dir';

const running: RunningServer[] = [];
const services: FlareService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  await Promise.all(services.splice(0).map((s) => s.close()));
});

const TOKEN = 'a'.repeat(16) + 'B'.repeat(16) + '-0123456789';

function uiDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'flare-ui-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>FLARE MISP</title>');
  writeFileSync(path.join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'assets', 'app-1234.css'), 'body{}');
  return dir;
}

async function serve(opts: Partial<ServerOptions> = {}, override: Partial<AdminApi> = {}) {
  const hub = new LogHub({ ringSize: 5000 });
  const service = new FlareService({ configDir: tempConfigDir(), mode: 'headless', version: '1.2.3', hub });
  service.start();
  services.push(service);
  const { api, calls } = recording(service, override);
  const s = await startServer({ api, events: service, host: '127.0.0.1', port: 0, log: hub.logger('http'), staticDir: uiDir(), ...opts });
  running.push(s);
  const errors = async () => (await service.recentLog(5000)).filter((l) => l.level === 'error').map((l) => l.message);
  return { s, service, calls, errors };
}

const json = (body: string) => JSON.parse(body) as { error: { code: string; message: string } };

describe('requests from other sites are refused before any handler runs', () => {
  it("a no-cors fetch from another site's page reaches none of the old endpoints nor the API", async () => {
    const { s, calls, service } = await serve();
    // What Chromium sends for fetch('http://127.0.0.1:8080/refreshConfig', {mode: 'no-cors'}) from https://evil.example.
    const crossSite = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', origin: 'https://evil.example' };
    for (const p of ['/refreshConfig', '/checkTaxiiStatus', '/checkMispStatus', '/stopQuartzJobs', '/initQuartz', '/listQuartzJobs', '/misptransclient?processType=stixToMisp']) {
      for (const method of ['GET', 'POST']) {
        const r = await raw(s.url, p, { method, headers: crossSite });
        expect(r.status, `${method} ${p}`).toBe(403);
        expect(json(r.body).error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('another site') });
      }
    }
    // Only Origin (older browsers), only Sec-Fetch-Site, same-site (a sibling subdomain), and the sandboxed "null".
    expect((await raw(s.url, '/refreshConfig', { headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await raw(s.url, '/refreshConfig', { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await raw(s.url, '/refreshConfig', { headers: { 'sec-fetch-site': 'same-site' } })).status).toBe(403);
    expect((await raw(s.url, '/refreshConfig', { headers: { origin: 'null' } })).status).toBe(403);
    // Another port of this machine is another origin.
    expect((await raw(s.url, '/refreshConfig', { headers: { origin: 'http://127.0.0.1:1' } })).status).toBe(403);
    const api = await raw(s.url, '/api/saveConfig', { method: 'POST', headers: { ...crossSite, 'content-type': 'application/json' }, body: JSON.stringify([{ 'mtc.quartz.frequency': '1' }]) });
    expect(api.status).toBe(403);
    expect((await raw(s.url, '/api/events', { headers: crossSite })).status).toBe(403);
    expect(calls).toEqual([]);
    expect((await service.recentLog(5000)).map((l) => l.message)).not.toContain('Reloading the configuration');
  });

  it("the UI's own same-origin calls and scripts without those headers pass", async () => {
    const { s, calls } = await serve();
    const origin = s.url; // http://127.0.0.1:<port>
    const ui = await raw(s.url, '/api/status', { method: 'POST', headers: { origin, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, body: '[]' });
    expect(ui.status).toBe(200);
    const viaLocalhost = await raw(s.url, '/api/status', { method: 'POST', headers: { host: `localhost:${s.port}`, origin: `http://localhost:${s.port}`, 'content-type': 'application/json' }, body: '[]' });
    expect(viaLocalhost.status).toBe(200);
    // A page opened by typing the address (Sec-Fetch-Site: none) and curl (no header) reach the old endpoints.
    expect((await raw(s.url, '/refreshConfig', { headers: { 'sec-fetch-site': 'none' } })).status).toBe(200);
    expect((await raw(s.url, '/listQuartzJobs')).status).toBe(200);
    expect(calls).toEqual(['status', 'status', 'refreshConfig', 'listJobs']);
  });

  it('a Host header that does not name the service is refused on every path (DNS rebinding); its own names pass', async () => {
    const { s, calls } = await serve({ hostNames: ['flare.example.org'] });
    for (const p of ['/', '/assets/app-1234.js', '/checkTaxiiStatus', '/refreshConfig', '/api/events', '/health']) {
      const r = await raw(s.url, p, { headers: { host: `evil.example:${s.port}` } });
      expect(r.status, p).toBe(403);
      expect(json(r.body).error.message).toContain('evil.example');
    }
    const rebound = await raw(s.url, '/api/getConfig', { method: 'POST', headers: { host: 'evil.example', 'content-type': 'application/json' }, body: '[]' });
    expect(rebound.status).toBe(403);
    expect(calls).toEqual([]);
    for (const host of [`127.0.0.1:${s.port}`, `localhost:${s.port}`, `[::1]:${s.port}`, `flare.example.org:${s.port}`, 'FLARE.example.org.']) {
      expect((await raw(s.url, '/', { headers: { host } })).status, host).toBe(200);
    }
  });
});

describe('the bearer token', () => {
  it('is refused shorter than 32 characters; beyond loopback one (or client certificates) is required', async () => {
    await expect(serve({ token: 'x' })).rejects.toThrow(/has 1 character; at least 32 are required/);
    await expect(serve({ token: 'x'.repeat(31) })).rejects.toMatchObject({ code: 'server_token_weak' });
    await expect(serve({ host: '0.0.0.0' })).rejects.toMatchObject({ code: 'server_insecure' });
    const { s } = await serve({ host: '0.0.0.0', token: TOKEN });
    expect(s.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    const r = await raw(`http://127.0.0.1:${s.port}`, '/api/status', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '[]' });
    expect(r.status).toBe(200);
  });

  it('comes from the Authorization header; ?access_token= only on the event stream; a wrong one is 401', async () => {
    const { s, calls } = await serve({ token: TOKEN });
    const call = (headers: Record<string, string>, query = '') => raw(s.url, `/api/status${query}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '[]' });
    expect((await call({ authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await call({ authorization: `bearer ${TOKEN}` })).status).toBe(200);
    const wrong = await call({ authorization: `Bearer ${TOKEN.slice(0, -1)}X` });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer');
    expect((await call({ authorization: 'Bearer short' })).status).toBe(401);
    expect((await call({})).status).toBe(401);
    expect((await call({}, `?access_token=${TOKEN}`)).status).toBe(401);
    expect((await raw(s.url, `/refreshConfig?access_token=${TOKEN}`)).status).toBe(401);
    expect((await raw(s.url, `/health?access_token=${TOKEN}`)).status).toBe(401);
    expect(calls).toEqual(['status', 'status']);

    const ac = new AbortController();
    const events = await fetch(`${s.url}/api/events?access_token=${encodeURIComponent(TOKEN)}`, { signal: ac.signal });
    expect(events.status).toBe(200);
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
    ac.abort();
    expect((await raw(s.url, '/api/events?access_token=wrong')).status).toBe(401);
  });

  it('is compared as equal-length digests (any length, no early exit on the first wrong character)', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(TOKEN + 'x', TOKEN)).toBe(false);
    expect(tokenMatches('', TOKEN)).toBe(false);
    expect(tokenMatches(undefined, TOKEN)).toBe(false);
  });
});

describe('paths, content types and malformed requests', () => {
  it('API-looking paths that are not endpoints are 404, never the UI with 200', async () => {
    const { s, calls } = await serve();
    for (const p of ['/checkTaxiiStatus/', '/CHECKTAXIISTATUS', '/checktaxiistatus', '/refreshConfig/', '/Health', '/health/', '/api', '/api/', '/API/status', '/assets/missing.js', '/favicon.ico']) {
      expect((await raw(s.url, p)).status, p).toBe(404);
      expect((await raw(s.url, p, { headers: { accept: 'text/html' } })).status, `${p} (browser)`).toBe(404);
    }
    // Scripts (curl sends Accept: */*) get 404 for any other path too.
    expect((await raw(s.url, '/no-such-thing', { headers: { accept: '*/*' } })).status).toBe(404);
    expect(calls).toEqual([]);
    // A browser's deep link into the app still gets the page.
    const deep = await raw(s.url, '/runs/7', { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(deep.status).toBe(200);
    expect(deep.body).toContain('<title>FLARE MISP</title>');
  });

  it('static files: their own content type, the CSP, and no public caching', async () => {
    const { s } = await serve();
    const index = await raw(s.url, '/');
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-store');
    for (const [p, type] of [
      ['/assets/app-1234.js', /^text\/javascript/],
      ['/assets/app-1234.css', /^text\/css/],
    ] as const) {
      const r = await raw(s.url, p);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toMatch(type);
      expect(r.headers['content-security-policy']).toBe(CSP);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(String(r.headers['cache-control'])).not.toMatch(/public/);
      expect(String(r.headers['cache-control'])).toMatch(/^(no-store|private)/);
    }
  });

  it('malformed %-escapes and wrong argument types are 400 without an ERROR line', async () => {
    const { s, calls, errors } = await serve();
    for (const p of ['/%E0%A4%A', '/assets/%ZZ.js', '/api/getRun%', '/misptransclient?processType=%ZZ', '/checkTaxiiStatus?x=%E0%A4%A']) {
      const r = await raw(s.url, p, { method: p.startsWith('/api') ? 'POST' : 'GET', headers: { 'content-type': 'application/json' }, body: '[]' });
      expect(r.status, p).toBe(400);
      expect(json(r.body).error.message).toContain('malformed');
    }
    const post = (name: string, body: string) => raw(s.url, `/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const cases: [string, unknown, RegExp][] = [
      ['poll', ['bogus'], /poll: argument 1 \(processType\): expected "xmlOutput" or "stixToMisp"/],
      ['poll', [], /poll: argument 1 \(processType\) is missing/],
      ['poll', ['stixToMisp', 42], /argument 2 \(collection\): expected a collection name/],
      ['getRun', ['7'], /getRun: argument 1 \(id\): expected a run id/],
      ['getRun', [1.5], /argument 1 \(id\)/],
      ['listRuns', [-1], /listRuns: argument 1 \(limit\): expected a whole number/],
      ['listRuns', [1, 2], /listRuns takes at most 1 argument \(limit\); 2 were sent/],
      ['status', [1], /status takes no arguments/],
      ['saveConfig', ['mtc.quartz.frequency=1'], /saveConfig: argument 1 \(changes\): expected an object/],
      ['saveConfig', [{ 'mtc.quartz.frequency': 5 }], /argument 1 \(changes\): .* at mtc\.quartz\.frequency/],
      ['retryQuarantined', ['pkg-1'], /argument 1 \(packageIds\): expected a list of package ids/],
      ['previewQuarantined', [{}], /argument 1 \(packageId\)/],
      ['previewPackage', [42], /previewPackage: argument 1 \(content\): expected the STIX XML as text, or a file/],
      ['previewPackage', [{ base64: 'AAAA', extra: true }], /argument 1 \(content\)/],
    ];
    for (const [name, args, message] of cases) {
      const r = await post(name, JSON.stringify(args));
      expect(r.status, `${name} ${JSON.stringify(args)}`).toBe(400);
      expect(json(r.body).error).toMatchObject({ code: 'bad_request', message: expect.stringMatching(message) });
    }
    expect(calls).toEqual([]);
    // Valid calls with optional arguments left out, or null, still reach the service.
    expect((await post('listRuns', '[]')).status).toBe(200);
    expect((await post('recentLog', '[null]')).status).toBe(200);
    expect(calls).toEqual(['listRuns', 'recentLog']);
    expect(await errors()).toEqual([]);
  });

  it('bodies are bounded per call (1 MB, a preview 64 MB) and an unexpected failure answers no stack', async () => {
    const { s, errors } = await serve({}, {
      status: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'x')");
      },
    });
    const big = await raw(s.url, '/api/recentLog', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([1, 'x'.repeat(2 * 1024 * 1024)]) });
    expect(big.status).toBe(413);
    expect(json(big.body).error.message).toContain('larger than 1 MB');
    const preview = await raw(s.url, '/api/previewPackage', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(['x'.repeat(2 * 1024 * 1024)]) });
    expect(preview.status).toBe(422); // read, then refused as not STIX
    const boom = await raw(s.url, '/api/status', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
    expect(boom.status).toBe(500);
    expect(boom.body).not.toMatch(/\bat .*\.(ts|js):\d+/);
    expect(JSON.parse(boom.body)).toEqual({ error: { code: 'internal', message: "Cannot read properties of undefined (reading 'x')", hint: expect.any(String) } });
    expect(await errors()).toEqual(["API status: Cannot read properties of undefined (reading 'x')"]);
  });
});

describe('the old endpoints', () => {
  it('the Quartz endpoints answer text/plain, their failures too; /refreshConfig says what it really did', async () => {
    const { s } = await serve();
    for (const p of ['/listQuartzJobs', '/stopQuartzJobs', '/initQuartz']) {
      const r = await raw(s.url, p);
      expect(r.status, p).toBe(200);
      expect(r.headers['content-type'], p).toBe('text/plain; charset=utf-8');
    }
    expect((await raw(s.url, '/stopQuartzJobs')).body).toBe('Stop Quartz Jobs:.....the scheduler stopped the Jobs for group1.');
    const refresh = JSON.parse((await raw(s.url, '/refreshConfig')).body) as Record<string, string>;
    // The scheduler was stopped just before: the steps say so rather than claim they stopped it.
    expect(refresh['Step 2 of 5']).toBe('Attempt to STOP Quartz Scheduler... it was not running.');
    expect(refresh['Step 5 of 5']).toBe('Attempt to ReSTART the Quartz Scheduler... not started: it was not running before.');

    const failing = await serve({}, {
      stopAllJobs: async () => {
        throw new NotAvailableError('The scheduler');
      },
      listJobs: async () => {
        throw new NotAvailableError('The scheduler');
      },
    });
    const stop = await raw(failing.s.url, '/stopQuartzJobs');
    expect(stop.status).toBe(501);
    expect(stop.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(stop.body).toMatch(/^Stop Quartz Jobs:Error:The scheduler is not available yet/);
    const list = await raw(failing.s.url, '/listQuartzJobs');
    expect(list.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(list.body).toMatch(/^Quartz Jobs:\nError:The scheduler is not available yet/);
  });
});
