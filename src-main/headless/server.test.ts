import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'node:http';
import { FlareService } from '../core/service';
import { LogHub } from '../core/log/index';
import { startServer, CSP, type RunningServer } from './server';
import { tempConfigDir } from '../../test/support/config-dir';

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function serve(opts: { token?: string; staticDir?: string; host?: string; maxBodyBytes?: number } = {}) {
  const hub = new LogHub();
  const service = new FlareService({ configDir: tempConfigDir(), mode: 'headless', version: '1.2.3', hub });
  service.start();
  const s = await startServer({ api: service, events: service, host: opts.host ?? '127.0.0.1', port: 0, log: hub.logger('http'), ...opts });
  running.push(s);
  return { s, service };
}

const post = (url: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? '' : JSON.stringify(body) });

describe('POST /api/<method>', () => {
  it('maps to the service method with the JSON array as arguments', async () => {
    const { s } = await serve();
    const r = await post(`${s.url}/api/getConfig`);
    expect(r.status).toBe(200);
    const view = (await r.json()) as { entries: { key: string }[]; taxiiConfigured: boolean };
    expect(view.taxiiConfigured).toBe(false);
    expect(view.entries.map((e) => e.key)).toContain('stixtransclient.poll.baseurl');
    const log = await post(`${s.url}/api/recentLog`, [2]);
    expect(((await log.json()) as unknown[]).length).toBe(2);
  });

  it('saves configuration through the API and reports what changed', async () => {
    const { s } = await serve();
    const r = await post(`${s.url}/api/saveConfig`, [{ 'stixtransclient.source.collection': 'ais', 'mtc.quartz.frequency': '30' }]);
    expect(r.status).toBe(200);
    expect(((await r.json()) as { changed: string[] }).changed).toEqual(['mtc.quartz.frequency', 'stixtransclient.source.collection']);
    const bad = await post(`${s.url}/api/saveConfig`, [{ 'mtc.quartz.frequency': 'soon' }]);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'config_invalid', message: expect.stringContaining('mtc.quartz.frequency: expected a whole number of minutes') });
  });

  it('answers errors with code, message and hint and a fitting status', async () => {
    const { s } = await serve();
    const missing = await post(`${s.url}/api/getRun`, [4242]);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'run_not_found', message: 'There is no run 4242 in the history.', hint: expect.any(String) } });
    expect((await post(`${s.url}/api/noSuchMethod`)).status).toBe(404);
    expect((await fetch(`${s.url}/api/getConfig`)).status).toBe(405);
    const notJson = await fetch(`${s.url}/api/getConfig`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '[]' });
    expect(notJson.status).toBe(415);
    const garbage = await fetch(`${s.url}/api/getConfig`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(garbage.status).toBe(400);
  });

  it('switchProfile is the desktop app\'s: headless it answers not available, naming the demo command', async () => {
    const { s } = await serve();
    const r = await post(`${s.url}/api/switchProfile`, ['demo']);
    const body = (await r.json()) as { error: { code: string; hint: string } };
    expect(body.error.code).toBe('not_available');
    expect(body.error.hint).toContain('flare-misp demo');
    expect((await post(`${s.url}/api/switchProfile`, ['elsewhere'])).status).toBe(400);
    expect(((await (await post(`${s.url}/api/status`)).json()) as { canSwitchProfile: boolean }).canSwitchProfile).toBe(false);
  });

  it('answers an oversized body with 413 and the reason (not a dropped connection), and content it cannot read with 422', async () => {
    const { s } = await serve({ maxBodyBytes: 1024 * 1024 });
    const big = await post(`${s.url}/api/previewPackage`, ['x'.repeat(2 * 1024 * 1024)]);
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string; message: string; hint: string } }).error).toMatchObject({
      code: 'too_large',
      message: expect.stringContaining('larger than 1 MB'),
      hint: expect.stringContaining('smaller'),
    });
    // The service still answers afterwards.
    expect((await post(`${s.url}/api/status`)).status).toBe(200);
    const notStix = await post(`${s.url}/api/previewPackage`, ['<html><body>hello</body></html>']);
    expect(notStix.status).toBe(422);
    expect(((await notStix.json()) as { error: { code: string } }).error.code).toMatch(/^stix_/);
    const malformed = await post(`${s.url}/api/previewPackage`, ['<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1"><oops></stix:STIX_Package>']);
    expect(malformed.status).toBe(422);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('stix_malformed');
  });

  it('refuses a foreign Host header on loopback (DNS rebinding)', async () => {
    const { s } = await serve();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: s.port, path: '/api/getConfig', method: 'POST', headers: { host: 'evil.example', 'content-type': 'application/json' } }, (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.end('[]');
    });
    expect(status).toBe(403);
  });

  it('requires the bearer token when one is configured, and refuses to listen beyond loopback without one', async () => {
    const token = 'tok-123456'.repeat(4);
    const { s } = await serve({ token });
    expect((await post(`${s.url}/api/status`)).status).toBe(401);
    expect((await fetch(`${s.url}/checkMispStatus`)).status).toBe(401);
    expect((await post(`${s.url}/api/status`, [], { authorization: `Bearer ${token}` })).status).toBe(200);
    await expect(serve({ host: '0.0.0.0' })).rejects.toThrow(/Refusing to listen on 0\.0\.0\.0 without an access token/);
  });
});

