/**
 * Native mode: put one converted event into MISP so that MISP ends up holding exactly that event, whatever state it
 * was in before — absent, identical, older, or added by an earlier run that stopped before publishing.
 *
 *   GET /events/view/{uuid} → absent:  POST /events/add
 *                           → present: diff by uuid
 *                                        → unchanged: duplicate
 *                                        → changed:   POST /events/edit/{uuid} (newer timestamp, vanished pieces
 *                                                     soft-deleted, tags in line)
 *   then, when configured and the event is not published: POST /events/publish/{uuid}
 *
 * Every step re-reads MISP's state, so the whole operation can simply be run again after a failure.
 */
import type { MispEvent, StoredEvent } from '../model';
import { checkEvent, describeIssues } from '../validate/event';
import { buildEdit, diffEvent, mispBool, mispNumber, storedUuids, summarize, wantedUuids, type ChangeSummary } from './diff';
import { errorFromReply, fieldErrorsOf, mispSentence, type MispReply } from './classify';
import {
  MispConflictError,
  MispEventInvalidError,
  MispNotFoundError,
  MispProtocolError,
  MispRejectedError,
  MispValidationError,
} from './errors';
import type { MispHttp } from './http';

export type UpsertOutcome = 'created' | 'updated' | 'duplicate';

export interface UpsertResult {
  outcome: UpsertOutcome;
  uuid: string;
  /** MISP's numeric id, when MISP told us. */
  eventId?: string;
  /** The event is published in MISP now. */
  published: boolean;
  /** This call published it (a new or changed event, or one an earlier run left unpublished). */
  publishedNow: boolean;
  /** MISP answered our add with "Event already exists": someone (an earlier, interrupted run) was first. */
  alreadyExisted: boolean;
  /** What an update changed. */
  changes?: ChangeSummary;
  /** Pieces left out: invalid ones we did not send, and ones MISP did not keep (e.g. a uuid used by another event). */
  warnings: string[];
  attempts: number;
}

