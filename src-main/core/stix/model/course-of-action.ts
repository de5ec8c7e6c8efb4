/** Courses of Action: stage, type, objective, parameter observables, impact / cost / efficacy, related COAs. */
import type { XmlElement } from '../xml/tree';
import { attr, baseOf, BuildContext, describe, eachChild, joinText, textOf } from './context';
import { confidence, informationSource, packageReferences, relatedList, statement, vocab } from './common';
import { observables } from './cybox';
import { toGeneric } from './generic';
import { handling } from './markings';
import type { CourseOfAction } from './types';

export function courseOfAction(el: XmlElement, ctx: BuildContext): CourseOfAction {
  const out: CourseOfAction = {
    kind: 'course-of-action',
    ...baseOf(el),
    parameterObservables: [],
    handling: [],
    relatedCOAs: [],
    relatedPackages: [],
  };
  const version = attr(el, 'version');
  if (version !== undefined) out.version = version;
  eachChild(el, out.extensions, (c, local) => {
    if (describe(out, c, local)) return;
    switch (local) {
      case 'Stage':
        out.stage = vocab(c);
        return;
      case 'Type':
        out.coaType = vocab(c);
        return;
      case 'Objective': {
        const o: NonNullable<CourseOfAction['objective']> = {};
        eachChild(c, out.extensions, (k, l) => {
          if (l === 'Description') o.description = joinText(o.description, textOf(k));
          else if (l === 'Short_Description') o.shortDescription = joinText(o.shortDescription, textOf(k));
          else if (l === 'Applicability_Confidence') o.applicabilityConfidence = confidence(k, ctx);
          else return false;
        });
        out.objective = o;
        return;
      }
      case 'Parameter_Observables':
        out.parameterObservables.push(...observables(c, ctx, out.extensions));
        return;
      case 'Structured_COA':
        out.structuredCOA = toGeneric(c);
        return;
      case 'Impact':
        out.impact = statement(c, ctx);
        return;
      case 'Cost':
        out.cost = statement(c, ctx);
        return;
      case 'Efficacy':
        out.efficacy = statement(c, ctx);
        return;
      case 'Information_Source':
        out.informationSource = informationSource(c, ctx);
        return;
      case 'Handling':
        out.handling.push(...handling(c, ctx));
        return;
      case 'Related_COAs':
        out.relatedCOAs.push(...relatedList(c, ctx, 'Related_COA', 'Course_Of_Action', courseOfAction, out.extensions));
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
