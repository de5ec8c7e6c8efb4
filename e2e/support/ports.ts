/** Where the e2e stack (start-stack.ts) listens beside the configured service at WIRED_PORT. */
/** As playwright.config.ts: the wired service listens one above FLARE_E2E_PORT. */
export const WIRED_PORT = Number(process.env.FLARE_E2E_PORT ?? 18765) + 1;

/** The shipped, unconfigured service, protected by FRESH_TOKEN. */
export const FRESH_PORT = WIRED_PORT + 1;
/** The specs' control endpoint (test servers' URLs, faults, latency). */
export const CONTROL_PORT = WIRED_PORT + 2;
export const FRESH_TOKEN = 'e2e-fresh-token-0123456789abcdef0123456789';

export const WIRED = `http://127.0.0.1:${WIRED_PORT}/`;
export const FRESH = `http://127.0.0.1:${FRESH_PORT}/`;
const CONTROL = `http://127.0.0.1:${CONTROL_PORT}`;

export interface StackInfo {
  taxii: { url: string; poll: string; collections: string; discovery: string };
  misp: { url: string; key: string };
  collections: string[];
}

export async function stackInfo(): Promise<StackInfo> {
  return (await (await fetch(`${CONTROL}/info`)).json()) as StackInfo;
}

export async function setMisp(args: { faults?: unknown[]; latencyMs?: number }): Promise<void> {
  await fetch(`${CONTROL}/misp`, { method: 'POST', body: JSON.stringify(args) });
}
