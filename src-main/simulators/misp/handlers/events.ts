/**
 * `/events/*` of the MISP test server: add, edit, view (GET and HEAD), publish, delete, restSearch — with MISP's
 * answers, including its quirks: the "Event already exists" answer with a Location header, edits that must be
 * newer, an edit that unpublishes unless it says `published: true`.
 */
import { randomUUID } from 'node:crypto';
import { checkEvent, describeIssues } from '../../../core/misp/validate/index';
import type { MispEvent } from '../../../core/misp/model';
import { nowSeconds, renderEvent, type EventRecord } from '../store';
import { attachTags, captureAttribute, captureObject, captureReferences, editAttribute, editObject } from './capture';
import {
  canModify,
  canSee,
  errorReply,
  isObject,
  jsonBody,
  saveFail,
  saveSuccess,
  type Json,
  type Reply,
  type RequestContext,
} from './context';

const today = (): string => new Date().toISOString().slice(0, 10);

/** The event in the body, wrapped or not. */
function eventIn(value: unknown): Json | undefined {
  if (!isObject(value)) return undefined;
  return isObject(value.Event) ? value.Event : value;
}

/** Validation issues as MISP's `errors` map: `{Event: {field: [sentences]}}`. */
function errorsMap(issues: ReturnType<typeof checkEvent>['issues']): Record<string, Record<string, string[]>> {
  const event: Record<string, string[]> = {};
  for (const i of issues.filter((x) => x.level === 'error' && x.path === 'Event')) (event[i.field] ??= []).push(i.message);
  return { Event: event };
}

export function publish(event: EventRecord): void {
  event.published = true;
  event.publishTimestamp = nowSeconds();
  event.publishCount++;
}

function findVisible(ctx: RequestContext, idOrUuid: string | undefined): EventRecord | undefined {
  const event = idOrUuid === undefined ? undefined : ctx.store.findEvent(idOrUuid);
  return event && canSee(ctx, event) ? event : undefined;
}

export function addEvent(ctx: RequestContext): Reply {
  const url = '/events/add';
  const parsed = jsonBody(ctx);
  if (!parsed.ok) return parsed.reply;
  const raw = eventIn(parsed.value);
  if (!raw) return errorReply(405, 'No valid event data received.', url);

  // MISP's defaults for what the request leaves out.
  const withDefaults: Json = {
    distribution: ctx.settings.defaultEventDistribution,
    threat_level_id: 4,
    analysis: 0,
    date: today(),
    ...raw,
  };
  if (withDefaults.uuid === undefined) withDefaults.uuid = randomUUID();
  const uuid = String(withDefaults.uuid).toLowerCase();

  if (ctx.store.blocklist.has(uuid)) return errorReply(403, 'Event blocked by event blocklist.', url);
  const existing = ctx.store.findEvent(uuid);
  if (existing) {
    // MISP sets Location and flushes the headers before it throws: the client may see 200, 302 or 404.
    const sentence = 'Event already exists, if you would like to edit it, use the url in the location header.';
    return { status: ctx.settings.duplicateStatus, headers: { Location: `/events/${existing.id}` }, json: { name: sentence, message: sentence, url } };
  }

  const check = checkEvent(withDefaults, { sharingGroupIds: ctx.settings.sharingGroups });
  if (check.fatal || !check.event) {
    if (check.issues.some((i) => i.field === 'sharing_group_id' && /Invalid Sharing Group/.test(i.message))) {
      return errorReply(405, 'Invalid Sharing Group or not authorised.', url);
    }
    ctx.reject({ what: 'event', uuid, reason: describeIssues(check.issues.filter((i) => i.level === 'error')).join('; ') });
    return saveFail('add', 'Event', url, errorsMap(check.issues));
  }
  for (const issue of check.issues.filter((i) => i.level === 'error')) {
    ctx.reject({ what: issue.path.includes('Object') && !issue.path.includes('Attribute') ? 'object' : issue.path.includes('Tag') ? 'tag' : 'attribute', ...(issue.uuid ? { uuid: issue.uuid } : {}), reason: `${issue.field}: ${issue.message}` });
  }
  const event: MispEvent = check.event;
  const published = event.published === true && ctx.user.role.perm_publish;
  if (published && !event.Attribute?.length && !event.Object?.length) {
    return saveFail('add', 'Event', url, { Event: 'Received a published event that was empty. Event add process blocked.' });
  }

  const now = nowSeconds();
  const record: EventRecord = {
    id: ctx.store.id('event'),
    uuid: event.uuid,
    info: event.info,
    date: event.date,
    threatLevelId: event.threat_level_id,
    analysis: event.analysis,
    distribution: event.distribution,
    sharingGroupId: event.sharing_group_id ?? 0,
    published: false,
    timestamp: event.timestamp ?? now,
    publishTimestamp: 0,
    org: ctx.user.org,
    orgc: ctx.user.org,
    creatorEmail: ctx.user.email,
    attributes: [],
    objects: [],
    tags: [],
    publishCount: 0,
    fromStix: false,
  };
  ctx.store.insertEvent(record);
  for (const a of event.Attribute ?? []) {
    const attribute = captureAttribute(ctx, a, record, 0);
    if (attribute) record.attributes.push(attribute);
  }
  const objects = (event.Object ?? []).map((o) => [o, captureObject(ctx, o, record)] as const);
  for (const [o, object] of objects) {
    if (!object) continue;
    record.objects.push(object);
    if (o.ObjectReference) captureReferences(ctx, object, o.ObjectReference, record.timestamp);
  }
  if (event.Tag) attachTags(ctx, record.tags, event.Tag);
  if (published) publish(record);
  return { status: 200, json: { Event: renderEvent(ctx.store, record) } };
}

