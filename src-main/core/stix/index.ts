/**
 * The STIX 1.x reader: packages out of TAXII content blocks, namespaces resolved, a typed model, a stable
 * content hash, hostile XML refused. See read.ts for the entry points and model/types.ts for the model.
 */
export { readPackages, readPackage, scanPackages, canonicalForm } from './read';
export type { ReadOptions, PackageEnvelope, ExtractedPackage } from './read';
export { StixError, isStixError } from './errors';
export type { StixErrorCode } from './errors';
export { DEFAULT_LIMITS, resolveLimits } from './limits';
export type { ReadLimits } from './limits';
export { NS, SUPPORTED_STIX_VERSIONS } from './namespaces';
export type { StixVersion } from './namespaces';
export { summarizePackage, summarizePackages, markingLabels } from './inspect';
export type { PackageSummary } from './inspect';
export { walkModel, indexIds, resolveRef, forEachExtension } from './model/walk';
export type { IdIndex } from './model/walk';
export { toXml, childNamed, childrenNamed, findPath, textAt, conditionOf } from './model/generic';
export type * from './model/types';
