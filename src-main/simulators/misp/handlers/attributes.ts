/**
 * `/attributes/add`, `/attributes/delete` and `/attributes/restSearch` of the MISP test server.
 */
import { randomUUID } from 'node:crypto';
import { checkSingleAttribute, describeIssues } from '../../../core/misp/validate/index';
import { nowSeconds, renderAttribute, type AttributeRecord, type EventRecord } from '../store';
import { newAttributeRecord } from './capture';
import { canModify, canSee, errorReply, isObject, jsonBody, saveFail, saveSuccess, type Reply, type RequestContext } from './context';
import { likeMatcher } from './events';

/** Adding or removing an attribute makes the event newer and unpublished, as in MISP. */
function touch(event: EventRecord): void {
  event.timestamp = Math.max(nowSeconds(), event.timestamp + 1);
  event.published = false;
}

export function addAttribute(ctx: RequestContext): Reply {
  const url = '/attributes/add';
  const event = ctx.args[0] === undefined ? undefined : ctx.store.findEvent(ctx.args[0]);
  if (!event || !canSee(ctx, event)) return errorReply(404, 'Invalid event.', url);
  if (!canModify(ctx, event)) return errorReply(403, 'You do not have permission to do that.', url);
  const parsed = jsonBody(ctx);
  if (!parsed.ok) return parsed.reply;
  const body = parsed.value;
  const raw = isObject(body) && isObject(body.Attribute) ? body.Attribute : body;
  if (!isObject(raw)) return errorReply(405, 'You need to POST the attribute data.', url);
  const incoming = { ...raw, uuid: typeof raw.uuid === 'string' ? raw.uuid : randomUUID() };

  const check = checkSingleAttribute(incoming, { sharingGroupIds: ctx.settings.sharingGroups });
  if (!check.attribute) {
    const errors: Record<string, string[]> = {};
    for (const i of check.issues.filter((x) => x.level === 'error')) (errors[i.field] ??= []).push(i.message);
    ctx.reject({ what: 'attribute', uuid: String(incoming.uuid), reason: describeIssues(check.issues).join('; ') });
    return saveFail('add', 'Attribute', url, errors);
  }
  const a = check.attribute;
  if (ctx.store.attributeByUuid.has(a.uuid) || ctx.store.objectByUuid.has(a.uuid)) {
    return saveFail('add', 'Attribute', url, { uuid: ['The UUID provided is not unique'] });
  }
  if (event.attributes.some((x) => !x.deleted && x.value === a.value && x.type === a.type && x.category === a.category)) {
    return saveFail('add', 'Attribute', url, { value: ['A similar attribute already exists for this event.'] });
  }
  touch(event);
  const record = newAttributeRecord(ctx, a, event.id, 0, event.timestamp);
  event.attributes.push(record);
  ctx.store.attributeByUuid.set(record.uuid, record);
  return { status: 200, json: { Attribute: renderAttribute(ctx.store, record) } };
}

function eventOf(ctx: RequestContext, a: AttributeRecord): EventRecord | undefined {
  return ctx.store.events.get(a.eventId);
}

export function deleteAttribute(ctx: RequestContext): Reply {
  const url = `/attributes/delete/${ctx.args[0] ?? ''}`;
  const key = ctx.args[0] ?? '';
  const attribute = /^[0-9]+$/.test(key)
    ? [...ctx.store.attributeByUuid.values()].find((a) => a.id === Number(key))
    : ctx.store.attributeByUuid.get(key.toLowerCase());
  const event = attribute ? eventOf(ctx, attribute) : undefined;
  if (!attribute || !event || !canSee(ctx, event)) return errorReply(404, 'Invalid attribute', url);
  if (!canModify(ctx, event)) return errorReply(403, 'You do not have permission to do that.', url);
  attribute.deleted = true;
  touch(event);
  attribute.timestamp = event.timestamp;
  return saveSuccess('Attribute deleted.', url, attribute.id);
}

const listOf = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]);

export function restSearchAttributes(ctx: RequestContext): Reply {
  const url = '/attributes/restSearch';
  const parsed = jsonBody(ctx);
  if (!parsed.ok) return parsed.reply;
  const filters = parsed.value;
  if (!isObject(filters) || Object.keys(filters).length === 0) {
    return errorReply(400, 'Either specify the search terms in the url, or POST a json with the filter parameters.', url);
  }
  const values = listOf(filters.value).map(likeMatcher);
  const types = listOf(filters.type);
  const categories = listOf(filters.category);
  const uuids = listOf(filters.uuid).map((u) => u.toLowerCase());
  const eventIds = listOf(filters.eventid);
  const includeDeleted = filters.deleted === true || filters.deleted === 1 || filters.deleted === '1';

  const hits: Record<string, unknown>[] = [];
  for (const event of [...ctx.store.events.values()].sort((x, y) => x.id - y.id)) {
    if (!canSee(ctx, event)) continue;
    if (eventIds.length > 0 && !eventIds.includes(String(event.id))) continue;
    for (const a of [...event.attributes, ...event.objects.flatMap((o) => o.attributes)]) {
      if (a.deleted && !includeDeleted) continue;
      if (values.length > 0 && !values.some((m) => m(a.value))) continue;
      if (types.length > 0 && !types.includes(a.type)) continue;
      if (categories.length > 0 && !categories.includes(a.category)) continue;
      if (uuids.length > 0 && !uuids.includes(a.uuid)) continue;
      const out = renderAttribute(ctx.store, a);
      if (filters.includeEventUuid === true) out.event_uuid = event.uuid;
      out.Event = { org_id: String(event.org.id), distribution: String(event.distribution), id: String(event.id), info: event.info, orgc_id: String(event.orgc.id), uuid: event.uuid };
      hits.push(out);
    }
  }
  const limit = filters.limit === undefined ? undefined : Number(filters.limit);
  return { status: 200, json: { response: { Attribute: limit && limit > 0 ? hits.slice(0, limit) : hits } } };
}
