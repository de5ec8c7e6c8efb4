/**
 * The renderer's one way to reach the engine. In Electron the preload exposes `window.flareIpc`; in a browser
 * (headless mode) the same calls go over `POST /api/<method>` and events over `GET /api/events`. Views never
 * know which one they have.
 */
import { ADMIN_EVENTS, ADMIN_METHODS, ApiError, type AdminEventName, type AdminEvents, type ApiErrorShape, type FlareClient } from '../../shared/api';

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

const TOKEN_KEY = 'flare-token';

/**
 * The bearer token for a headless server that requires one, kept for the browser session (sessionStorage): typed
 * into the sign-in form, or given once as `#token=…` in the URL (then removed from the address bar).
 */
export function readToken(): string | undefined {
  const fromHash = /(?:^#|&)token=([^&]+)/.exec(window.location.hash)?.[1];
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(fromHash));
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export interface HttpClient extends FlareClient {
  /** Keeps the token for the session and reconnects the event stream with it. */
  tokens: { set(token: string): void; clear(): void };
}

export function httpClient(base = '', fetchImpl: typeof fetch = (...a) => fetch(...a), EventSourceImpl: typeof EventSource | undefined = globalThis.EventSource): HttpClient {
  let token = readToken();
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  let source: EventSource | undefined;
  const connect = () => {
    source?.close();
    source = undefined;
    if (!EventSourceImpl) return;
    // EventSource cannot send headers: the token goes as ?access_token= (the server takes it on /api/events only).
    source = new EventSourceImpl(`${base}/api/events${token ? `?access_token=${encodeURIComponent(token)}` : ''}`);
    for (const event of ADMIN_EVENTS) {
      source.addEventListener(event, (e) => {
        const payload = JSON.parse((e as MessageEvent<string>).data) as unknown;
        for (const l of listeners.get(event) ?? []) l(payload);
      });
    }
  };
  const client = buildClient(
    async (method, args) => {
      let res: Response;
      try {
        res = await fetchImpl(`${base}/api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
          body: JSON.stringify(args),
        });
      } catch {
        throw new ApiError({ code: 'offline', message: 'The FLARE MISP service does not answer.', hint: 'Check that `flare-misp serve` is still running, then reload the page.' });
      }
      const body = (await res.json().catch(() => null)) as { error?: ApiErrorShape } | null;
      if (res.status === 401) throw new ApiError({ code: 'unauthorized', message: 'The service needs its access token.', hint: 'Sign in with the value of flare.server.token.' });
      if (!res.ok) throw new ApiError(body?.error ?? { code: 'http_' + res.status, message: `The service answered HTTP ${res.status}.`, hint: 'The service log has the details.' });
      return body;
    },
    (event, listener) => {
      if (!source) connect();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set!.delete(listener);
    },
  ) as HttpClient;
  client.tokens = {
    set(t) {
      token = t;
      sessionStorage.setItem(TOKEN_KEY, t);
      if (source) connect();
    },
    clear() {
      token = undefined;
      sessionStorage.removeItem(TOKEN_KEY);
    },
  };
  return client;
}

/** The client for this page, and how it keeps a token (HTTP only; Electron's IPC needs none). */
export function createClient(): { client: FlareClient; tokens?: HttpClient['tokens'] } {
  if (window.flareIpc) return { client: ipcClient(window.flareIpc) };
  const client = httpClient();
  return { client, tokens: client.tokens };
}
