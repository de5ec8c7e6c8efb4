import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryLogger } from '../../../test/support/memory-logger';
import { Tracker } from './tracker';
import { rec, tempTrackerFile, uuid } from './test-helpers';

const here = path.dirname(fileURLToPath(import.meta.url));
/** tsx resolves from the repository. */
const REPO = path.join(here, '..', '..', '..');

/** A child process that opens the tracker, appends one record, says "open" and waits to be killed. */
function holder(file: string) {
  const script = `import { Tracker } from ${JSON.stringify(path.join(here, 'tracker.ts'))};
const t = await Tracker.open(${JSON.stringify(file)});
await t.append({ packageId: 'from-child', feed: 'f', collection: 'c', processType: 'stixToMisp', outcome: 'uploading' });
process.stdout.write('open\\n');
setInterval(() => {}, 1000);`;
  // node itself with tsx's loader (not the tsx command, which runs node as a grandchild SIGKILL would miss)
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => c.toString().includes('open') && resolve());
    child.on('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
  return { child, ready };
}

describe('the tracker lock', () => {
  it('a second opener in the same process gets tracker_locked; after close it opens', async () => {
    const file = tempTrackerFile();
    const t = await Tracker.open(file);
    const err = await Tracker.open(file).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'tracker_locked', message: expect.stringContaining(`Another FLARE MISP is using ${file} (pid ${process.pid}`), hint: expect.stringContaining(`${file}.lock`) });
    await t.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
    await (await Tracker.open(file)).close();
  });

  it('another process holding it locks us out; once it is SIGKILLed its stale lock is taken over', async () => {
    const file = tempTrackerFile();
    const { child, ready } = holder(file);
    await ready;
    try {
      await expect(Tracker.open(file)).rejects.toMatchObject({ code: 'tracker_locked', message: expect.stringContaining(`(pid ${child.pid}`) });
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => child.once('exit', r));
    const { logger, lines } = memoryLogger();
    const t = await Tracker.open(file, { logger });
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^warn Taking over the tracker lock .*process ${child.pid} .* no longer running`))]));
    expect(t.verdict('stixToMisp', 'from-child', undefined).kind).toBe('in-flight');
    expect(JSON.parse(readFileSync(`${file}.lock`, 'utf8'))).toMatchObject({ pid: process.pid, hostname: os.hostname() });
    await t.close();
  }, 60_000);

  it('a lock from another host is respected; an unreadable old one is taken over', async () => {
    const file = tempTrackerFile();
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: 1, hostname: 'elsewhere.example', startedAt: '2024-01-01T00:00:00Z' }));
    await expect(Tracker.open(file)).rejects.toMatchObject({ code: 'tracker_locked', message: expect.stringContaining('pid 1 on elsewhere.example') });
    writeFileSync(`${file}.lock`, '');
    await expect(Tracker.open(file)).rejects.toMatchObject({ code: 'tracker_locked' });
    const { utimesSync } = await import('node:fs');
    utimesSync(`${file}.lock`, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const t = await Tracker.open(file);
    await t.append(rec(uuid()));
    await t.close();
  });
});
