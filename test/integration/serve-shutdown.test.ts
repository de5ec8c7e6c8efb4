/**
 * `flare-misp serve` as a real process: its scheduler runs at start, `flare-misp jobs` and `status` ask it over
 * the API, and SIGTERM during a run stops it cleanly (exit 0) with a tracker and cursor from which the next start
 * finishes the window with nothing twice in MISP.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Tracker } from '../../src-main/core/tracker/index';
import { BIN, CLI_ENV, sleep, spawnCli } from '../support/cli-child';
import { runStack, type RunStack } from '../support/run-stack';

const ENV = CLI_ENV;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Served {
  child: ChildProcess;
  url: string;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function serve(s: RunStack): Promise<Served> {
  const child = spawnCli(['serve', '--port', '0', '--config-dir', s.dir]);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const end = Date.now() + 30_000;
  for (;;) {
    const m = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
    if (m) return { child, url: m[1]!, output: () => out, exit };
    if (Date.now() > end || child.exitCode !== null) throw new Error(`serve did not start:\n${out}`);
    await sleep(50);
  }
}

const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { env: ENV, encoding: 'utf8' });

describe('flare-misp serve', () => {
  it('runs its schedule; jobs and status ask it; SIGTERM mid-run exits 0 and the next start finishes the window once', async () => {
    const s = await runStack(cleanups, { packages: 80, partSize: 10, misp: { latencyMs: 30 }, keys: { 'flare.misp.concurrency': '2' } });
    const first = await serve(s);
    // The job fires at start: wait until it is uploading.
    const end = Date.now() + 30_000;
    while (s.misp.events().length < 10) {
      if (Date.now() > end) throw new Error(`no uploads:\n${first.output()}`);
      await sleep(20);
    }
    const jobs = cli('jobs', 'list', '--url', first.url, '--config-dir', s.dir, '--json');
    expect(jobs.status, jobs.stderr).toBe(0);
    expect(JSON.parse(jobs.stdout)).toMatchObject([{ name: 'poll-ais-stixToMisp', group: 'group1', running: true, schedule: 'every 5 minutes' }]);
    const human = cli('jobs', 'list', '--url', first.url, '--config-dir', s.dir);
    expect(human.stdout).toMatch(/^poll-ais-stixToMisp \[group1\] stixToMisp of ais: every 5 minutes, running now$/m);

    first.child.kill('SIGTERM');
    const stopped = await first.exit;
    expect(stopped.code, first.output()).toBe(0);
    expect(first.output()).toMatch(/SIGTERM received; stopping/);
    const partial = s.misp.events().length;
    expect(partial).toBeLessThan(80);
    // Every package MISP got is recorded as done (the run recorded what it had in flight before the exit).
    const tracker = await Tracker.open(path.join(s.base, 'data', 'trackers.avro'));
    const done = [...Array(80).keys()].filter((i) => tracker.verdict('stixToMisp', s.feed.id(i), undefined).kind === 'done').length;
    const inFlight = [...Array(80).keys()].filter((i) => tracker.verdict('stixToMisp', s.feed.id(i), undefined).kind === 'in-flight').length;
    await tracker.close();
    expect(inFlight).toBe(0);
    expect(done).toBe(partial);
    const notRunning = cli('status', '--url', first.url, '--config-dir', s.dir);
    expect(notRunning.status).toBe(1);
    expect(notRunning.stderr).toMatch(/FLARE MISP is not answering at/);

    const second = await serve(s);
    const finish = Date.now() + 60_000;
    while (s.misp.events().length < 80 || !/Processing events: Success/.test(second.output())) {
      if (Date.now() > finish) throw new Error(`the window was not finished:\n${second.output()}`);
      await sleep(50);
    }
    expect(s.misp.events()).toHaveLength(80);
    second.child.kill('SIGTERM');
    expect((await second.exit).code).toBe(0);
  });
});
