/**
 * The whole STIX package → one MISP event (issue 7). `buildEvent` uses the CybOX mapper of observables/ (issue 6);
 * `buildEventWith` takes another mapper (tests). See README.md for the decisions.
 */
import type { ExtractedPackage } from '../../../stix/index';
import type { StixPackage } from '../../../stix/model/types';
import { mapObservable } from '../observables/index';
import { buildEventWith, type BuildEventOptions, type BuiltEvent } from './build';

export { buildEventWith, EventBuildError } from './build';
export type { BuildEventOptions, BuiltEvent, EventSettings } from './build';
export { decide, distributionName, policySettings, readMarkings } from './markings';
export type { DistributionDecision, MarkingFacts, PolicyReason, PolicySettings } from './markings';
export { eventUuidFor, parseStixTime } from './package-info';
export { PACKAGE_ID_COMMENT } from './header';
export { countEvent, eventJson, summarizeReport } from './summary';
export type { EventCounts, ReportSummary } from './summary';

/** One package → one MISP event, checked like MISP checks it. Throws EventBuildError when MISP would refuse it. */
export function buildEvent(input: ExtractedPackage | StixPackage, options: BuildEventOptions = {}): BuiltEvent {
  return buildEventWith(mapObservable, input, options);
}
