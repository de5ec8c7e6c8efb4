/**
 * `flare-misp convert FILE... [--out DIR] [--preview] [--report]` and AdminApi `previewPackage`: one {"Event":…} per
 * package, a summary line per file, exit 1 with the reason when a file fails, the preview with the distribution
 * decision and what was dropped, the per-CybOX-type coverage; the configured policy decides the distribution.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CORPUS_DIR, TAXII_MESSAGES_DIR } from '../paths';
import { tempConfigDir } from '../support/config-dir';
import { registerConvert, safeName } from '../../src-main/headless/commands/convert';
import { FlareService } from '../../src-main/core/service';
import { LogHub } from '../../src-main/core/log/index';
import type { MispEvent } from '../../src-main/core/misp/model';

const AIS21 = path.join(CORPUS_DIR, 'STIXProject__python-stix/stix/test/extensions/marking/ais_test_files/stix_ais_21.xml');
const AIS10 = path.join(CORPUS_DIR, 'STIXProject__python-stix/stix/test/extensions/marking/ais_test_files/stix_ais_10.xml');
const COA = path.join(CORPUS_DIR, 'STIXProject__stixproject.github.io/documentation/idioms/block-network-traffic/block-network-traffic.xml');
const MAEC = path.join(CORPUS_DIR, 'STIXProject__schemas/samples/MAEC_CybOX_STIX_Flow_Example/flow_example(1of3)-maec_anubis_output.xml');

interface Captured {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
}

/** Runs `convert` in-process with the given arguments and a config folder (shipped defaults unless given). */
async function run(args: string[], configDir = tempConfigDir()): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const program = new Command('flare-misp').exitOverride();
    registerConvert(program);
    await program.parseAsync(['convert', '--config-dir', configDir, ...args], { from: 'user' });
  } finally {
    vi.restoreAllMocks();
  }
  const exitCode = process.exitCode === undefined ? undefined : Number(process.exitCode);
  return { stdout: out.join(''), stderr: err.join(''), exitCode };
}

