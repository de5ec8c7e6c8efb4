/**
 * Stix mode, the old service's way, done safely: MISP converts the raw STIX itself (`/events/upload_stix`), and
 * FLARE MISP makes the upload findable, idempotent and correctly shared:
 *
 * 1. Look for the package: a `text` attribute whose value is the STIX package id and whose comment carries the
 *    content hash (`POST /attributes/restSearch`). MISP itself never stores the package id (`misp.md` §1.4).
 * 2. Found with the same hash → duplicate (finish steps 5–6 if an earlier run stopped before them).
 *    Found with another hash → delete that event first: uploading next to it would give a near-empty twin,
 *    because MISP drops attributes whose uuid another event holds.
 * 3. `POST /events/upload_stix/1` with the raw XML. MISP gives the event a random uuid and ignores distribution.
 * 4. Add the package-id attribute, so an interrupted run finds the event next time instead of uploading again.
 * 5. Edit the event to the configured distribution and sharing group (MISP used its server default).
 * 6. Publish, last — publishing before step 5 would share the event at the server's default distribution.
 *
 * Steps already done are remembered across retries of one call, so a retry never uploads twice.
 */
import { createHash } from 'node:crypto';
import type { EventDistribution, StoredEvent } from '../model';
import { mispBool, mispNumber } from './diff';
import { MispError, MispNotFoundError, MispProtocolError, MispUploadUncertainError } from './errors';
import type { MispHttp } from './http';
import { publishEvent } from './upsert';

export interface StixPackageUpload {
  /** STIX_Package/@id, e.g. `NCCIC:STIX_Package-830d87bb-…`. */
  packageId: string;
  xml: string | Buffer;
  /** sha256 (hex) of the package's canonical form; defaults to the sha256 of the XML bytes. */
  contentHash?: string;
  /** Overrides the configured distribution (e.g. from the package's markings). */
  distribution?: EventDistribution;
  sharingGroupId?: number;
}

export type StixUploadOutcome = 'created' | 'updated' | 'duplicate';

export interface StixUploadResult {
  outcome: StixUploadOutcome;
  eventId: string;
  uuid?: string;
  published: boolean;
  publishedNow: boolean;
  distribution: EventDistribution;
  /** The event an earlier version of the package had, deleted before the new upload. */
  replacedEventId?: string;
  warnings: string[];
  attempts: number;
}

export interface StixContext {
  http: MispHttp;
  publish: boolean;
  distribution: EventDistribution;
  sharingGroupId?: number;
  nowSeconds: () => number;
  /** Our organisation's id, to ignore package ids recorded by other organisations. */
  orgId: () => Promise<string | undefined>;
}

/** The progress of one upload, kept across retries. */
export interface StixUploadState {
  outcome?: StixUploadOutcome;
  eventId?: string;
  uuid?: string;
  eventTimestamp?: number;
  replacedEventId?: string;
  markerAdded?: boolean;
  warnings: string[];
}

/** The comment that marks our package-id attributes; the hash follows it. */
export const PACKAGE_MARKER = 'FLARE MISP: STIX package id';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function packageHash(upload: StixPackageUpload): string {
  return upload.contentHash ?? createHash('sha256').update(upload.xml).digest('hex');
}

interface RecordedPackage {
  eventId: string;
  attributeUuid?: string;
  hash?: string;
}

/** Events of our organisation that carry this package's id attribute, newest first. */
async function findRecorded(ctx: StixContext, packageId: string): Promise<RecordedPackage[]> {
  const body = await ctx.http.callJson({
    method: 'POST',
    path: 'attributes/restSearch',
    json: { returnFormat: 'json', type: 'text', value: packageId, includeEventUuid: true },
  });
  const response = isObject(body.response) ? body.response : {};
  const attributes = Array.isArray(response.Attribute) ? response.Attribute.filter(isObject) : [];
  const orgId = await ctx.orgId();
  const found = new Map<string, RecordedPackage>();
  for (const a of attributes) {
    if (typeof a.comment !== 'string' || !a.comment.startsWith(PACKAGE_MARKER)) continue;
    const event = isObject(a.Event) ? a.Event : {};
    if (orgId !== undefined && event.orgc_id !== undefined && String(event.orgc_id) !== orgId) continue;
    const eventId = String(a.event_id ?? event.id ?? '');
    if (eventId === '') continue;
    const hash = /sha256:([0-9a-f]{64})/.exec(a.comment)?.[1];
    const recorded: RecordedPackage = { eventId };
    if (hash !== undefined) recorded.hash = hash;
    if (typeof a.uuid === 'string') recorded.attributeUuid = a.uuid;
    found.set(eventId, recorded);
  }
  return [...found.values()].sort((x, y) => Number(y.eventId) - Number(x.eventId));
}

async function deleteEvent(ctx: StixContext, eventId: string): Promise<void> {
  try {
    await ctx.http.callJson({ method: 'POST', path: `events/delete/${eventId}` });
  } catch (e) {
    if (!(e instanceof MispNotFoundError)) throw e; // gone already: fine
  }
}

