import { describe, expect, it } from 'vitest';
import type { MispAttribute, MispObject } from '../../model';
import { ConversionReport } from '../contract';
import { mergeMapped } from './merge';
import { uuid } from '../../../../../test/support/observables';

const a = (key: string, value: string, toIds: boolean, comment?: string): MispAttribute => ({
  uuid: uuid(key),
  type: 'ip-dst',
  category: 'Network activity',
  value,
  to_ids: toIds,
  ...(comment !== undefined && { comment }),
});
const o = (key: string, refs: string[] = [], toIds = false): MispObject => ({
  uuid: uuid(key),
  name: 'domain-ip',
  'meta-category': 'network',
  template_uuid: '43b3b146-77eb-4931-b4cc-b66c60f28734',
  template_version: 11,
  Attribute: [{ uuid: uuid(`${key}/domain`), object_relation: 'domain', type: 'domain', category: 'Network activity', value: `${key}.example`, to_ids: toIds }],
  ...(refs.length > 0 && { ObjectReference: refs.map((r) => ({ referenced_uuid: uuid(r), relationship_type: 'connected-to' })) }),
});

describe('mergeMapped', () => {
  it('keeps one piece per uuid, preferring the to_ids one (a top-level observable also referenced by an indicator)', () => {
    const top = a('ip-1', '192.0.2.1', false);
    const indicator = a('ip-1', '192.0.2.1', true, 'Indicator');
    const merged = mergeMapped([{ attributes: [top], objects: [] }, { attributes: [indicator], objects: [] }]);
    expect(merged.attributes).toEqual([indicator]);
  });

  it('drops a second attribute with the same value, type and category and points references at the one kept', () => {
    const report = new ConversionReport();
    const merged = mergeMapped(
      [
        { attributes: [a('ip-1', '192.0.2.1', false)], objects: [] },
        { attributes: [a('ip-2', '192.0.2.1', true)], objects: [o('dom', ['ip-2'])] },
      ],
      report,
    );
    expect(merged.attributes).toEqual([{ ...a('ip-2', '192.0.2.1', true), uuid: uuid('ip-1') }]);
    expect(merged.objects[0]?.ObjectReference).toEqual([{ referenced_uuid: uuid('ip-1'), relationship_type: 'connected-to' }]);
    expect(report.entries.map((e) => e.code)).toEqual(['duplicate']);
  });

  it('for an event: drops references to things never defined, keeps the rest, never modifies its inputs', () => {
    const report = new ConversionReport();
    const object = o('dom', ['ip-1', 'nowhere', 'dom2/domain']);
    const input = { attributes: [a('ip-1', '192.0.2.1', false)], objects: [object, o('dom2')] };
    const merged = mergeMapped([input], report, { pruneReferences: true });
    expect(merged.objects[0]?.ObjectReference?.map((r) => r.referenced_uuid)).toEqual([uuid('ip-1'), uuid('dom2/domain')]);
    expect(object.ObjectReference).toHaveLength(3);
    expect(report.entries.map((e) => [e.code, e.message])).toEqual([
      ['reference-dropped', '1 object reference(s) point at CybOX objects the package does not define or that gave nothing to map; dropped.'],
    ]);
  });

  it('merges the references of an object reached twice', () => {
    const merged = mergeMapped([{ attributes: [], objects: [o('dom', ['x'])] }, { attributes: [], objects: [o('dom', ['y'], true)] }]);
    expect(merged.objects).toHaveLength(1);
    expect(merged.objects[0]?.Attribute[0]?.to_ids).toBe(true);
    expect(merged.objects[0]?.ObjectReference?.map((r) => r.referenced_uuid)).toEqual([uuid('x'), uuid('y')]);
  });
});
