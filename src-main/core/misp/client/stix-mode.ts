/**
 * Stix mode, the old service's way, done safely: MISP converts the raw STIX itself (`/events/upload_stix`), and
 * FLARE MISP makes the upload findable, idempotent and correctly shared:
 *
 * 1. Look for the package: a `text` attribute whose value is the STIX package id and whose comment carries the
 *    content hash (`POST /attributes/restSearch`). MISP itself never stores the package id (`misp.md` §1.4).
 * 2. Found with the same hash → duplicate (finish steps 5–6 if an earlier run stopped before them).
 *    Found with another hash → delete that event first: uploading next to it would give a near-empty twin,
 *    because MISP drops attributes whose uuid another event holds.
 * 2b. Not found: look for an event an interrupted earlier upload left without step 4 (see "Orphans" below) and
 *    adopt it instead of uploading again.
 * 3. `POST /events/upload_stix/1` with the raw XML. MISP gives the event a random uuid and ignores distribution.
 * 4. Add the package-id attribute, so an interrupted run finds the event next time instead of uploading again.
 * 5. Edit the event to the configured distribution and sharing group (MISP used its server default).
 * 6. Publish, last — publishing before step 5 would share the event at the server's default distribution.
 *
 * Steps already done are remembered across retries of one call, so a retry never uploads twice.
 *
 * Orphans. A run that dies after MISP answered step 3 and before step 4 leaves an event no package-id search finds.
 * What MISP's STIX 1 importer puts into an event (`misp.md` §1.4, §2.4): a random event uuid; `info` = the header
 * title (or "Imported from external STIX event"); `date` from the package timestamp; attributes whose uuids are the
 * UUID part of the CybOX Object ids; and always an `original-imported-file` object holding the uploaded file itself
 * (attachment `imported-sample`). MISP's REST event view returns attachment files as base64 `data` unless told
 * `includeAttachments:0` (MISP/MISP app/Controller/EventsController.php, `view`: `includeAttachments` defaults to true
 * for REST). The package id appears nowhere but inside that file. So:
 *  - candidates: `POST /events/restSearch` by those attribute uuids (MISP matches the event uuid or any attribute
 *    uuid; attribute uuids are unique in MISP, so this is narrow), or — when the package has no UUID-shaped CybOX
 *    Object id — by `eventinfo`; restricted to our organisation, the importer's info and the package date;
 *  - proof: the candidate holds no package-id attribute (no run claimed it), has the importer's
 *    `original-imported-file` object, and the file in it is this upload's bytes, or a package with this id and
 *    the same canonical hash → adopted (step 4 onwards); a package with this id but other content (an earlier
 *    version whose run died) → deleted before uploading, like a recorded older version.
 * Title, date and shared object uuids alone are not proof — another package may share them, and an earlier version
 * of this one does — so without the file (a MISP that does not return it) nothing is adopted or deleted: the upload
 * goes ahead and a warning names the likely twin. Orphans whose importer attributes all collided with other events
 * (no uuid left to find them by) are not found either; that is the old behaviour, a twin.
 */
import { createHash } from 'node:crypto';
import { readPackage, scanPackages, walkModel } from '../../stix/index';
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
  /** The event an interrupted earlier upload left without its package id, taken over instead of uploading again. */
  adoptedEventId?: string;
  warnings: string[];
  attempts: number;
}

