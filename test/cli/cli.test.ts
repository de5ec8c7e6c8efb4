import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../paths';
import { tempConfigDir } from '../support/config-dir';

const BIN = path.join(REPO_ROOT, 'bin', 'flare-misp.mjs');
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, FLARE_MISP_HOME: '' } });

describe('flare-misp CLI', () => {
  it('--version prints the package version; --help lists the commands', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const v = cli('--version');
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toBe(pkg.version);
    const h = cli('--help');
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/serve \[options\]/);
    expect(h.stdout).toMatch(/demo \[options\]/);
    expect(h.stdout).toMatch(/config/);
  });

  it('an unknown command is a usage error (exit 2)', () => {
    const r = cli('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });

  it('config check prints the resolved configuration with secrets masked', () => {
    const dir = tempConfigDir();
    const p = path.join(dir, 'config.properties');
    writeFileSync(p, readFileSync(p, 'utf8').replace('misp.authorization.key=', `misp.authorization.key=${'k'.repeat(40)}`));
    const r = cli('config', 'check', '--config-dir', dir, '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { ok: boolean; configDirReason: string; entries: { key: string; value: string }[] };
    expect(out.ok).toBe(true);
    expect(out.configDirReason).toBe('--config-dir');
    expect(out.entries.find((e) => e.key === 'misp.authorization.key')!.value).toBe('••••••');
    expect(r.stdout).not.toContain('k'.repeat(40));
    const text = cli('config', 'check', '--config-dir', dir);
    expect(text.stdout).toContain('TAXII feed: not configured');
  });

  it('config check exits 1 and lists each error with file and line', () => {
    const dir = tempConfigDir();
    const p = path.join(dir, 'application.properties');
    writeFileSync(p, readFileSync(p, 'utf8').replace('rtimeout=10000', 'rtimeout=soon'));
    const line = readFileSync(p, 'utf8').split('\n').findIndex((l) => l.startsWith('rtimeout=')) + 1;
    const r = cli('config', 'check', '--config-dir', dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${p}:${line}: rtimeout: expected a number of milliseconds, at least 100, found "soon"`);
  });

  it('serve answers POST /api/getConfig on 127.0.0.1 with the shipped defaults', async () => {
    const dir = tempConfigDir();
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--config-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
      });
      const r = await fetch(`${url}/api/getConfig`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
      expect(r.status).toBe(200);
      const view = (await r.json()) as { dir: string; taxiiConfigured: boolean; mispConfigured: boolean };
      expect(view).toMatchObject({ dir, taxiiConfigured: false, mispConfigured: false });
    } finally {
      child.kill('SIGTERM');
    }
  });
});
