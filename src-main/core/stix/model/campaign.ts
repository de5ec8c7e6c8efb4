/** Campaigns: names, status, intended effects, related TTPs / incidents / indicators, attribution, activity. */
import type { XmlElement } from '../xml/tree';
import { attr, baseOf, BuildContext, describe, eachChild, joinText, textOf } from './context';
import { confidence, informationSource, packageReferences, relatedList, statement, vocab } from './common';
import { incident } from './incident';
import { indicator } from './indicator';
import { handling } from './markings';
import { threatActor } from './threat-actor';
import { ttp } from './ttp';
import type { Campaign } from './types';

/** A Campaign, or a CampaignReferenceType (idref + Names) as Related_Campaign of an indicator holds. */
export function campaign(el: XmlElement, ctx: BuildContext): Campaign {
  const out: Campaign = {
    kind: 'campaign',
    ...baseOf(el),
    names: [],
    intendedEffects: [],
    relatedTTPs: [],
    relatedIncidents: [],
    relatedIndicators: [],
    attribution: [],
    associatedCampaigns: [],
    activity: [],
    handling: [],
    relatedPackages: [],
  };
  const version = attr(el, 'version');
  if (version !== undefined) out.version = version;
  eachChild(el, out.extensions, (c, local) => {
    if (describe(out, c, local)) return;
    switch (local) {
      case 'Names':
        for (const n of c.children) if (typeof n !== 'string' && n.local === 'Name') out.names.push(vocab(n));
        return;
      case 'Intended_Effect':
        out.intendedEffects.push(statement(c, ctx));
        return;
      case 'Status':
        out.status = vocab(c);
        return;
      case 'Related_TTPs':
        out.relatedTTPs.push(...relatedList(c, ctx, 'Related_TTP', 'TTP', ttp, out.extensions));
        return;
      case 'Related_Incidents':
        out.relatedIncidents.push(...relatedList(c, ctx, 'Related_Incident', 'Incident', incident, out.extensions));
        return;
      case 'Related_Indicators':
        out.relatedIndicators.push(...relatedList(c, ctx, 'Related_Indicator', 'Indicator', indicator, out.extensions));
        return;
      case 'Attribution':
        out.attribution.push(relatedList(c, ctx, 'Attributed_Threat_Actor', 'Threat_Actor', threatActor, out.extensions));
        return;
      case 'Associated_Campaigns':
        out.associatedCampaigns.push(...relatedList(c, ctx, 'Associated_Campaign', 'Campaign', campaign, out.extensions));
        return;
      case 'Confidence':
        out.confidence = confidence(c, ctx);
        return;
      case 'Activity': {
        const a: Campaign['activity'][number] = {};
        eachChild(c, out.extensions, (k, l) => {
          if (l === 'Date_Time') {
            const t = textOf(k);
            if (t !== undefined) a.dateTime = t;
          } else if (l === 'Description') a.description = joinText(a.description, textOf(k));
          else return false;
        });
        out.activity.push(a);
        return;
      }
      case 'Information_Source':
        out.informationSource = informationSource(c, ctx);
        return;
      case 'Handling':
        out.handling.push(...handling(c, ctx));
        return;
      case 'Related_Packages':
        out.relatedPackages.push(...packageReferences(c, ctx, out.extensions));
        return;
      default:
        return false;
    }
  });
  return out;
}
