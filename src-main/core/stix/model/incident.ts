/**
 * Incidents: times, categories, reporter / responders / victims, affected assets, impact, status, and what the
 * incident relates to (indicators, observables, leveraged TTPs, attributed actors, other incidents), COAs
 * requested and taken, history.
 */
import type { XmlElement } from '../xml/tree';
import { attr, baseOf, BuildContext, describe, eachChild, joinText, textOf } from './context';
import { confidence, identity, informationSource, packageReferences, relatedList, statement, vocab } from './common';
import { observable, observables } from './cybox';
import { courseOfAction } from './course-of-action';
import { toGeneric } from './generic';
import { indicator } from './indicator';
import { handling } from './markings';
import { threatActor } from './threat-actor';
import { ttp } from './ttp';
import type { AffectedAsset, GenericElement, Incident, IncidentCourseOfAction } from './types';

export function incident(el: XmlElement, ctx: BuildContext): Incident {
  const out: Incident = {
    kind: 'incident',
    ...baseOf(el),
    externalIds: [],
    time: {},
    categories: [],
    responders: [],
    coordinators: [],
    victims: [],
    affectedAssets: [],
    relatedIndicators: [],
    relatedObservables: [],
    leveragedTTPs: [],
    attributedThreatActors: [],
    intendedEffects: [],
    discoveryMethods: [],
    relatedIncidents: [],
    coaRequested: [],
    coaTaken: [],
    contacts: [],
    history: [],
    handling: [],
    relatedPackages: [],
  };
  const version = attr(el, 'version');
  const url = attr(el, 'URL');
  if (version !== undefined) out.version = version;
  if (url !== undefined) out.url = url;
  eachChild(el, out.extensions, (c, local) => {
    if (describe(out, c, local)) return;
    switch (local) {
      case 'External_ID': {
        const value = textOf(c);
        const source = attr(c, 'source');
        if (value !== undefined) out.externalIds.push(source !== undefined ? { source, value } : { value });
        return;
      }
      case 'Time':
        for (const t of c.children) {
          if (typeof t === 'string') continue;
          const v = textOf(t);
          if (v !== undefined) out.time[camel(t.local)] = v;
        }
        return;
      case 'Categories':
        for (const k of c.children) if (typeof k !== 'string' && k.local === 'Category') out.categories.push(vocab(k));
        return;
      case 'Reporter':
        out.reporter = informationSource(c, ctx);
        return;
      case 'Responder':
        out.responders.push(informationSource(c, ctx));
        return;
      case 'Coordinator':
        out.coordinators.push(informationSource(c, ctx));
        return;
      case 'Victim':
        out.victims.push(identity(c, ctx));
        return;
      case 'Affected_Assets':
        eachChild(c, out.extensions, (a, l) => (l === 'Affected_Asset' ? void out.affectedAssets.push(affectedAsset(a, ctx)) : false));
        return;
      case 'Impact_Assessment': {
        const ia: NonNullable<Incident['impactAssessment']> = { effects: [], details: toGeneric(c) };
        for (const k of c.children) {
          if (typeof k === 'string') continue;
          if (k.local === 'Effects') {
            for (const e of k.children) if (typeof e !== 'string' && e.local === 'Effect') ia.effects.push(vocab(e));
          } else if (k.local === 'Impact_Qualification') ia.impactQualification = vocab(k);
        }
        out.impactAssessment = ia;
        return;
      }
      case 'Status':
        out.status = vocab(c);
        return;
      case 'Related_Indicators':
        out.relatedIndicators.push(...relatedList(c, ctx, 'Related_Indicator', 'Indicator', indicator, out.extensions));
        return;
      case 'Related_Observables':
        out.relatedObservables.push(...relatedList(c, ctx, 'Related_Observable', 'Observable', observable, out.extensions));
        return;
      case 'Leveraged_TTPs':
        out.leveragedTTPs.push(...relatedList(c, ctx, 'Leveraged_TTP', 'TTP', ttp, out.extensions));
        return;
      case 'Attributed_Threat_Actors':
        out.attributedThreatActors.push(...relatedList(c, ctx, 'Threat_Actor', 'Threat_Actor', threatActor, out.extensions));
        return;
      case 'Intended_Effect':
        out.intendedEffects.push(statement(c, ctx));
        return;
      case 'Security_Compromise':
        out.securityCompromise = vocab(c);
        return;
      case 'Discovery_Method':
        out.discoveryMethods.push(vocab(c));
        return;
      case 'Related_Incidents':
        out.relatedIncidents.push(...relatedList(c, ctx, 'Related_Incident', 'Incident', incident, out.extensions));
        return;
      case 'COA_Requested':
        out.coaRequested.push(incidentCoa(c, ctx));
        return;
      case 'COA_Taken':
        out.coaTaken.push(incidentCoa(c, ctx));
        return;
      case 'Confidence':
        out.confidence = confidence(c, ctx);
        return;
      case 'Contact':
        out.contacts.push(informationSource(c, ctx));
        return;
      case 'History':
        eachChild(c, out.extensions, (h, l) => {
          if (l !== 'History_Item') return false;
          const item: Incident['history'][number] = {};
          eachChild(h, out.extensions, (k, kl) => {
            if (kl === 'Journal_Entry') {
              const entry: { author?: string; time?: string; text: string } = { text: textOf(k) ?? '' };
              const author = attr(k, 'author');
              const time = attr(k, 'time');
              if (author !== undefined) entry.author = author;
              if (time !== undefined) entry.time = time;
              item.journalEntry = entry;
            } else if (kl === 'Action_Entry') item.actionEntry = incidentCoa(k, ctx);
            else return false;
          });
          out.history.push(item);
        });
        return;
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

function affectedAsset(el: XmlElement, ctx: BuildContext): AffectedAsset {
  const out: AffectedAsset = { propertiesAffected: [], structuredDescription: [], extensions: [] };
  eachChild(el, out.extensions, (c, local) => {
    switch (local) {
      case 'Type': {
        out.type = vocab(c);
        const count = attr(c, 'count_affected');
        if (count !== undefined) out.countAffected = count;
        return;
      }
      case 'Description':
        out.description = joinText(out.description, textOf(c));
        return;
      case 'Business_Function_Or_Role':
        out.businessFunctionOrRole = joinText(out.businessFunctionOrRole, textOf(c));
        return;
      case 'Ownership_Class':
        out.ownershipClass = vocab(c);
        return;
      case 'Management_Class':
        out.managementClass = vocab(c);
        return;
      case 'Location_Class':
        out.locationClass = vocab(c);
        return;
      case 'Nature_Of_Security_Effect':
        eachChild(c, out.extensions, (p, l) => {
          if (l !== 'Property_Affected') return false;
          const pa: AffectedAsset['propertiesAffected'][number] = {};
          eachChild(p, out.extensions, (k, kl) => {
            if (kl === 'Property') pa.property = vocab(k);
            else if (kl === 'Description_Of_Effect') pa.descriptionOfEffect = joinText(pa.descriptionOfEffect, textOf(k));
            else if (kl === 'Type_Of_Availability_Loss') pa.typeOfAvailabilityLoss = vocab(k);
            else if (kl === 'Duration_Of_Availability_Loss') pa.durationOfAvailabilityLoss = vocab(k);
            else if (kl === 'Non_Public_Data_Compromised') pa.nonPublicDataCompromised = vocab(k);
            else return false;
          });
          out.propertiesAffected.push(pa);
        });
        return;
      case 'Structured_Description':
        out.structuredDescription.push(...observables(c, ctx, out.extensions));
        return;
      default:
        return false;
    }
  });
  return out;
}

function incidentCoa(el: XmlElement, ctx: BuildContext): IncidentCourseOfAction {
  const out: IncidentCourseOfAction = { extensions: [] };
  const priority = attr(el, 'priority');
  if (priority !== undefined) out.priority = priority;
  const extensions: GenericElement[] = out.extensions;
  eachChild(el, extensions, (c, local) => {
    if (local === 'Course_Of_Action') out.courseOfAction = courseOfAction(c, ctx);
    else if (local === 'Time') {
      const time: { start?: string; end?: string } = {};
      for (const t of c.children) {
        if (typeof t === 'string') continue;
        const v = textOf(t);
        if (v === undefined) continue;
        if (t.local === 'Start') time.start = v;
        else if (t.local === 'End') time.end = v;
      }
      out.time = time;
    } else return false;
  });
  return out;
}

/** `First_Malicious_Action` → `firstMaliciousAction`. */
function camel(name: string): string {
  return name.toLowerCase().replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
}
