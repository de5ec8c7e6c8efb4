import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../test/paths';
import { sampleEvent, uuidFor } from '../../../simulators/misp/sample-events';
import {
  checkEvent,
  isMispUuid,
  checkSingleAttribute,
  defaultCategory,
  isCategoryAllowed,
  isKnownType,
  normalizeValue,
  objectTemplates,
  valueProblem,
} from './index';

const DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'data');

describe('shipped MISP data', () => {
  // test/fixtures/misp-data.sha256: the sha256 of each published file (PyMISP, misp-objects; see data/README.md).
  it('is a byte-for-byte copy of the published data', () => {
    const manifest = readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'misp-data.sha256'), 'utf8').trim().split('\n').map((l) => l.split(/\s+\*?/) as [string, string]);
    const objects = manifest.map(([, f]) => f).filter((f) => f.startsWith('objects/'));
    expect(readdirSync(path.join(DATA_DIR, 'objects')).sort()).toEqual(objects.map((f) => f.slice('objects/'.length)).sort());
    for (const [sha, file] of manifest) expect(createHash('sha256').update(readFileSync(path.join(DATA_DIR, file))).digest('hex'), file).toBe(sha);
    expect(objectTemplates.size).toBe(objects.length);
  });

  it('knows types, categories and defaults from describeTypes', () => {
    expect(isKnownType('ip-dst')).toBe(true);
    expect(isKnownType('not-a-type')).toBe(false);
    // Newer than MISP 2.5.1: unknown unless the destination runs a newer MISP.
    expect(isKnownType('community-id')).toBe(false);
    expect(isKnownType('community-id', { allowNewerTypes: true })).toBe(true);
    expect(isCategoryAllowed('ip-dst', 'Network activity')).toBe(true);
    expect(isCategoryAllowed('ip-dst', 'Persistence mechanism')).toBe(false);
    expect(defaultCategory('mutex')).toBe('Artifacts dropped');
  });

  it('reads templates with their uuid, version and required relations', () => {
    const passiveDns = objectTemplates.get('passive-dns');
    expect(passiveDns).toMatchObject({ uuid: 'b77b7b1c-66ab-4a41-8da4-83810f6d2d6c', version: 5, required: ['rrtype', 'rrname', 'rdata'] });
    expect(objectTemplates.get('file')?.relations.get('md5')?.type).toBe('md5');
  });
});

