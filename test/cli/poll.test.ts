/** `flare-misp poll`, `runs` and `quarantine` as a script sees them: what they print and how they exit. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../paths';
import { tempConfigDir } from '../support/config-dir';

const BIN = path.join(REPO_ROOT, 'bin', 'flare-misp.mjs');
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, FLARE_MISP_HOME: '', FLARE_MISP_BUILD_QUIET: '1' } });

describe('flare-misp poll, runs, quarantine', () => {
  it('a run that fails exits 1 with the record; runs lists it; the quarantine says it is empty', () => {
    const dir = tempConfigDir();
    const r = cli('poll', '--process-type', 'stixToMisp', '--config-dir', dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^Run 1 \(manual stixToMisp, collection —\): Failed — Error: Resource Check failed$/m);
    expect(r.stdout).toMatch(/hint: Set stixtransclient\.poll\.baseurl/);
    const json = cli('poll', '--process-type', 'xmlOutput', '--config-dir', dir, '--json');
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: 2, status: 'Failed', processType: 'xmlOutput', trigger: 'manual' });
    const runs = cli('runs', '--config-dir', dir, '--json');
    expect(runs.status).toBe(0);
    expect((JSON.parse(runs.stdout) as { id: number }[]).map((x) => x.id)).toEqual([2, 1]);
    const q = cli('quarantine', 'list', '--config-dir', dir);
    expect(q.stdout.trim()).toBe('The quarantine is empty.');
    const retry = cli('quarantine', 'retry', '--config-dir', dir);
    expect(retry.status).toBe(1);
    expect(retry.stderr).toMatch(/The quarantine is empty/);
  });

  it('a wrong process type is a usage error with the choices', () => {
    const r = cli('poll', '--process-type', 'bogus', '--config-dir', tempConfigDir());
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/bogus is not a process type/);
    expect(r.stderr).toMatch(/xmlOutput, stixToMisp/);
  });
});
