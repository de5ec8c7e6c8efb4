/** `flare-misp stix inspect`: per file its packages, or why it was refused; exit code 1 when any was refused. */
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CORPUS_DIR } from '../paths';
import { formatInspection, inspectFiles, registerStix } from '../../src-main/headless/commands/stix';

const AIS = path.join(CORPUS_DIR, 'STIXProject__python-stix/stix/test/extensions/marking/ais_test_files/stix_ais_21.xml');
const SNIPPET = path.join(CORPUS_DIR, 'STIXProject__schemas/samples/STIX_Snippet_Handling.xml');
const MAEC = path.join(CORPUS_DIR, 'STIXProject__schemas/samples/MAEC_CybOX_STIX_Flow_Example/flow_example(1of3)-maec_anubis_output.xml');

describe('stix inspect', () => {
  afterEach(() => {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  });

  it('summarises a package: id, version, timestamp, title, markings, hash, counts and CybOX types', async () => {
    const [r] = await inspectFiles([AIS]);
    expect(r).toMatchObject({
      file: AIS,
      packages: [
        {
          id: 'NCCIC:STIX_Package-205ded6a-e00b-493a-8cef-192b5bf53f14',
          version: '1.1.1',
          timestamp: '2016-07-25T04:35:11+00:00',
          title: '814784 15: Spear-Phishing Campaign Using Multiple Themed Emails Containing Malicious Attachment',
          markings: ['AIS consent:EVERYONE', 'AIS TLP:AMBER', 'AIS not proprietary'],
          counts: { indicators: 3, observables: 3, objects: 3 },
          cyboxTypes: { EmailMessage: 2, File: 1 },
          embeddedTypes: { Address: 2 },
        },
      ],
    });
    const text = formatInspection([r!]);
    expect(text).toContain('  package     NCCIC:STIX_Package-205ded6a-e00b-493a-8cef-192b5bf53f14\n');
    expect(text).toContain('  markings    AIS consent:EVERYONE, AIS TLP:AMBER, AIS not proprietary\n');
    expect(text).toContain('  cybox       EmailMessage 2, File 1\n');
    expect(text).toMatch(/ {2}sha256 {6}[0-9a-f]{64}\n/);
  });

  it('gives the reason a file was refused', async () => {
    const results = await inspectFiles([SNIPPET, MAEC, '/nonexistent/file.xml']);
    expect(results[0]).toMatchObject({ refused: { code: 'stix_malformed', line: 11 } });
    expect(results[1]).toMatchObject({ refused: { code: 'stix_not_a_package', message: 'not a STIX package (root: maecPackage:MAEC_Package)' } });
    expect(results[2]).toMatchObject({ refused: { code: 'file_unreadable' } });
    expect(formatInspection(results)).toContain('  refused     not a STIX package (root: maecPackage:MAEC_Package) [stix_not_a_package]\n');
  });

  it('runs as a commander command: JSON output, exit code 1 when any file was refused', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    const program = new Command('flare-misp').exitOverride();
    registerStix(program);
    await program.parseAsync(['stix', 'inspect', '--json', AIS, MAEC], { from: 'user' });
    const parsed = JSON.parse(out.join('')) as { file: string }[];
    expect(parsed.map((r) => r.file)).toEqual([AIS, MAEC]);
    expect(process.exitCode).toBe(1);

    out.length = 0;
    process.exitCode = undefined;
    await program.parseAsync(['stix', 'inspect', AIS], { from: 'user' });
    expect(out.join('')).toContain('NCCIC:STIX_Package-205ded6a');
    expect(process.exitCode).toBeUndefined();
  });
});
