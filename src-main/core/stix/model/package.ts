/** The STIX_Package itself: header, the top-level construct lists, and related packages (read recursively). */
import { STIX_FAMILY } from '../namespaces';
import type { XmlElement } from '../xml/tree';
import { attr, baseOf, BuildContext, describe, eachChild, textOf } from './context';
import { informationSource, killChain, related, vocab } from './common';
import { campaign } from './campaign';
import { courseOfAction } from './course-of-action';
import { observable, observables } from './cybox';
import { exploitTarget } from './exploit-target';
import { incident } from './incident';
import { indicator } from './indicator';
import { handling } from './markings';
import { report } from './report';
import { threatActor } from './threat-actor';
import { ttp } from './ttp';
import type { StixHeader, StixPackage } from './types';

/**
 * The package's lists whose every item is read on its own, by the builder given: the list's name → its items'
 * name and builder. stixPackage reads these lists with them, and so does read.ts, while parsing (packageItemReader).
 */
const ITEM_LISTS: ReadonlyMap<string, [item: string, read: (el: XmlElement, ctx: BuildContext) => unknown]> = new Map<string, [string, (el: XmlElement, ctx: BuildContext) => unknown]>([
  ['Observables', ['Observable', observable]],
  ['Indicators', ['Indicator', indicator]],
  ['TTPs', ['TTP', ttp]],
  ['Exploit_Targets', ['Exploit_Target', exploitTarget]],
  ['Incidents', ['Incident', incident]],
  ['Courses_Of_Action', ['Course_Of_Action', courseOfAction]],
  ['Campaigns', ['Campaign', campaign]],
  ['Threat_Actors', ['Threat_Actor', threatActor]],
  ['Reports', ['Report', report]],
]);

/**
 * How stixPackage reads `item`, a child of `list`, a child of the package: the builder it calls for it (an
 * Indicator of Indicators…), or undefined when it reads it otherwise (a Kill_Chains of TTPs, an extension).
 */
export function packageItemReader(list: XmlElement, item: XmlElement): ((el: XmlElement, ctx: BuildContext) => unknown) | undefined {
  // stixPackage visits (eachChild) only the lists and items of the STIX family's namespaces.
  if (!STIX_FAMILY.has(list.ns) || !STIX_FAMILY.has(item.ns)) return undefined;
  const entry = ITEM_LISTS.get(list.local);
  return entry !== undefined && entry[0] === item.local ? entry[1] : undefined;
}

/** Builds the model of a STIX_Package element (or of a related package's `Package`). */
export function stixPackage(el: XmlElement, ctx: BuildContext): StixPackage {
  const out: StixPackage = {
    kind: 'package',
    ...baseOf(el),
    observables: [],
    indicators: [],
    ttps: [],
    killChains: [],
    exploitTargets: [],
    incidents: [],
    coursesOfAction: [],
    campaigns: [],
    threatActors: [],
    reports: [],
    relatedPackages: [],
  };
  const version = attr(el, 'version');
  if (version !== undefined) out.version = version;
  const ext = out.extensions;
  // The lists and builders here are those of ITEM_LISTS: keep both in step (corpus.test.ts compares the models
  // read with items built while parsing and without).
  const items = <T>(list: XmlElement, name: string, build: (e: XmlElement, ctx: BuildContext) => T, into: T[]): void =>
    eachChild(list, ext, (c, local) => (local === name ? void into.push(ctx.item(c, build)) : false));
  eachChild(el, ext, (c, local) => {
    switch (local) {
      case 'STIX_Header':
        out.header = header(c, ctx);
        return;
      case 'Observables':
        out.observables.push(...observables(c, ctx, ext));
        return;
      case 'Indicators':
        return items(c, 'Indicator', indicator, out.indicators);
      case 'TTPs':
        eachChild(c, ext, (t, l) => {
          if (l === 'TTP') out.ttps.push(ctx.item(t, ttp));
          else if (l === 'Kill_Chains') {
            for (const k of t.children) if (typeof k !== 'string' && k.local === 'Kill_Chain') out.killChains.push(killChain(k));
          } else return false;
        });
        return;
      case 'Exploit_Targets':
        return items(c, 'Exploit_Target', exploitTarget, out.exploitTargets);
      case 'Incidents':
        return items(c, 'Incident', incident, out.incidents);
      case 'Courses_Of_Action':
        return items(c, 'Course_Of_Action', courseOfAction, out.coursesOfAction);
      case 'Campaigns':
        return items(c, 'Campaign', campaign, out.campaigns);
      case 'Threat_Actors':
        return items(c, 'Threat_Actor', threatActor, out.threatActors);
      case 'Reports':
        return items(c, 'Report', report, out.reports);
      case 'Related_Packages':
        eachChild(c, ext, (r, l) => (l === 'Related_Package' ? void out.relatedPackages.push(related(r, ctx, 'Package', stixPackage)) : false));
        return;
      default:
        return false;
    }
  });
  return out;
}

function header(el: XmlElement, ctx: BuildContext): StixHeader {
  const out: StixHeader = { packageIntents: [], profiles: [], handling: [], extensions: [] };
  eachChild(el, out.extensions, (c, local) => {
    if (describe(out, c, local)) return;
    switch (local) {
      case 'Package_Intent':
        out.packageIntents.push(vocab(c));
        return;
      case 'Profiles':
        for (const p of c.children) {
          if (typeof p === 'string' || p.local !== 'Profile') continue;
          const t = textOf(p);
          if (t !== undefined) out.profiles.push(t);
        }
        return;
      case 'Handling':
        out.handling.push(...handling(c, ctx));
        return;
      case 'Information_Source':
        out.informationSource = informationSource(c, ctx);
        return;
      default:
        return false;
    }
  });
  return out;
}
