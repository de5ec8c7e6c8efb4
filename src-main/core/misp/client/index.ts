/** The MISP REST client: health, native-mode upsert, stix-mode upload, typed errors. */
export { MispClient, createMispClient } from './client';
export type { MispClientOptions, ImportMode, ResolvedMispOptions } from './options';
export { mispBaseUrl } from './options';
export type { MispHealth, MispIdentity, MispPermission, PermissionGap } from './health';
export { permissionGaps } from './health';
export type { UpsertOutcome, UpsertResult } from './upsert';
export type { StixPackageUpload, StixUploadOutcome, StixUploadResult } from './stix-mode';
export { PACKAGE_MARKER, packageHash } from './stix-mode';
export type { SharingGroupInfo, SharingGroupRef } from './sharing-group';
export { describeSharingGroupRef, parseSharingGroupRef } from './sharing-group';
export type { SharingGroupHealth } from './health';
export type { ChangeSummary, EventDiff } from './diff';
export { diffEvent, buildEdit } from './diff';
export type { RetryPolicy } from './retry';
export { DEFAULT_RETRY, backoffDelay, withRetry } from './retry';
export { uploadAll } from './upload-all';
export { mispClientOptionsFromConfig } from './from-config';
export type { MispOptionsExtras } from './from-config';
export type { Settled, UploadAllOptions } from './upload-all';
export {
  MispError,
  MispAuthError,
  MispConfigError,
  MispConflictError,
  MispEventInvalidError,
  MispNetworkError,
  MispNotFoundError,
  MispPermissionError,
  MispProtocolError,
  MispProxyError,
  MispRejectedError,
  MispServerError,
  MispSharingGroupError,
  MispTimeoutError,
  MispTlsError,
  MispUploadUncertainError,
  MispValidationError,
  isRetryable,
} from './errors';
