/**
 * The MISP client: one object per destination, holding the connection pool. It checks health, upserts converted
 * events (native mode) and uploads raw STIX (stix mode), retrying what can succeed later.
 */
import type { MispEvent } from '../model';
import { isRetryable } from './errors';
import { checkMispStatus, fetchIdentity, type MispHealth, type MispIdentity } from './health';
import { MispHttp } from './http';
import { KeyedLock } from './keyed-lock';
import { resolveOptions, type MispClientOptions, type ResolvedMispOptions } from './options';
import { withRetry } from './retry';
import { uploadStixOnce, type StixPackageUpload, type StixUploadResult, type StixUploadState } from './stix-mode';
import { prepareEvent, publishEvent, upsertOnce, type UpsertContext, type UpsertResult } from './upsert';

export class MispClient {
  readonly options: ResolvedMispOptions;
  private readonly http: MispHttp;
  private readonly lock = new KeyedLock();
  private identity?: Promise<MispIdentity>;

  constructor(options: MispClientOptions) {
    this.options = resolveOptions(options);
    this.http = new MispHttp(this.options);
  }

  /** Requests sent so far. */
  get requestCount(): number {
    return this.http.requestCount;
  }

  /** Reachability, key, version, organisation, and the role permissions the configured mode lacks. Never throws. */
  checkMispStatus(): Promise<MispHealth> {
    return checkMispStatus(this.http, this.options.mode, this.options.publish);
  }

  /** The key's user, organisation and role (fetched once, then remembered). */
  whoAmI(): Promise<MispIdentity> {
    this.identity ??= fetchIdentity(this.http).catch((e: unknown) => {
      this.identity = undefined;
      throw e;
    });
    return this.identity;
  }

  /** Native mode: make MISP hold exactly this event (see upsert.ts). */
  async upsert(event: MispEvent): Promise<UpsertResult> {
    const { event: prepared, warnings } = prepareEvent(event, this.options.allowNewerTypes);
    const ctx: UpsertContext = {
      http: this.http,
      publish: this.options.publish,
      tagPolicy: this.options.tagPolicy,
      nowSeconds: () => Math.floor(this.options.now() / 1000),
    };
    return this.lock.run(prepared.uuid, () =>
      this.retrying(`upsert of event ${prepared.uuid}`, async (attempt) => ({ ...(await upsertOnce(ctx, prepared, warnings)), attempts: attempt })),
    );
  }

  /** Stix mode: upload a raw STIX package through MISP's own importer, findable and at the right distribution. */
  async uploadStix(upload: StixPackageUpload): Promise<StixUploadResult> {
    const state: StixUploadState = { warnings: [] };
    const ctx = {
      http: this.http,
      publish: this.options.publish,
      distribution: this.options.distribution,
      ...(this.options.source.sharingGroupId !== undefined ? { sharingGroupId: this.options.source.sharingGroupId } : {}),
      nowSeconds: () => Math.floor(this.options.now() / 1000),
      orgId: async () => (await this.whoAmI()).orgId,
    };
    return this.lock.run(`stix:${upload.packageId}`, () =>
      this.retrying(`STIX upload of ${upload.packageId}`, async (attempt) => ({ ...(await uploadStixOnce(ctx, upload, state)), attempts: attempt })),
    );
  }

  /** Publishes an event (by uuid or id). */
  publish(idOrUuid: string): Promise<void> {
    return this.retrying(`publish of ${idOrUuid}`, () => publishEvent(this.http, idOrUuid));
  }

  /** Closes the connection pool; waits for requests in flight. */
  close(): Promise<void> {
    return this.http.close();
  }

  private retrying<T>(what: string, operation: (attempt: number) => Promise<T>): Promise<T> {
    return withRetry(operation, this.options.retry, {
      random: this.options.random,
      shouldRetry: isRetryable,
      onRetry: (error, next, delay) =>
        this.options.logger.warn(`MISP: ${what} failed (${error.code}: ${error.message}); attempt ${next} of ${this.options.retry.attempts} in ${Math.round(delay)} ms`),
    });
  }
}

export function createMispClient(options: MispClientOptions): MispClient {
  return new MispClient(options);
}
