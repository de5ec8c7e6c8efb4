import { describe, it, expect, vi, afterEach } from 'vitest';
import { asError, createFlareStore, NOTICE_MS, toBase64 } from './store';
import { fakeClient } from '../testing/fakeClient';

afterEach(() => vi.useRealTimers());

describe('store', () => {
  it('success notices fade; errors stay, the same error is one notice, at most three errors', () => {
    vi.useFakeTimers();
    const store = createFlareStore(fakeClient().client);
    const { notify } = store.getState();
    notify('success', 'Saved', 'ok');
    notify('error', 'A', 'one');
    notify('error', 'A', 'one');
    expect(store.getState().notices.map((n) => n.title)).toEqual(['Saved', 'A']);
    vi.advanceTimersByTime(NOTICE_MS + 1);
    expect(store.getState().notices.map((n) => n.title)).toEqual(['A']);
    for (const t of ['B', 'C', 'D']) notify('error', t, 'x');
    expect(store.getState().notices.map((n) => n.title)).toEqual(['B', 'C', 'D']);
  });

  it('log entries arrive in batches and the newest 100,000 are kept', async () => {
    vi.useFakeTimers();
    const { client, push } = fakeClient({ recentLog: async () => [] });
    const store = createFlareStore(client);
    await store.getState().init();
    for (let i = 0; i < 1000; i++) push('log', { time: '2026-11-28T00:00:00.000Z', level: 'info', message: `m${i}` });
    expect(store.getState().log).toHaveLength(0);
    vi.advanceTimersByTime(60);
    expect(store.getState().log).toHaveLength(1000);
  });

  it('a run event tracks the active run of its process type until it ends', async () => {
    const { client, push } = fakeClient();
    const store = createFlareStore(client);
    await store.getState().init();
    const base = (await client.listRuns())[1]!;
    push('run', { ...base, id: 5, state: 'running' });
    expect(store.getState().active.stixToMisp?.id).toBe(5);
    push('run', { ...base, id: 5, state: 'success' });
    expect(store.getState().active.stixToMisp).toBeUndefined();
    expect(store.getState().runs.data?.[0]?.id).toBe(5);
  });

  it('a file is sent as its bytes (base64), pasted text as text', async () => {
    const sent: unknown[] = [];
    const { client } = fakeClient({ previewPackage: async (c) => (sent.push(c), { event: {}, warnings: [], dropped: [] }) });
    const store = createFlareStore(client);
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9]);
    await store.getState().previewFile(new File([latin1], 'cafe.xml'));
    expect(sent[0]).toEqual({ base64: toBase64(latin1), name: 'cafe.xml' });
    expect(atob((sent[0] as { base64: string }).base64)).toBe('caf\u00e9');
    await store.getState().previewXml('<x/>', { name: 'The pasted XML', bytes: 0, pasted: true });
    expect(sent[1]).toBe('<x/>');
  });

  it('asError: a sentence, never a stack; key and file names keep their case', () => {
    expect(asError(new Error('the content is not XML\n    at parse (x.js:1:1)')).message).toBe('The content is not XML');
    expect(asError({ code: 'config_invalid', message: 'config.properties line 3: bad' }).message).toBe('config.properties line 3: bad');
  });
});
