/**
 * `flare-misp demo` as a user runs it, in a child process: it prints its folder and the addresses, the first
 * scheduled run puts the feed into the MISP simulator and quarantines the malformed package, and SIGINT stops it
 * with exit 0, no process left behind and the folder removed (kept with --keep).
 */
import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../paths';
import { BIN, CLI_ENV, sleep, spawnCli } from '../support/cli-child';

interface Demo {
  child: ChildProcess;
  ui: string;
  misp: string;
  folder: string;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startDemo(args: string[] = [], bin?: string): Promise<Demo> {
  const child = bin ? spawnCli(['demo', '--port', '0', ...args], {}, bin) : spawnCli(['demo', '--port', '0', ...args]);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const end = Date.now() + 60_000;
  for (;;) {
    const ui = /^ {2}web UI +(http:\/\/127\.0\.0\.1:\d+)\/$/m.exec(out)?.[1];
    const misp = /^ {2}MISP simulator +(http:\/\/127\.0\.0\.1:\d+)\/events\/index /m.exec(out)?.[1];
    const folder = /^FLARE MISP demo: a throwaway configuration in (\S+)/m.exec(out)?.[1];
    if (ui && misp && folder) return { child, ui, misp, folder, output: () => out, exit };
    if (Date.now() > end || child.exitCode !== null) throw new Error(`the demo did not start:\n${out}`);
    await sleep(50);
  }
}

const api = async (demo: Demo, method: string, ...args: unknown[]): Promise<unknown> => {
  const res = await fetch(`${demo.ui}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(args) });
  expect(res.status, method).toBe(200);
  return res.json();
};

/** The pids whose parent is `pid` (none once a process has no children). */
const childrenOf = (pid: number): string[] => {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean);
  } catch {
    return []; // ps exits 1 when it lists nothing
  }
};

async function waitForFirstRun(demo: Demo): Promise<void> {
  const end = Date.now() + 60_000;
  for (;;) {
    const runs = (await api(demo, 'listRuns')) as { status: string; state: string }[];
    if (runs.some((r) => r.state !== 'running')) return;
    if (Date.now() > end) throw new Error(`no run finished:\n${demo.output()}`);
    await sleep(200);
  }
}

describe('flare-misp demo', () => {
  it('runs the whole flow on the simulators; SIGINT stops everything with exit 0 and removes its folder', async () => {
    const demo = await startDemo();
    expect(demo.output()).toContain(`── ${path.join(demo.folder, 'config', 'config.properties')}`);
    expect(demo.output()).toMatch(/^mtc\.quartz\.frequency=1$/m);
    expect(existsSync(path.join(demo.folder, 'config', 'application.properties'))).toBe(true);
    const health = await fetch(`${demo.ui}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', schedulerRunning: true, jobs: [{ intervalMinutes: 1 }] });

    await waitForFirstRun(demo);
    const [run] = (await api(demo, 'listRuns')) as { status: string; counts: { uploaded: number; quarantined: number } }[];
    expect(run).toMatchObject({ status: 'Success', counts: { uploaded: 24, quarantined: 1 } });
    const quarantine = (await api(demo, 'listQuarantine')) as { code: string }[];
    expect(quarantine).toMatchObject([{ code: 'stix_malformed' }]);
    // The MISP simulator holds the events, and shows them to a browser without a login.
    const index = await fetch(`${demo.misp}/events/index`, { headers: { accept: 'text/html' } });
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<h1>Events (24)</h1>');
    // The run detail's event links (<misp url>/events/view/<id>) open the simulator's event page.
    const detail = (await api(demo, 'getRun', (run as unknown as { id: number }).id)) as { packages: { outcome: string; mispEventId?: string }[] };
    const linked = detail.packages.find((p) => p.outcome === 'uploaded' && p.mispEventId)!;
    const page = await fetch(`${demo.misp}/events/view/${encodeURIComponent(linked.mispEventId!)}`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1>Demo AIS package ');
    // The simulators run inside the demo's process: it has no children of its own.
    expect(childrenOf(demo.child.pid!)).toEqual([]);

    demo.child.kill('SIGINT');
    const exit = await demo.exit;
    expect(exit, demo.output()).toEqual({ code: 0, signal: null });
    expect(demo.output()).toMatch(/SIGINT received; stopping the demo/);
    expect(existsSync(demo.folder)).toBe(false);
    // Nothing answers on its ports any more.
    for (const url of [`${demo.ui}/health`, `${demo.misp}/events/index`]) {
      await expect(fetch(url)).rejects.toThrow();
    }
  });

  it('--every refuses a cadence the schedule cannot keep, before starting anything', () => {
    for (const value of ['7', '4', 'soon', '3601']) {
      const r = spawnSync(process.execPath, [BIN, 'demo', '--port', '0', '--every', value], { env: CLI_ENV, encoding: 'utf8', timeout: 60_000 });
      expect(r.status, value).toBe(1);
      expect(r.stderr, value).toContain(`--every ${value}: expected a whole number of seconds from 5 to 3600`);
      expect(r.stdout, value).not.toContain('FLARE MISP demo');
    }
  });

  it('--keep leaves the folder with its configuration, tracker and log; SIGTERM stops it too', async () => {
    const demo = await startDemo(['--keep']);
    try {
      await waitForFirstRun(demo);
      demo.child.kill('SIGTERM');
      expect((await demo.exit).code, demo.output()).toBe(0);
      expect(demo.output()).toContain(`The demo's folder is kept: ${demo.folder}`);
      for (const file of ['config/config.properties', 'config/application.properties', 'data/trackers.avro', 'logs/flare-misp.log']) {
        expect(existsSync(path.join(demo.folder, file)), file).toBe(true);
      }
    } finally {
      rmSync(demo.folder, { recursive: true, force: true });
    }
  });

  it('runs from a shipped copy: the bundle and the runtime dependencies only (no sources, no xmllint-wasm), XSD checks skipped with one line', async () => {
    // bin/flare-misp.mjs rebuilds a stale bundle: the copy gets the current one.
    expect(spawnSync(process.execPath, [BIN, '--version'], { env: CLI_ENV }).status).toBe(0);
    const copy = mkdtempSync(path.join(tmpdir(), 'flare-shipped-'));
    try {
      for (const part of ['bin', 'dist-main', 'package.json']) cpSync(path.join(REPO_ROOT, part), path.join(copy, part), { recursive: true });
      mkdirSync(path.join(copy, 'node_modules'), { recursive: true });
      const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
      // Linked packages resolve their own dependencies from where they really are, as an installed tree would.
      for (const dep of Object.keys(pkg.dependencies)) symlinkSync(path.join(REPO_ROOT, 'node_modules', dep), path.join(copy, 'node_modules', dep), 'dir');
      const demo = await startDemo([], path.join(copy, 'bin', 'flare-misp.mjs'));
      await waitForFirstRun(demo);
      const [run] = (await api(demo, 'listRuns')) as { status: string; counts: { uploaded: number } }[];
      expect(run, demo.output()).toMatchObject({ status: 'Success', counts: { uploaded: 24 } });
      expect(demo.output().match(/requests are not checked against the TAXII 1\.1 XSD \(the TAXII XSD files are not installed beside the simulator\)/g)).toHaveLength(1);
      demo.child.kill('SIGINT');
      expect((await demo.exit).code, demo.output()).toBe(0);
      expect(existsSync(demo.folder)).toBe(false);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