describe('attribute values', () => {
  it('normalises like MISP stores them', () => {
    expect(normalizeValue('md5', ' D41D8CD98F00B204E9800998ECF8427E ')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(normalizeValue('ip-dst', '2001:0db8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(normalizeValue('ip-src', '10.1.2.3/32')).toBe('10.1.2.3');
    expect(normalizeValue('domain', 'Evil.Example.COM.')).toBe('evil.example.com');
    expect(normalizeValue('filename|sha1', 'Invoice.EXE|DA39A3EE5E6B4B0D3255BFEF95601890AFD80709')).toBe('Invoice.EXE|da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(normalizeValue('ip-dst|port', '1.2.3.4:443')).toBe('1.2.3.4|443');
    expect(normalizeValue('x509-fingerprint-sha1', 'AB:CD:EF')).toBe('abcdef');
    expect(normalizeValue('AS', 'AS1.10')).toBe('65546');
    expect(normalizeValue('vulnerability', 'cve-2016-0001')).toBe('CVE-2016-0001');
  });

  it('refuses malformed values with MISP\'s reasons', () => {
    expect(valueProblem('md5', 'abc')).toMatch(/32 hexadecimal/);
    expect(valueProblem('sha256', 'a'.repeat(64))).toBeUndefined();
    expect(valueProblem('ip-dst', '999.1.1.1')).toMatch(/invalid format/);
    expect(valueProblem('ip-dst', '10.0.0.0/33')).toMatch(/lower or equal 32/);
    expect(valueProblem('ip-dst', '10.0.0.0/8')).toBeUndefined();
    expect(valueProblem('domain', 'localhost')).toMatch(/Domain has an invalid format/);
    expect(valueProblem('email-src', 'not an address')).toMatch(/Email/);
    expect(valueProblem('url', 'http://a\nb')).toMatch(/new line/);
    expect(valueProblem('link', 'www.example.com/x')).toMatch(/scheme/);
    expect(valueProblem('port', '70000')).toMatch(/1 and 65535/);
    expect(valueProblem('filename|md5', 'a|b|c')).toMatch(/composite/);
    expect(valueProblem('text', '   ')).toMatch(/empty/);
  });
});

describe('checkEvent', () => {
  it('accepts a well-formed event unchanged (values already normalised)', () => {
    const event = sampleEvent();
    const check = checkEvent(event);
    expect(check.issues).toEqual([]);
    expect(check.fatal).toBe(false);
    expect(check.event).toEqual(event);
  });

  it('is fatal when the event itself is invalid, naming each field', () => {
    const check = checkEvent({ ...sampleEvent(), info: ' ', distribution: 4, date: '2016-02-30' });
    expect(check.fatal).toBe(true);
    expect(check.event).toBeUndefined();
    expect(check.issues.map((i) => i.field).sort()).toEqual(['date', 'info', 'sharing_group_id']);
  });

  it('drops invalid attributes with a counted reason and keeps the rest', () => {
    const event = sampleEvent('drops');
    const good = event.Attribute ?? [];
    event.Attribute = [
      ...good,
      { uuid: uuidFor('wrong-category'), type: 'md5', category: 'Network activity', value: 'd41d8cd98f00b204e9800998ecf8427e', to_ids: true },
      { uuid: uuidFor('string-to-ids'), type: 'domain', category: 'Network activity', value: 'a.example.com', to_ids: 'false' as unknown as boolean },
      { uuid: uuidFor('unknown-type'), type: 'stix-id', category: 'Other', value: 'x', to_ids: false },
      { ...(good[1] as (typeof good)[number]), uuid: uuidFor('twin') },
      { ...(good[0] as (typeof good)[number]) },
    ];
    const check = checkEvent(event);
    expect(check.fatal).toBe(false);
    expect(check.dropped.attributes).toBe(5);
    expect(check.event?.Attribute).toEqual(good);
    const reasons = check.issues.filter((i) => i.level === 'error').map((i) => `${i.field}: ${i.message}`);
    expect(reasons).toEqual([
      'category: Category "Network activity" does not allow type md5. Options depend on the selected category.',
      'to_ids: to_ids must be a JSON boolean (MISP reads the string "false" as true).',
      'type: Unknown attribute type "stix-id".',
      'value: A second domain attribute with the same value and category: MISP keeps only one.',
      'uuid: The UUID provided is not unique',
    ]);
  });

  it('checks objects against their templates', () => {
    const event = sampleEvent('objects');
    const file = event.Object?.[0];
    if (!file) throw new Error('sample has a file object');
    const badVersion = { ...file, uuid: uuidFor('v'), template_version: 24, Attribute: [] };
    const unknown = { ...file, uuid: uuidFor('u'), name: 'no-such-template', Attribute: [] };
    const wrongRelation = {
      ...file,
      uuid: uuidFor('r'),
      Attribute: [{ uuid: uuidFor('r/a'), object_relation: 'colour', type: 'text', category: 'Other', value: 'red', to_ids: false }],
    };
    const passiveDnsMissingRequired = {
      uuid: uuidFor('p'), name: 'passive-dns', 'meta-category': 'network', template_uuid: 'b77b7b1c-66ab-4a41-8da4-83810f6d2d6c', template_version: 5,
      Attribute: [{ uuid: uuidFor('p/a'), object_relation: 'rrname', type: 'text', category: 'Network activity', value: 'evil.example.com', to_ids: false }],
    };
    event.Object = [file, badVersion, unknown, wrongRelation, passiveDnsMissingRequired];
    const check = checkEvent(event);
    expect(check.event?.Object?.map((o) => o.uuid)).toEqual([file.uuid]);
    expect(check.dropped.objects).toBe(4);
    expect(check.issues.filter((i) => i.level === 'error').map((i) => i.message)).toEqual([
      'The file template\'s version is 25.',
      'No object template named "no-such-template".',
      'The file template has no relation "colour".',
      'The file object needs at least one of: filename, size-in-bytes, authentihash, ssdeep, md5, sha1, sha224, sha256, sha384, sha512, sha512/224, sha512/256, sha3-224, sha3-256, sha3-384, sha3-512, tlsh, telfhash, imphash, pattern-in-file, certificate, malware-sample, attachment, path, fullpath.',
      'The passive-dns object lacks required relation(s): rrtype, rdata.',
    ]);
  });

  it('drops references to things the event does not hold', () => {
    const event = sampleEvent('refs');
    const file = event.Object?.[0];
    if (!file) throw new Error('sample has a file object');
    file.ObjectReference = [...(file.ObjectReference ?? []), { referenced_uuid: uuidFor('elsewhere'), relationship_type: 'related-to' }];
    const check = checkEvent(event);
    expect(check.dropped.references).toBe(1);
    expect(check.event?.Object?.[0]?.ObjectReference).toHaveLength(1);
  });

  it('names where each issue is, and still drops a bad value in a converter-made event', () => {
    const event = sampleEvent('paths');
    const ip = event.Attribute![0]!;
    event.Tag = [{ name: 'ok' }, { name: ' ' }];
    event.Attribute = [
      ip,
      { ...ip, uuid: uuidFor('bad-ip'), value: '999.1.1.1', Tag: [{ name: 'a' }, { name: 'a' }] },
      { ...ip, uuid: 'not-a-uuid', value: '10.0.0.1' },
    ];
    const file = event.Object![0]!;
    file.Attribute = [...file.Attribute, { ...file.Attribute[0]!, uuid: uuidFor('bad-md5'), object_relation: 'md5', type: 'md5', value: 'abc' }];
    const check = checkEvent(event);
    expect(check.issues.map((i) => `${i.level} ${i.path} ${i.field}`)).toEqual([
      'error Event.Tag[1] name',
      'error Event.Attribute[1] value',
      'error Event.Attribute[2] uuid',
      'error Event.Object[0].Attribute[2] value',
    ]);
    expect(check.event?.Attribute?.map((a) => a.value)).toEqual([ip.value]);
    expect(check.event?.Object?.[0]?.Attribute.map((a) => a.value)).not.toContain('abc');
    // A duplicate tag on a kept attribute is a warning, with the tag's path.
    const other = sampleEvent('dup');
    other.Attribute = [{ ...other.Attribute![0]!, Tag: [{ name: 'a' }, { name: 'a' }] }];
    const dup = checkEvent(other);
    expect(dup.issues.map((i) => `${i.level} ${i.path}`)).toEqual(['warning Event.Attribute[0].Tag[1]']);
  });

  it('accepts exactly the uuids CakePHP\'s rule accepts', () => {
    const rule = /^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[0-5][a-fA-F0-9]{3}-[089aAbB][a-fA-F0-9]{3}-[a-fA-F0-9]{12}$/;
    const base = '6f2d4a4e-5b1c-4f0e-9a57-3c1d2e8b7a90';
    const alphabet = '0123456789abcdefABCDEFgGzZ-\n :/é';
    const candidates: string[] = [base, base.toUpperCase(), `${base}\n`, base.slice(1), `${base}0`, '', '-'.repeat(36)];
    for (let i = 0; i < 36; i++) for (const c of alphabet) candidates.push(base.slice(0, i) + c + base.slice(i + 1));
    for (const v of ['0', '5', '6', '8', '9', 'a', 'A', 'b', 'B', 'c']) {
      candidates.push(base.slice(0, 14) + v + base.slice(15), base.slice(0, 19) + v + base.slice(20));
    }
    for (const c of candidates) expect(isMispUuid(c), JSON.stringify(c)).toBe(rule.test(c));
    for (const other of [undefined, null, 36, {}, [base]]) expect(isMispUuid(other)).toBe(false);
  });

  it('checks a lone attribute against an object relation', () => {
    const ok = checkSingleAttribute({ uuid: uuidFor('x'), object_relation: 'md5', type: 'md5', category: 'Payload delivery', value: 'D41D8CD98F00B204E9800998ECF8427E', to_ids: true }, {}, 'file');
    expect(ok.attribute?.value).toBe('d41d8cd98f00b204e9800998ecf8427e');
    const wrong = checkSingleAttribute({ uuid: uuidFor('y'), object_relation: 'md5', type: 'sha1', category: 'Payload delivery', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709', to_ids: true }, {}, 'file');
    expect(wrong.attribute).toBeUndefined();
    expect(wrong.issues[0]?.message).toBe('Relation "md5" of file takes type md5, not sha1.');
  });
});
