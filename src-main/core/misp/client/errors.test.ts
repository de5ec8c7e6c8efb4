/**
 * Failures typed by meaning, and retried only when a retry can succeed — over real sockets, with faults injected
 * by the MISP test server; plus the pure classification and back-off rules.
 */
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mispClientOptions, ROLES, startMispServer, type MispTestServer } from '../../../simulators/misp/index';
import { sampleEvent, uuidFor } from '../../../simulators/misp/sample-events';
import { errorFromReply, fieldErrorsOf } from './classify';
import { MispClient } from './client';
import {
  MispAuthError,
  MispConfigError,
  MispError,
  MispNetworkError,
  MispNotFoundError,
  MispPermissionError,
  MispRejectedError,
  MispServerError,
  MispTimeoutError,
  MispValidationError,
} from './errors';
import { MispHttp } from './http';
import { KeyedLock } from './keyed-lock';
import { mispBaseUrl, resolveOptions } from './options';
import { backoffDelay, withRetry } from './retry';

const READER_KEY = 'ReadOnlyKey00000000000000000000000000002';
const WRONG_KEY = 'WrongKey0000000000000000000000000000000X';

describe('MISP errors over sockets', () => {
  let misp: MispTestServer;
  const clients: MispClient[] = [];
  const client = (overrides: Parameters<typeof mispClientOptions>[1] = {}): MispClient => {
    const c = new MispClient(mispClientOptions(misp, overrides));
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    misp = await startMispServer({ users: [{ key: mispClientOptions({ url: '' } as MispTestServer).key }, { key: READER_KEY, role: ROLES.readOnly }] });
  });
  afterEach(async () => {
    misp.setFaults([]);
    misp.setLatency(0);
    misp.resetCounters();
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => misp.close());

  it('auth: a wrong key is an auth error, not retried, and the key is nowhere in it', async () => {
    const error = await client({ key: WRONG_KEY }).upsert(sampleEvent('auth')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MispAuthError);
    expect(error).toMatchObject({ code: 'misp_auth', status: 403, retryable: false });
    expect(misp.count()).toBe(1);
    expect(JSON.stringify({ ...(error as MispError), message: (error as MispError).message, hint: (error as MispError).hint })).not.toContain(WRONG_KEY);
  });

  it('permission: a role without perm_add gets MISP\'s ACL answer as a permission error, not retried', async () => {
    const error = await client({ key: READER_KEY }).upsert(sampleEvent('acl')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MispPermissionError);
    expect(error).toMatchObject({ status: 403, retryable: false, mispMessage: 'You do not have permission to use this functionality.' });
    expect(misp.count('POST /events/add')).toBe(1);
  });

  it('validation: 403 with saved:false keeps MISP\'s field errors', async () => {
    const http = new MispHttp(resolveOptions(mispClientOptions(misp)));
    try {
      const error = await http.callJson({ method: 'POST', path: 'events/add', json: { Event: { uuid: uuidFor('v'), info: '', date: '2016-01-01' } } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MispValidationError);
      expect((error as MispValidationError).fieldErrors).toEqual({ 'Event.info': ['Info cannot be empty.'] });
      expect((error as MispValidationError).message).toBe('MISP refused to save (POST /events/add): Event.info: Info cannot be empty.');
    } finally {
      await http.close();
    }
  });

  it('not found: publishing an unknown event', async () => {
    const error = await client().publish(uuidFor('nowhere')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MispNotFoundError);
    expect(misp.count('POST /events/publish')).toBe(1);
  });

  it('business rule: a sharing group MISP does not know is a 405 refusal, not retried', async () => {
    const event = sampleEvent('sharing-group', { distribution: 4, sharing_group_id: 77 });
    const error = await client().upsert(event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MispRejectedError);
    expect(error).toMatchObject({ status: 405, mispMessage: 'Invalid Sharing Group or not authorised.', retryable: false });
    expect(misp.count('POST /events/add')).toBe(1);
  });

  it('conflict: an edit MISP finds "not newer" (a parallel writer) is re-read and redone — also in MISP 2.4\'s 200 shape', async () => {
    const c = client({ publish: false });
    const event = sampleEvent('conflict');
    await c.upsert(event);
    const notNewer = 'Event could not be saved: Event in the request not newer than the local copy.';
    misp.setFaults([
      { method: 'POST', path: '/events/edit', fault: { kind: 'status', status: 200, json: { name: 'Edit event failed.', message: 'Error', url: '/events/edit/1', errors: notNewer } }, times: 1 },
      { method: 'POST', path: '/events/edit', fault: { kind: 'status', status: 403, json: { saved: false, name: 'Could not edit Event', message: 'Could not edit Event', url: '/events/edit/1', errors: notNewer } }, times: 1 },
    ]);
    const result = await c.upsert({ ...event, info: 'changed meanwhile' });
    expect(result).toMatchObject({ outcome: 'updated', attempts: 3 });
    expect(misp.count('POST /events/edit')).toBe(3);
  });

  it('server: a 500 is retried with back-off until it works', async () => {
    misp.setFaults([{ method: 'POST', path: '/events/add', fault: { kind: 'status', status: 500 }, times: 2 }]);
    const result = await client().upsert(sampleEvent('flaky'));
    expect(result).toMatchObject({ outcome: 'created', attempts: 3 });
    expect(misp.count('POST /events/add')).toBe(3);
  });

  it('server: a lasting 500 gives up after the bounded attempts with a server error', async () => {
    misp.setFaults([{ method: 'GET', path: '/events/view', fault: { kind: 'status', status: 500 } }]);
    const error = await client({ retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 4 } }).upsert(sampleEvent('down')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MispServerError);
    expect(error).toMatchObject({ status: 500, retryable: true });
    expect(misp.count('GET /events/view')).toBe(3);
  });

  it('server: 503 with Retry-After is retried', async () => {
    misp.setFaults([{ path: '/events/view', fault: { kind: 'status', status: 503, retryAfter: '0' }, times: 1 }]);
    expect((await client().upsert(sampleEvent('busy'))).attempts).toBe(2);
  });

  it('timeout: an answer that never comes ends at the deadline and is retried', async () => {
    misp.setFaults([{ method: 'GET', path: '/events/view', fault: { kind: 'timeout' }, times: 1 }]);
    const result = await client({ timeoutMs: 300 }).upsert(sampleEvent('timeout-once'));
    expect(result).toMatchObject({ outcome: 'created', attempts: 2 });
  });

  it('timeout: when MISP never answers, the error says so', async () => {
    misp.setFaults([{ method: 'GET', path: '/events/view', fault: { kind: 'timeout' } }]);
    const error = await client({ timeoutMs: 200, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } }).upsert(sampleEvent('timeout')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MispTimeoutError);
    expect(misp.count('GET /events/view')).toBe(2);
  });

  it('slow: an answer slower than usual but inside the deadline is fine', async () => {
    misp.setLatency(50);
    expect((await client({ timeoutMs: 5000 }).upsert(sampleEvent('slow'))).attempts).toBe(1);
  });

  it('network: a reset connection is retried', async () => {
    misp.setFaults([{ method: 'GET', path: '/events/view', fault: { kind: 'reset' }, times: 1 }]);
    expect((await client().upsert(sampleEvent('reset'))).attempts).toBe(2);
  });

  it('network: a refused connection is a network error that did not reach MISP', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const c = new MispClient({ ...mispClientOptions(misp), url: `http://127.0.0.1:${port}/`, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    clients.push(c);
    const error = await c.upsert(sampleEvent('refused')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MispNetworkError);
    expect(error).toMatchObject({ retryable: true, maybeProcessed: false, detail: { code: 'ECONNREFUSED' } });
  });
});