describe('the old endpoints', () => {
  it('keep their shapes', async () => {
    const { s } = await serve();
    const taxii = await fetch(`${s.url}/checkTaxiiStatus`);
    expect(await taxii.json()).toMatchObject({ resourceType: 'FLARE/TAXII', resource: '', statusCode: 0, ok: false, configured: false });
    const refresh = (await (await fetch(`${s.url}/refreshConfig`)).json()) as Record<string, string>;
    expect(Object.keys(refresh)).toEqual(['Controller', 'Step 1 of 5', 'Step 2 of 5', 'Step 3 of 5', 'Step 4 of 5', 'Step 5 of 5']);
    expect(refresh.Controller).toBe('/refreshConfig:');
    const bad = await fetch(`${s.url}/misptransclient?processType=bogus`, { method: 'POST' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toBe('Invalid process type: bogus');
  });
});

describe('GET /api/events (SSE)', () => {
  it('delivers log entries and status events over a real socket', async () => {
    const { s } = await serve();
    const ac = new AbortController();
    const res = await fetch(`${s.url}/api/events`, { signal: ac.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const until = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        text += decoder.decode(value);
      }
    };
    await until(': connected');
    await post(`${s.url}/api/refreshConfig`);
    await until('Configuration reloaded: nothing changed');
    await until('event: status');
    const frames = text.split('\n\n').filter((f) => f.startsWith('event: log'));
    const entry = JSON.parse(frames.find((f) => f.includes('Reloading the configuration'))!.split('\ndata: ')[1]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 'info', message: 'Reloading the configuration', module: 'service' });
    expect(typeof entry.time).toBe('string');
    ac.abort();
  });
});

describe('static UI', () => {
  it('serves the built renderer with a strict CSP, gives a browser index.html for a deep link, and never leaves its folder', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flare-ui-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>FLARE MISP</title>');
    writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(path.join(path.dirname(dir), 'secret.txt'), 'outside');
    const { s } = await serve({ staticDir: dir });
    const index = await fetch(`${s.url}/`);
    expect(index.headers.get('content-security-policy')).toBe(CSP);
    expect(await index.text()).toContain('FLARE MISP');
    expect((await fetch(`${s.url}/assets/app.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect(await (await fetch(`${s.url}/runs/7`, { headers: { accept: 'text/html,*/*' } })).text()).toContain('<title>FLARE MISP</title>');
    expect((await fetch(`${s.url}/runs/7`)).status).toBe(404);
    expect((await fetch(`${s.url}/assets/missing.js`)).status).toBe(404);
    const escaped = await fetch(`${s.url}/..%2Fsecret.txt`);
    expect(await escaped.text()).not.toContain('outside');
  });
});
