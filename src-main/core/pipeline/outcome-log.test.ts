import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/types';
import { RunHistory } from './history';
import { OutcomeLog } from './outcome-log';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'flare-outcomes-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('OutcomeLog', () => {
  it('writes every outcome as it goes and reads them back in order', async () => {
    const file = path.join(temp(), '7.packages.ndjson');
    const log = new OutcomeLog(file, silentLogger);
    for (let i = 0; i < 5000; i++) log.add({ packageId: `pkg-${i}`, outcome: 'uploaded', mispEventId: String(i) });
    await log.flush();
    const back = OutcomeLog.read(file)!;
    expect(back).toHaveLength(5000);
    expect(back[0]).toEqual({ packageId: 'pkg-0', outcome: 'uploaded', mispEventId: '0' });
    expect(back[4999]!.packageId).toBe('pkg-4999');
    expect(log.listed).toBe(5000);
  });

  it('replaces a stale list of the same run id instead of mixing with it', async () => {
    const file = path.join(temp(), '1.packages.ndjson');
    writeFileSync(file, `${JSON.stringify({ packageId: 'old', outcome: 'saved' })}\n`);
    const log = new OutcomeLog(file, silentLogger);
    log.add({ packageId: 'new', outcome: 'saved' });
    await log.flush();
    expect(OutcomeLog.read(file)!.map((o) => o.packageId)).toEqual(['new']);
  });

  it('counts the outcomes beyond its limit without listing them', async () => {
    const file = path.join(temp(), '2.packages.ndjson');
    const log = new OutcomeLog(file, silentLogger, 3);
    for (let i = 0; i < 10; i++) log.add({ packageId: `p${i}`, outcome: 'duplicate' });
    await log.flush();
    expect(OutcomeLog.read(file)).toHaveLength(3);
    expect(log.omitted).toBe(7);
  });

  it('leaves out a torn last line (a process stopped while writing)', () => {
    const file = path.join(temp(), '3.packages.ndjson');
    writeFileSync(file, `${JSON.stringify({ packageId: 'a', outcome: 'uploaded' })}\n{"packageId":"b","outc`);
    expect(OutcomeLog.read(file)).toEqual([{ packageId: 'a', outcome: 'uploaded' }]);
  });

  it('streams the same outcomes one by one; nothing from a missing file', async () => {
    const file = path.join(temp(), '4.packages.ndjson');
    const log = new OutcomeLog(file, silentLogger);
    for (let i = 0; i < 3000; i++) log.add({ packageId: `pkg-${i}`, outcome: 'uploaded' });
    await log.flush();
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"packageId":"torn`);
    const streamed = [];
    for await (const o of OutcomeLog.stream(file)) streamed.push(o);
    expect(streamed).toEqual(OutcomeLog.read(file));
    expect(streamed).toHaveLength(3000);
    const none = [];
    for await (const o of OutcomeLog.stream(path.join(temp(), 'missing.ndjson'))) none.push(o);
    expect(none).toEqual([]);
  });

  it('a write that fails stops the list with a reason, and does not throw', async () => {
    const dir = temp();
    const notADir = path.join(dir, 'file');
    writeFileSync(notADir, 'x');
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (m: string) => warnings.push(m) };
    const log = new OutcomeLog(path.join(notADir, '4.packages.ndjson'), logger as typeof silentLogger);
    log.add({ packageId: 'a', outcome: 'uploaded' });
    await expect(log.flush()).resolves.toBeUndefined();
    log.add({ packageId: 'b', outcome: 'uploaded' });
    await log.flush();
    expect(log.problem).toMatch(/could not be written/);
    expect(log.omitted).toBe(2);
    expect(log.listed).toBe(0);
    expect(warnings).toHaveLength(1);
  });
});

describe('RunHistory and the outcome logs', () => {
  it('serves a run with the packages of its log, and of an earlier version’s <id>.json', async () => {
    const data = temp();
    const history = new RunHistory(data, silentLogger);
    const base = { processType: 'stixToMisp', feed: 'f', collection: 'c', trigger: 'manual', state: 'success', status: 'Success', detailedStatus: 'Completed successfully', beginTimestamp: '', endTimeStamp: '', startedAt: '2026-01-01T00:00:00Z', counts: { received: 1, new: 1, duplicate: 0, updated: 0, uploaded: 1, saved: 0, failed: 0, quarantined: 0, skipped: 0 } } as const;
    const id = await history.reserveId();
    const log = history.outcomeLog(id, silentLogger);
    log.add({ packageId: 'x', outcome: 'uploaded' });
    await log.flush();
    await history.save({ id, ...base, packages: [{ packageId: 'ignored', outcome: 'saved' }] });
    expect(history.get(id).packages).toEqual([{ packageId: 'x', outcome: 'uploaded' }]);

    const old = await history.reserveId();
    await history.save({ id: old, ...base });
    writeFileSync(path.join(data, 'runs', `${old}.json`), JSON.stringify({ id: old, ...base, packages: [{ packageId: 'legacy', outcome: 'saved' }] }));
    expect(history.get(old).packages).toEqual([{ packageId: 'legacy', outcome: 'saved' }]);
    const streamed = [];
    for await (const o of history.packageStream(old)) streamed.push(o);
    expect(streamed).toEqual([{ packageId: 'legacy', outcome: 'saved' }]);
    expect(readFileSync(path.join(data, 'runs', 'index.json'), 'utf8')).not.toContain('ignored');
  });
});
