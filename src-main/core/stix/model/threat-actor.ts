/** Threat Actors: identity, types, motivations, sophistication, intended effects, observed TTPs, associations. */
import type { XmlElement } from '../xml/tree';
import { attr, baseOf, BuildContext, describe, eachChild } from './context';
import { confidence, identity, informationSource, packageReferences, relatedList, statement } from './common';
import { campaign } from './campaign';
import { handling } from './markings';
import { ttp } from './ttp';
import type { ThreatActor } from './types';

export function threatActor(el: XmlElement, ctx: BuildContext): ThreatActor {
  const out: ThreatActor = {
    kind: 'threat-actor',
    ...baseOf(el),
    types: [],
    motivations: [],
    sophistications: [],
    intendedEffects: [],
    planningAndOperationalSupport: [],
    observedTTPs: [],
    associatedCampaigns: [],
    associatedActors: [],
    handling: [],
    relatedPackages: [],
  };
  const version = attr(el, 'version');
  if (version !== undefined) out.version = version;
  eachChild(el, out.extensions, (c, local) => {
    if (describe(out, c, local)) return;
    switch (local) {
      case 'Identity':
        out.identity = identity(c, ctx);
        return;
      case 'Type':
        out.types.push(statement(c, ctx));
        return;
      case 'Motivation':
        out.motivations.push(statement(c, ctx));
        return;
      case 'Sophistication':
        out.sophistications.push(statement(c, ctx));
        return;
      case 'Intended_Effect':
        out.intendedEffects.push(statement(c, ctx));
        return;
      case 'Planning_And_Operational_Support':
        out.planningAndOperationalSupport.push(statement(c, ctx));
        return;
      case 'Observed_TTPs':
        out.observedTTPs.push(...relatedList(c, ctx, 'Observed_TTP', 'TTP', ttp, out.extensions));
        return;
      case 'Associated_Campaigns':
        out.associatedCampaigns.push(...relatedList(c, ctx, 'Associated_Campaign', 'Campaign', campaign, out.extensions));
        return;
      case 'Associated_Actors':
        out.associatedActors.push(...relatedList(c, ctx, 'Associated_Actor', 'Threat_Actor', threatActor, out.extensions));
        return;
      case 'Handling':
        out.handling.push(...handling(c, ctx));
        return;
      case 'Confidence':
        out.confidence = confidence(c, ctx);
        return;
      case 'Information_Source':
        out.informationSource = informationSource(c, ctx);
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
