/**
 * The sandboxed preload: exposes exactly two functions to the page — `invoke` for the AdminApi methods and
 * `on` for engine events — both checked against the lists in shared/api.ts. The page never sees ipcRenderer.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { ADMIN_EVENTS, ADMIN_METHODS, IPC_EVENT_PREFIX, IPC_PREFIX } from '../../shared/api';

const methods = new Set<string>(ADMIN_METHODS);
const events = new Set<string>(ADMIN_EVENTS);

contextBridge.exposeInMainWorld('flareIpc', {
  invoke(method: string, ...args: unknown[]): Promise<unknown> {
    if (!methods.has(method)) return Promise.reject(new Error(`Unknown method ${method}`));
    return ipcRenderer.invoke(IPC_PREFIX + method, ...args);
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    if (!events.has(event)) throw new Error(`Unknown event ${event}`);
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(IPC_EVENT_PREFIX + event, wrapped);
    return () => ipcRenderer.removeListener(IPC_EVENT_PREFIX + event, wrapped);
  },
});
