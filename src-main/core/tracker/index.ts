/** The tracker: what happened to every package, in an Avro file (see tracker.ts). */
export { Tracker, importLegacyTracker, type PackageState, type Verdict, type TrackerStats, type ListFilter, type TrackerOptions } from './tracker';
export { TRACK_OUTCOMES, DONE_OUTCOMES, FAILURE_OUTCOMES, type TrackRecord, type TrackOutcome, type TrackProcessType } from './record';
export { readOldServiceFile, isOldServiceSchema, type LegacyImportOptions } from './legacy';
export { nodeFs, type TrackerFs } from './fs-seam';
export { TRACKER_SCHEMA, SCHEMA_VERSION } from './schema';
