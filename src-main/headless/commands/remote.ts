/**
 * `flare-misp jobs …` and `flare-misp status`: the jobs live in the running service (`flare-misp serve`), so these
 * commands ask it over its API, as an admin script would — at the address and port of the configuration (or
 * `--url`), with its bearer token when one is set. A private CA for an HTTPS service: NODE_EXTRA_CA_CERTS.
 */
import type { Command } from 'commander';
import type { JobInfo } from '../../../shared/api';
import { FlareError, errorMessage } from '../../core/errors';
import { loadOrExplain, withConfigDir } from './common';

interface RemoteOpts {
  configDir?: string;
  url?: string;
  json?: boolean;
}

interface Remote {
  base: string;
  token?: string;
}

function remoteOf(opts: RemoteOpts): Remote | undefined {
  const loaded = loadOrExplain(opts);
  if (!loaded) return undefined;
  const s = loaded.config.server;
  const host = s.address === '0.0.0.0' || s.address === '::' ? '127.0.0.1' : s.address.includes(':') ? `[${s.address}]` : s.address;
  const base = (opts.url ?? `${s.keyStore ? 'https' : 'http'}://${host}:${s.port}`).replace(/\/+$/, '');
  return { base, ...(s.token && { token: s.token }) };
}

async function request(remote: Remote, path: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(`${remote.base}${path}`, {
      ...init,
      headers: { accept: 'application/json', ...(init.body !== undefined && { 'content-type': 'application/json' }), ...(remote.token && { authorization: `Bearer ${remote.token}` }) },
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new FlareError('service_unreachable', `FLARE MISP is not answering at ${remote.base} (${cause?.code ?? cause?.message ?? errorMessage(e)}).`, {
      hint: 'Start it with flare-misp serve (or the systemd unit), or give its address with --url.',
    });
  }
}

/** Calls one AdminApi method of the running service. */
async function call<T>(remote: Remote, method: string, args: unknown[] = []): Promise<T> {
  const res = await request(remote, `/api/${method}`, { method: 'POST', body: JSON.stringify(args) });
  const body = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string; hint?: string } } & Record<string, unknown>;
  if (!res.ok) throw new FlareError(body.error?.code ?? 'service_error', body.error?.message ?? `The service answered HTTP ${res.status}.`, body.error?.hint ? { hint: body.error.hint } : {});
  return body as T;
}

function jobsTable(jobs: JobInfo[]): string {
  if (jobs.length === 0) return 'No job is scheduled (flare-misp jobs restart starts the configured one).';
  return jobs
    .map((j) => {
      const last = j.lastRun ? `last run ${j.lastRun.id}: ${j.lastRun.status} — ${j.lastRun.detailedStatus}${j.lastRun.finishedAt ? ` (${j.lastRun.finishedAt})` : ''}` : 'no run yet';
      return `${j.name} [${j.group}] ${j.processType} of ${j.collection}: ${j.schedule}${j.paused ? ', paused' : ''}${j.running ? ', running now' : ''}\n  next run ${j.nextRun ?? '—'}; ${last}`;
    })
    .join('\n');
}

function remoteCommand(parent: Command, name: string, description: string, method: string, print: (answer: unknown, json: boolean) => string): void {
  withConfigDir(parent.command(name))
    .description(description)
    .option('--url <url>', 'the service (default: from flare.server.address and server.port)')
    .option('--json', 'print JSON')
    .action(async (opts: RemoteOpts) => {
      const remote = remoteOf(opts);
      if (!remote) return;
      const answer = await call<unknown>(remote, method);
      process.stdout.write(`${print(answer, opts.json === true)}\n`);
    });
}

export function registerJobs(program: Command): void {
  const jobs = program.command('jobs').description('the running service’s scheduled jobs');
  const asJobs = (a: unknown, json: boolean) => (json ? JSON.stringify(a, null, 2) : jobsTable(a as JobInfo[]));
  const asText = (a: unknown, json: boolean) => (json ? JSON.stringify({ message: a }) : String(a));
  remoteCommand(jobs, 'list', 'the jobs: schedule, next and last run, paused, running', 'listJobs', asJobs);
  remoteCommand(jobs, 'stop', 'stop all jobs (a run going on finishes)', 'stopAllJobs', asText);
  remoteCommand(jobs, 'restart', 'restart the scheduler with the current configuration', 'restartScheduler', asText);
  remoteCommand(jobs, 'pause', 'pause the schedule (no scheduled run starts until resumed)', 'pauseSchedule', asJobs);
  remoteCommand(jobs, 'resume', 'resume the schedule', 'resumeSchedule', asJobs);
}

export function registerStatus(program: Command): void {
  withConfigDir(program.command('status'))
    .description('is the running service healthy? Its /health answer: the last successful run per job; exit 1 when unhealthy or not running')
    .option('--url <url>', 'the service (default: from flare.server.address and server.port)')
    .option('--json', 'print the /health JSON')
    .action(async (opts: RemoteOpts) => {
      const remote = remoteOf(opts);
      if (!remote) return;
      const res = await request(remote, '/health');
      const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      if (opts.json) process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      else {
        const lines = [`FLARE MISP at ${remote.base}: ${res.status === 200 ? 'healthy' : 'UNHEALTHY'} (HTTP ${res.status})`];
        for (const [k, v] of Object.entries(body)) lines.push(`  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      if (res.status !== 200) process.exitCode = 1;
    });
}