export function editEvent(ctx: RequestContext): Reply {
  const url = `/events/edit/${ctx.args[0] ?? ''}`;
  const record = findVisible(ctx, ctx.args[0]);
  if (!record) return errorReply(404, 'Invalid event', url);
  if (!canModify(ctx, record)) return errorReply(403, 'You are not authorised to do that.', url);
  const parsed = jsonBody(ctx);
  if (!parsed.ok) return parsed.reply;
  const raw = eventIn(parsed.value);
  if (!raw) return errorReply(405, 'No valid event data received.', url);

  const fail = (error: string): Reply => {
    ctx.reject({ what: 'event', uuid: record.uuid, reason: error });
    return saveFail('edit', 'Event', url, error);
  };
  if (raw.timestamp !== undefined && !(Number(raw.timestamp) > record.timestamp)) {
    return fail('Event could not be saved: Event in the request not newer than the local copy.');
  }
  const distribution = raw.distribution === undefined ? record.distribution : Number(raw.distribution);
  if (!Number.isInteger(distribution) || distribution < 0 || distribution > 4) return fail('Event could not be saved: Wrong distribution level.');
  const sharingGroup = raw.sharing_group_id === undefined ? record.sharingGroupId : Number(raw.sharing_group_id);
  if (distribution === 4) {
    if (!(sharingGroup > 0)) {
      return fail('Event could not be saved: Sharing group chosen as the distribution level, but no sharing group specified. Make sure that the event includes a valid sharing_group_id or change to a different distribution level.');
    }
    if (!ctx.settings.sharingGroups.has(sharingGroup)) return fail('Event could not be saved: Invalid sharing group or you don\'t have access to that sharing group.');
  }
  if (raw.info !== undefined && (typeof raw.info !== 'string' || raw.info.trim() === '')) return saveFail('edit', 'Event', url, { Event: { info: ['Info cannot be empty.'] } });
  if (raw.date !== undefined && !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(String(raw.date))) return saveFail('edit', 'Event', url, { Event: { date: ['Expected date format: YYYY-MM-DD'] } });

  let changed = false;
  const set = <K extends keyof EventRecord>(key: K, value: EventRecord[K]): void => {
    if (record[key] !== value) {
      record[key] = value;
      changed = true;
    }
  };
  if (typeof raw.info === 'string') set('info', raw.info.trim());
  if (raw.date !== undefined) set('date', String(raw.date));
  if (raw.threat_level_id !== undefined) set('threatLevelId', Number(raw.threat_level_id));
  if (raw.analysis !== undefined) set('analysis', Number(raw.analysis));
  set('distribution', distribution);
  set('sharingGroupId', distribution === 4 ? sharingGroup : 0);

  for (const a of Array.isArray(raw.Attribute) ? raw.Attribute : []) if (editAttribute(ctx, a, record, undefined)) changed = true;
  for (const o of Array.isArray(raw.Object) ? raw.Object : []) if (editObject(ctx, o, record)) changed = true;
  if (Array.isArray(raw.Tag)) {
    if (ctx.user.role.perm_tagger) {
      if (attachTags(ctx, record.tags, raw.Tag.filter(isObject).map((t) => ({ name: String(t.name), ...(t.deleted === true ? { deleted: true } : {}), ...(t.local === true ? { local: true } : {}) })))) changed = true;
    } else if (raw.Tag.length > 0) {
      ctx.reject({ what: 'tag', uuid: record.uuid, reason: 'The role lacks perm_tagger: the edit\'s tags were ignored.' });
    }
  }

  record.timestamp = raw.timestamp === undefined ? nowSeconds() : Number(raw.timestamp);
  // An edit that does not say published:true unpublishes the event (misp.md §5).
  const wantsPublished = raw.published === true && ctx.user.role.perm_publish;
  record.published = false;
  if (wantsPublished && changed) publish(record);
  else if (wantsPublished) record.published = true;
  return { status: 200, json: { Event: renderEvent(ctx.store, record) } };
}

