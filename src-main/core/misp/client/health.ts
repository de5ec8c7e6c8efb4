import type { HealthResult } from '../../../../shared/api';
/**
 * "Check MISP": can we reach MISP, is the key accepted, and may the key's role do what the configured mode needs?
 * `GET /servers/getVersion` (reachability, key, version) then `GET /users/view/me` (organisation and role flags),
 * `misp.md` §2.2. The answer keeps the old service's shape `{resourceType, resource, statusCode}` and adds the rest.
 */
import { errorFromReply } from './classify';
import { MispError, MispProtocolError } from './errors';
import type { MispHttp } from './http';
import type { ImportMode } from './options';
import { describeSharingGroupRef, type SharingGroupResolver } from './sharing-group';

export type MispPermission = 'perm_add' | 'perm_modify' | 'perm_publish' | 'perm_tagger' | 'perm_tag_editor';

export interface PermissionGap {
  permission: MispPermission;
  /** Without it the configured mode cannot work at all (rather than losing something on the way). */
  required: boolean;
  /** What will not work. */
  consequence: string;
}

export interface MispIdentity {
  email?: string;
  orgId?: string;
  orgName?: string;
  roleName?: string;
  /** The role's permission flags (`perm_add: true`…). */
  permissions: Record<string, boolean>;
}

export interface MispHealth {
  resourceType: 'Misp';
  /** The MISP root URL (never with the key). */
  resource: string;
  /** HTTP status of the version probe; 0 when MISP could not be reached. */
  statusCode: number;
  /** Reachable, key accepted, and no permission the mode requires is missing. */
  ok: boolean;
  /** One sentence for the user. */
  message: string;
  hint?: string;
  /** The error code when the check failed (misp_auth, misp_tls…). */
  errorCode?: string;
  mode: ImportMode;
  version?: string;
  organisation?: string;
  user?: string;
  role?: string;
  missingPermissions: PermissionGap[];
  /** The configured sharing group: as written, the id it stands for, or why it cannot be used. */
  sharingGroup?: SharingGroupHealth;
}

export interface SharingGroupHealth {
  /** As configured: `id 5`, `uuid …`, `named "…"`. */
  configured: string;
  id?: number;
  uuid?: string;
  name?: string;
  /** Set when the key cannot use it; uploads that need it would fail with this sentence. */
  problem?: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const flag = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true';

/** `GET /users/view/me`, reduced to what FLARE MISP uses. */
export async function fetchIdentity(http: MispHttp): Promise<MispIdentity> {
  const body = await http.callJson({ method: 'GET', path: 'users/view/me' });
  const user = isObject(body.User) ? body.User : {};
  const role = isObject(body.Role) ? body.Role : {};
  const org = isObject(body.Organisation) ? body.Organisation : {};
  const permissions: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(role)) if (k.startsWith('perm_')) permissions[k] = flag(v);
  const identity: MispIdentity = { permissions };
  if (typeof user.email === 'string') identity.email = user.email;
  if (org.id !== undefined) identity.orgId = String(org.id);
  else if (user.org_id !== undefined) identity.orgId = String(user.org_id);
  if (typeof org.name === 'string') identity.orgName = org.name;
  if (typeof role.name === 'string') identity.roleName = role.name;
  return identity;
}

/** What each mode needs from the role, and what breaks without it. */
export function permissionGaps(permissions: Record<string, boolean>, mode: ImportMode, publish: boolean): PermissionGap[] {
  const gaps: PermissionGap[] = [];
  const lacks = (p: MispPermission): boolean => permissions[p] !== true;
  if (mode === 'native') {
    if (lacks('perm_add')) gaps.push({ permission: 'perm_add', required: true, consequence: 'Events cannot be created or updated (POST /events/add and /events/edit are refused).' });
  } else {
    if (lacks('perm_modify')) gaps.push({ permission: 'perm_modify', required: true, consequence: 'STIX packages cannot be uploaded (POST /events/upload_stix is refused).' });
    if (lacks('perm_add')) gaps.push({ permission: 'perm_add', required: true, consequence: 'The package id cannot be recorded and the distribution cannot be set after an upload, so uploads would repeat and stay at the server\'s default distribution.' });
  }
  if (publish && lacks('perm_publish')) {
    gaps.push({ permission: 'perm_publish', required: true, consequence: 'Events cannot be published (stixtransclient.misp.published is true); they stay unpublished and are not shared.' });
  }
  if (lacks('perm_tagger')) {
    gaps.push({ permission: 'perm_tagger', required: false, consequence: 'Tags (TLP and AIS markings) of changed packages cannot be brought up to date on existing events.' });
  }
  if (lacks('perm_tag_editor')) {
    gaps.push({ permission: 'perm_tag_editor', required: false, consequence: 'Tags that do not exist yet in MISP (e.g. a first ais-marking tag) are silently left off the events.' });
  }
  return gaps;
}

