import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../paths';
import { tempConfigDir } from '../support/config-dir';
import { Tracker } from '../../src-main/core/tracker';
import { oldServiceFile, rec, uuid } from '../../src-main/core/tracker/test-helpers';

const BIN = path.join(REPO_ROOT, 'bin', 'flare-misp.mjs');
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, FLARE_MISP_HOME: '' } });
/** The shipped config's mtc.tracking.datafile, data/trackers.avro, is relative to the folder holding config/. */
const trackerFileOf = (configDir: string) => path.join(path.dirname(configDir), 'data', 'trackers.avro');

describe('flare-misp tracker', () => {
  it('list, stats and compact: tables for people, JSON for scripts', async () => {
    const dir = tempConfigDir();
    const none = cli('tracker', 'stats', '--config-dir', dir, '--json');
    expect(none.status).toBe(0);
    expect(JSON.parse(none.stdout)).toMatchObject({ ok: true, exists: false, records: 0 });

    const [a, b] = [uuid(), uuid()];
    const t = await Tracker.open(trackerFileOf(dir));
    await t.append([rec(a, { mispEventId: '17' }), rec(b, { outcome: 'failed', errorCode: 'misp_rejected', errorText: 'MISP answered 403' })]);
    await t.append([rec(a, { outcome: 'updated', contentHash: 'f'.repeat(64), mispEventId: '17' }), rec(b, { processType: 'xmlOutput', outcome: 'saved', file: '/out/b.xml' })]);
    await t.close();

    const list = cli('tracker', 'list', '--config-dir', dir, '--json');
    expect(list.status).toBe(0);
    const out = JSON.parse(list.stdout) as { total: number; records: { packageId: string; processType: string; outcome: string }[] };
    expect(out.total).toBe(3);
    expect(out.records.map((r) => [r.processType, r.outcome])).toEqual([['xmlOutput', 'saved'], ['stixToMisp', 'updated'], ['stixToMisp', 'failed']]);

    const text = cli('tracker', 'list', '--config-dir', dir, '--outcome', 'failed');
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^RECORDED \(UTC\)\s+PROCESS\s+OUTCOME\s+PACKAGE\s+EVENT \/ FILE\s+ERROR\n/);
    expect(text.stdout).toContain(`stixToMisp  failed   NCCIC:STIX_Package-${b}`);
    expect(text.stdout).toContain('misp_rejected: MISP answered 403');
    expect(text.stdout.trim().split('\n')).toHaveLength(2);

    const history = cli('tracker', 'list', '--config-dir', dir, '--id', `NCCIC:STIX_Package-${a}`, '--json');
    expect((JSON.parse(history.stdout) as { records: { outcome: string }[] }).records.map((r) => r.outcome).sort()).toEqual(['updated', 'uploaded']);

    const stats = cli('tracker', 'stats', '--config-dir', dir);
    expect(stats.status).toBe(0);
    expect(stats.stdout).toContain(`Tracker file: ${trackerFileOf(dir)}`);
    expect(stats.stdout).toMatch(/4 records, 3 packages/);
    expect(stats.stdout).toMatch(/updated\s+1/);
    expect(stats.stdout).toContain('1 superseded records');

    const compact = cli('tracker', 'compact', '--config-dir', dir, '--json');
    expect(compact.status).toBe(0);
    expect(JSON.parse(compact.stdout)).toMatchObject({ ok: true, before: { records: 4 }, after: { records: 3 } });

    const bad = cli('tracker', 'list', '--config-dir', dir, '--outcome', 'exploded');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('Use one of saved, uploading');
  }, 120_000);

  it("import reads the old service's trackers.avro; a tracker in use by a running FLARE MISP is a clear error (exit 1)", async () => {
    const dir = tempConfigDir();
    const old = path.join(path.dirname(dir), 'old-trackers.avro');
    writeFileSync(old, oldServiceFile([[{ stixId: 'NCCIC:STIX_Package-1', eventId: '5' }, { stixId: 'NCCIC:STIX_Package-2', eventId: null }]]));
    const r = cli('tracker', 'import', old, '--config-dir', dir, '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, imported: 2, done: 1, eligible: 1 });
    const text = cli('tracker', 'import', old, '--config-dir', dir);
    expect(text.stdout).toContain('Imported 0 packages');
    expect(text.stdout).toContain('2 already known here were left as they are');

    const held = await Tracker.open(trackerFileOf(dir));
    try {
      const locked = cli('tracker', 'list', '--config-dir', dir);
      expect(locked.status).toBe(1);
      expect(locked.stderr).toContain(`error: Another FLARE MISP is using ${trackerFileOf(dir)} (pid ${process.pid}`);
      expect(locked.stderr).toMatch(/hint: Stop the other FLARE MISP/);
      const json = cli('tracker', 'stats', '--config-dir', dir, '--json');
      expect(json.status).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, code: 'tracker_locked' });
    } finally {
      await held.close();
    }
  }, 120_000);
});
