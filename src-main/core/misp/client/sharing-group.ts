/**
 * The sharing group of `flare.misp.sharing-group`, which users may write the way MISP shows it: the numeric id,
 * the uuid (the same on every instance — what a sharing community hands out), or the name. MISP's event API wants
 * the numeric id, so a uuid or name is looked up once, the first time something needs it, in MISP's sharing group
 * listing (`GET /sharing_groups/index`, the action PyMISP's `sharing_groups()` calls), and remembered for the
 * client's life. A numeric id is used as written, without asking MISP.
 *
 * Facts from MISP's source (SharingGroupsController::index, SharingGroup::authorizedIds): any API user may call the
 * listing; it holds only the groups the key's organisation belongs to (all of them for a site admin), only active
 * ones, wrapped as `{"response": [{"SharingGroup": {"id", "uuid", "name", …}, …}]}`. A group the key may not use is
 * simply absent, so "does not exist" and "not visible to this key" cannot be told apart — the message says both.
 * Names are unique in one MISP instance (the model's `isUnique` rule), so a name names one group.
 */
import { errorFromReply } from './classify';
import { MispProtocolError, MispSharingGroupError, isRetryable } from './errors';
import type { MispHttp } from './http';

export type SharingGroupRef = { kind: 'id'; id: number } | { kind: 'uuid'; uuid: string } | { kind: 'name'; name: string };

/** A resolved sharing group: the id MISP's API takes, and what the listing said about it. */
export interface SharingGroupInfo {
  id: number;
  uuid?: string;
  name?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LISTING = 'sharing_groups/index';
const LIST_HINT = 'List them in MISP: Global Actions → List Sharing Groups.';
/** MISP pages index actions (60 a page by default); a full first page may not be the whole list. */
const MISP_PAGE = 60;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `5` → id, a uuid → uuid (lower case, as MISP stores them), anything else → a name. Empty → undefined. */
export function parseSharingGroupRef(value: string | number): SharingGroupRef | undefined {
  const text = String(value).trim();
  if (text === '') return undefined;
  if (/^[0-9]+$/.test(text)) return { kind: 'id', id: Number(text) };
  if (UUID.test(text)) return { kind: 'uuid', uuid: text.toLowerCase() };
  return { kind: 'name', name: text };
}

export function describeSharingGroupRef(ref: SharingGroupRef): string {
  switch (ref.kind) {
    case 'id':
      return `id ${ref.id}`;
    case 'uuid':
      return `uuid ${ref.uuid}`;
    case 'name':
      return `named "${ref.name}"`;
  }
}

function listed(entry: unknown): SharingGroupInfo | undefined {
  const sg = isObject(entry) && isObject(entry.SharingGroup) ? entry.SharingGroup : undefined;
  if (!sg) return undefined;
  const id = Number(sg.id);
  if (!Number.isInteger(id) || id <= 0) return undefined;
  const info: SharingGroupInfo = { id };
  if (typeof sg.uuid === 'string') info.uuid = sg.uuid.toLowerCase();
  if (typeof sg.name === 'string') info.name = sg.name;
  return info;
}

/** The sharing groups this key may use, as MISP lists them. */
export async function listSharingGroups(http: MispHttp): Promise<SharingGroupInfo[]> {
  const request = `GET /${LISTING}`;
  const reply = await http.send({ method: 'GET', path: LISTING });
  if (reply.status < 200 || reply.status >= 300) throw errorFromReply(reply, request);
  const body = reply.body;
  // The `response` wrapper is MISP's ("to keep BC"); a bare list is accepted too rather than failing on it.
  const list = isObject(body) && Array.isArray(body.response) ? body.response : Array.isArray(body) ? body : undefined;
  if (!list) throw new MispProtocolError(`MISP answered ${request} without a list of sharing groups.`, { status: reply.status, request });
  return list.map(listed).filter((g): g is SharingGroupInfo => g !== undefined);
}

function pick(ref: Exclude<SharingGroupRef, { kind: 'id' }>, groups: readonly SharingGroupInfo[]): SharingGroupInfo | SharingGroupInfo[] | undefined {
  if (ref.kind === 'uuid') return groups.find((g) => g.uuid === ref.uuid);
  const exact = groups.filter((g) => g.name === ref.name);
  if (exact.length === 1) return exact[0];
  // A name typed in another case or with stray spaces still names the group, as long as only one fits.
  const loose = groups.filter((g) => g.name !== undefined && g.name.trim().toLowerCase() === ref.name.toLowerCase());
  return loose.length === 1 ? loose[0] : loose.length > 1 ? loose : undefined;
}

const label = (g: SharingGroupInfo): string => `"${g.name ?? '?'}" (id ${g.id}${g.uuid ? `, uuid ${g.uuid}` : ''})`;

/** Looks a uuid or name up in MISP's listing; throws MispSharingGroupError when this key cannot see it. */
export async function lookUpSharingGroup(http: MispHttp, ref: SharingGroupRef): Promise<SharingGroupInfo> {
  if (ref.kind === 'id') return { id: ref.id };
  const groups = await listSharingGroups(http);
  const found = pick(ref, groups);
  if (found !== undefined && !Array.isArray(found)) return found;

  const what = ref.kind === 'uuid' ? `with uuid ${ref.uuid}` : `named "${ref.name}"`;
  const detail = { sharingGroup: describeSharingGroupRef(ref), visible: groups.map(label) };
  if (Array.isArray(found)) {
    throw new MispSharingGroupError(
      `flare.misp.sharing-group: more than one sharing group is ${what} when case is ignored: ${found.map(label).join(', ')}.`,
      'Write the name exactly as MISP shows it, or use the uuid or numeric id. ' + LIST_HINT,
      { request: `GET /${LISTING}`, detail },
    );
  }
  const visible =
    groups.length === 0
      ? 'This key sees no sharing group at all: its organisation is not a member of any.'
      : `This key sees: ${groups.slice(0, 5).map(label).join(', ')}${groups.length > 5 ? ` and ${groups.length - 5} more` : ''}.`;
  const paged = groups.length >= MISP_PAGE ? ' MISP may have listed only its first page: the numeric id always works.' : '';
  throw new MispSharingGroupError(
    `No sharing group ${what} is visible to this API key (flare.misp.sharing-group).`,
    `${LIST_HINT} The key's organisation must be a member of the group, and the group active. ${visible}${paged}`,
    { request: `GET /${LISTING}`, detail },
  );
}

/**
 * Resolves the configured sharing group once and remembers it; concurrent callers share the one request. A refusal
 * ("not visible") is remembered too — it takes a change in MISP or in the configuration — but a failure that can
 * pass (network, 5xx) is not, so the next caller asks again.
 */
export class SharingGroupResolver {
  private pending?: Promise<SharingGroupInfo>;

  constructor(
    private readonly http: MispHttp,
    readonly ref: SharingGroupRef | undefined,
  ) {}

  /** The configured group with its numeric id, or undefined when none is configured. */
  resolve(): Promise<SharingGroupInfo | undefined> {
    const ref = this.ref;
    if (ref === undefined) return Promise.resolve(undefined);
    if (ref.kind === 'id') return Promise.resolve({ id: ref.id });
    this.pending ??= lookUpSharingGroup(this.http, ref).catch((e: unknown) => {
      if (isRetryable(e)) this.pending = undefined;
      throw e;
    });
    return this.pending;
  }

  /** Just the id (what events and edits carry). */
  async id(): Promise<number | undefined> {
    return (await this.resolve())?.id;
  }
}
