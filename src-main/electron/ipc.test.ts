import { describe, it, expect } from 'vitest';
import type { IpcMainInvokeEvent } from 'electron';
import { ADMIN_METHODS, IPC_PREFIX, IPC_EVENT_PREFIX, type AdminApi } from '../../shared/api';
import { FlareService } from '../core/service';
import { LogHub } from '../core/log/index';
import { registerIpc, forwardEvents, trustedSenders, type IpcResult } from './ipc';
import { tempConfigDir } from '../../test/support/config-dir';

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<IpcResult>;

/** The part of ipcMain that registerIpc uses, recorded. */
function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    handle(channel: string, fn: Handler) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, fn);
    },
    removeHandler(channel: string) {
      handlers.delete(channel);
    },
  };
}

const OUR_PAGE = 'file:///app/dist-renderer/index.html';
function eventFrom(id: number, url: string, parent: unknown = null): IpcMainInvokeEvent {
  return { sender: { id }, senderFrame: { url, parent } } as unknown as IpcMainInvokeEvent;
}

function makeService() {
  const service = new FlareService({ configDir: tempConfigDir(), mode: 'desktop', version: '9.9.9', hub: new LogHub() });
  service.start();
  return service;
}

describe('IPC registry', () => {
  it('registers one handler per AdminApi method, and unregisters them all', () => {
    const ipc = fakeIpcMain();
    const off = registerIpc(ipc as never, makeService(), () => true);
    expect([...ipc.handlers.keys()].sort()).toEqual(ADMIN_METHODS.map((m) => IPC_PREFIX + m).sort());
    off();
    expect(ipc.handlers.size).toBe(0);
  });

  it('calls the service with the arguments and returns its value', async () => {
    const ipc = fakeIpcMain();
    const isTrusted = trustedSenders(new Set([1]), (url) => url === OUR_PAGE);
    registerIpc(ipc as never, makeService(), isTrusted);
    const status = await ipc.handlers.get('flare:status')!(eventFrom(1, OUR_PAGE));
    expect(status).toMatchObject({ ok: true, value: { version: '9.9.9', mode: 'desktop', taxiiConfigured: false } });
    const health = await ipc.handlers.get('flare:checkMispStatus')!(eventFrom(1, OUR_PAGE));
    expect(health).toMatchObject({ ok: true, value: { resourceType: 'Misp', ok: false, configured: false, statusCode: 0 } });
    const log = await ipc.handlers.get('flare:recentLog')!(eventFrom(1, OUR_PAGE), 1);
    expect(log.ok && Array.isArray(log.value) && log.value.length).toBe(1);
  });

  it('returns typed errors instead of throwing', async () => {
    const ipc = fakeIpcMain();
    registerIpc(ipc as never, makeService(), () => true);
    const r = await ipc.handlers.get('flare:getRun')!(eventFrom(1, OUR_PAGE), 4242);
    expect(r).toEqual({ ok: false, error: { code: 'run_not_found', message: 'There is no run 4242 in the history.', hint: expect.any(String) } });
  });

  it('refuses untrusted senders: another window, another page, or a sub-frame', async () => {
    const ipc = fakeIpcMain();
    const calls: string[] = [];
    const spy = new Proxy(makeService(), {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? (...a: unknown[]) => (calls.push(String(prop)), v.apply(target, a)) : v;
      },
    }) as AdminApi;
    registerIpc(ipc as never, spy, trustedSenders(new Set([1]), (url) => url === OUR_PAGE));
    const refused = { ok: false, error: { code: 'forbidden', message: 'This window may not call FLARE MISP.' } };
    expect(await ipc.handlers.get('flare:getConfig')!(eventFrom(2, OUR_PAGE))).toEqual(refused);
    expect(await ipc.handlers.get('flare:getConfig')!(eventFrom(1, 'https://evil.example/'))).toEqual(refused);
    expect(await ipc.handlers.get('flare:getConfig')!(eventFrom(1, OUR_PAGE, { url: OUR_PAGE }))).toEqual(refused);
    expect(calls).toEqual([]);
  });

  it('forwards engine events to the renderer channel', async () => {
    const service = makeService();
    const sent: [string, unknown][] = [];
    const off = forwardEvents(service, (channel, payload) => sent.push([channel, payload]));
    await service.refreshConfig();
    off();
    await service.refreshConfig();
    const channels = sent.map(([c]) => c);
    expect(channels).toContain(IPC_EVENT_PREFIX + 'log');
    expect(channels).toContain(IPC_EVENT_PREFIX + 'status');
    const logs = sent.filter(([c]) => c === IPC_EVENT_PREFIX + 'log').map(([, p]) => (p as { message: string }).message);
    expect(logs).toContain('Reloading the configuration');
    expect(logs.filter((m) => m === 'Reloading the configuration')).toHaveLength(1);
  });
});
