/**
 * The arguments of every AdminApi method, as zod schemas, for `POST /api/<method>`: a call with a wrong argument is
 * answered 400 with the argument's name and what was expected, before it reaches the service. Keyed by method
 * name with a mapped type over AdminMethod, so a method added to shared/api.ts without its schemas here is a
 * compile error, and so is a schema whose type disagrees with the method's parameter (or its optionality).
 * (shared/ has no runtime dependencies, hence this file lives with the HTTP transport.)
 */
import { z } from 'zod';
import type { AdminApi, AdminMethod } from '../../shared/api';
import { FlareError } from '../core/errors';

export interface ArgSpec<T, Optional extends boolean> {
  name: string;
  schema: z.ZodType<T>;
  optional: Optional;
}

/** One spec per parameter; `optional` must be true exactly for the optional ones. */
export type ArgSpecs<P extends unknown[]> = { [K in keyof P]-?: ArgSpec<Exclude<P[K], undefined>, undefined extends P[K] ? true : false> };

export type ApiSchemas = { [M in AdminMethod]: ArgSpecs<Parameters<AdminApi[M]>> };

const processType = z.enum(['xmlOutput', 'stixToMisp'], { error: 'expected "xmlOutput" or "stixToMisp"' });
const limit = z.number({ error: 'expected a whole number from 1 to 100000' }).int({ error: 'expected a whole number from 1 to 100000' }).min(1, { error: 'expected a whole number from 1 to 100000' }).max(100_000, { error: 'expected a whole number from 1 to 100000' });
const text = (what: string, max: number) => z.string({ error: `expected ${what}` }).max(max, { error: `expected ${what} of at most ${max} characters` });
const runId = z.number({ error: 'expected a run id (a whole number)' }).int({ error: 'expected a run id (a whole number)' }).min(0, { error: 'expected a run id (a whole number)' });
const packageId = text('a package id (text)', 2048).min(1, { error: 'expected a package id (text)' });
const configChanges = z.record(text('a configuration key', 200), z.union([z.string(), z.null()], { error: 'expected a text value, or null to remove the key' }), {
  error: 'expected an object of key: value (text, or null to remove the key)',
});

export const API_SCHEMAS: ApiSchemas = {
  status: [],
  checkTaxiiStatus: [],
  checkMispStatus: [],
  poll: [
    { name: 'processType', schema: processType, optional: false },
    { name: 'collection', schema: text('a collection name (text)', 500), optional: true },
  ],
  getConfig: [],
  refreshConfig: [],
  saveConfig: [{ name: 'changes', schema: configChanges, optional: false }],
  listJobs: [],
  stopAllJobs: [],
  restartScheduler: [],
  pauseSchedule: [],
  resumeSchedule: [],
  listRuns: [{ name: 'limit', schema: limit, optional: true }],
  getRun: [{ name: 'id', schema: runId, optional: false }],
  listQuarantine: [],
  retryQuarantined: [{ name: 'packageIds', schema: z.array(packageId, { error: 'expected a list of package ids' }).max(100_000), optional: true }],
  previewQuarantined: [{ name: 'packageId', schema: packageId, optional: false }],
  previewPackage: [
    {
      name: 'content',
      schema: z.union([z.string(), z.strictObject({ base64: z.string().regex(/^[A-Za-z0-9+/=\s]*$/, { error: 'expected base64 text' }), name: text('a file name', 1000).optional() })], {
        error: 'expected the STIX XML as text, or a file as {"base64": "…", "name": "…"}',
      }),
      optional: false,
    },
  ],
  recentLog: [{ name: 'limit', schema: limit, optional: true }],
  switchProfile: [{ name: 'profile', schema: z.enum(['demo', 'real'], { error: 'expected "demo" or "real"' }), optional: false }],
};

/** Which methods take a large body (a STIX package); the others are small. */
export const LARGE_BODY_METHODS: ReadonlySet<AdminMethod> = new Set<AdminMethod>(['previewPackage']);

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? ` at ${issue.path.map(String).join('.')}` : '';
  return `${issue.message}${where}`;
}

/**
 * The arguments of a call checked against its method's schemas: the parsed values, or a 400 (`bad_request`) that
 * names the method, the argument and what was expected. `null` for an optional argument counts as left out.
 */
export function validateArgs(method: AdminMethod, args: unknown[]): unknown[] {
  const specs = API_SCHEMAS[method] as readonly ArgSpec<unknown, boolean>[];
  if (args.length > specs.length) {
    throw new FlareError('bad_request', `${method} takes ${specs.length === 0 ? 'no arguments' : `at most ${specs.length} argument${specs.length === 1 ? '' : 's'} (${specs.map((s) => s.name).join(', ')})`}; ${args.length} were sent.`, {
      hint: 'The request body is the JSON array of the arguments, e.g. ["stixToMisp"].',
    });
  }
  const out: unknown[] = [];
  specs.forEach((spec, i) => {
    const value = args[i];
    if (value === undefined || value === null) {
      if (!spec.optional) {
        throw new FlareError('bad_request', `${method}: argument ${i + 1} (${spec.name}) is missing.`, { hint: `Send the arguments as a JSON array: [${specs.map((s) => s.name).join(', ')}].` });
      }
      out.push(undefined);
      return;
    }
    const parsed = spec.schema.safeParse(value);
    if (!parsed.success) {
      throw new FlareError('bad_request', `${method}: argument ${i + 1} (${spec.name}): ${describeIssue(parsed.error.issues[0]!)}.`, { hint: `Send the arguments as a JSON array: [${specs.map((s) => s.name).join(', ')}].` });
    }
    out.push(parsed.data);
  });
  // Trailing optional arguments left out stay left out (the service's defaults apply).
  while (out.length > 0 && out[out.length - 1] === undefined) out.pop();
  return out;
}