function configWith(values: Record<string, string>): string {
  const dir = tempConfigDir();
  const p = path.join(dir, 'config.properties');
  let text = readFileSync(p, 'utf8');
  for (const [k, v] of Object.entries(values)) text = text.replace(new RegExp(`^${k.replace(/\./g, '\\.')}=.*$`, 'm'), `${k}=${v}`);
  writeFileSync(p, text);
  return dir;
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('flare-misp convert', () => {
  it('--out: one <package id>.json per package, a summary line per file, exit 1 naming the file that failed', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'flare-convert-'));
    const r = await run(['--out', out, AIS21, COA, MAEC]);
    expect(r.exitCode).toBe(1);
    expect(readdirSync(out).sort()).toEqual(['NCCIC_STIX_Package-205ded6a-e00b-493a-8cef-192b5bf53f14.json', 'example_Package-495c4c04-b5d8-11e3-b7bb-000c29789db9.json']);
    const written = JSON.parse(readFileSync(path.join(out, 'NCCIC_STIX_Package-205ded6a-e00b-493a-8cef-192b5bf53f14.json'), 'utf8')) as { Event: MispEvent };
    expect(written.Event).toMatchObject({ uuid: '205ded6a-e00b-493a-8cef-192b5bf53f14', distribution: 0 });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^${AIS21.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 1 package, \\d+ attributes, 3 objects \\(\\d+ attributes inside\\), 5 tags, distribution 0, 0 warnings$`));
    expect(lines[1]).toContain(`${COA}: 1 package,`);
    expect(lines[2]).toBe(`${MAEC}: FAILED — not a STIX package (root: maecPackage:MAEC_Package) [stix_not_a_package]`);
  });

  it('without --out: the events on stdout, one JSON document per line, byte-identical run after run; the summary on stderr', async () => {
    const a = await run([AIS21, COA]);
    const b = await run([AIS21, COA]);
    expect(a.exitCode).toBeUndefined();
    expect(a.stdout).toBe(b.stdout);
    const events = a.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { Event: MispEvent }).Event);
    expect(events.map((e) => e.uuid)).toEqual(['205ded6a-e00b-493a-8cef-192b5bf53f14', '495c4c04-b5d8-11e3-b7bb-000c29789db9']);
    expect(a.stderr).toContain(`${AIS21}: 1 package,`);
    expect(a.stderr).toContain(`${COA}: 1 package,`);
  });

  it('--preview: the distribution decision, the event, and what was dropped, refanged or warned about', async () => {
    const r = await run(['--preview', AIS10], configWith({ 'flare.misp.distribution': '2' }));
    expect(r.stdout).toContain('=== NCCIC:STIX_Package-c1d03c7a-d563-4a99-bf22-eaae3de5d39e → event c1d03c7a-d563-4a99-bf22-eaae3de5d39e\n');
    expect(r.stdout).toContain('distribution: 2 (connected communities): tlp:white → default (2); ais:everyone → default (2)\n');
    expect(r.stdout).toContain('"info": "FireEye-China IOCs"');
    expect(r.stdout).toMatch(/\ndropped \(\d+\):\n {2}- File File_Name: "N\/A" is a placeholder, not a value; skipped\./);
    expect(r.stdout).toContain('\nrefanged (0)\n');
    expect(r.stdout).toMatch(/\nwarnings \(\d+\)/);
  });

  it('the configured policy decides: AMBER widened to 1 by the admin', async () => {
    const dir = configWith({ 'flare.misp.distribution': '3', 'flare.misp.distribution.policy': 'tlp:amber=1' });
    const r = await run([AIS21], dir);
    expect((JSON.parse(r.stdout) as { Event: MispEvent }).Event.distribution).toBe(1);
  });

  it('--report: per CybOX type, how many objects were mapped, kept as text or skipped', async () => {
    const r = await run(['--report', '--out', mkdtempSync(path.join(tmpdir(), 'flare-convert-')), AIS21, AIS10]);
    expect(r.stdout).toMatch(/^CybOX type\s+mapped\s+text\s+skipped$/m);
    expect(r.stdout).toMatch(/^EmailMessage\s+2\s+0\s+0$/m);
    expect(r.stdout).toMatch(/^total\s+\d+\s+\d+\s+\d+$/m);
  });

  it('an invalid configuration stops before converting, naming the key', async () => {
    const r = await run([AIS21], configWith({ 'flare.misp.distribution.policy': 'tlp:purple=1' }));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('flare.misp.distribution.policy: expected marking=level pairs');
  });

  it('file names from package ids stay inside the folder', () => {
    expect(safeName('NCCIC:STIX_Package-1')).toBe('NCCIC_STIX_Package-1');
    expect(safeName('../../etc/passwd')).toBe('__.._etc_passwd');
    expect(safeName('')).toBe('_');
  });
});

describe('AdminApi previewPackage', () => {
  it('returns the event, the decision and what was dropped, with the configured policy', async () => {
    const service = new FlareService({ configDir: configWith({ 'flare.misp.distribution': '2' }), mode: 'headless', version: '0.0.0', hub: new LogHub() });
    service.start();
    try {
      const preview = await service.previewPackage(readFileSync(AIS10, 'utf8'));
      expect(preview.event).toMatchObject({ uuid: 'c1d03c7a-d563-4a99-bf22-eaae3de5d39e', info: 'FireEye-China IOCs', distribution: 2 });
      expect(preview.distributionDecision).toBe('2 (connected communities): tlp:white → default (2); ais:everyone → default (2)');
      expect(preview.dropped.some((d) => d.includes('"N/A" is a placeholder'))).toBe(true);
      expect(preview.refanged).toEqual([]);
      expect(preview.packages).toBe(1);
      // The structured report: every entry in the converter's order, with its code and the id it is about.
      const report = preview.report!;
      expect(report[0]).toEqual({
        level: 'info',
        code: 'distribution',
        message: 'distribution 2 (connected communities): tlp:white → default (2); ais:everyone → default (2)',
        where: 'NCCIC:STIX_Package-c1d03c7a-d563-4a99-bf22-eaae3de5d39e',
      });
      const placeholders = report.filter((e) => e.code === 'placeholder');
      expect(placeholders.map((e) => e.where)).toEqual([
        'NCCIC:Object-3f600e43-4dc3-11e6-bc71-eccd6d4fa460',
        'NCCIC:Object-3f600e46-4dc3-11e6-b66a-eccd6d4fa460',
        'NCCIC:Object-3f600e49-4dc3-11e6-8591-eccd6d4fa460',
        'NCCIC:Object-3f600e55-4dc3-11e6-a38f-eccd6d4fa460',
      ]);
      expect(new Set(placeholders.map((e) => `${e.level} ${e.message}`))).toEqual(new Set(['warning File File_Name: "N/A" is a placeholder, not a value; skipped.']));
      // The lines are the same report: each placeholder is one "dropped" line, its id appended.
      expect(preview.dropped).toEqual(placeholders.map((e) => `${e.message} (${e.where})`));
      expect(report).toHaveLength(1 + placeholders.length);
      // Coverage sorted by type (the converter met DomainName first).
      expect(preview.coverage).toEqual([
        { type: 'Address', mapped: 1, text: 0, skipped: 0 },
        { type: 'DomainName', mapped: 1, text: 0, skipped: 0 },
        { type: 'File', mapped: 7, text: 0, skipped: 0 },
      ]);
      // An entry about no particular id has no `where` key at all (not `where: undefined`).
      const undated = await service.previewPackage(readFileSync(COA, 'utf8'));
      expect(undated.report!.find((e) => e.code === 'no-timestamp')).toStrictEqual({ level: 'warning', code: 'no-timestamp', message: 'the package has no time at all: the event is dated 1970-01-01' });
      expect(undated.warnings).toEqual(['the package has no time at all: the event is dated 1970-01-01']);
      expect(undated.coverage).toEqual([{ type: 'Address', mapped: 1, text: 0, skipped: 0 }]);
      // A whole Poll_Response: the first package is previewed, and the report says so first.
      const several = await service.previewPackage(readFileSync(path.join(TAXII_MESSAGES_DIR, '03-poll.response.trimmed.xml'), 'utf8'));
      expect(several.packages).toBeGreaterThan(1);
      expect(several.report![0]).toEqual({ level: 'warning', code: 'multiple-packages', message: expect.stringMatching(/^The XML holds \d+ packages; only the first \(.+\) is previewed\.$/) });
      expect(several.warnings[0]).toBe(several.report![0]!.message);
      await expect(service.previewPackage('<notstix/>')).rejects.toMatchObject({ code: 'stix_not_a_package' });
    } finally {
      await service.close();
    }
  });
});
