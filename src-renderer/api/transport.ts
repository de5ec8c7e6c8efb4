/**
 * The renderer's one way to reach the engine. In Electron the preload exposes `window.flareIpc`; in a browser
 * (headless mode) the same calls go over `POST /api/<method>` and events over `GET /api/events`. Views never
 * know which one they have.
 */
import { ADMIN_METHODS, ApiError, type AdminEventName, type AdminEvents, type ApiErrorShape, type FlareClient } from '../../shared/api';

interface PreloadBridge {
  invoke(method: string, ...args: unknown[]): Promise<{ ok: true; value: unknown } | { ok: false; error: ApiErrorShape }>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    flareIpc?: PreloadBridge;
  }
}

type Invoke = (method: string, args: unknown[]) => Promise<unknown>;
type Subscribe = (event: AdminEventName, listener: (payload: unknown) => void) => () => void;

function buildClient(invoke: Invoke, subscribe: Subscribe): FlareClient {
  const client: Record<string, unknown> = {};
  for (const m of ADMIN_METHODS) client[m] = (...args: unknown[]) => invoke(m, args);
  client.on = <E extends AdminEventName>(event: E, listener: (p: AdminEvents[E]) => void) => subscribe(event, listener as (p: unknown) => void);
  return client as unknown as FlareClient;
}

export function ipcClient(bridge: PreloadBridge): FlareClient {
  return buildClient(
    async (method, args) => {
      const r = await bridge.invoke(method, ...args);
      if (r.ok) return r.value;
      throw new ApiError(r.error);
    },
    (event, listener) => bridge.on(event, listener),
  );
}

/** The bearer token for a headless server that requires one: given once as `#token=…` in the URL. */
function bearerToken(): string | undefined {
  const fromHash = /(?:^#|&)token=([^&]+)/.exec(window.location.hash)?.[1];
  if (fromHash) {
    sessionStorage.setItem('flare-token', decodeURIComponent(fromHash));
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem('flare-token') ?? undefined;
}

export function httpClient(base = ''): FlareClient {
  const token = bearerToken();
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  let source: EventSource | undefined;
  const ensureSource = () => {
    if (source) return;
    source = new EventSource(`${base}/api/events${token ? `?access_token=${encodeURIComponent(token)}` : ''}`);
    for (const event of ['log', 'run', 'jobs', 'status']) {
      source.addEventListener(event, (e) => {
        const payload = JSON.parse((e as MessageEvent<string>).data) as unknown;
        for (const l of listeners.get(event) ?? []) l(payload);
      });
    }
  };
  return buildClient(
    async (method, args) => {
      let res: Response;
      try {
        res = await fetch(`${base}/api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
          body: JSON.stringify(args),
        });
      } catch {
        throw new ApiError({ code: 'offline', message: 'The FLARE MISP service does not answer.', hint: 'Is `flare-misp serve` still running?' });
      }
      const body = (await res.json().catch(() => null)) as { error?: ApiErrorShape } | null;
      if (!res.ok) throw new ApiError(body?.error ?? { code: 'http_' + res.status, message: `The service answered HTTP ${res.status}.` });
      return body;
    },
    (event, listener) => {
      ensureSource();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set!.delete(listener);
    },
  );
}

export function createClient(): FlareClient {
  return window.flareIpc ? ipcClient(window.flareIpc) : httpClient();
}
