/**
 * `GET /sharing_groups/index` of the MISP test server, answering like MISP's `SharingGroupsController::index` with
 * the `SharingGroup` model's `authorizedIds` (MISP/MISP app/Controller/SharingGroupsController.php,
 * app/Model/SharingGroup.php; PyMISP's `sharing_groups()` calls the same action):
 *
 * - Any API user may call it (ACL `*`), but a user sees only the sharing groups their organisation belongs to (or
 *   that include every organisation of this instance); a site admin sees all. A group the user may not see is
 *   simply missing from the list — MISP gives no error for it, so "not visible" and "does not exist" look the same.
 * - The list holds active groups only; `index/true` lists the inactive ones. The REST answer keeps MISP's
 *   backward-compatible wrapper: `{"response": [{SharingGroup, Organisation, SharingGroupOrg, SharingGroupServer,
 *   editable, deletable}]}`, ids as strings, sorted by id.
 * - The same membership rule decides which groups a user may put on an event (`checkIfAuthorised`): the server
 *   hands each request the ids its user may use.
 */
import { HOME_ORG, type TestOrg, type TestUser } from '../users';
import { errorReply, type Reply, type RequestContext } from './context';

export interface TestSharingGroupInit {
  id: number;
  uuid?: string;
  name?: string;
  description?: string;
  releasability?: string;
  /** The organisation that created it (always a member). Default: HOME_ORG. */
  org?: TestOrg;
  /** Member organisations besides the creator; undefined = every organisation of this instance. */
  members?: TestOrg[];
  active?: boolean;
}

export interface TestSharingGroup {
  id: number;
  uuid: string;
  name: string;
  description: string;
  releasability: string;
  org: TestOrg;
  /** undefined: every organisation of the instance (a local-server entry with all_orgs). */
  members?: TestOrg[];
  active: boolean;
}

/** A deterministic uuid for a sharing group given only by its id. */
export const sharingGroupUuid = (id: number): string => `5f6e7d8c-5000-4a2b-9c3d-${String(id).padStart(12, '0')}`;

export function makeSharingGroups(inits: ReadonlyArray<number | TestSharingGroupInit>): TestSharingGroup[] {
  return inits.map((init) => {
    const i = typeof init === 'number' ? { id: init } : init;
    const org = i.org ?? HOME_ORG;
    const group: TestSharingGroup = {
      id: i.id,
      uuid: (i.uuid ?? sharingGroupUuid(i.id)).toLowerCase(),
      name: i.name ?? `Sharing group ${i.id}`,
      description: i.description ?? '',
      releasability: i.releasability ?? '',
      org,
      active: i.active ?? true,
    };
    if (i.members) group.members = [org, ...i.members.filter((m) => m.id !== org.id)];
    return group;
  });
}

/** `SharingGroup::checkIfAuthorised`: site admins see all; others only the groups their organisation is in. */
export function canSeeSharingGroup(user: TestUser, group: TestSharingGroup): boolean {
  return user.role.perm_site_admin || group.members === undefined || group.members.some((m) => m.id === user.org.id);
}

export function visibleSharingGroupIds(user: TestUser, groups: readonly TestSharingGroup[]): Set<number> {
  return new Set(groups.filter((g) => canSeeSharingGroup(user, g)).map((g) => g.id));
}

const org = (o: TestOrg): Record<string, string> => ({ id: String(o.id), name: o.name, uuid: o.uuid });

function members(group: TestSharingGroup): Record<string, unknown>[] {
  return (group.members ?? []).map((m, i) => ({
    id: String(group.id * 100 + i + 1),
    sharing_group_id: String(group.id),
    org_id: String(m.id),
    extend: m.id === group.org.id,
    Organisation: org(m),
  }));
}

function servers(group: TestSharingGroup): Record<string, unknown>[] {
  return [{ all_orgs: group.members === undefined, server_id: '0', sharing_group_id: String(group.id), Server: { id: '0', name: 'Local instance' } }];
}

function listEntry(group: TestSharingGroup, user: TestUser): Record<string, unknown> {
  return {
    SharingGroup: {
      id: String(group.id), uuid: group.uuid, name: group.name, description: group.description, releasability: group.releasability,
      local: true, active: group.active, roaming: false, org_count: String(group.members?.length ?? 0),
    },
    Organisation: org(group.org),
    SharingGroupOrg: members(group),
    SharingGroupServer: servers(group),
    editable: user.role.perm_site_admin,
    deletable: user.role.perm_site_admin,
  };
}

export function indexSharingGroups(ctx: RequestContext): Reply {
  const passive = ctx.args[0] === 'true';
  const list = ctx.sharingGroups
    .filter((g) => canSeeSharingGroup(ctx.user, g) && g.active !== passive)
    .sort((a, b) => a.id - b.id)
    .map((g) => listEntry(g, ctx.user));
  return { status: 200, json: { response: list } };
}
