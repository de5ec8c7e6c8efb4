/**
 * Crash safety with real processes: `flare-misp poll` in a child process is killed with SIGKILL in the middle of
 * its uploads — once while uploads are in flight, once after MISP stored events whose answers (and so their tracker
 * records) never came back. The next run must leave every package in MISP exactly once and the tracker readable.
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

/** Starts `flare-misp poll` on the stack's config; resolves with its exit once killed or done. */
function pollInChild(s: RunStack): { child: ChildProcess; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> } {
  const child = spawnCli(['poll', '--process-type', 'stixToMisp', '--json', '--config-dir', s.dir]);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exit };
}

async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Every package's event is in MISP exactly once; the tracker opens and knows every package as done. */
async function everythingOnce(s: RunStack, count: number): Promise<void> {
  const uuids = s.misp.events().map((e) => String((e as { uuid?: string }).uuid ?? (e as { Event?: { uuid?: string } }).Event?.uuid));
  expect(uuids).toHaveLength(count);
  expect(new Set(uuids).size).toBe(count);
  const tracker = await Tracker.open(path.join(s.base, 'data', 'trackers.avro'));
  try {
    for (let i = 0; i < count; i++) expect(tracker.verdict('stixToMisp', s.feed.id(i), undefined).kind, s.feed.id(i)).not.toBe('new');
  } finally {
    await tracker.close();
  }
}

describe('SIGKILL in the middle of a run', () => {
  it('during uploads: the restarted run finishes the window, every package in MISP once', async () => {
    const s = await runStack(cleanups, { packages: 120, partSize: 20, misp: { latencyMs: 25 } });
    // The CLI child must be able to start (and build itself once) before the clock matters.
    expect(spawnSync(process.execPath, [BIN, '--version'], { env: ENV }).status).toBe(0);
    const first = pollInChild(s);
    await until('some uploads', () => s.misp.events().length >= 30);
    first.child.kill('SIGKILL');
    const killed = await first.exit;
    expect(killed.signal).toBe('SIGKILL');
    expect(s.misp.events().length).toBeLessThan(120);

    const second = pollInChild(s);
    const done = await second.exit;
    expect(done.code, done.stderr).toBe(0);
    const run = JSON.parse(done.stdout) as { status: string; counts: { uploaded: number; duplicate: number } };
    expect(run.status).toBe('Success');
    expect(run.counts.uploaded + run.counts.duplicate).toBe(120);
    await everythingOnce(s, 120);
  });

  it('between an upload and its tracker record: the event MISP stored is found, not uploaded again', async () => {
    const s = await runStack(cleanups, {
      packages: 20,
      partSize: 20,
      // MISP stores each event, then its answer takes 30 s: the child dies with only "uploading" intents recorded.
      misp: { faults: [{ method: 'POST', path: '/events/add', fault: { kind: 'slow', delayMs: 30_000 }, when: 'after' }] },
    });
    expect(spawnSync(process.execPath, [BIN, '--version'], { env: ENV }).status).toBe(0);
    const first = pollInChild(s);
    await until('events stored whose answers are still on their way', () => s.misp.events().length >= 8);
    first.child.kill('SIGKILL');
    await first.exit;
    const storedBeforeCrash = s.misp.events().length;
    expect(storedBeforeCrash).toBeGreaterThanOrEqual(8);
    // The tracker holds intents for them, no outcome.
    const tracker = await Tracker.open(path.join(s.base, 'data', 'trackers.avro'));
    const inFlight = [...Array(20).keys()].filter((i) => tracker.verdict('stixToMisp', s.feed.id(i), undefined).kind === 'in-flight');
    await tracker.close();
    expect(inFlight.length).toBeGreaterThanOrEqual(storedBeforeCrash);

    s.misp.setFaults([]);
    const adds = s.misp.count('POST /events/add');
    const second = pollInChild(s);
    const done = await second.exit;
    expect(done.code, done.stderr).toBe(0);
    // Only the packages MISP never stored were added now.
    expect(s.misp.count('POST /events/add') - adds).toBe(20 - storedBeforeCrash);
    await everythingOnce(s, 20);
  });
});
