/**
 * Indicators: title, types, description, confidence, kill chain phases, valid times, the observable pattern (or
 * a composite expression of further indicators, AND/OR, nested), test mechanisms (Snort, YARA, OpenIOC…),
 * indicated TTPs, suggested COAs, sightings, related indicators/campaigns/packages, handling and producer.
 */
import type { XmlElement } from '../xml/tree';
import { attr, baseOf, boolAttr, BuildContext, describe, eachChild, intAttr, joinText, textOf } from './context';
import {
  confidence,
  informationSource,
  killChainPhaseRefs,
  packageReferences,
  related,
  relatedList,
  statement,
  vocab,
} from './common';
import { observable } from './cybox';
import { toGeneric } from './generic';
import { handling } from './markings';
import { ttp } from './ttp';
import { courseOfAction } from './course-of-action';
import { campaign } from './campaign';
import type { Indicator, Sighting, TestMechanism } from './types';

export function indicator(el: XmlElement, ctx: BuildContext): Indicator {
  const out: Indicator = {
    kind: 'indicator',
    ...baseOf(el),
    types: [],
    alternativeIds: [],
    validTimePositions: [],
    indicatedTTPs: [],
    killChainPhases: [],
    testMechanisms: [],
    suggestedCOAs: [],
    handling: [],
    sightings: [],
    relatedIndicators: [],
    relatedCampaigns: [],
    relatedPackages: [],
  };
  const version = attr(el, 'version');
  const negate = boolAttr(el, 'negate');
  if (version !== undefined) out.version = version;
  if (negate !== undefined) out.negate = negate;
  eachChild(el, out.extensions, (c, local) => {
    if (describe(out, c, local)) return;
    switch (local) {
      case 'Type':
        out.types.push(vocab(c));
        return;
      case 'Alternative_ID': {
        const t = textOf(c);
        if (t !== undefined) out.alternativeIds.push(t);
        return;
      }
      case 'Valid_Time_Position': {
        const vt: { start?: string; end?: string } = {};
        for (const t of c.children) {
          if (typeof t === 'string') continue;
          const v = textOf(t);
          if (v === undefined) continue;
          if (t.local === 'Start_Time') vt.start = v;
          else if (t.local === 'End_Time') vt.end = v;
        }
        out.validTimePositions.push(vt);
        return;
      }
      case 'Observable':
        out.observable = observable(c, ctx);
        return;
      case 'Composite_Indicator_Expression': {
        const operator = (attr(c, 'operator') ?? '').trim().toUpperCase();
        if (operator !== 'AND' && operator !== 'OR') ctx.warn(`Composite_Indicator_Expression with operator ${JSON.stringify(attr(c, 'operator') ?? '')}`);
        const indicators: Indicator[] = [];
        eachChild(c, out.extensions, (i, l) => (l === 'Indicator' ? void indicators.push(indicator(i, ctx)) : false));
        out.composition = { operator, indicators };
        return;
      }
      case 'Indicated_TTP':
        out.indicatedTTPs.push(related(c, ctx, 'TTP', ttp));
        return;
      case 'Kill_Chain_Phases':
        out.killChainPhases.push(...killChainPhaseRefs(c));
        return;
      case 'Test_Mechanisms':
        eachChild(c, out.extensions, (t, l) => (l === 'Test_Mechanism' ? void out.testMechanisms.push(testMechanism(t, ctx)) : false));
        return;
      case 'Likely_Impact':
        out.likelyImpact = statement(c, ctx);
        return;
      case 'Suggested_COAs':
        out.suggestedCOAs.push(...relatedList(c, ctx, 'Suggested_COA', 'Course_Of_Action', courseOfAction, out.extensions));
        return;
      case 'Handling':
        out.handling.push(...handling(c, ctx));
        return;
      case 'Confidence':
        out.confidence = confidence(c, ctx);
        return;
      case 'Sightings': {
        const count = intAttr(c, 'sightings_count');
        if (count !== undefined) out.sightingsCount = count;
        eachChild(c, out.extensions, (s, l) => (l === 'Sighting' ? void out.sightings.push(sighting(s, ctx)) : false));
        return;
      }
      case 'Related_Indicators':
        out.relatedIndicators.push(...relatedList(c, ctx, 'Related_Indicator', 'Indicator', indicator, out.extensions));
        return;
      case 'Related_Campaigns':
        out.relatedCampaigns.push(...relatedList(c, ctx, 'Related_Campaign', 'Campaign', campaign, out.extensions));
        return;
      case 'Related_Packages':
        out.relatedPackages.push(...packageReferences(c, ctx, out.extensions));
        return;
      case 'Producer':
        out.producer = informationSource(c, ctx);
        return;
      default:
        return false;
    }
  });
  return out;
}

function sighting(el: XmlElement, ctx: BuildContext): Sighting {
  const out: Sighting = { relatedObservables: [] };
  const ts = attr(el, 'timestamp');
  if (ts !== undefined) out.timestamp = ts;
  const ignored: TestMechanism['extensions'] = [];
  eachChild(el, ignored, (c, local) => {
    switch (local) {
      case 'Source':
        out.source = informationSource(c, ctx);
        return;
      case 'Reference': {
        const t = textOf(c);
        if (t !== undefined) out.reference = t;
        return;
      }
      case 'Confidence':
        out.confidence = confidence(c, ctx);
        return;
      case 'Description':
        out.description = joinText(out.description, textOf(c));
        return;
      case 'Related_Observables':
        out.relatedObservables.push(...relatedList(c, ctx, 'Related_Observable', 'Observable', observable, ignored));
        return;
      default:
        return false;
    }
  });
  return out;
}

const MECHANISMS: [RegExp, TestMechanism['mechanism']][] = [
  [/snort/i, 'snort'],
  [/yara/i, 'yara'],
  [/openioc/i, 'openioc'],
  [/oval/i, 'oval'],
  [/generic/i, 'generic'],
];

/**
 * A Test_Mechanism. Snort and YARA rules are read into `rules` (base64-decoded when `encoded="true"`, as the
 * EncodedCDATAType says); OpenIOC, OVAL and generic specifications are kept whole in `extensions`.
 */
function testMechanism(el: XmlElement, ctx: BuildContext): TestMechanism {
  const typeName = el.xsiType?.local ?? '';
  const mechanism = MECHANISMS.find(([re]) => re.test(typeName))?.[1] ?? 'other';
  const out: TestMechanism = { mechanism, rules: [], extensions: [] };
  const id = attr(el, 'id');
  const idref = attr(el, 'idref');
  if (id !== undefined) out.id = id;
  if (idref !== undefined) out.idref = idref;
  if (el.xsiType) out.xsiType = { ns: el.xsiType.ns, local: el.xsiType.local };
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    const local = c.local;
    if (local === 'Efficacy') out.efficacy = statement(c, ctx);
    else if (local === 'Producer') out.producer = informationSource(c, ctx);
    else if (local === 'Rule' && (mechanism === 'snort' || mechanism === 'yara')) {
      const text = textOf(c);
      if (text === undefined) continue;
      const encoded = attr(c, 'encoded')?.trim().toLowerCase();
      out.rules.push(encoded === 'true' || encoded === '1' ? Buffer.from(text, 'base64').toString('utf8') : text);
    } else if (local === 'Product_Name' && mechanism === 'snort') {
      const t = textOf(c);
      if (t !== undefined) out.productName = t;
    } else if (local === 'Version' && (mechanism === 'snort' || mechanism === 'yara')) {
      const t = textOf(c);
      if (t !== undefined) out.version = t;
    } else {
      out.extensions.push(toGeneric(c));
    }
  }
  return out;
}
