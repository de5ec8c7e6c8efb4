/**
 * The old FLARE MISP Service's REST endpoints, kept so existing scripts and cron jobs keep working.
 * Shapes follow the old service (seed-service.md §1.1): health checks return {resourceType, resource,
 * statusCode} (ours add ok/reason/hint), /misptransclient returns the run JSON with its `endTimeStamp`
 * spelling, /refreshConfig the five-step map (each step says what it really did: FlareService.refreshConfig),
 * and the Quartz endpoints plain text — their failures too, in the old service's words ("Stop Quartz
 * Jobs:Error:<msg>"), with the error's HTTP status.
 */
import type { AdminApi, JobInfo, ProcessType, RunRecord } from '../../shared/api';
import { FlareError, toApiError } from '../core/errors';
import { statusFor } from './http-status';
import { oldRunJson } from '../core/pipeline/run';

export type LegacyResponse = { status: number; json: unknown } | { status: number; text: string };

export interface LegacyRoute {
  methods: readonly string[];
  /** What the endpoint answers, its unexpected failures included. */
  kind: 'json' | 'text';
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

/** A text endpoint: its answer, or its failure as the old service wrote it (`<prefix>Error:<message>`). */
function textRoute(prefix: string, errorPrefix: string, body: (api: AdminApi) => Promise<string>): LegacyRoute {
  return {
    methods: ANY,
    kind: 'text',
    handle: async (api) => {
      try {
        return { status: 200, text: `${prefix}${await body(api)}` };
      } catch (e) {
        const err = toApiError(e);
        if (err.code === 'internal') throw e; // logged and answered by the server
        return { status: statusFor(err.code), text: `${errorPrefix}${err.message}${err.hint ? `\n${err.hint}` : ''}\n` };
      }
    },
  };
}

export const LEGACY_ROUTES: Record<string, LegacyRoute> = {
  '/checkTaxiiStatus': { methods: ANY, kind: 'json', handle: async (api) => ({ status: 200, json: await api.checkTaxiiStatus() }) },
  '/checkMispStatus': { methods: ANY, kind: 'json', handle: async (api) => ({ status: 200, json: await api.checkMispStatus() }) },
  '/misptransclient': {
    // The Java generation accepted POST only; its Quartz job and the Python-era scripts also used GET.
    methods: ['GET', 'POST'],
    kind: 'json',
    handle: async (api, q) => {
      const processType = q.get('processType') || 'xmlOutput';
      if (processType !== 'xmlOutput' && processType !== 'stixToMisp') {
        throw new FlareError('bad_request', `Invalid process type: ${processType}`, { hint: 'Use processType=xmlOutput or processType=stixToMisp.' });
      }
      const collection = q.get('collection') || undefined;
      if (collection !== undefined && collection.length > 500) throw new FlareError('bad_request', 'Invalid collection: longer than 500 characters', { hint: 'Use collection=<the TAXII collection name>.' });
      return { status: 200, json: legacyRunJson(await api.poll(processType as ProcessType, collection)) };
    },
  },
  '/refreshConfig': { methods: ANY, kind: 'json', handle: async (api) => ({ status: 200, json: (await api.refreshConfig()).steps }) },
  '/initQuartz': textRoute('Controller - Asked to Initialize Quartz Scheduler...\n', 'Controller - Asked to Initialize Quartz Scheduler...\nException when trying to get Quartz Scheduler:', (api) => api.restartScheduler()),
  '/listQuartzJobs': textRoute('', 'Quartz Jobs:\nError:', async (api) => jobsText(await api.listJobs())),
  '/stopQuartzJobs': textRoute('Stop Quartz Jobs:', 'Stop Quartz Jobs:Error:', (api) => api.stopAllJobs()),
};
