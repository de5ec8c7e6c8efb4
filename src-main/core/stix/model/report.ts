/** STIX 1.2 Reports: a header and the constructs they group (usually idref stubs pointing into the package). */
import type { XmlElement } from '../xml/tree';
import { attr, baseOf, BuildContext, describe, eachChild } from './context';
import { informationSource, relatedList, vocab } from './common';
import { campaign } from './campaign';
import { courseOfAction } from './course-of-action';
import { observables } from './cybox';
import { exploitTarget } from './exploit-target';
import { incident } from './incident';
import { indicator } from './indicator';
import { handling } from './markings';
import { threatActor } from './threat-actor';
import { ttp } from './ttp';
import type { GenericElement, Report, ReportHeader } from './types';

export function report(el: XmlElement, ctx: BuildContext): Report {
  const out: Report = {
    kind: 'report',
    ...baseOf(el),
    observables: [],
    indicators: [],
    ttps: [],
    exploitTargets: [],
    incidents: [],
    coursesOfAction: [],
    campaigns: [],
    threatActors: [],
    relatedReports: [],
  };
  const version = attr(el, 'version');
  if (version !== undefined) out.version = version;
  const ext = out.extensions;
  const items = <T>(list: XmlElement, name: string, build: (e: XmlElement, ctx: BuildContext) => T, into: T[]): void =>
    eachChild(list, ext, (c, local) => (local === name ? void into.push(build(c, ctx)) : false));
  eachChild(el, ext, (c, local) => {
    switch (local) {
      case 'Header':
        out.header = reportHeader(c, ctx, ext);
        return;
      case 'Observables':
        out.observables.push(...observables(c, ctx, ext));
        return;
      case 'Indicators':
        return items(c, 'Indicator', indicator, out.indicators);
      case 'TTPs':
        return items(c, 'TTP', ttp, out.ttps);
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
      case 'Related_Reports':
        out.relatedReports.push(...relatedList(c, ctx, 'Related_Report', 'Report', report, ext));
        return;
      default:
        return false;
    }
  });
  return out;
}

function reportHeader(el: XmlElement, ctx: BuildContext, extensions: GenericElement[]): ReportHeader {
  const out: ReportHeader = { intents: [], handling: [] };
  eachChild(el, extensions, (c, local) => {
    if (describe(out, c, local)) return;
    if (local === 'Intent') out.intents.push(vocab(c));
    else if (local === 'Handling') out.handling.push(...handling(c, ctx));
    else if (local === 'Information_Source') out.informationSource = informationSource(c, ctx);
    else return false;
  });
  return out;
}
