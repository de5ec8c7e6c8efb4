import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryLogger } from '../../../test/support/memory-logger';
import { Tracker } from './tracker';
import { nodeFs, type TrackerFs } from './fs-seam';
import { rec, sha, tempTrackerFile, uuid } from './test-helpers';

const here = path.dirname(fileURLToPath(import.meta.url));
/** tsx resolves from the repository. */
const REPO = path.join(here, '..', '..', '..');
const errno = (code: string) => Object.assign(new Error(`${code}: injected`), { code });

/** The real file system, with the failures a test switches on. */
function faultyFs() {
  const faults = { write: undefined as string | undefined, fsync: undefined as string | undefined, ftruncate: undefined as string | undefined };
  const fs: TrackerFs = {
    ...nodeFs,
    write: async (fd, buf, offset, length, position) => {
      if (!faults.write) return nodeFs.write(fd, buf, offset, length, position);
      // half the block reaches the disk, then the disk is full
      await nodeFs.write(fd, buf, offset, Math.ceil(length / 2), position);
      throw errno(faults.write);
    },
    fsync: async (fd) => {
      if (faults.fsync) throw errno(faults.fsync);
      return nodeFs.fsync(fd);
    },
    ftruncate: async (fd, len) => {
      if (faults.ftruncate) throw errno(faults.ftruncate);
      return nodeFs.ftruncate(fd, len);
    },
  };
  return { fs, faults };
}

describe('tracker write failures', () => {
  it('ENOSPC: the append rejects with a sentence and a hint, nothing counts as written, the file reopens clean', async () => {
    const file = tempTrackerFile();
    const { fs, faults } = faultyFs();
    const t = await Tracker.open(file, { fs });
    const kept = uuid();
    await t.append(rec(kept));
    const before = t.stats();
    faults.write = 'ENOSPC';
    const lost = [uuid(), uuid(), uuid()];
    const results = await Promise.allSettled(lost.map((u) => t.append(rec(u))));
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        code: 'tracker_disk_full',
        message: expect.stringContaining(`the disk holding ${path.dirname(file)} is full`),
        hint: expect.stringContaining('Free space'),
      });
    }
    expect(t.stats()).toEqual(before);
    for (const u of lost) expect(t.verdict('stixToMisp', `NCCIC:STIX_Package-${u}`, sha(u)).kind).toBe('new');
    expect(statSync(file).size).toBe(before.bytes);
    faults.write = undefined;
    await t.append(rec(lost[0]!));
    await t.close();
    const { logger, lines } = memoryLogger();
    const again = await Tracker.open(file, { logger });
    expect(lines.filter((l) => l.startsWith('warn'))).toEqual([]);
    expect(again.stats()).toMatchObject({ records: 2, packages: 2 });
    expect(again.verdict('stixToMisp', `NCCIC:STIX_Package-${lost[1]}`, sha(lost[1]!)).kind).toBe('new');
    await again.close();
  });

  it('EIO on fsync rejects; when the partial block cannot be cut at once it is cut before the next write', async () => {
    const file = tempTrackerFile();
    const { fs, faults } = faultyFs();
    const t = await Tracker.open(file, { fs });
    const header = t.stats().bytes;
    faults.fsync = 'EIO';
    faults.ftruncate = 'EIO';
    await expect(t.append(rec(uuid()))).rejects.toMatchObject({ code: 'tracker_io', message: expect.stringContaining('input/output error') });
    expect(statSync(file).size).toBeGreaterThan(header);
    faults.fsync = faults.ftruncate = undefined;
    const u = uuid();
    await t.append(rec(u));
    await t.close();
    const { logger, lines } = memoryLogger();
    const again = await Tracker.open(file, { logger });
    expect(again.stats().records).toBe(1);
    expect(again.list()[0]?.packageId).toBe(`NCCIC:STIX_Package-${u}`);
    expect(lines.filter((l) => l.startsWith('warn'))).toEqual([]);
    await again.close();
  });

  it('a real file size limit (ulimit -f) makes appends fail with EFBIG; the file reopens with what was written', () => {
    const file = tempTrackerFile();
    const script = `import { Tracker } from ${JSON.stringify(path.join(here, 'tracker.ts'))};
const t = await Tracker.open(${JSON.stringify(file)});
let n = 0;
try { for (;;) { await t.append({ packageId: 'p' + n, feed: 'f', collection: 'c', processType: 'stixToMisp', outcome: 'uploaded', errorText: 'x'.repeat(200) }); n++; } }
catch (e) { process.stdout.write(JSON.stringify({ n, code: e.code, message: e.message, records: t.stats().records })); }
await t.close();`;
    // 64 blocks of 512 bytes (dash) or 1024 (bash): room for the header and some records either way
    const r = spawnSync('sh', ['-c', 'ulimit -f 64 && exec "$0" --import tsx --input-type=module -e "$1"', process.execPath, script], { cwd: REPO, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { n: number; code: string; message: string; records: number };
    expect(out).toMatchObject({ code: 'tracker_disk_full', message: expect.stringContaining('largest file size') });
    expect(out.records).toBe(out.n);
    expect(out.n).toBeGreaterThan(10);
    return Tracker.open(file).then(async (t) => {
      expect(t.stats().records).toBe(out.n);
      await t.close();
    });
  }, 60_000);

  it('a read-only folder or file is refused at open with what to do', () => {
    const file = tempTrackerFile();
    const dir = path.dirname(file);
    mkdirSync(dir, { recursive: true });
    const script = `import { Tracker } from ${JSON.stringify(path.join(here, 'tracker.ts'))};
for (const f of process.argv.slice(1)) {
  try { await (await Tracker.open(f)).close(); process.stdout.write('opened\\n'); }
  catch (e) { process.stdout.write(JSON.stringify({ code: e.code, message: e.message, hint: e.hint }) + '\\n'); }
}`;
    writeFileSync(path.join(dir, 'ro.avro'), '');
    chmodSync(path.join(dir, 'ro.avro'), 0o444);
    mkdirSync(path.join(dir, 'ro-dir'));
    chmodSync(path.join(dir, 'ro-dir'), 0o555);
    chmodSync(path.dirname(dir), 0o755);
    chmodSync(dir, 0o755);
    // root ignores file modes: run the opener as nobody then (chmod is the real mechanism either way)
    const asRoot = process.getuid?.() === 0;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, path.join(dir, 'ro.avro'), path.join(dir, 'ro-dir', 'trackers.avro')], {
      cwd: REPO,
      encoding: 'utf8',
      ...(asRoot && { uid: 65534, gid: 65534, env: { ...process.env, HOME: '/tmp' } }),
    });
    if (r.error || r.status !== 0) {
      console.warn(`skipped the read-only test: could not run the opener${asRoot ? ' as nobody' : ''} (${r.error?.message ?? r.stderr.split('\n')[0]})`);
      return;
    }
    const [file1, dir1] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { code: string; message: string; hint: string });
    expect(file1).toMatchObject({ code: 'tracker_permission', message: expect.stringContaining(`may not write to ${path.join(dir, 'ro.avro')}`), hint: expect.stringContaining('write permission') });
    expect(dir1).toMatchObject({ code: 'tracker_permission' });
  }, 60_000);
});