/** `POST /events/upload_stix/1`: the one step that is not idempotent (MISP picks a random uuid each time). */
async function uploadOnce(ctx: StixContext, xml: string | Buffer): Promise<{ eventId: string; uuid?: string; timestamp?: number }> {
  const request = 'POST /events/upload_stix/1';
  let body: Json;
  try {
    body = await ctx.http.callJson({ method: 'POST', path: 'events/upload_stix/1', xml });
  } catch (e) {
    // If MISP may have created the event before failing, repeating the upload would make a second one.
    if (e instanceof MispError && e.retryable && e.maybeProcessed) {
      throw new MispUploadUncertainError(`The STIX upload may or may not have reached MISP: ${e.message}`, {
        request,
        cause: e,
        ...(e.status !== undefined ? { status: e.status } : {}),
      });
    }
    throw e;
  }
  const event = isObject(body.Event) ? (body.Event as StoredEvent) : undefined;
  // Older MISP versions answered with a link to the new event instead of the event itself.
  const id = event?.id ?? /\/events\/(?:view\/)?([0-9]+)/.exec(typeof body.url === 'string' ? body.url : '')?.[1];
  if (id === undefined) throw new MispProtocolError('MISP accepted the STIX upload but did not say which event it created.', { request });
  const result: { eventId: string; uuid?: string; timestamp?: number } = { eventId: String(id) };
  if (typeof event?.uuid === 'string') result.uuid = event.uuid;
  const timestamp = mispNumber(event?.timestamp);
  if (timestamp !== undefined) result.timestamp = timestamp;
  return result;
}

async function addMarker(ctx: StixContext, eventId: string, packageId: string, hash: string): Promise<void> {
  await ctx.http.callJson({
    method: 'POST',
    path: `attributes/add/${eventId}`,
    json: {
      Attribute: {
        type: 'text',
        category: 'Other',
        value: packageId,
        to_ids: false,
        distribution: 5,
        disable_correlation: true,
        comment: `${PACKAGE_MARKER}; content sha256:${hash}`,
      },
    },
  });
}

interface EventMeta {
  distribution?: number;
  sharingGroupId?: number;
  published: boolean;
  timestamp?: number;
  uuid?: string;
}

async function eventMeta(ctx: StixContext, eventId: string): Promise<EventMeta | undefined> {
  const body = await ctx.http.callJson({
    method: 'POST',
    path: 'events/restSearch',
    json: { returnFormat: 'json', eventid: eventId, metadata: true, limit: 1 },
  });
  const list = Array.isArray(body.response) ? body.response : [];
  const first = list.find((e): e is Json => isObject(e) && isObject(e.Event));
  if (!first) return undefined;
  const event = first.Event as StoredEvent;
  const meta: EventMeta = { published: mispBool(event.published) };
  const distribution = mispNumber(event.distribution);
  if (distribution !== undefined) meta.distribution = distribution;
  const sg = mispNumber(event.sharing_group_id);
  if (sg !== undefined) meta.sharingGroupId = sg;
  const timestamp = mispNumber(event.timestamp);
  if (timestamp !== undefined) meta.timestamp = timestamp;
  if (typeof event.uuid === 'string') meta.uuid = event.uuid;
  return meta;
}

/** One attempt; `state` carries what earlier attempts of the same call achieved. */
export async function uploadStixOnce(ctx: StixContext, upload: StixPackageUpload, state: StixUploadState): Promise<Omit<StixUploadResult, 'attempts'>> {
  const hash = packageHash(upload);
  const distribution = upload.distribution ?? ctx.distribution;
  const sharingGroupId = distribution === 4 ? upload.sharingGroupId ?? ctx.sharingGroupId : undefined;

  if (state.eventId === undefined) {
    const recorded = await findRecorded(ctx, upload.packageId);
    const same = recorded.find((r) => r.hash === hash);
    // Any other event recorded for this package is an older version (or a twin): it goes before we upload.
    for (const stale of recorded.filter((r) => r !== same)) {
      await deleteEvent(ctx, stale.eventId);
      state.replacedEventId ??= stale.eventId;
      if (same) state.warnings.push(`Deleted event ${stale.eventId}, a second MISP event recorded for ${upload.packageId}.`);
    }
    if (same) {
      state.outcome = 'duplicate';
      state.eventId = same.eventId;
      state.markerAdded = true;
    } else {
      state.outcome = recorded.length > 0 || state.replacedEventId !== undefined ? 'updated' : 'created';
      const uploaded = await uploadOnce(ctx, upload.xml);
      state.eventId = uploaded.eventId;
      if (uploaded.uuid !== undefined) state.uuid = uploaded.uuid;
      if (uploaded.timestamp !== undefined) state.eventTimestamp = uploaded.timestamp;
    }
  }
  const eventId = state.eventId;

  if (!state.markerAdded) {
    await addMarker(ctx, eventId, upload.packageId, hash);
    state.markerAdded = true;
  }

  const meta = await eventMeta(ctx, eventId);
  if (!meta) throw new MispNotFoundError(`The MISP event ${eventId} of ${upload.packageId} cannot be found after the upload.`, { request: 'POST /events/restSearch' });
  if (meta.uuid !== undefined) state.uuid = meta.uuid;
  let published = meta.published;
  const distributionWrong = meta.distribution !== distribution || (distribution === 4 && meta.sharingGroupId !== sharingGroupId);
  if (distributionWrong) {
    const timestamp = Math.max(ctx.nowSeconds(), (meta.timestamp ?? state.eventTimestamp ?? 0) + 1);
    const edit: Json = { distribution, timestamp, published: false };
    if (distribution === 4) edit.sharing_group_id = sharingGroupId;
    await ctx.http.callJson({ method: 'POST', path: `events/edit/${eventId}`, json: { Event: edit } });
    published = false;
  }

  let publishedNow = false;
  if (ctx.publish && !published) {
    await publishEvent(ctx.http, eventId);
    published = true;
    publishedNow = true;
  }

  const result: Omit<StixUploadResult, 'attempts'> = {
    outcome: state.outcome ?? 'duplicate',
    eventId,
    published,
    publishedNow,
    distribution,
    warnings: state.warnings,
  };
  if (state.uuid !== undefined) result.uuid = state.uuid;
  if (state.replacedEventId !== undefined) result.replacedEventId = state.replacedEventId;
  return result;
}
