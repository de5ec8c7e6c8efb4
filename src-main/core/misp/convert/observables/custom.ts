/**
 * What has no MISP type of its own, kept as `text` (never to_ids) with a comment naming where it came from:
 * Custom objects and Custom_Properties (MISP's importer does the same: text, comment = property name), Code
 * objects, and — `mapUnknown` — any CybOX type without a mapping: one text attribute listing its fields.
 */
import type { GenericElement } from '../../../stix/model/types';
import { describeVal, type Emitter } from './emit';

/** Every `Custom_Properties/Property` of the properties as a text attribute. */
export function mapCustomProperties(props: GenericElement, em: Emitter): void {
  for (const list of props.children) {
    if (list.name !== 'Custom_Properties') continue;
    em.touch(list);
    for (const p of list.children) {
      if (p.name !== 'Property' || em.isConsumed(p)) continue; // a mapper may have used it already (file text)
      const name = p.attributes['name'] ?? 'Property';
      for (const v of em.read(p, name)) em.text(v, `${em.cyboxType} custom property "${name}"`);
    }
  }
}

export function mapCustom(props: GenericElement, em: Emitter): void {
  mapCustomProperties(props, em);
  for (const v of em.readAt(props, 'Description', 'Description')) em.text(v, `${props.attributes['custom_name'] ?? 'Custom'} object description`);
}

export function mapCode(props: GenericElement, em: Emitter): void {
  mapCustomProperties(props, em);
  const details: string[] = [];
  for (const f of ['Type', 'Purpose', 'Code_Language', 'Processor_Family', 'Discovery_Method', 'Start_Address'] as const) {
    for (const v of em.readAt(props, f, f)) details.push(describeVal(f.replace(/_/g, ' '), v));
  }
  const comment = `Code${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
  for (const f of ['Description', 'Code_Segment', 'Code_Segment_XOR'] as const) {
    for (const v of em.readAt(props, f, f)) em.text(v, `${comment} ${f.replace(/_/g, ' ')}`);
  }
  if (em.attributes.length === 0 && details.length > 0) em.text({ value: details.join('\n'), exact: false, notes: [], field: 'Code' }, 'Code');
}

/** A CybOX type without a MISP mapping: its fields as one text attribute (`Field: value` lines). */
export function mapUnknown(props: GenericElement, em: Emitter): void {
  const lines: string[] = [];
  const go = (el: GenericElement, path: string): void => {
    for (const c of el.children) {
      const p = path === '' ? c.name : `${path}/${c.name}`;
      if (c.text !== undefined) for (const v of em.read(c, p)) lines.push(describeVal(p, v));
      go(c, p);
    }
  };
  go(props, '');
  if (lines.length > 0) em.text({ value: lines.join('\n'), exact: false, notes: [], field: em.cyboxType }, `CybOX ${em.cyboxType} (no MISP type; fields kept as text)`);
}