export function viewEvent(ctx: RequestContext): Reply {
  const url = `/events/view/${ctx.args[0] ?? ''}`;
  const record = findVisible(ctx, ctx.args[0]);
  if (!record) return ctx.method === 'HEAD' ? { status: 404 } : errorReply(404, 'Invalid event.', url);
  if (ctx.method === 'HEAD') return { status: 200 };
  // MISP's REST view includes attachments unless told `includeAttachments:0`.
  const includeAttachments = ctx.named.includeAttachments === undefined ? ctx.settings.attachmentsInView : ctx.named.includeAttachments !== '0';
  return { status: 200, json: { Event: renderEvent(ctx.store, record, { includeDeleted: ctx.named.deleted === '1', includeAttachments }) } };
}

export function publishEvent(ctx: RequestContext): Reply {
  const url = `/events/publish/${ctx.args[0] ?? ''}`;
  if (ctx.method !== 'POST') return errorReply(405, 'You need to POST to publish an event.', url);
  const record = findVisible(ctx, ctx.args[0]);
  if (!record) return errorReply(404, 'Invalid event.', url);
  if (!canModify(ctx, record)) return errorReply(405, 'You do not have the permission to do that.', url);
  publish(record);
  return saveSuccess('Event published without alerts', url, record.id);
}

export function deleteEvent(ctx: RequestContext): Reply {
  const url = `/events/delete/${ctx.args[0] ?? ''}`;
  const record = findVisible(ctx, ctx.args[0]);
  if (!record || !canModify(ctx, record)) return saveFail('delete', 'Event', url, 'Event was not deleted.');
  ctx.store.deleteEvent(record);
  return saveSuccess('Event deleted.', url, record.id);
}

/** MISP's LIKE filters: `%` is a wildcard, the rest matches whole and case-insensitively. */
export function likeMatcher(pattern: string): (value: string) => boolean {
  const re = new RegExp(`^${pattern.split('%').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'is');
  return (value) => re.test(value);
}

const listOf = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]);
const truthy = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true';

export function restSearchEvents(ctx: RequestContext): Reply {
  const url = '/events/restSearch';
  const parsed = jsonBody(ctx);
  if (!parsed.ok) return parsed.reply;
  const filters = parsed.value;
  if (!isObject(filters) || Object.keys(filters).length === 0) {
    return errorReply(400, 'Either specify the search terms in the url, or POST a json with the filter parameters.', url);
  }
  if (filters.returnFormat !== undefined && filters.returnFormat !== 'json') return errorReply(400, 'This test server only answers returnFormat json.', url);

  let events = [...ctx.store.events.values()].filter((e) => canSee(ctx, e));
  const uuids = listOf(filters.uuid).map((u) => u.toLowerCase());
  if (uuids.length > 0) {
    // MISP matches the event uuid or the uuid of any attribute in it (misp.md §2.6).
    events = events.filter((e) => uuids.includes(e.uuid) || e.attributes.some((a) => uuids.includes(a.uuid)) || e.objects.some((o) => o.attributes.some((a) => uuids.includes(a.uuid))));
  }
  const ids = listOf(filters.eventid);
  if (ids.length > 0) events = events.filter((e) => ids.includes(String(e.id)));
  if (typeof filters.eventinfo === 'string') {
    const match = likeMatcher(filters.eventinfo);
    events = events.filter((e) => match(e.info));
  }
  const orgs = listOf(filters.org);
  if (orgs.length > 0) events = events.filter((e) => orgs.includes(String(e.orgc.id)) || orgs.includes(e.orgc.name));
  if (filters.published !== undefined) events = events.filter((e) => e.published === truthy(filters.published));
  if (filters.timestamp !== undefined) events = events.filter((e) => e.timestamp >= Number(filters.timestamp));
  const tags = listOf(filters.tags ?? filters.event_tags);
  if (tags.length > 0) {
    events = events.filter((e) => e.tags.some((t) => tags.includes(ctx.store.tagById(t.tagId)?.name ?? '')));
  }
  events.sort((a, b) => a.id - b.id);
  const limit = filters.limit === undefined ? undefined : Number(filters.limit);
  const page = filters.page === undefined ? 1 : Number(filters.page);
  if (limit !== undefined && limit > 0) events = events.slice((page - 1) * limit, page * limit);
  const metadata = truthy(filters.metadata);
  return {
    status: 200,
    headers: { 'X-Result-Count': String(events.length) },
    json: { response: events.map((e) => ({ Event: renderEvent(ctx.store, e, { metadata }) })) },
  };
}
