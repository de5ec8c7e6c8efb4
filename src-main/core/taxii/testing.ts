/** Helpers for the TAXII tests (not used by the engine). */
import type { HttpTransport } from './http-transport';
import { poll } from './poll';

/** Polls collection `ais` at `url` through `t` in one attempt and counts the blocks delivered. */
export async function pollAll(url: string, t: HttpTransport): Promise<number> {
  let n = 0;
  for await (const _ of poll('ais', {}, { url, transport: t, retry: { attempts: 1 } })) n++;
  return n;
}