export interface UpsertContext {
  http: MispHttp;
  publish: boolean;
  tagPolicy: 'exact' | 'add-only';
  /** Seconds clock (for the edit timestamp). */
  nowSeconds: () => number;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the event like MISP will and returns what may be sent; throws when MISP would refuse it whole. */
export function prepareEvent(event: MispEvent, allowNewerTypes: boolean): { event: MispEvent; warnings: string[] } {
  const check = checkEvent(event, { allowNewerTypes });
  if (check.fatal || !check.event) {
    const problems = describeIssues(check.issues.filter((i) => i.level === 'error'));
    throw new MispEventInvalidError(`The MISP event ${String(event.uuid)} is invalid: ${problems.join('; ')}`, problems);
  }
  return { event: check.event, warnings: describeIssues(check.issues) };
}

function storedEventOf(body: unknown, request: string): StoredEvent {
  if (isObject(body) && isObject(body.Event)) return body.Event as StoredEvent;
  // MISP 2.4 answered a failed REST edit with 200 and {name: "Edit event failed.", errors}; 2.5 uses 403 saved:false.
  if (isObject(body) && body.errors !== undefined) {
    const fieldErrors = fieldErrorsOf(body.errors);
    throw new MispValidationError(`MISP refused to save (${request}): ${Object.values(fieldErrors).flat().join(' ')}`, fieldErrors, { status: 200, request });
  }
  throw new MispProtocolError(`MISP answered ${request} without an event.`, { request });
}

/**
 * MISP's answer to adding an event whose uuid it has: a Location header to the existing event and the sentence
 * "Event already exists…" — delivered as 404, or as 200/302 because MISP flushes headers before throwing
 * (`misp.md` §2.3).
 */
export function isAlreadyExistsAnswer(reply: MispReply): boolean {
  if (![200, 301, 302, 303, 404].includes(reply.status)) return false;
  const sentence = mispSentence(reply.body) ?? '';
  if (/already exists/i.test(sentence)) return true;
  return reply.location !== undefined && /\/events\/(view\/)?[0-9a-f-]+\/?$/i.test(reply.location) && !(isObject(reply.body) && isObject(reply.body.Event));
}

/** uuids we sent that MISP's answer does not contain. */
function notKept(sent: MispEvent, answer: StoredEvent): string[] {
  const kept = storedUuids(answer);
  return [...wantedUuids(sent)].filter((u) => !kept.has(u)).map((u) => `MISP did not keep ${u} (its uuid may belong to another event, or MISP's validation dropped it).`);
}

async function fetchEvent(http: MispHttp, uuid: string): Promise<StoredEvent | undefined> {
  try {
    const body = await http.callJson({ method: 'GET', path: `events/view/${uuid}` });
    return storedEventOf(body, `GET /events/view/${uuid}`);
  } catch (e) {
    if (e instanceof MispNotFoundError) return undefined;
    throw e;
  }
}

export async function publishEvent(http: MispHttp, idOrUuid: string): Promise<void> {
  await http.callJson({ method: 'POST', path: `events/publish/${idOrUuid}` });
}

/** One attempt of the whole upsert (the caller retries it as a whole). */
export async function upsertOnce(ctx: UpsertContext, event: MispEvent, warnings: string[]): Promise<Omit<UpsertResult, 'attempts'>> {
  const { http } = ctx;
  const uuid = event.uuid;
  let alreadyExisted = false;

  // The existence check is a GET, not a HEAD: undici closes the connection after every HEAD (to cope with servers
  // that send a body anyway), which cost a new connection per package; and an event that exists is the one the
  // diff needs, so it is not fetched twice.
  let stored = await fetchEvent(http, uuid);
  if (!stored) {
    const body = { Event: { ...event, published: false } };
    const reply = await http.send({ method: 'POST', path: 'events/add', json: body });
    if (reply.status >= 200 && reply.status < 300 && isObject(reply.body) && isObject(reply.body.Event)) {
      const stored = reply.body.Event as StoredEvent;
      const result: Omit<UpsertResult, 'attempts'> = {
        outcome: 'created',
        uuid,
        published: false,
        publishedNow: false,
        alreadyExisted: false,
        warnings: [...warnings, ...notKept(event, stored)],
      };
      if (stored.id !== undefined) result.eventId = String(stored.id);
      return publishIfWanted(ctx, result);
    }
    if (!isAlreadyExistsAnswer(reply)) throw errorFromReply(reply, 'POST /events/add');
    // Another writer (an earlier run that stopped, a parallel process) added it since our GET: update it instead.
    alreadyExisted = true;
    stored = await fetchEvent(http, uuid);
  }

  if (!stored && alreadyExisted) {
    // MISP knows the uuid (its add said so) but will not show it to us: another organisation's event.
    throw new MispRejectedError(`MISP already holds an event ${uuid} that this key's organisation may not see, so it cannot be created or updated.`, {
      request: `GET /events/view/${uuid}`,
      hint: 'Another organisation on this MISP has the same package as a non-shared event. Ask them to share it, or leave this package out.',
    });
  }
  if (!stored) throw new MispConflictError(`The MISP event ${uuid} disappeared while it was being updated.`, { request: `GET /events/view/${uuid}` });
  const diff = diffEvent(event, stored, { tagPolicy: ctx.tagPolicy });
  const eventId = stored.id !== undefined ? String(stored.id) : undefined;
  const published = mispBool(stored.published);

  if (!diff.changed) {
    const result: Omit<UpsertResult, 'attempts'> = { outcome: 'duplicate', uuid, published, publishedNow: false, alreadyExisted, warnings };
    if (eventId !== undefined) result.eventId = eventId;
    return publishIfWanted(ctx, result);
  }

  // MISP refuses an edit whose timestamp is not newer than the stored one.
  const timestamp = Math.max(ctx.nowSeconds(), (mispNumber(stored.timestamp) ?? 0) + 1);
  let answer: StoredEvent;
  try {
    const body = await http.callJson({ method: 'POST', path: `events/edit/${uuid}`, json: buildEdit(event, diff, timestamp) });
    answer = storedEventOf(body, `POST /events/edit/${uuid}`);
  } catch (e) {
    if (e instanceof MispValidationError && /not newer/i.test(e.message)) {
      throw new MispConflictError(`The MISP event ${uuid} changed while it was being updated.`, { request: `POST /events/edit/${uuid}`, cause: e });
    }
    throw e;
  }
  const result: Omit<UpsertResult, 'attempts'> = {
    outcome: 'updated',
    uuid,
    published: mispBool(answer.published),
    publishedNow: false,
    alreadyExisted,
    changes: summarize(diff),
    warnings: [...warnings, ...notKept(event, answer)],
  };
  if (eventId !== undefined) result.eventId = eventId;
  return publishIfWanted(ctx, result);
}

async function publishIfWanted(ctx: UpsertContext, result: Omit<UpsertResult, 'attempts'>): Promise<Omit<UpsertResult, 'attempts'>> {
  if (!ctx.publish || result.published) return result;
  await publishEvent(ctx.http, result.uuid);
  return { ...result, published: true, publishedNow: true };
}
