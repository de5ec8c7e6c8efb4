/**
 * Data markings (`Handling`): TLP, the DHS AIS marking (consent + TLP + proprietary), terms of use, simple
 * statements; any other marking model (ISA/EDH, a producer's own) is kept whole. The structure kind comes from
 * the local name of the resolved `xsi:type`, so any prefix works.
 */
import { attrValue, type XmlElement } from '../xml/tree';
import { attr, BuildContext, eachChild, textOf } from './context';
import { informationSource } from './common';
import { toGeneric } from './generic';
import type { AisConsent, GenericElement, Marking, MarkingStructure, TlpColor } from './types';

const TLP_COLORS = new Set<string>(['WHITE', 'GREEN', 'AMBER', 'RED']);
const AIS_CONSENTS = new Set<string>(['EVERYONE', 'USG', 'NONE']);

/** The `Marking` children of a `Handling` element. */
export function handling(el: XmlElement, ctx: BuildContext): Marking[] {
  const out: Marking[] = [];
  const ignored: GenericElement[] = [];
  eachChild(el, ignored, (c, local) => (local === 'Marking' ? void out.push(marking(c, ctx)) : false));
  if (ignored.length) ctx.warn(`Handling holds ${ignored.length} element(s) that are not markings; they were ignored`);
  return out;
}

function marking(el: XmlElement, ctx: BuildContext): Marking {
  const out: Marking = { structures: [] };
  for (const key of ['id', 'idref', 'version'] as const) {
    const v = attr(el, key);
    if (v !== undefined) out[key] = v;
  }
  const other: GenericElement[] = [];
  eachChild(el, other, (c, local) => {
    if (local === 'Controlled_Structure') {
      const t = textOf(c);
      if (t !== undefined) out.controlledStructure = t;
    } else if (local === 'Marking_Structure') out.structures.push(markingStructure(c, ctx));
    else if (local === 'Information_Source') out.informationSource = informationSource(c, ctx);
    else return false;
  });
  for (const g of other) out.structures.push({ kind: 'other', content: g });
  return out;
}

function markingStructure(el: XmlElement, ctx: BuildContext): MarkingStructure {
  const common: { id?: string; idref?: string; xsiType?: { ns: string; local: string }; modelName?: string; modelRef?: string } = {};
  const id = attr(el, 'id');
  const idref = attr(el, 'idref');
  const modelName = attr(el, 'marking_model_name');
  const modelRef = attr(el, 'marking_model_ref');
  if (id !== undefined) common.id = id;
  if (idref !== undefined) common.idref = idref;
  if (modelName !== undefined) common.modelName = modelName;
  if (modelRef !== undefined) common.modelRef = modelRef;
  if (el.xsiType) common.xsiType = { ns: el.xsiType.ns, local: el.xsiType.local };

  switch (el.xsiType?.local) {
    case 'TLPMarkingStructureType': {
      const color = tlpColor(attr(el, 'color'), ctx);
      return { kind: 'tlp', ...common, ...(color ? { color } : {}) };
    }
    case 'AISMarkingStructure':
      return aisMarking(el, common, ctx);
    case 'TermsOfUseMarkingStructureType':
      return { kind: 'terms-of-use', ...common, text: childText(el, 'Terms_Of_Use') };
    case 'SimpleMarkingStructureType':
      return { kind: 'simple', ...common, statement: childText(el, 'Statement') };
    default:
      return { kind: 'other', ...common, content: toGeneric(el) };
  }
}

function aisMarking(el: XmlElement, common: object, ctx: BuildContext): MarkingStructure {
  let proprietary = false;
  let cisaProprietary: boolean | undefined;
  let consent: AisConsent | undefined;
  let color: TlpColor | undefined;
  for (const c of el.children) {
    if (typeof c === 'string' || (c.local !== 'Is_Proprietary' && c.local !== 'Not_Proprietary')) continue;
    proprietary = c.local === 'Is_Proprietary';
    const cisa = attr(c, 'CISA_Proprietary')?.trim().toLowerCase();
    if (cisa !== undefined) cisaProprietary = cisa === 'true' || cisa === '1';
    for (const d of c.children) {
      if (typeof d === 'string') continue;
      if (d.local === 'AISConsent') {
        const v = attrValue(d, 'consent')?.trim().toUpperCase();
        if (v !== undefined && AIS_CONSENTS.has(v)) consent = v as AisConsent;
        else ctx.warn(`AIS marking with an unknown consent value ${JSON.stringify(attrValue(d, 'consent') ?? '')}`);
      } else if (d.local === 'TLPMarking') color = tlpColor(attrValue(d, 'color'), ctx);
    }
  }
  return {
    kind: 'ais',
    ...common,
    proprietary,
    ...(cisaProprietary !== undefined ? { cisaProprietary } : {}),
    ...(consent ? { consent } : {}),
    ...(color ? { color } : {}),
  };
}

function tlpColor(value: string | undefined, ctx: BuildContext): TlpColor | undefined {
  if (value === undefined) return undefined;
  const upper = value.trim().toUpperCase();
  if (TLP_COLORS.has(upper)) return upper as TlpColor;
  ctx.warn(`TLP marking with an unknown colour ${JSON.stringify(value)}`);
  return undefined;
}

function childText(el: XmlElement, local: string): string {
  let out: string | undefined;
  for (const c of el.children) {
    if (typeof c !== 'string' && c.local === local) {
      const t = textOf(c);
      if (t !== undefined) out = out === undefined ? t : `${out}\n\n${t}`;
    }
  }
  return out ?? '';
}
