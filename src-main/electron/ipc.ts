/**
 * Electron IPC for the AdminApi: every method of shared/api.ts is registered from the one list, so none can be
 * forgotten, and every call is checked against the trusted senders (our own window, loading our own page).
 * Results travel as `{ok, value}` / `{ok:false, error}` because Electron flattens thrown errors to a string.
 * Only types are imported from electron, so this file is testable under plain Node with a fake ipcMain.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { ADMIN_EVENTS, ADMIN_METHODS, IPC_EVENT_PREFIX, IPC_PREFIX, type AdminApi, type AdminEventName, type AdminEvents, type ApiErrorShape } from '../../shared/api';
import { toApiError } from '../core/errors';
import type { Logger } from '../core/log/types';

export type IpcResult = { ok: true; value: unknown } | { ok: false; error: ApiErrorShape };

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

/** Trusted = one of our windows (by webContents id) whose top frame shows our own page. */
export function trustedSenders(trustedIds: ReadonlySet<number>, isOurPage: (url: string) => boolean): SenderCheck {
  return (event) => {
    const frame = event.senderFrame;
    return trustedIds.has(event.sender.id) && frame !== null && frame !== undefined && frame.parent === null && isOurPage(frame.url);
  };
}

export function registerIpc(ipc: Pick<IpcMain, 'handle' | 'removeHandler'>, service: AdminApi, isTrusted: SenderCheck, log?: Logger): () => void {
  for (const method of ADMIN_METHODS) {
    ipc.handle(IPC_PREFIX + method, async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<IpcResult> => {
      if (!isTrusted(event)) {
        log?.warn(`Refused IPC call ${method} from an untrusted sender (${event.senderFrame?.url ?? 'unknown frame'})`);
        return { ok: false, error: { code: 'forbidden', message: 'This window may not call FLARE MISP.' } };
      }
      try {
        const fn = service[method] as (...a: unknown[]) => Promise<unknown>;
        return { ok: true, value: await fn.apply(service, args) };
      } catch (e) {
        return { ok: false, error: toApiError(e) };
      }
    });
  }
  return () => {
    for (const method of ADMIN_METHODS) ipc.removeHandler(IPC_PREFIX + method);
  };
}

/** Pushes every engine event to the renderer(s) through `send` (e.g. `win.webContents.send`). */
export function forwardEvents(
  source: { on<E extends AdminEventName>(event: E, listener: (payload: AdminEvents[E]) => void): () => void },
  send: (channel: string, payload: unknown) => void,
): () => void {
  const offs = ADMIN_EVENTS.map((event) => source.on(event, (payload) => send(IPC_EVENT_PREFIX + event, payload)));
  return () => offs.forEach((off) => off());
}
