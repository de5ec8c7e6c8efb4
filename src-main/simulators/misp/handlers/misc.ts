/**
 * `/servers/getVersion`, `/users/view/me` and `/tags/add` of the MISP test server.
 */
import { errorReply, isObject, jsonBody, type Reply, type RequestContext } from './context';

export function getVersion(ctx: RequestContext): Reply {
  return {
    status: 200,
    json: {
      version: ctx.settings.version,
      pymisp_recommended_version: ctx.settings.version,
      perm_sync: ctx.user.role.perm_sync,
      perm_sighting: false,
      perm_galaxy_editor: false,
      perm_analyst_data: false,
      uuid: '-',
      request_encoding: ['gzip', 'br'],
      filter_sightings: true,
    },
  };
}

export function viewMe(ctx: RequestContext): Reply {
  if (ctx.args[0] !== 'me') return errorReply(404, 'Invalid user', ctx.path);
  const { user } = ctx;
  return {
    status: 200,
    json: {
      User: { id: String(user.id), org_id: String(user.org.id), email: user.email, disabled: user.disabled, role_id: '2', password: '*****', totp: '*****' },
      Role: { id: '2', ...user.role },
      UserSetting: {},
      Organisation: { id: String(user.org.id), name: user.org.name, uuid: user.org.uuid, local: true },
    },
  };
}

export function addTag(ctx: RequestContext): Reply {
  const url = '/tags/add';
  const parsed = jsonBody(ctx);
  if (!parsed.ok) return parsed.reply;
  const body = parsed.value;
  const raw = isObject(body) && isObject(body.Tag) ? body.Tag : body;
  const name = isObject(raw) && typeof raw.name === 'string' ? raw.name.trim() : '';
  if (name === '') return errorReply(405, 'Could not add the Tag. [name]: This field cannot be left empty.', url);
  const tag = ctx.store.tagByName(name) ?? ctx.store.createTag(name, isObject(raw) && typeof raw.colour === 'string' ? raw.colour : undefined);
  return { status: 200, json: { Tag: { id: String(tag.id), name: tag.name, colour: tag.colour, exportable: tag.exportable, org_id: '0', user_id: '0', hide_tag: false, numerical_value: null, is_galaxy: false, is_custom_galaxy: false, local_only: false } } };
}