export interface StixContext {
  http: MispHttp;
  publish: boolean;
  distribution: EventDistribution;
  /** The configured sharing group's id (looked up in MISP the first time, when configured by uuid or name). */
  sharingGroupId: () => Promise<number | undefined>;
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
  adoptedEventId?: string;
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

// ---- orphans: events an interrupted upload left without the package-id attribute ---------------------------------

/** The info MISP's legacy STIX 1 importer gives a package without a header title (`get_event_info`, misp.md §1.4). */
const IMPORTER_DEFAULT_INFO = 'Imported from external STIX event';
/** Enough object uuids to find the event even if some of its attributes were dropped; keeps the request small. */
const MAX_SEARCH_UUIDS = 50;
/** Candidates fetched whole to check; more than this many look-alikes is not an interrupted upload of ours. */
const MAX_CANDIDATES = 5;
/** RFC 4122 versions 1, 3, 4, 5: the importer keeps those as attribute uuids (others it re-derives, misp.md §1.4). */
const IMPORTER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1345][0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface PackageFacts {
  /** The event info the importer derives. */
  info: string;
  /** The package date as written and in UTC (the importer's is one of them; they differ near midnight). */
  dates: string[];
  /** Attribute uuids the importer takes from CybOX Object ids. */
  objectUuids: string[];
  /** The canonical content hash (same for every delivery of the same content). */
  canonicalHash: string;
}

function packageFacts(xml: string | Buffer): PackageFacts | undefined {
  let pkg;
  try {
    pkg = readPackage(xml);
  } catch {
    return undefined; // MISP's importer will not make an event of it either
  }
  const info = pkg.model.header?.title?.trim() || IMPORTER_DEFAULT_INFO;
  const dates = new Set<string>();
  if (pkg.timestamp !== undefined) {
    const written = /^[0-9]{4}-[0-9]{2}-[0-9]{2}/.exec(pkg.timestamp.trim())?.[0];
    if (written) dates.add(written);
    const ms = Date.parse(pkg.timestamp);
    if (!Number.isNaN(ms)) dates.add(new Date(ms).toISOString().slice(0, 10));
  }
  const uuids = new Set<string>();
  walkModel(pkg.model, (c) => {
    if (c.kind !== 'object' || c.id === undefined || uuids.size >= MAX_SEARCH_UUIDS) return;
    const tail = c.id.slice(c.id.indexOf('-') + 1);
    if (IMPORTER_UUID.test(tail)) uuids.add(tail.toLowerCase());
  });
  return { info, dates: [...dates], objectUuids: [...uuids], canonicalHash: pkg.hash };
}

type Verdict = 'same' | 'other-version' | 'unverified' | 'unrelated';

const isDeleted = (a: Json): boolean => a.deleted === true || a.deleted === 1 || a.deleted === '1';
const listOf = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** Whether this event is the importer's work from this package, judged by the file MISP kept (`GET /events/view`). */
async function inspect(ctx: StixContext, eventId: string, upload: StixPackageUpload, facts: PackageFacts): Promise<Verdict> {
  let body: Json;
  try {
    body = await ctx.http.callJson({ method: 'GET', path: `events/view/${eventId}` });
  } catch (e) {
    if (e instanceof MispNotFoundError) return 'unrelated'; // gone in the meantime
    throw e;
  }
  const event = isObject(body.Event) ? body.Event : {};
  // A package-id attribute means a run recorded it: ours would have been found by its id, so it is another package's.
  if (listOf(event.Attribute).some((a) => !isDeleted(a) && typeof a.comment === 'string' && a.comment.startsWith(PACKAGE_MARKER))) return 'unrelated';
  const original = listOf(event.Object).find((o) => o.name === 'original-imported-file' && !isDeleted(o));
  if (!original) return 'unrelated'; // not made by MISP's STIX import
  const sample = listOf(original.Attribute).find((a) => a.object_relation === 'imported-sample');
  if (!sample || typeof sample.data !== 'string' || sample.data === '') return 'unverified';
  const file = Buffer.from(sample.data, 'base64');
  if (file.equals(Buffer.from(upload.xml))) return 'same';
  let found;
  try {
    found = scanPackages(file);
  } catch {
    return 'unrelated';
  }
  if (found.length !== 1 || found[0]?.id !== upload.packageId) return 'unrelated';
  return found[0].hash === facts.canonicalHash ? 'same' : 'other-version';
}

interface OrphanSearch {
  /** Proven copies of this content, newest first: the first is adopted, the others are twins. */
  same: string[];
  /** Proven uploads of another version of this package. */
  otherVersions: string[];
  /** Look-alikes that could not be checked (MISP did not return the original file). */
  unverified: string[];
}

async function findOrphans(ctx: StixContext, upload: StixPackageUpload, skip: ReadonlySet<string>): Promise<OrphanSearch> {
  const none: OrphanSearch = { same: [], otherVersions: [], unverified: [] };
  const facts = packageFacts(upload.xml);
  if (!facts) return none;
  const orgId = await ctx.orgId();
  const filters: Json = { returnFormat: 'json', metadata: true };
  if (facts.objectUuids.length > 0) filters.uuid = facts.objectUuids;
  // eventinfo is a LIKE filter: the wildcards let a title MISP stored with surrounding spaces match; exact below.
  else filters.eventinfo = `%${facts.info}%`;
  if (orgId !== undefined) filters.org = orgId;
  const body = await ctx.http.callJson({ method: 'POST', path: 'events/restSearch', json: filters });
  const candidates = listOf(body.response)
    .map((r) => (isObject(r.Event) ? r.Event : {}))
    .filter((e) => {
      const id = String(e.id ?? '');
      if (id === '' || skip.has(id)) return false;
      if (orgId !== undefined && e.orgc_id !== undefined && String(e.orgc_id) !== orgId) return false;
      if (typeof e.info !== 'string' || e.info.trim() !== facts.info) return false;
      return facts.dates.length === 0 || facts.dates.includes(String(e.date ?? ''));
    })
    .map((e) => String(e.id))
    .sort((x, y) => Number(y) - Number(x))
    .slice(0, MAX_CANDIDATES);
  const result: OrphanSearch = { same: [], otherVersions: [], unverified: [] };
  for (const id of candidates) {
    const verdict = await inspect(ctx, id, upload, facts);
    if (verdict === 'same') result.same.push(id);
    else if (verdict === 'other-version') result.otherVersions.push(id);
    else if (verdict === 'unverified') result.unverified.push(id);
  }
  return result;
}

/** One attempt; `state` carries what earlier attempts of the same call achieved. */
export async function uploadStixOnce(ctx: StixContext, upload: StixPackageUpload, state: StixUploadState): Promise<Omit<StixUploadResult, 'attempts'>> {
  const hash = packageHash(upload);
  const distribution = upload.distribution ?? ctx.distribution;
  // Known before anything is uploaded: a sharing group the key cannot use must not leave an event at the server's
  // default distribution behind.
  const sharingGroupId = distribution === 4 ? upload.sharingGroupId ?? (await ctx.sharingGroupId()) : undefined;

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
      const orphans = await findOrphans(ctx, upload, new Set(recorded.map((r) => r.eventId)));
      const [adopt, ...twins] = orphans.same;
      for (const twin of twins) {
        await deleteEvent(ctx, twin);
        state.warnings.push(`Deleted MISP event ${twin}, a second copy of ${upload.packageId} left by an interrupted upload.`);
      }
      for (const older of orphans.otherVersions) {
        await deleteEvent(ctx, older);
        state.replacedEventId ??= older;
        state.warnings.push(`Deleted MISP event ${older}, an upload of another version of ${upload.packageId} that an interrupted run left without its package id.`);
      }
      state.outcome = recorded.length > 0 || state.replacedEventId !== undefined ? 'updated' : 'created';
      if (adopt !== undefined) {
        state.eventId = adopt;
        state.adoptedEventId = adopt;
        state.warnings.push(`Took over MISP event ${adopt}: an earlier upload of ${upload.packageId} made it but stopped before recording the package id; not uploaded again.`);
      } else {
        const uploaded = await uploadOnce(ctx, upload.xml);
        state.eventId = uploaded.eventId;
        if (uploaded.uuid !== undefined) state.uuid = uploaded.uuid;
        if (uploaded.timestamp !== undefined) state.eventTimestamp = uploaded.timestamp;
        for (const id of orphans.unverified) {
          state.warnings.push(
            `MISP event ${id} may be a twin of event ${uploaded.eventId} (${upload.packageId}): MISP's STIX import made it with the same title and date ` +
              `and FLARE MISP never recorded a package id on it, as after an interrupted upload. MISP did not return its original file, so it could ` +
              `not be checked and was left alone; if it is the same package, delete one of the two.`,
          );
        }
      }
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
  if (state.adoptedEventId !== undefined) result.adoptedEventId = state.adoptedEventId;
  return result;
}
