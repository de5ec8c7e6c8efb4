/**
 * The strict MISP test server, for any test that needs a MISP: `startMispServer(options)`.
 *
 *   const misp = await startMispServer({ users: [{ key, role: ROLES.user }], faults: [...] });
 *   const client = new MispClient(mispClientOptions(misp));
 *   …
 *   await misp.close();
 */
import type { MispClientOptions } from '../../core/misp/client/options';
import type { MispTestServer } from './server';
import { TEST_MISP_KEY } from './users';

export { startMispServer } from './server';
export type { MispServerOptions, MispTestServer, RequestLogEntry } from './server';
export type { Fault, FaultRule } from './faults';
export type { Rejection } from './handlers/context';
export { sharingGroupUuid } from './handlers/sharing-groups';
export type { TestSharingGroupInit } from './handlers/sharing-groups';
export { HOME_ORG, OTHER_ORG, ROLES, TEST_MISP_KEY } from './users';
export type { TestOrg, TestRole, TestUserInit } from './users';
export type { EventRecord } from './store';

/** Client options pointing at a test server: fast retries, small timeouts, the default key. */
export function mispClientOptions(server: MispTestServer, overrides: Partial<MispClientOptions> = {}): MispClientOptions {
  return {
    url: server.url,
    key: TEST_MISP_KEY,
    timeoutMs: 5000,
    maxConnections: 8,
    mode: 'native',
    publish: true,
    distribution: 0,
    retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
    ...overrides,
  };
}