describe('classifying MISP answers', () => {
  const reply = (status: number, body: unknown, location?: string) => ({ status, body, text: JSON.stringify(body), contentType: 'application/json', ...(location ? { location } : {}) });

  it('tells 403s apart by their body', () => {
    expect(errorFromReply(reply(403, { name: 'Authentication failed. Your user account has been disabled.' }), 'GET /x')).toBeInstanceOf(MispAuthError);
    expect(errorFromReply(reply(403, { name: 'Auth key is expired' }), 'GET /x')).toBeInstanceOf(MispAuthError);
    expect(errorFromReply(reply(403, { name: 'You do not have permission to use this functionality.' }), 'GET /x')).toBeInstanceOf(MispPermissionError);
    expect(errorFromReply(reply(403, { saved: false, name: 'Could not add Event', errors: 'x' }), 'GET /x')).toBeInstanceOf(MispValidationError);
    expect(errorFromReply(reply(403, { name: 'Event blocked by event blocklist.' }), 'GET /x')).toBeInstanceOf(MispRejectedError);
  });

  it('takes the login redirect (a request MISP did not see as API) as an auth problem', () => {
    expect(errorFromReply(reply(302, undefined, 'https://misp.example/users/login'), 'GET /x')).toBeInstanceOf(MispAuthError);
  });

  it('marks what a retry can fix, and what may have been processed', () => {
    expect(errorFromReply(reply(500, {}), 'POST /x')).toMatchObject({ retryable: true, maybeProcessed: true });
    expect(errorFromReply(reply(503, {}), 'POST /x')).toMatchObject({ retryable: true, maybeProcessed: false });
    expect(errorFromReply(reply(429, {}), 'POST /x')).toMatchObject({ retryable: true, maybeProcessed: false });
    expect(errorFromReply(reply(405, { name: 'You do not have the permission to do that.' }), 'POST /x')).toBeInstanceOf(MispPermissionError);
    expect(errorFromReply(reply(405, { name: 'No valid event data received.' }), 'POST /x')).toMatchObject({ code: 'misp_rejected', retryable: false });
    expect(errorFromReply(reply(400, { name: 'Wrong distribution level' }), 'POST /x')).toMatchObject({ code: 'misp_rejected', retryable: false });
  });

  it('flattens MISP\'s errors, including JSON-encoded ones', () => {
    expect(fieldErrorsOf({ Event: { info: ['Info cannot be empty.'], date: ['Expected date format: YYYY-MM-DD'] } })).toEqual({
      'Event.info': ['Info cannot be empty.'],
      'Event.date': ['Expected date format: YYYY-MM-DD'],
    });
    expect(fieldErrorsOf('{"value":["A similar attribute already exists for this event."]}')).toEqual({ value: ['A similar attribute already exists for this event.'] });
    expect(fieldErrorsOf('Event with the same UUID already exists.')).toEqual({ _: ['Event with the same UUID already exists.'] });
  });
});

