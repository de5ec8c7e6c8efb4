/**
 * `flare-misp serve` as an admin starts it: the configured address, port and protection hold whatever else is
 * wrong in the configuration (a too-short MISP key used to move the service to 127.0.0.1:8080 without its
 * token), and what would make it listen otherwise stops it with the reason and exit code 1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadServerConfig, loadConfig } from '../../src-main/core/config/index';
import { REPO_ROOT } from '../paths';
import { tempConfigDir } from '../support/config-dir';
import { setKeys } from '../support/service';

const BIN = path.join(REPO_ROOT, 'bin', 'flare-misp.mjs');
const TOKEN = 'serve-test-token-0123456789abcdefghijklmnop';
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null) {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await exited;
    }
  }
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

function configWith(config: Record<string, string>, application: Record<string, string>): string {
  const dir = tempConfigDir();
  setKeys(dir, config);
  const p = path.join(dir, 'application.properties');
  let text = readFileSync(p, 'utf8');
  for (const [k, v] of Object.entries(application)) {
    const line = new RegExp(`^${k.replace(/\./g, '\\.')}=.*$`, 'm');
    text = line.test(text) ? text.replace(line, `${k}=${v}`) : `${text}\n${k}=${v}\n`;
  }
  writeFileSync(p, text);
  return dir;
}

/** Starts `serve`; resolves with its output once it serves, or once it exits. */
function serve(dir: string): Promise<{ child: ChildProcess; serving?: string; code?: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--config-dir', dir], { env: { ...process.env, FLARE_MISP_HOME: '', FLARE_SERVER_TOKEN: '', FLARE_MISP_KEY: '' } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ child, stdout, stderr, code: undefined }), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = /FLARE MISP is serving on (\S+?) /.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve({ child, serving: m[1]!, stdout, stderr });
      }
    });
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ child, code, stdout, stderr });
    });
  });
}

describe('serve keeps its configured address, port and protection', () => {
  it('with a bad value elsewhere (a too-short MISP key): the configured port and token hold, the error is reported', async () => {
    const port = await freePort();
    const dir = configWith({ 'misp.authorization.key': 'tooshort' }, { 'server.port': String(port), 'flare.server.token': TOKEN });
    // The whole configuration is invalid; the server keys on their own are not.
    expect(() => loadConfig(dir, {})).toThrow(/misp\.authorization\.key/);
    expect(loadServerConfig(dir, {}).server).toMatchObject({ address: '127.0.0.1', port, token: TOKEN });

    const r = await serve(dir);
    expect(r.serving, r.stderr + r.stdout).toBe(`http://127.0.0.1:${port}`);
    expect(r.stdout).toContain('bearer token required');
    const status = (headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${port}/api/status`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '[]' });
    expect((await status()).status).toBe(401);
    const ok = await status({ authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { configError?: { message: string } }).configError?.message).toContain('misp.authorization.key');
  });

  it('refuses to start, with the reason, when the server keys cannot be honoured', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ 'server.port': 'eighty' }, /server\.port: expected a port number from 1 to 65535, found "eighty"/],
      [{ 'flare.server.token': 'short' }, /has 5 characters; at least 32 are required/],
      [{ 'flare.server.address': '0.0.0.0' }, /Refusing to listen on 0\.0\.0\.0 without an access token or client certificates/],
      [{ 'server.ssl.key-store': 'config/missing.p12', 'server.ssl.key-store-password': 'changeit' }, /server\.ssl\.key-store: file not found: .*missing\.p12/],
      [{ 'flare.api.clientAuth': 'true' }, /flare\.api\.clientAuth: is true but server\.ssl\.key-store is empty/],
    ];
    const runs = await Promise.all(cases.map(([keys]) => serve(configWith({}, { 'server.port': '1', ...keys }))));
    runs.forEach((r, i) => {
      expect(r.serving, JSON.stringify(cases[i]![0])).toBeUndefined();
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stderr).not.toMatch(/\n\s+at /); // the reason, not a stack trace
    });
  });
});
