/**
 * A fake AdminApi for the component tests: answers like a configured engine with some history, every method
 * overridable; events are pushed by the test. No test framework imports: the tests spy on what they need.
 */
import type { AdminEventName, ConfigView, FlareClient, HealthResult, JobInfo, LogEntry, QuarantineItem, RunRecord, ServiceStatus } from '../../shared/api';

export const counts = (o: Partial<RunRecord['counts']> = {}): RunRecord['counts'] => ({ received: 0, new: 0, duplicate: 0, updated: 0, uploaded: 0, saved: 0, failed: 0, quarantined: 0, skipped: 0, ...o });

export function run(id: number, o: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    processType: 'stixToMisp',
    feed: 'taxii.test/taxii-data',
    collection: 'ais',
    trigger: 'manual',
    state: 'success',
    status: 'Success',
    detailedStatus: 'Completed successfully',
    beginTimestamp: '2026-11-28T00:00:00.000Z',
    endTimeStamp: '2026-11-28T01:00:00.000Z',
    startedAt: `2026-11-28T01:0${id % 10}:00.000Z`,
    finishedAt: `2026-11-28T01:0${id % 10}:05.000Z`,
    durationMs: 5000,
    counts: counts({ received: 5, new: 3, duplicate: 2, uploaded: 3 }),
    ...o,
  };
}

export const status = (o: Partial<ServiceStatus> = {}): ServiceStatus => ({ version: '0.1.0', mode: 'headless', startedAt: '', configDir: '/cfg', taxiiConfigured: true, mispConfigured: true, schedulerRunning: true, activeRuns: 0, quarantined: 0, ...o });

export const job = (o: Partial<JobInfo> = {}): JobInfo => ({ name: 'poll-ais-stixToMisp', group: 'group1', processType: 'stixToMisp', feed: 'taxii.test', collection: 'ais', frequencyMinutes: 5, schedule: 'every 5 minutes', paused: false, running: false, nextRun: new Date(Date.now() + 240_000).toISOString(), ...o });

export const quarantined = (o: Partial<QuarantineItem> = {}): QuarantineItem => ({
  packageId: 'NCCIC:Package-1',
  processType: 'stixToMisp',
  feed: 'taxii.test',
  collection: 'ais',
  reason: 'MISP failed with 500 on POST /events/add.',
  code: 'misp_server',
  hint: 'MISP had an internal problem.',
  firstFailedAt: '2026-11-28T01:00:00.000Z',
  lastFailedAt: '2026-11-28T02:00:00.000Z',
  attempts: 3,
  waitingForPerson: true,
  runId: 7,
  ...o,
});

export const config = (o: Partial<ConfigView> = {}): ConfigView => ({
  dir: '/cfg',
  files: ['config.properties'],
  entries: [
    { key: 'stixtransclient.poll.baseurl', value: 'https://taxii.test/taxii-data', isSet: true, source: 'file', file: 'config.properties', line: 10, secret: false, describe: 'TAXII 1.1 poll service URL of the feed' },
    { key: 'stixtransclient.source.collection', value: 'ais', isSet: true, source: 'file', file: 'config.properties', line: 11, secret: false, describe: 'TAXII collection to poll' },
    { key: 'flare.misp.url', value: 'https://misp.test', isSet: true, source: 'file', file: 'config.properties', line: 20, secret: false, describe: 'MISP root URL' },
    { key: 'misp.authorization.key', value: '••••••', isSet: true, source: 'file', file: 'config.properties', line: 21, secret: true, describe: 'MISP automation (API) key' },
    { key: 'mtc.quartz.frequency', value: '5', isSet: true, source: 'file', file: 'config.properties', line: 30, secret: false, describe: 'Minutes between scheduled polls' },
    { key: 'logging.level.root', value: 'INFO', isSet: false, source: 'default', secret: false, describe: 'Log level' },
    { key: 'server.port', value: '8080', isSet: false, source: 'default', secret: false, describe: 'Port of the headless service' },
    { key: 'mtc.baseurl', value: '', isSet: false, source: 'default', secret: false, describe: 'Ignored', ignored: 'the scheduler runs in-process' },
  ],
  warnings: [],
  taxiiConfigured: true,
  mispConfigured: true,
  summary: { pollUrl: 'https://taxii.test/taxii-data', collection: 'ais', mispUrl: 'https://misp.test', processType: 'stixToMisp', frequencyMinutes: 5, mispMode: 'native', clientAuth: 'none' },
  ...o,
});

export const healthy = (resourceType: HealthResult['resourceType'], details?: Record<string, unknown>): HealthResult => ({ resourceType, resource: 'https://x.test', statusCode: 200, ok: true, configured: true, latencyMs: 12, ...(details && { details }) });

export function fakeClient(overrides: Partial<FlareClient> = {}) {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const calls: { method: string; args: unknown[] }[] = [];
  const base: Partial<FlareClient> = {
    status: async () => status(),
    recentLog: async () => [{ time: '2026-11-28T01:00:00.000Z', level: 'info', message: 'FLARE MISP started' }] as LogEntry[],
    getConfig: async () => config(),
    listRuns: async () => [run(2, { processType: 'xmlOutput', counts: counts({ received: 4, new: 4, saved: 4 }) }), run(1)],
    listJobs: async () => [job()],
    listQuarantine: async () => [],
    checkTaxiiStatus: async () => healthy('FLARE/TAXII'),
    checkMispStatus: async () => healthy('Misp'),
    getRun: async (id: number) => run(id, { packages: [{ packageId: 'NCCIC:Package-a', outcome: 'uploaded', mispEventId: '42' }, { packageId: 'NCCIC:Package-b', outcome: 'duplicate' }] }),
    saveConfig: async () => ({ changed: [], view: config() }),
    refreshConfig: async () => ({ steps: {}, changed: [], ok: true, errors: [] }),
    stopAllJobs: async () => 'the scheduler stopped the Jobs for group1',
    restartScheduler: async () => 'Quartz Scheduler restarted.',
    pauseSchedule: async () => [job({ paused: true })],
    resumeSchedule: async () => [job()],
  };
  const merged = { ...base, ...overrides } as Record<string, unknown>;
  const client = new Proxy(
    {},
    {
      get(_t, name: string) {
        if (name === 'on')
          return (event: AdminEventName, l: (p: unknown) => void) => {
            let set = listeners.get(event);
            if (!set) listeners.set(event, (set = new Set()));
            set.add(l);
            return () => set!.delete(l);
          };
        if (name === 'then') return undefined;
        const fn = merged[name] as ((...a: unknown[]) => Promise<unknown>) | undefined;
        return (...args: unknown[]) => {
          calls.push({ method: name, args });
          return fn ? fn(...args) : Promise.reject(new Error(`fake: ${name} not given`));
        };
      },
    },
  ) as FlareClient;
  const push = (event: AdminEventName, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
  return { client, push, calls };
}
