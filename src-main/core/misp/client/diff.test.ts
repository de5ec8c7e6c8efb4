import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../../../simulators/misp/sample-events';
import type { MispEvent, StoredEvent } from '../model';
import { buildEdit, diffEvent } from './diff';

/** The event as MISP echoes it: numbers as strings, server fields added, a local tag a MISP user put on. */
function echo(event: MispEvent): StoredEvent {
  const str = (v: unknown) => (v === undefined ? undefined : String(v));
  return {
    ...event,
    id: '12',
    threat_level_id: str(event.threat_level_id),
    analysis: str(event.analysis),
    distribution: str(event.distribution),
    timestamp: str(event.timestamp),
    published: false,
    Tag: [...(event.Tag ?? []).map((t, i) => ({ id: String(i + 1), name: t.name, local: 0 as unknown as boolean })), { id: '99', name: 'analyst:looked-at', local: true }],
    Attribute: (event.Attribute ?? []).map((a) => ({ ...a, id: '1', event_id: '12', distribution: '5', timestamp: '1469152451', deleted: false, object_relation: null as unknown as string })),
    Object: (event.Object ?? []).map((o) => ({
      ...o,
      template_version: String(o.template_version),
      deleted: false,
      Attribute: o.Attribute.map((a) => ({ ...a, value: a.type === 'md5' ? a.value.toUpperCase() : a.value, deleted: false })),
      ObjectReference: (o.ObjectReference ?? []).map((r) => ({ ...r, id: '3', deleted: false })),
    })),
  };
}

describe('diffEvent', () => {
  it('finds no change between an event and MISP\'s echo of it (strings, case, server fields, local tags)', () => {
    const event = sampleEvent('echo');
    const diff = diffEvent(event, echo(event), { tagPolicy: 'exact' });
    expect(diff.changed).toBe(false);
  });

  it('sees each kind of change and builds the edit that applies it', () => {
    const event = sampleEvent('change');
    const stored = echo(event);
    const file = event.Object?.[0];
    if (!file) throw new Error('sample has a file object');
    const want: MispEvent = {
      ...event,
      distribution: 1,
      Tag: [{ name: 'tlp:green' }],
      Attribute: [{ ...(event.Attribute?.[0] as NonNullable<MispEvent['Attribute']>[number]), to_ids: false }],
      Object: [{ ...file, ObjectReference: [] }],
    };
    const diff = diffEvent(want, stored, { tagPolicy: 'exact' });
    expect(diff.eventFields).toEqual(['distribution']);
    expect(diff.attributes.changed.map((a) => a.uuid)).toEqual([event.Attribute?.[0]?.uuid]);
    expect(diff.attributes.removed.map((a) => a.uuid)).toEqual([event.Attribute?.[1]?.uuid, event.Attribute?.[2]?.uuid]);
    expect(diff.objects.changed[0]?.referencesChanged).toBe(true);
    expect(diff.tags).toEqual({ added: ['tlp:green'], removed: ['tlp:amber', 'ais-marking:TLPMarking="AMBER"'] });

    const edit = buildEdit(want, diff, 1469152500).Event;
    expect(edit).toMatchObject({ uuid: event.uuid, distribution: 1, timestamp: 1469152500, published: false });
    const attributes = edit.Attribute as Array<Record<string, unknown>>;
    expect(attributes.map((a) => [a.uuid, a.deleted])).toEqual([
      [event.Attribute?.[0]?.uuid, false],
      [event.Attribute?.[1]?.uuid, true],
      [event.Attribute?.[2]?.uuid, true],
    ]);
    expect(attributes.every((a) => a.timestamp === undefined)).toBe(true);
    expect(edit.Tag).toEqual([{ name: 'tlp:green' }, { name: 'tlp:amber', deleted: true }, { name: 'ais-marking:TLPMarking="AMBER"', deleted: true }]);
    const objects = edit.Object as Array<{ ObjectReference: Array<Record<string, unknown>> }>;
    expect(objects[0]?.ObjectReference).toEqual([{ referenced_uuid: event.Attribute?.[0]?.uuid, relationship_type: 'communicates-with', deleted: true }]);
  });

  it('leaves extra tags alone with the add-only policy', () => {
    const event = sampleEvent('add-only');
    const diff = diffEvent({ ...event, Tag: [] }, echo(event), { tagPolicy: 'add-only' });
    expect(diff.tags.removed).toEqual([]);
    expect(diff.changed).toBe(false);
  });
});
