/**
 * The old FLARE MISP Service's REST endpoints, kept so existing scripts and cron jobs keep working.
 * Shapes follow the old service (seed-service.md §1.1): health checks return {resourceType, resource,
 * statusCode} (ours add ok/reason/hint), /misptransclient returns the run JSON with its `endTimeStamp`
 * spelling, /refreshConfig the five-step map, and the Quartz endpoints plain text.
 */
import type { AdminApi, JobInfo, ProcessType, RunRecord } from '../../shared/api';
import { FlareError } from '../core/errors';
import { oldRunJson } from '../core/pipeline/run';

export type LegacyResponse = { status: number; json: unknown } | { status: number; text: string };

export interface LegacyRoute {
  methods: readonly string[];
  handle(api: AdminApi, query: URLSearchParams): Promise<LegacyResponse>;
}

const ANY = ['GET', 'POST', 'PUT', 'DELETE'] as const;

/** The run JSON of the old service, plus our counts and state. */
export function legacyRunJson(run: RunRecord): Record<string, unknown> {
  return { ...oldRunJson(run), state: run.state, counts: run.counts };
}

function jobsText(jobs: JobInfo[]): string {
  return `Quartz Jobs:\n${jobs.map((j) => `jobName: ${j.name}\ngroupName: ${j.group} - ${j.paused ? 'paused' : (j.nextRun ?? 'not scheduled')}\n`).join('')}`;
}

export const LEGACY_ROUTES: Record<string, LegacyRoute> = {
  '/checkTaxiiStatus': { methods: ANY, handle: async (api) => ({ status: 200, json: await api.checkTaxiiStatus() }) },
  '/checkMispStatus': { methods: ANY, handle: async (api) => ({ status: 200, json: await api.checkMispStatus() }) },
  '/misptransclient': {
    // The Java generation accepted POST only; its Quartz job and the Python-era scripts also used GET.
    methods: ['GET', 'POST'],
    handle: async (api, q) => {
      const processType = q.get('processType') || 'xmlOutput';
      if (processType !== 'xmlOutput' && processType !== 'stixToMisp') {
        throw new FlareError('bad_request', `Invalid process type: ${processType}`, { hint: 'Use processType=xmlOutput or processType=stixToMisp.' });
      }
      const collection = q.get('collection') || undefined;
      return { status: 200, json: legacyRunJson(await api.poll(processType as ProcessType, collection)) };
    },
  },
  '/refreshConfig': { methods: ANY, handle: async (api) => ({ status: 200, json: (await api.refreshConfig()).steps }) },
  '/initQuartz': {
    methods: ANY,
    handle: async (api) => ({ status: 200, text: `Controller - Asked to Initialize Quartz Scheduler...\n${await api.restartScheduler()}` }),
  },
  '/listQuartzJobs': { methods: ANY, handle: async (api) => ({ status: 200, text: jobsText(await api.listJobs()) }) },
  '/stopQuartzJobs': { methods: ANY, handle: async (api) => ({ status: 200, text: `Stop Quartz Jobs:${await api.stopAllJobs()}` }) },
};