describe('retry rules', () => {
  const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  const retryable = new MispServerError('boom', { status: 500 });

  it('backs off exponentially with jitter, never above the cap', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 1)).toBe(400);
    expect(backoffDelay(10, policy, () => 1)).toBe(1000);
    expect(backoffDelay(10, policy, () => 0)).toBe(500);
  });

  it('retries retryable errors up to the bound, and nothing else', async () => {
    const delays: number[] = [];
    const sleep = async (ms: number) => {
      delays.push(ms);
    };
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw retryable; }, policy, { sleep, random: () => 0.5 })).rejects.toBe(retryable);
    expect(calls).toBe(5);
    expect(delays).toEqual([75, 150, 300, 600]);

    calls = 0;
    const final = new MispAuthError('no');
    await expect(withRetry(async () => { calls++; throw final; }, policy, { sleep })).rejects.toBe(final);
    expect(calls).toBe(1);
  });

  it('waits as long as Retry-After says, within the cap', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        if (++calls < 3) throw new MispServerError('busy', { status: 503, retryAfterMs: calls === 1 ? 200 : 60_000 });
        return 'ok';
      },
      policy,
      { sleep: async (ms) => void delays.push(ms) },
    );
    expect(result).toBe('ok');
    expect(delays).toEqual([200, 1000]);
  });
});

describe('client options', () => {
  it('takes the MISP root from old and new style URLs', () => {
    expect(mispBaseUrl('https://misp.example.org/events/').toString()).toBe('https://misp.example.org/');
    expect(mispBaseUrl('https://misp.example.org/misp/events/upload_stix').toString()).toBe('https://misp.example.org/misp/');
    expect(mispBaseUrl('https://misp.example.org').toString()).toBe('https://misp.example.org/');
  });

  it('refuses unusable options with a hint, never echoing the key', () => {
    const base = { url: 'https://misp.example.org/', timeoutMs: 1000, maxConnections: 2, mode: 'native' as const, publish: false, distribution: 0 as const };
    const secret = 'short-secret-key';
    const error = (() => {
      try {
        resolveOptions({ ...base, key: secret });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MispConfigError);
    expect(JSON.stringify({ m: (error as MispConfigError).message, h: (error as MispConfigError).hint })).not.toContain(secret);
    expect(() => resolveOptions({ ...base, key: 'a'.repeat(40), distribution: 4 })).toThrow(/sharing group id/);
    expect(() => resolveOptions({ ...base, key: 'a'.repeat(40), url: 'ftp://misp' })).toThrow(/https:\/\//);
  });
});

describe('KeyedLock', () => {
  it('runs work for one key in order and other keys alongside', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const step = (name: string, ms: number) => () => new Promise<void>((resolve) => setTimeout(() => { log.push(name); resolve(); }, ms));
    await Promise.all([lock.run('a', step('a1', 30)), lock.run('a', step('a2', 1)), lock.run('b', step('b1', 5))]);
    expect(log.indexOf('a1')).toBeLessThan(log.indexOf('a2'));
    expect(log).toContain('b1');
  });
});
