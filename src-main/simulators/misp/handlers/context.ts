/**
 * What every route handler of the MISP test server gets, and MISP's answer shapes (`misp.md` §2.1).
 */
import type { MispStore } from '../store';
import type { TestUser } from '../users';
import type { TestSharingGroup } from './sharing-groups';

export interface Rejection {
  /** `POST /events/add`… */
  route: string;
  /** uuid of the event, attribute or object concerned, when known. */
  uuid?: string;
  what: 'event' | 'attribute' | 'object' | 'reference' | 'tag';
  reason: string;
}

export interface ServerSettings {
  version: string;
  defaultEventDistribution: number;
  /** The ids of the sharing groups the requesting user may use (MISP's `checkIfAuthorised`). */
  sharingGroups: ReadonlySet<number>;
  duplicateStatus: 200 | 302 | 404;
  /** Whether event views carry attachment files by default (MISP: yes; false imitates a file missing on disk). */
  attachmentsInView: boolean;
}

export interface RequestContext {
  method: string;
  /** The path without query, e.g. `/events/edit/12`. */
  path: string;
  /** Positional arguments after controller/action (named `k:v` segments removed). */
  args: string[];
  /** CakePHP named parameters (`publish:1` → `{ publish: '1' }`). */
  named: Record<string, string>;
  contentType: string;
  body: Buffer;
  user: TestUser;
  store: MispStore;
  settings: ServerSettings;
  /** Every sharing group of the instance, visible or not to this user. */
  sharingGroups: readonly TestSharingGroup[];
  reject: (r: Omit<Rejection, 'route'>) => void;
}

export interface Reply {
  status: number;
  json?: unknown;
  headers?: Record<string, string>;
}

/** `{name, message, url}`, MISP's shape for thrown exceptions. */
export function errorReply(status: number, sentence: string, url: string): Reply {
  return { status, json: { name: sentence, message: sentence, url } };
}

/** `RestResponseComponent::saveFailResponse`: 403 with saved:false and the errors. */
export function saveFail(action: string, model: string, url: string, errors: unknown): Reply {
  const sentence = `Could not ${action} ${model}`;
  return { status: 403, json: { saved: false, name: sentence, message: sentence, url, errors } };
}

/** `RestResponseComponent::saveSuccessResponse`. */
export function saveSuccess(sentence: string, url: string, id: string | number): Reply {
  return { status: 200, json: { saved: true, success: true, name: sentence, message: sentence, url, id: String(id) } };
}

/** The JSON body, unwrapped from `{request: …}` / `{response: …}` like MISP does; undefined when not JSON. */
export function jsonBody(ctx: RequestContext): { ok: true; value: unknown } | { ok: false; reply: Reply } {
  if (!/application\/json/i.test(ctx.contentType)) {
    // MISP ignores a body it was not told is JSON; the action then finds no data.
    return { ok: true, value: undefined };
  }
  const text = ctx.body.toString('utf8');
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    let value: unknown = JSON.parse(text);
    if (isObject(value) && isObject(value.request)) value = value.request;
    if (isObject(value) && isObject(value.response)) value = value.response;
    return { ok: true, value };
  } catch {
    return { ok: false, reply: errorReply(405, 'Invalid JSON input. Make sure that the JSON input is a correctly formatted JSON string. This request has been blocked to avoid an unfiltered request.', ctx.path) };
  }
}

export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Like MISP: the events a user may see. */
export function canSee(ctx: RequestContext, event: { orgc: { id: number }; org: { id: number }; distribution: number }): boolean {
  return ctx.user.role.perm_site_admin || event.orgc.id === ctx.user.org.id || event.org.id === ctx.user.org.id || event.distribution > 0;
}

/** Like MISP: only the creator organisation (or a site admin) may change an event. */
export function canModify(ctx: RequestContext, event: { orgc: { id: number } }): boolean {
  return ctx.user.role.perm_site_admin || event.orgc.id === ctx.user.org.id;
}
