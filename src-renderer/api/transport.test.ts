// @vitest-environment happy-dom
import { describe, it, expect, beforeEach } from 'vitest';
import { httpClient } from './transport';

class FakeEventSource {
  static urls: string[] = [];
  constructor(readonly url: string) {
    FakeEventSource.urls.push(url);
  }
  addEventListener() {}
  close() {}
}

beforeEach(() => {
  sessionStorage.clear();
  FakeEventSource.urls = [];
});

describe('HTTP transport', () => {
  it('401 becomes an unauthorized ApiError; with a token every call sends Authorization: Bearer and the event stream ?access_token=', async () => {
    const seen: (string | undefined)[] = [];
    const fetchImpl = (async (_url: string, init: RequestInit) => {
      const auth = (init.headers as Record<string, string>).authorization;
      seen.push(auth);
      return new Response(JSON.stringify(auth ? { version: '1' } : { error: { code: 'unauthorized', message: 'A valid bearer token is required.' } }), { status: auth ? 200 : 401 });
    }) as typeof fetch;
    const client = httpClient('', fetchImpl, FakeEventSource as unknown as typeof EventSource);
    await expect(client.status()).rejects.toMatchObject({ code: 'unauthorized' });
    client.on('log', () => {});
    expect(FakeEventSource.urls).toEqual(['/api/events']);
    client.tokens.set('secret token');
    expect(sessionStorage.getItem('flare-token')).toBe('secret token');
    await expect(client.status()).resolves.toEqual({ version: '1' });
    expect(seen).toEqual([undefined, 'Bearer secret token']);
    expect(FakeEventSource.urls[1]).toBe('/api/events?access_token=secret%20token');
    client.tokens.clear();
    expect(sessionStorage.getItem('flare-token')).toBeNull();
  });

  it('a service that does not answer is a sentence with a hint', async () => {
    const client = httpClient('', (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch, undefined);
    await expect(client.status()).rejects.toMatchObject({ code: 'offline', message: 'The FLARE MISP service does not answer.' });
  });
});