/**
 * A configured sharing group given by uuid or name is looked up here too (through the client's resolver, so an
 * upload after the check reuses the answer); a numeric id is reported as configured, without a request.
 */
export async function checkMispStatus(http: MispHttp, mode: ImportMode, publish: boolean, sharingGroups?: SharingGroupResolver): Promise<MispHealth> {
  const resource = http.options.baseUrl.toString();
  const base = { resourceType: 'Misp' as const, resource, mode, missingPermissions: [] as PermissionGap[] };
  let version: string | undefined;
  let statusCode = 0;
  try {
    const reply = await http.send({ method: 'GET', path: 'servers/getVersion' });
    statusCode = reply.status;
    if (reply.status < 200 || reply.status >= 300) throw errorFromReply(reply, 'GET /servers/getVersion');
    const body = isObject(reply.body) ? reply.body : {};
    if (typeof body.version === 'string') version = body.version;
    else throw new MispProtocolError('MISP answered GET /servers/getVersion without a version: this does not look like MISP.', { status: reply.status, request: 'GET /servers/getVersion' });
  } catch (e) {
    return failed(base, statusCode, e);
  }
  try {
    const identity = await fetchIdentity(http);
    const gaps = permissionGaps(identity.permissions, mode, publish);
    const blocking = gaps.filter((g) => g.required);
    const health: MispHealth = {
      ...base,
      statusCode,
      ok: blocking.length === 0,
      message:
        blocking.length === 0
          ? `MISP ${version ?? '(unknown version)'} is reachable and the key works${gaps.length > 0 ? ', with limits: ' + gaps.map((g) => g.permission).join(', ') + ' missing' : ''}.`
          : `The MISP key's role lacks ${blocking.map((g) => g.permission).join(', ')}: ${blocking[0]?.consequence ?? ''}`,
      missingPermissions: gaps,
    };
    if (blocking.length > 0) health.hint = 'Give the key\'s role these permissions in MISP (Administration → Roles), or use another key.';
    const sharingGroup = sharingGroups ? await sharingGroupHealth(sharingGroups) : undefined;
    if (sharingGroup) {
      health.sharingGroup = sharingGroup.health;
      if (sharingGroup.error) {
        // Every upload that needs the group would fail, so the destination is not usable as configured.
        health.ok = false;
        if (blocking.length === 0) {
          health.message = sharingGroup.error.message;
          if (sharingGroup.error.hint !== undefined) health.hint = sharingGroup.error.hint;
          health.errorCode = sharingGroup.error.code;
        }
      }
    }
    if (version !== undefined) health.version = version;
    if (identity.orgName !== undefined) health.organisation = identity.orgName;
    if (identity.email !== undefined) health.user = identity.email;
    if (identity.roleName !== undefined) health.role = identity.roleName;
    return health;
  } catch (e) {
    const result = failed(base, statusCode, e);
    if (version !== undefined) result.version = version;
    return result;
  }
}

async function sharingGroupHealth(resolver: SharingGroupResolver): Promise<{ health: SharingGroupHealth; error?: MispError } | undefined> {
  const ref = resolver.ref;
  if (ref === undefined) return undefined;
  const health: SharingGroupHealth = { configured: describeSharingGroupRef(ref) };
  try {
    const info = await resolver.resolve();
    if (info) {
      health.id = info.id;
      if (info.uuid !== undefined) health.uuid = info.uuid;
      if (info.name !== undefined) health.name = info.name;
    }
    return { health };
  } catch (e) {
    const error = e instanceof MispError ? e : new MispProtocolError(String(e));
    health.problem = error.message;
    return { health, error };
  }
}

function failed(base: Pick<MispHealth, 'resourceType' | 'resource' | 'mode' | 'missingPermissions'>, probedStatus: number, e: unknown): MispHealth {
  const health: MispHealth = {
    ...base,
    statusCode: e instanceof MispError && e.status !== undefined ? e.status : probedStatus,
    ok: false,
    message: e instanceof Error ? e.message : String(e),
  };
  if (e instanceof MispError) {
    health.errorCode = e.code;
    if (e.hint !== undefined) health.hint = e.hint;
  }
  return health;
}

/** The AdminApi shape of a MISP health check (the old {resourceType, resource, statusCode} plus the facts). */
export function mispHealthResult(h: MispHealth, latencyMs: number): HealthResult {
  const details: Record<string, unknown> = { mode: h.mode, missingPermissions: h.missingPermissions };
  if (h.version) details.version = h.version;
  if (h.organisation) details.organisation = h.organisation;
  if (h.user) details.user = h.user;
  if (h.role) details.role = h.role;
  if (h.errorCode) details.errorCode = h.errorCode;
  if (h.sharingGroup) details.sharingGroup = h.sharingGroup;
  return {
    resourceType: 'Misp',
    resource: h.resource,
    statusCode: h.statusCode,
    ok: h.ok,
    configured: true,
    latencyMs,
    reason: h.message,
    ...(h.hint !== undefined && { hint: h.hint }),
    details,
  };
}
