/**
 * GET /health for monitoring: 200 when every scheduled job's last finished run succeeded and one succeeded within
 * three of its intervals; 503 otherwise (the last run failed, nothing succeeded for three intervals, the
 * configuration is broken or the feed is not configured). Built from AdminApi calls only: `status`, `listRuns`,
 * `listJobs` — and when the scheduler is not available (`not_available`), from the runs and the configured
 * process type, collection and frequency (`getConfig().summary`).
 * A `partial` run (some packages quarantined) counts as a success: the feed was read and the rest delivered.
 */
import type { AdminApi, ProcessType, RunRecord } from '../../shared/api';
import { FlareError } from '../core/errors';

export interface JobHealth {
  name: string;
  processType: ProcessType;
  collection: string;
  /** The interval the freshness is judged by (minutes), when known. */
  intervalMinutes?: number;
  paused?: boolean;
  lastRun?: { id: number; state: string; finishedAt?: string; detailedStatus: string };
  lastSuccess?: { id: number; finishedAt?: string };
  healthy: boolean;
  reason?: string;
}

export interface HealthReport {
  status: 'ok' | 'failing';
  checkedAt: string;
  startedAt: string;
  schedulerRunning: boolean;
  jobs: JobHealth[];
  /** Why the status is failing, one sentence per cause. */
  reasons: string[];
}

interface JobLike {
  name: string;
  processType: ProcessType;
  collection: string;
  frequencyMinutes: number;
  paused: boolean;
  nextRun?: string;
}

const RUNS_LOOKED_AT = 500;
const minutes = (ms: number) => Math.round(ms / 60_000);

const succeeded = (r: RunRecord) => r.state === 'success' || r.state === 'partial';
const finishedAt = (r: RunRecord) => Date.parse(r.finishedAt ?? r.startedAt);

/** The interval of a cron job (frequencyMinutes 0): the spacing of its last scheduled runs, else until the next. */
function cronInterval(job: JobLike, runs: RunRecord[], now: number): number | undefined {
  const starts = runs.filter((r) => r.trigger === 'scheduled').map((r) => Date.parse(r.startedAt)).sort((a, b) => b - a);
  if (starts.length >= 2) return (starts[0]! - starts[1]!) / 60_000;
  if (job.nextRun) return Math.max(1, (Date.parse(job.nextRun) - (starts[0] ?? now)) / 60_000);
  return undefined;
}

export async function healthReport(api: AdminApi, now = Date.now()): Promise<HealthReport> {
  const [status, runs] = await Promise.all([api.status(), api.listRuns(RUNS_LOOKED_AT)]);
  const reasons: string[] = [];
  if (status.configError) reasons.push(`The configuration has errors: ${status.configError.message.split('\n')[0]}`);
  if (!status.configError && !status.taxiiConfigured) reasons.push('The TAXII feed is not configured.');

  let jobs: JobLike[];
  try {
    jobs = await api.listJobs();
    if (jobs.length === 0 && !status.configError && status.taxiiConfigured) reasons.push('No job is scheduled (the scheduler is stopped).');
  } catch (e) {
    if (!(e instanceof FlareError && e.code === 'not_available')) throw e;
    // No scheduler in this build: judge the runs of the configured feed by the configured frequency.
    jobs = [];
    try {
      const { summary } = await api.getConfig();
      if (summary.collection) jobs.push({ name: `${summary.collection}/${summary.processType}`, processType: summary.processType, collection: summary.collection, frequencyMinutes: summary.frequencyMinutes, paused: false });
    } catch {
      /* a broken configuration is reported from status above */
    }
  }

  const started = Date.parse(status.startedAt);
  const report: JobHealth[] = jobs.map((job) => {
    const mine = runs.filter((r) => r.processType === job.processType && r.collection === job.collection && r.trigger !== 'retry' && r.state !== 'running');
    mine.sort((a, b) => finishedAt(b) - finishedAt(a));
    const last = mine[0];
    const lastOk = mine.find(succeeded);
    const interval = job.frequencyMinutes > 0 ? job.frequencyMinutes : cronInterval(job, mine, now);
    const out: JobHealth = {
      name: job.name,
      processType: job.processType,
      collection: job.collection,
      ...(interval !== undefined && { intervalMinutes: Math.round(interval * 100) / 100 }),
      ...(job.paused && { paused: true }),
      ...(last && { lastRun: { id: last.id, state: last.state, ...(last.finishedAt && { finishedAt: last.finishedAt }), detailedStatus: last.detailedStatus } }),
      ...(lastOk && { lastSuccess: { id: lastOk.id, ...(lastOk.finishedAt && { finishedAt: lastOk.finishedAt }) } }),
      healthy: true,
    };
    if (last && !succeeded(last)) {
      out.healthy = false;
      out.reason = `The last run (${last.id}) failed: ${last.error?.message ?? last.detailedStatus}`;
    } else if (!job.paused && interval !== undefined) {
      const limit = 3 * interval * 60_000;
      // Since the last success, or since the service started (a fresh start has had no chance to run yet).
      const since = lastOk ? finishedAt(lastOk) : started;
      if (now - since > limit) {
        out.healthy = false;
        out.reason = lastOk
          ? `No run succeeded for ${minutes(now - since)} minutes (three intervals are ${minutes(limit)} minutes).`
          : `No run succeeded since the service started ${minutes(now - started)} minutes ago (three intervals are ${minutes(limit)} minutes).`;
      }
    }
    if (out.reason) reasons.push(`${job.name}: ${out.reason}`);
    return out;
  });

  return {
    status: reasons.length ? 'failing' : 'ok',
    checkedAt: new Date(now).toISOString(),
    startedAt: status.startedAt,
    schedulerRunning: status.schedulerRunning,
    jobs: report,
    reasons,
  };
}
