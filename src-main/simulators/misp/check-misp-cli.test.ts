/**
 * `flare-misp check misp` end to end: the real CLI, a config folder, and the MISP test server.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../test/paths';
import { tempConfigDir } from '../../../test/support/config-dir';
import { HOME_ORG, OTHER_ORG, ROLES, startMispServer, TEST_MISP_KEY, type MispTestServer } from './index';

const BIN = path.join(REPO_ROOT, 'bin', 'flare-misp.mjs');
const USER_KEY = 'UserRoleKey00000000000000000000000000009';

function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, FLARE_MISP_HOME: '', FLARE_MISP_KEY: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A config folder whose config.properties has these keys set. */
function configWith(settings: Record<string, string>): string {
  const dir = tempConfigDir();
  const file = path.join(dir, 'config.properties');
  let text = readFileSync(file, 'utf8');
  for (const [key, value] of Object.entries(settings)) {
    const line = new RegExp(`^${key.replace(/\./g, '\\.')}=.*$`, 'm');
    text = line.test(text) ? text.replace(line, `${key}=${value}`) : `${text}\n${key}=${value}\n`;
  }
  writeFileSync(file, text);
  return dir;
}

describe('flare-misp check misp', () => {
  let misp: MispTestServer;
  beforeAll(async () => {
    misp = await startMispServer({ users: [{ key: TEST_MISP_KEY }, { key: USER_KEY, role: ROLES.user }] });
  });
  afterAll(() => misp.close());

  it('prints the health the API answers (the old shape plus version and permissions), exit 0', async () => {
    const dir = configWith({ 'flare.misp.url': misp.url, 'misp.authorization.key': TEST_MISP_KEY });
    const r = await cli('check', 'misp', '--config-dir', dir, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const health = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(health).toMatchObject({ resourceType: 'Misp', resource: misp.url, statusCode: 200, ok: true, configured: true, details: { version: '2.5.1' } });
    expect(r.stdout).not.toContain(TEST_MISP_KEY);
  });

  it('names the missing permission and exits 1', async () => {
    const dir = configWith({ 'flare.misp.url': misp.url, 'misp.authorization.key': USER_KEY, 'stixtransclient.misp.published': 'true' });
    const r = await cli('check', 'misp', '--config-dir', dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('NOT OK (HTTP 200)');
    expect(r.stdout).toContain('missing: perm_publish');
  });

  it('names the sharing group it resolved, or why the key cannot use it (exit 1)', async () => {
    const withGroups = await startMispServer({
      users: [{ key: TEST_MISP_KEY, org: HOME_ORG }],
      sharingGroups: [
        { id: 42, uuid: 'c0ffee00-1234-4abc-8def-000000000042', name: 'FLARE Partners', members: [OTHER_ORG] },
        { id: 43, uuid: 'c0ffee00-1234-4abc-8def-000000000043', name: 'Their group', org: OTHER_ORG, members: [] },
      ],
    });
    try {
      const settings = { 'flare.misp.url': withGroups.url, 'misp.authorization.key': TEST_MISP_KEY, 'flare.misp.distribution': '4' };
      const ok = await cli('check', 'misp', '--config-dir', configWith({ ...settings, 'flare.misp.sharing-group': 'FLARE Partners' }));
      expect(ok.status).toBe(0);
      expect(ok.stdout).toContain('  sharing group: FLARE Partners (id 42)');
      const theirs = await cli('check', 'misp', '--config-dir', configWith({ ...settings, 'flare.misp.sharing-group': 'c0ffee00-1234-4abc-8def-000000000043' }));
      expect(theirs.status).toBe(1);
      expect(theirs.stdout).toContain('  sharing group uuid c0ffee00-1234-4abc-8def-000000000043: No sharing group with uuid');
    } finally {
      await withGroups.close();
    }
  });

  it('says MISP is not configured when it is not', async () => {
    const r = await cli('check', 'misp', '--config-dir', tempConfigDir());
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('The MISP server is not configured.');
  });
});
