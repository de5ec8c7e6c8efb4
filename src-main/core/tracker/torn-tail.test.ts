import { describe, expect, it } from 'vitest';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { memoryLogger } from '../../../test/support/memory-logger';
import { Tracker } from './tracker';
import { rec, sha, tempTrackerFile, uuid } from './test-helpers';

/** A file of three blocks; returns the ids per block and the byte offset where the last block starts. */
async function threeBlocks(file: string) {
  const t = await Tracker.open(file);
  const blocks = [[uuid(), uuid()], [uuid()], [uuid(), uuid(), uuid()]];
  const ends: number[] = [];
  for (const b of blocks) {
    await t.append(b.map((u) => rec(u)));
    ends.push(t.stats().bytes);
  }
  await t.close();
  return { blocks, lastStart: ends[1]!, end: ends[2]! };
}

describe('a torn last block', () => {
  it('a file cut at every byte offset of its last block reopens with every earlier record', async () => {
    const file = tempTrackerFile();
    const { blocks, lastStart, end } = await threeBlocks(file);
    expect(statSync(file).size).toBe(end);
    const earlier = blocks.slice(0, 2).flat();
    const dir = path.join(path.dirname(file), 'cuts');
    mkdirSync(dir);
    for (let cut = lastStart; cut < end; cut++) {
      const copy = path.join(dir, `t${cut}.avro`);
      copyFileSync(file, copy);
      truncateSync(copy, cut);
      const { logger, lines } = memoryLogger();
      const t = await Tracker.open(copy, { logger, lock: false });
      expect(t.stats().records, `cut at ${cut}`).toBe(earlier.length);
      for (const u of earlier) expect(t.verdict('stixToMisp', `NCCIC:STIX_Package-${u}`, sha(u)).kind).toBe('done');
      for (const u of blocks[2]!) expect(t.verdict('stixToMisp', `NCCIC:STIX_Package-${u}`, sha(u)).kind).toBe('new');
      const warns = lines.filter((l) => l.startsWith('warn'));
      if (cut === lastStart) expect(warns).toEqual([]);
      else expect(warns).toEqual([expect.stringContaining(`Dropped the last ${cut - lastStart} bytes of ${copy}`)]);
      expect(statSync(copy).size).toBe(lastStart);
      if ((cut - lastStart) % 16 !== 1) {
        await t.close();
        continue;
      }
      // the cut file takes appends and reopens clean
      await t.append(rec(blocks[2]![0]!));
      await t.close();
      const { logger: l2, lines: lines2 } = memoryLogger();
      const again = await Tracker.open(copy, { logger: l2, lock: false });
      expect(again.stats().records).toBe(earlier.length + 1);
      expect(lines2.filter((l) => l.startsWith('warn'))).toEqual([]);
      await again.close();
    }
  });

  it('garbage after the last block, or a wrong sync marker, is cut with one warning', async () => {
    const file = tempTrackerFile();
    const { blocks, lastStart, end } = await threeBlocks(file);
    appendFileSync(file, Buffer.from([0x06, 0x80, 0x01, 1, 2, 3]));
    let { logger, lines } = memoryLogger();
    let t = await Tracker.open(file, { logger });
    expect(t.stats()).toMatchObject({ records: 6, bytes: end });
    expect(lines.filter((l) => l.startsWith('warn'))).toHaveLength(1);
    await t.close();
    const bytes = readFileSync(file);
    bytes[end - 1] = bytes[end - 1]! ^ 0xff; // the last block's sync marker
    writeFileSync(file, bytes);
    ({ logger, lines } = memoryLogger());
    t = await Tracker.open(file, { logger });
    expect(t.stats()).toMatchObject({ records: blocks[0]!.length + blocks[1]!.length, bytes: lastStart });
    expect(lines.find((l) => l.startsWith('warn'))).toContain('sync marker');
    await t.close();
  });

  it('a file cut inside its header (crash while creating it) starts over', async () => {
    const file = tempTrackerFile();
    await (await Tracker.open(file)).close();
    truncateSync(file, 40);
    const { logger, lines } = memoryLogger();
    const t = await Tracker.open(file, { logger });
    expect(t.stats().records).toBe(0);
    expect(lines.some((l) => l.startsWith('warn Starting'))).toBe(true);
    await t.append(rec(uuid()));
    await t.close();
    expect((await Tracker.open(file, { lock: false })).stats().records).toBe(1);
  });

  it('refuses a file that is not a tracker', async () => {
    const file = tempTrackerFile();
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'hello, I am not Avro');
    await expect(Tracker.open(file)).rejects.toMatchObject({ code: 'tracker_unreadable', message: expect.stringContaining(file) });
    // and does not leave its lock behind
    writeFileSync(file, '');
    await expect(Tracker.open(file)).resolves.toBeDefined();
  });
});
