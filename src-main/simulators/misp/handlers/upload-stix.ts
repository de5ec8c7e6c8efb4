/**
 * `POST /events/upload_stix[/version[/publish]]` of the MISP test server, behaving like MISP 2.5.1 for STIX 1:
 * a new event with a random uuid every time, at the server's default distribution whatever the request says
 * (distribution and sharing_group_id are only validated), attributes whose uuid already exists dropped, the
 * original XML attached as an `original-imported-file` object, and errors as 403 `saved:false` with a string.
 */
import { randomUUID } from 'node:crypto';
import { nowSeconds, renderEvent, type EventRecord } from '../store';
import { attachTags, captureAttribute, newAttributeRecord, newObjectRecord } from './capture';
import { errorReply, saveFail, type Reply, type RequestContext } from './context';
import { publish } from './events';
import { importStix, StixImportError } from '../stix-import';
import { templateFor } from '../../../core/misp/validate/index';

const DEPENDENCY_HINT = ' Please ask your administrator to check whether the dependencies for STIX are met via the diagnostic tool.';

export function uploadStix(ctx: RequestContext): Reply {
  const url = '/events/upload_stix';
  if (ctx.method !== 'POST') return errorReply(405, 'Please POST the STIX document.', url);
  if (/json/i.test(ctx.contentType)) {
    // CakePHP tries to decode the XML as JSON (misp.md §5).
    return errorReply(405, 'Invalid JSON input. Make sure that the JSON input is a correctly formatted JSON string. This request has been blocked to avoid an unfiltered request.', url);
  }
  const version = ctx.args[0] ?? '1';
  if (!['1', '1.1', '1.2'].includes(version)) return saveFail('upload_stix', 'Event', url, `This test server imports STIX 1 only, not version ${version}.`);

  // Validated, then ignored for STIX 1 — as in MISP (misp.md §1.4).
  const distribution = ctx.named.distribution;
  if (distribution !== undefined && !/^[0-4]$/.test(distribution)) return errorReply(400, 'Wrong distribution level', url);
  if (distribution === '4') {
    const sg = Number(ctx.named.sharing_group_id);
    if (!ctx.settings.sharingGroups.has(sg)) return errorReply(405, 'Invalid Sharing Group or not authorised.', url);
  }

  const xml = ctx.body.toString('utf8');
  let imported;
  try {
    imported = importStix(xml);
  } catch (e) {
    const reason = e instanceof StixImportError ? e.message : String(e);
    ctx.reject({ what: 'event', reason });
    return saveFail('upload_stix', 'Event', url, reason + DEPENDENCY_HINT);
  }

  const now = nowSeconds();
  const record: EventRecord = {
    id: ctx.store.id('event'),
    uuid: randomUUID(),
    info: imported.info,
    date: imported.date,
    threatLevelId: 4,
    analysis: 0,
    distribution: ctx.settings.defaultEventDistribution,
    sharingGroupId: 0,
    published: false,
    timestamp: imported.timestamp ?? now,
    publishTimestamp: 0,
    org: ctx.user.org,
    orgc: ctx.user.org,
    creatorEmail: ctx.user.email,
    attributes: [],
    objects: [],
    tags: [],
    publishCount: 0,
    fromStix: true,
  };
  ctx.store.insertEvent(record);
  const seen = new Set<string>();
  for (const a of imported.attributes) {
    const key = `${a.value}|${a.type}|${a.category}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const attribute = captureAttribute(ctx, { uuid: a.uuid, type: a.type, category: a.category, value: a.value, to_ids: a.toIds, distribution: 5 }, record, 0);
    if (attribute) record.attributes.push(attribute);
  }
  attachTags(ctx, record.tags, imported.tags.map((name) => ({ name })));

  // MISP always keeps the uploaded file (Event::add_original_file).
  const template = templateFor('original-imported-file');
  if (template) {
    const object = newObjectRecord(ctx, {
      uuid: randomUUID(), name: template.name, 'meta-category': template.metaCategory, template_uuid: template.uuid,
      template_version: template.version, Attribute: [], distribution: 5,
    }, record.id, record.timestamp);
    object.attributes.push(
      newAttributeRecord(ctx, { uuid: randomUUID(), type: 'attachment', category: 'External analysis', value: 'uploaded_stix_file.xml', to_ids: false, object_relation: 'imported-sample', data: Buffer.from(xml).toString('base64') }, record.id, object.id, record.timestamp),
      newAttributeRecord(ctx, { uuid: randomUUID(), type: 'text', category: 'Other', value: 'STIX 1.1', to_ids: false, object_relation: 'format' }, record.id, object.id, record.timestamp),
    );
    ctx.store.objectByUuid.set(object.uuid, object);
    for (const a of object.attributes) ctx.store.attributeByUuid.set(a.uuid, a);
    record.objects.push(object);
  }

  if ((ctx.args[1] === '1' || ctx.named.publish === '1') && ctx.user.role.perm_publish) publish(record);
  return { status: 200, json: { Event: renderEvent(ctx.store, record) } };
}
