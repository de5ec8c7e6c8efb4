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
import { SharingGroupResolver, type SharingGroupInfo } from './sharing-group';
import { uploadStixOnce, type StixContext, type StixPackageUpload, type StixUploadResult, type StixUploadState } from './stix-mode';
import { prepareEvent, publishEvent, upsertOnce, type UpsertContext, type UpsertResult } from './upsert';

export class MispClient {
  readonly options: ResolvedMispOptions;
  private readonly http: MispHttp;
  private readonly lock = new KeyedLock();
  private identity?: Promise<MispIdentity>;
  private readonly sharingGroups: SharingGroupResolver;

  constructor(options: MispClientOptions) {
    this.options = resolveOptions(options);
    this.http = new MispHttp(this.options);
    this.sharingGroups = new SharingGroupResolver(this.http, this.options.sharingGroup);
  }

  /** Requests sent so far. */
  get requestCount(): number {
    return this.http.requestCount;
  }

  /** Reachability, key, version, organisation, and the role permissions the configured mode lacks. Never throws. */
  checkMispStatus(): Promise<MispHealth> {
    return checkMispStatus(this.http, this.options.mode, this.options.publish, this.sharingGroups);
  }

  /**
   * The configured sharing group with MISP's numeric id (undefined when none is configured). A uuid or name is looked
   * up once, then remembered; callers that build events (the converter wants the id) ask here. Throws
   * MispSharingGroupError when the key cannot see the group.
   */
  sharingGroup(): Promise<SharingGroupInfo | undefined> {
    return this.retrying('sharing group lookup', () => this.sharingGroups.resolve());
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
    const { event: prepared, warnings } = prepareEvent(await this.withSharingGroup(event), this.options.allowNewerTypes);
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
    const ctx: StixContext = {
      http: this.http,
      publish: this.options.publish,
      distribution: this.options.distribution,
      sharingGroupId: () => this.sharingGroups.id(),
      nowSeconds: () => Math.floor(this.options.now() / 1000),
      orgId: async () => (await this.whoAmI()).orgId,
    };
    return this.lock.run(`stix:${upload.packageId}`, () =>
      this.retrying(`STIX upload of ${upload.packageId}`, async (attempt) => ({ ...(await uploadStixOnce(ctx, upload, state)), attempts: attempt })),
    );
  }

  /**
   * Gives the configured sharing group's id to every part of the event at distribution 4 that names none (the
   * caller may leave it to the client when the group is configured by uuid or name). Asks MISP only then.
   */
  private async withSharingGroup(event: MispEvent): Promise<MispEvent> {
    const lacks = (x: { distribution?: number; sharing_group_id?: number }): boolean => x.distribution === 4 && !(x.sharing_group_id !== undefined && x.sharing_group_id > 0);
    const attributes = [...(event.Attribute ?? []), ...(event.Object ?? []).flatMap((o) => o.Attribute)];
    if (!lacks(event) && !attributes.some(lacks) && !(event.Object ?? []).some(lacks)) return event;
    const id = (await this.sharingGroup())?.id;
    if (id === undefined) return event; // nothing configured: validation names the gap
    const fill = <T extends { distribution?: number; sharing_group_id?: number }>(x: T): T => (lacks(x) ? { ...x, sharing_group_id: id } : x);
    const out: MispEvent = fill({ ...event });
    if (event.Attribute) out.Attribute = event.Attribute.map(fill);
    if (event.Object) out.Object = event.Object.map((o) => ({ ...fill(o), Attribute: o.Attribute.map(fill) }));
    return out;
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
