/**
 * The built `flare-misp` writes all its output before it exits, whatever stdout is: a file, or a pipe whose
 * reader is slow (a bare process.exit() used to cut a piped `convert` at 64–128 KiB), and a reader that goes away
 * (`| head -c 100`) ends the command quietly. `npm start` without a usable Electron says so in two lines.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { aisPackage } from '../../src-main/simulators/taxii/ais-feed';
import { REPO_ROOT } from '../paths';
import { tempConfigDir } from '../support/config-dir';

const BIN = path.join(REPO_ROOT, 'bin', 'flare-misp.mjs');
const env = { ...process.env, FLARE_MISP_HOME: '' };
let dir: string;
let configDir: string;
let big: string;
let many: string[];

beforeAll(() => {
  // Builds the bundle now if the sources are newer, so the runs below print nothing about it.
  expect(spawnSync(process.execPath, [BIN, '--version'], { env }).status).toBe(0);
  dir = mkdtempSync(path.join(tmpdir(), 'flare-output-'));
  configDir = tempConfigDir();
  big = path.join(dir, 'big.xml');
  writeFileSync(big, aisPackage(0, 2000).xml); // 2.5 MB of STIX, 1.6 MB of event JSON
  many = Array.from({ length: 150 }, (_, i) => {
    const f = path.join(dir, `p${i}.xml`);
    writeFileSync(f, aisPackage(i, 5).xml);
    return f;
  });
}, 120_000);

interface Run {
  stdout: Buffer;
  stderr: string;
  code: number | null;
}

/** Reads stdin 4 KiB at a time with a pause after each read, far slower than the command writes, into $OUT. */
const SLOW_READER = `
const fs = require('node:fs');
const out = fs.openSync(process.env.OUT, 'w');
const buf = Buffer.alloc(4096);
for (let n; (n = fs.readSync(0, buf)) > 0; ) {
  fs.writeSync(out, buf, 0, n);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
}`;

/** The command in a shell, its stdout into a real pipe to the slow reader. */
function throughSlowPipe(args: string[]): Run {
  const out = path.join(dir, `piped-${Math.random().toString(36).slice(2)}`);
  const script = `{ "$NODE" "$BIN" "$@" 2>"$OUT.err"; echo $? >"$OUT.rc"; } | "$NODE" -e "$READER"`;
  const r = spawnSync('sh', ['-c', script, 'sh', ...args], { env: { ...env, NODE: process.execPath, BIN, OUT: out, READER: SLOW_READER }, encoding: 'utf8' });
  expect(r.status).toBe(0);
  return { stdout: readFileSync(out), stderr: readFileSync(`${out}.err`, 'utf8'), code: Number(readFileSync(`${out}.rc`, 'utf8')) };
}

/** The command with stdout to a file. */
function toFile(args: string[]): Run {
  const file = path.join(dir, `out-${Math.random().toString(36).slice(2)}.txt`);
  const fd = openSync(file, 'w');
  try {
    const r = spawnSync(process.execPath, [BIN, ...args], { env, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    return { stdout: readFileSync(file), stderr: r.stderr, code: r.status };
  } finally {
    closeSync(fd);
  }
}

describe('complete output', () => {
  it('convert of a 2.5 MB package: every byte through a slow pipe, the same bytes as to a file', () => {
    const args = ['convert', '--config-dir', configDir, big];
    const piped = throughSlowPipe(args);
    const filed = toFile(args);
    expect(piped.code).toBe(0);
    expect(filed.code).toBe(0);
    expect(filed.stdout.length).toBeGreaterThan(1_000_000);
    expect(piped.stdout.length).toBe(filed.stdout.length);
    expect(piped.stdout.equals(filed.stdout)).toBe(true);
    const lines = piped.stdout.toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const event = (JSON.parse(lines[0]!) as { Event: { Attribute: unknown[]; Object: unknown[] } }).Event;
    expect(event.Attribute.length + event.Object.length).toBeGreaterThan(1000);
    expect(piped.stderr).toContain('big.xml: 1 package');
  }, 120_000);

  it('stix inspect --json over many files: the same bytes through a slow pipe as to a file', () => {
    const args = ['stix', 'inspect', '--json', ...many];
    const piped = throughSlowPipe(args);
    const filed = toFile(args);
    expect(piped.code).toBe(0);
    expect(filed.stdout.length).toBeGreaterThan(65_536);
    expect(piped.stdout.equals(filed.stdout)).toBe(true);
    expect(JSON.parse(piped.stdout.toString('utf8'))).toHaveLength(many.length);
    expect(piped.stderr).toBe('');
  }, 120_000);

  it('a reader that closes after a few bytes: exit 0, nothing on stderr', async () => {
    const r = await new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'convert', '--preview', '--config-dir', configDir, big], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      const got: Buffer[] = [];
      child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
      child.stdout.once('data', (c: Buffer) => {
        got.push(c.subarray(0, 100));
        child.stdout.destroy();
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ stdout: Buffer.concat(got), stderr: err, code }));
    });
    expect(r.stdout.length).toBeGreaterThan(0);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }, 120_000);

  it('`| head -c 100` in a shell: 100 bytes, exit 0, no stack trace', () => {
    const errFile = path.join(dir, 'head.err');
    const script = `{ "$NODE" "$BIN" stix inspect --json "$@" 2>"$ERR"; echo $? >"$ERR.rc"; } | head -c 100`;
    const r = spawnSync('sh', ['-c', script, 'sh', ...many], { env: { ...env, NODE: process.execPath, BIN, ERR: errFile }, encoding: 'utf8' });
    expect(r.stdout).toHaveLength(100);
    expect(readFileSync(errFile, 'utf8')).toBe('');
    expect(readFileSync(`${errFile}.rc`, 'utf8').trim()).toBe('0');
  }, 120_000);

  it('a failed command still says so when its reader went away: exit 1', () => {
    const script = `{ "$NODE" "$BIN" stix inspect --json "$@" 2>/dev/null; echo $? >&2; } | head -c 10`;
    const r = spawnSync('sh', ['-c', script, 'sh', ...many, path.join(dir, 'missing.xml')], { env: { ...env, NODE: process.execPath, BIN }, encoding: 'utf8' });
    expect(r.stderr.trim()).toBe('1');
  }, 120_000);
});

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const electronUsable = existsSync(path.join(REPO_ROOT, 'node_modules', 'electron', 'path.txt')) && (major > 22 || (major === 22 && minor >= 12));

describe('npm start without a usable Electron', () => {
  it.skipIf(electronUsable)('says in two lines what is missing and what to run instead; no download, no stack trace', () => {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'start-desktop.mjs')], { env, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Cannot start the desktop app: .*(binary is not installed|needs Node)/);
    expect(lines[1]).toContain('npm run serve');
    expect(lines[1]).toMatch(/Node >=\s?22\.12/);
    expect(r.stderr).not.toMatch(/fetch failed|Downloading|\n\s+at /);
    expect(r.stdout).toBe('');
  });
});
