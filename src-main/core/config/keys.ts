/**
 * Every configuration key FLARE MISP understands, in one table: the old service's keys (config.properties and
 * application.properties of cisagov/flare-misp-service, both generations) and our own `flare.*` keys.
 * Each entry says which file it belongs in (for `save`), whether it is a secret (masked everywhere, redacted
 * from logs), which environment variable overrides it, and how its text is validated (a zod schema).
 */
import { z } from 'zod';
import { PROXY_OFF } from '../net/env-proxy';
import { checkCronPattern } from '../scheduler/scheduler';
import { POLICY_MARKINGS, type PolicyLevel, type PolicyMarking } from './config';

export type ConfigFileName = 'config.properties' | 'application.properties';

export interface KeySpec {
  key: string;
  file: ConfigFileName;
  /** What the value means, for `config check`, the Config view and error messages. */
  describe: string;
  /** The text used when the key is absent. */
  default?: string;
  secret?: boolean;
  /** Environment variable that overrides the file's value (secrets only). */
  env?: string;
  /** Validates the trimmed text; an empty value means "not set" and is never passed to the schema. */
  schema?: z.ZodType<unknown>;
  /** Read for compatibility but has no effect: the old service's Spring or Python-era settings. */
  ignored?: string;
}

const msg = (error: string) => ({ error });

const wholeNumber = (what: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, msg(`expected ${what}`))
    .transform(Number)
    .pipe(z.number().min(min, msg(`expected ${what}`)).max(max, msg(`expected ${what}`)));

const isHttpUrl = (v: string): boolean => {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
};
const httpUrl = z.string().refine(isHttpUrl, msg('expected an http:// or https:// URL'));

/**
 * A proxy key: an http(s):// URL, or `none` (never a proxy, not even from the environment). Empty = the standard
 * environment variables decide (HTTPS_PROXY / HTTP_PROXY, NO_PROXY: core/net/env-proxy.ts).
 */
const proxySetting = z
  .string()
  .refine((v) => v.toLowerCase() === PROXY_OFF || isHttpUrl(v), msg(`expected an http:// or https:// proxy URL, or ${PROXY_OFF}`))
  .transform((v) => (v.toLowerCase() === PROXY_OFF ? PROXY_OFF : v));

/** The old files take `true`/`false`; the Python-era file used `--misp-published` to mean true. */
const bool = z
  .string()
  .transform((v) => v.toLowerCase())
  .refine((v) => ['true', 'false', '--misp-published', 'yes', 'no'].includes(v), msg('expected true or false'))
  .transform((v) => v === 'true' || v === 'yes' || v === '--misp-published');

const utcInstant = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/,
    msg('expected a time like 2022-07-12T00:00:00Z'),
  )
  .refine((v) => !Number.isNaN(Date.parse(v)), msg('expected a time like 2022-07-12T00:00:00Z'));

const SIZE_UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };
const byteSize = z
  .string()
  .regex(/^\d+\s*(B|KB|MB|GB)?$/i, msg('expected a size like 10MB, 500KB or 1GB'))
  .transform((v) => {
    const m = /^(\d+)\s*([a-z]*)$/i.exec(v)!;
    return Number(m[1]) * (SIZE_UNITS[(m[2] || 'B').toUpperCase()] ?? 1);
  })
  .pipe(z.number().min(1024, msg('expected a size of at least 1KB')));

const oneOf = <T extends string>(values: readonly T[], caseInsensitive = false) =>
  z
    .string()
    .transform((v) => (caseInsensitive ? v.toUpperCase() : v))
    .refine((v) => (values as readonly string[]).includes(v), msg(`expected one of ${values.join(', ')}`));

const anyText = z.string();
/** Checked by croner itself, so what validates here is what the scheduler runs. */
const cronPattern = z.string().superRefine((v, ctx) => {
  try {
    checkCronPattern(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `expected a cron expression such as 0 */30 * * * (${e instanceof Error ? e.message : String(e)})` });
  }
});
const path_ = z.string();
/** MISP automation keys are 40 characters of letters and digits. */
const mispKey = z.string().regex(/^[A-Za-z0-9]{40}$/, msg('expected the 40-character MISP automation key'));
const commaList = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** `tlp:amber=1, unmarked=default`: overrides of the distribution policy (config.ts SAFE_DISTRIBUTION_POLICY). */
const distributionPolicy = z.string().transform((v, ctx) => {
  const out: Partial<Record<PolicyMarking, PolicyLevel>> = {};
  for (const part of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z:]+)\s*=\s*([^\s=]+)$/i.exec(part);
    const marking = m?.[1]?.toLowerCase() as PolicyMarking | undefined;
    const level = m?.[2]?.toLowerCase();
    if (!marking || !POLICY_MARKINGS.includes(marking)) {
      ctx.addIssue({ code: 'custom', message: `expected marking=level pairs with a marking among ${POLICY_MARKINGS.join(', ')} (found "${part}")` });
      return z.NEVER;
    }
    if (level !== 'default' && !/^[0-4]$/.test(level ?? '')) {
      ctx.addIssue({ code: 'custom', message: `expected a level from 0 to 4 or default for ${marking} (found "${part}")` });
      return z.NEVER;
    }
    out[marking] = level === 'default' ? 'default' : (Number(level) as PolicyLevel);
  }
  return out;
});

const C = 'config.properties' as const;
const A = 'application.properties' as const;

export const KEYS: readonly KeySpec[] = [
  // ── Polling: what, how often, from when ──────────────────────────────────────────────────────────────
  { key: 'mtc.processtype', file: C, describe: 'What a scheduled run does: stixToMisp (send to MISP) or xmlOutput (save STIX files)', default: 'stixToMisp', schema: oneOf(['stixToMisp', 'xmlOutput']) },
  { key: 'mtc.quartz.frequency', file: C, describe: 'Minutes between scheduled polls (1440 = once a day)', default: '5', schema: wholeNumber('a whole number of minutes, at least 1', 1, 525600) },
  { key: 'flare.schedule.cron', file: C, describe: 'A cron expression (UTC) for scheduled polls instead of every mtc.quartz.frequency minutes, e.g. 0 */30 * * * (5 fields) or with seconds (6)', schema: cronPattern },
  { key: 'mtc.start.time', file: C, describe: 'Where the first poll of a feed begins (UTC); later polls continue from the last completed run', default: '1970-01-01T00:00:00Z', schema: utcInstant },
  { key: 'mtc.destination.directory', file: C, describe: 'Folder where xmlOutput runs save STIX packages', default: 'out', schema: path_ },
  { key: 'mtc.tracking.datafile', file: C, describe: 'Avro file that records what happened to every package', default: 'data/trackers.avro', schema: path_ },
  { key: 'flare.poll.overlap.minutes', file: C, describe: 'Each run re-reads this many minutes before the last cursor (duplicates are recognised, so overlap is free)', default: '5', schema: wholeNumber('a whole number of minutes, 0 or more', 0, 10080) },
  { key: 'flare.data.dir', file: C, describe: 'Folder for cursors, run history and quarantined packages', default: 'data', schema: path_ },

  // ── TAXII feed ──────────────────────────────────────────────────────────────────────────────────────
  { key: 'stixtransclient.poll.baseurl', file: C, describe: 'TAXII 1.1 poll service URL of the feed', schema: httpUrl },
  { key: 'stixtransclient.poll.url', file: C, describe: 'TAXII 1.1 poll service URL (name used by the Python-era service; wins over stixtransclient.poll.baseurl)', schema: httpUrl },
  { key: 'stixtransclient.source.collection', file: C, describe: 'TAXII collection to poll (for AIS: the name in your onboarding letter)', schema: anyText },
  { key: 'stixtransclient.source.collection.validvalues', file: C, describe: 'Collections offered in the desktop app\'s poll menu (comma-separated)', schema: commaList },
  { key: 'stixtransclient.client.cert', file: C, describe: 'Client certificate (PEM) for the TAXII server (Python-era key; flare.taxii.client.cert wins)', schema: path_ },
  { key: 'stixtransclient.client.key', file: C, describe: 'Private key (PEM) of that client certificate (Python-era key; flare.taxii.client.key wins)', schema: path_ },
  { key: 'flare.taxii.client.cert', file: C, describe: 'Client certificate (PEM) presented to the TAXII server', schema: path_ },
  { key: 'flare.taxii.client.key', file: C, describe: 'Private key (PEM) of the client certificate', schema: path_ },
  { key: 'flare.taxii.client.key.passphrase', file: C, describe: 'Passphrase of an encrypted PEM private key', secret: true, env: 'FLARE_TAXII_KEY_PASSPHRASE', schema: anyText },
  { key: 'flare.taxii.ca', file: C, describe: 'CA certificate(s) (PEM) that signed the TAXII server\'s certificate, when not a public CA', schema: path_ },
  { key: 'flare.taxii.discovery.url', file: C, describe: 'TAXII discovery service URL (optional; the health check then lists services)', schema: httpUrl },
  { key: 'flare.taxii.collection-management.url', file: C, describe: 'TAXII collection management URL (optional; the health check then lists collections)', schema: httpUrl },
  { key: 'flare.taxii.content-bindings', file: C, describe: 'Content bindings to ask for (comma-separated; empty = any)', default: '', schema: commaList },
  { key: 'flare.taxii.username', file: C, describe: 'HTTP basic-auth user name for the TAXII server', schema: anyText },
  { key: 'flare.taxii.password', file: C, describe: 'HTTP basic-auth password for the TAXII server', secret: true, env: 'FLARE_TAXII_PASSWORD', schema: anyText },
  { key: 'flare.taxii.proxy', file: C, describe: 'HTTP(S) proxy for TAXII requests, e.g. http://user:pass@proxy:3128; none = never a proxy; empty = the HTTPS_PROXY / HTTP_PROXY environment variables (NO_PROXY honoured)', schema: proxySetting },
  { key: 'flare.taxii.max-wait.seconds', file: C, describe: 'Longest wait the server may ask for (PENDING / RETRY) before a run gives up', default: '300', schema: wholeNumber('a whole number of seconds, at least 1', 1, 86400) },

  // ── MISP destination ───────────────────────────────────────────────────────────────────────────────
  { key: 'flare.misp.url', file: C, describe: 'MISP root URL (wins over misptransclient.post.baseurl)', schema: httpUrl },
  { key: 'misptransclient.post.baseurl', file: C, describe: 'MISP events URL used by the old service (its root is used when flare.misp.url is empty)', schema: httpUrl },
  { key: 'stixtransclient.misp.url', file: C, describe: 'MISP URL the old service probed for health (kept for reference; the check now uses the MISP API)', schema: anyText },
  { key: 'misp.authorization.key', file: C, describe: 'MISP automation (API) key', secret: true, env: 'FLARE_MISP_KEY', schema: mispKey },
  { key: 'stixtransclient.misp.published', file: C, describe: 'Publish events after they are stored in MISP', default: 'false', schema: bool },
  { key: 'flare.misp.import.mode', file: C, describe: 'native (convert STIX to MISP events here) or stix (send the raw STIX to MISP\'s upload_stix, as the old service did)', default: 'native', schema: oneOf(['native', 'stix']) },
  { key: 'flare.misp.ca', file: C, describe: 'CA certificate(s) (PEM) that signed the MISP server\'s certificate, when not a public CA', schema: path_ },
  { key: 'flare.misp.client.cert', file: C, describe: 'Client certificate (PEM) presented to MISP, if your MISP requires one', schema: path_ },
  { key: 'flare.misp.client.key', file: C, describe: 'Private key (PEM) of the MISP client certificate', schema: path_ },
  { key: 'flare.misp.distribution', file: C, describe: 'Distribution for shareable data (TLP:WHITE/GREEN with AIS consent EVERYONE): 0 organisation, 1 community, 2 connected, 3 all, 4 sharing group', default: '0', schema: wholeNumber('a distribution level from 0 to 4', 0, 4) },
  { key: 'flare.misp.distribution.policy', file: C, describe: 'Distribution by marking, overriding the safe defaults (tlp:white, tlp:green, ais:everyone → flare.misp.distribution; tlp:amber, tlp:red, ais:usg, ais:none, unmarked → 0): comma-separated marking=level, level 0 to 4 or default; the most restrictive marking of a package wins', default: '', schema: distributionPolicy },
  { key: 'flare.misp.sharing-group', file: C, describe: 'Sharing group (needed when distribution is 4): its numeric id, uuid or name as MISP lists it; a uuid or name is looked up once in MISP (Global Actions → List Sharing Groups) and must be a group the key\'s organisation belongs to', schema: anyText },
  { key: 'flare.misp.threat-level', file: C, describe: 'Threat level of new events: 1 high, 2 medium, 3 low, 4 undefined', default: '4', schema: wholeNumber('a threat level from 1 to 4', 1, 4) },
  { key: 'flare.misp.analysis', file: C, describe: 'Analysis state of new events: 0 initial, 1 ongoing, 2 completed', default: '0', schema: wholeNumber('an analysis state from 0 to 2', 0, 2) },
  { key: 'flare.misp.tags', file: C, describe: 'Extra tags on every event (comma-separated)', default: '', schema: commaList },
  { key: 'flare.misp.concurrency', file: C, describe: 'Uploads in flight at once', default: '8', schema: wholeNumber('a whole number from 1 to 64', 1, 64) },
  { key: 'flare.misp.timeout.ms', file: C, describe: 'Time allowed for one MISP request', default: '30000', schema: wholeNumber('a number of milliseconds, at least 100', 100, 3_600_000) },
  { key: 'flare.misp.proxy', file: C, describe: 'HTTP(S) proxy for MISP requests, e.g. http://user:pass@proxy:3128; none = never a proxy; empty = the HTTPS_PROXY / HTTP_PROXY environment variables (NO_PROXY honoured)', schema: proxySetting },

  // ── Headless service ───────────────────────────────────────────────────────────────────────────────
  { key: 'server.port', file: A, describe: 'Port of the headless service', default: '8080', schema: wholeNumber('a port number from 1 to 65535', 1, 65535) },
  { key: 'flare.server.address', file: A, describe: 'Address the headless service listens on (127.0.0.1 = this machine only)', default: '127.0.0.1', schema: anyText },
  { key: 'flare.server.token', file: A, describe: 'Bearer token required by the headless API, at least 32 characters (mandatory when it listens beyond this machine without client certificates)', secret: true, env: 'FLARE_SERVER_TOKEN', schema: anyText },
  { key: 'flare.server.names', file: A, describe: 'Host names (or addresses) the headless service is reached by, besides this machine\'s own and the names in its HTTPS certificate (comma-separated); requests naming any other host are refused (DNS rebinding)', default: '', schema: commaList },
  { key: 'server.ssl.key-store', file: A, describe: 'PKCS#12 key store of the headless service\'s HTTPS certificate: when set, the service speaks HTTPS only', schema: path_ },
  { key: 'server.ssl.key-store-password', file: A, describe: 'Password of that key store', secret: true, env: 'FLARE_SERVER_KEYSTORE_PASSWORD', schema: anyText },
  { key: 'server.ssl.key-store-type', file: A, describe: 'Key store type (only PKCS12 is supported)', default: 'PKCS12', schema: oneOf(['PKCS12'], true) },
  { key: 'server.ssl.key-alias', file: A, describe: 'Alias of the certificate in the key store', schema: anyText },
  { key: 'server.ssl.key-password', file: A, describe: 'Key password; the old service also used it for the client key store', secret: true, schema: anyText },
  { key: 'server.ssl.trust-store', file: A, describe: 'CA certificates (PKCS#12, or PEM) that client certificates of the headless API must be signed by (with flare.api.clientAuth)', schema: path_ },
  { key: 'server.ssl.trust-store-password', file: A, describe: 'Password of that trust store', secret: true, env: 'FLARE_SERVER_TRUSTSTORE_PASSWORD', schema: anyText },
  { key: 'server.ssl.trust-store-type', file: A, describe: 'Trust store type (only PKCS12 is supported; a PEM file is recognised by its content)', default: 'PKCS12', schema: oneOf(['PKCS12'], true) },
  { key: 'flare.server.ca', file: A, describe: 'CA certificate(s) (PEM) that client certificates of the headless API must be signed by (with flare.api.clientAuth); wins over server.ssl.trust-store', schema: path_ },
  { key: 'flare.api.clientAuth', file: A, describe: 'Require a client certificate, signed by flare.server.ca or server.ssl.trust-store, from every caller of the headless service (needs server.ssl.key-store)', default: 'false', schema: bool },
  { key: 'server.ssl.hostname.verify', file: A, describe: 'Ignored: server certificates and host names are always verified now', ignored: 'verification is always on', schema: anyText },

  // ── TAXII client certificate as the old service had it ─────────────────────────────────────────────
  { key: '2way.ssl.auth', file: A, describe: 'Present the client key store (client.ssl.key-store) to the TAXII server', default: 'false', schema: bool },
  { key: 'client.ssl.key-store', file: A, describe: 'PKCS#12 file with the TAXII client certificate and key', schema: path_ },
  { key: 'client.ssl.key-store-password', file: A, describe: 'Password of the PKCS#12 file (the old service used server.ssl.key-password)', secret: true, env: 'FLARE_TAXII_KEYSTORE_PASSWORD', schema: anyText },
  { key: 'ctimeout', file: A, describe: 'TAXII connect timeout in milliseconds', default: '10000', schema: wholeNumber('a number of milliseconds, at least 100', 100, 3_600_000) },
  { key: 'rtimeout', file: A, describe: 'TAXII read timeout in milliseconds', default: '10000', schema: wholeNumber('a number of milliseconds, at least 100', 100, 3_600_000) },

  // ── Logging ────────────────────────────────────────────────────────────────────────────────────────
  { key: 'logging.level.root', file: A, describe: 'Log level: ERROR, WARN, INFO or DEBUG', default: 'INFO', schema: oneOf(['ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'], true) },
  { key: 'logging.file.name', file: A, describe: 'Log file (rotated by size)', default: 'logs/flare-misp.log', schema: path_ },
  { key: 'logging.file.max-size', file: A, describe: 'Size at which the log file is rotated', default: '10MB', schema: byteSize },
  { key: 'flare.logging.file.count', file: A, describe: 'Rotated log files kept', default: '5', schema: wholeNumber('a whole number from 1 to 100', 1, 100) },

  // ── Desktop app ────────────────────────────────────────────────────────────────────────────────────
  { key: 'flare.desktop.notifications', file: C, describe: 'Desktop app: a notification when a run fails or quarantines packages, and when a scheduled run sends new packages to MISP while the window is closed', default: 'true', schema: bool },
  { key: 'flare.desktop.start-at-login', file: C, describe: 'Desktop app: start at login, in the system tray (Windows and macOS)', default: 'false', schema: bool },

  // ── Kept from the old files, without effect ────────────────────────────────────────────────────────
  { key: 'mtc.baseurl', file: C, describe: 'Ignored: the old scheduler called the service over HTTP; the scheduler now runs in-process', ignored: 'the scheduler runs in-process' },
  { key: 'mtc.processtype.validvalues', file: C, describe: 'Ignored: the process types are fixed (xmlOutput, stixToMisp)', ignored: 'fixed list' },
  { key: 'mtc.tracking.schemafile', file: C, describe: 'Ignored: the tracker schema is built in', ignored: 'built-in schema' },
  { key: 'stixtransclient.client.basedir', file: C, describe: 'Ignored (Python-era)', ignored: 'Python-era' },
  { key: 'stixtransclient.output.type.misp', file: C, describe: 'Ignored (Python-era)', ignored: 'Python-era' },
  { key: 'stixtransclient.destination.directory', file: C, describe: 'Ignored (Python-era; use mtc.destination.directory)', ignored: 'Python-era' },
  { key: 'stixtransclient.misp.key', file: C, describe: 'Ignored: the Python-era encrypted key; use misp.authorization.key or FLARE_MISP_KEY', secret: true, ignored: 'Python-era encrypted key' },
  { key: 'encKey', file: C, describe: 'Ignored: key of the old service\'s unused encryption helper', secret: true, ignored: 'unused' },
  { key: 'salt', file: C, describe: 'Ignored: salt of the old service\'s unused encryption helper', secret: true, ignored: 'unused' },
  { key: 'bin.filepath', file: C, describe: 'Ignored (Python-era)', ignored: 'Python-era' },
  { key: 'python.command', file: C, describe: 'Ignored (Python-era)', ignored: 'Python-era' },
  { key: 'server.error.whitelable.enabled', file: A, describe: 'Ignored (Spring Boot)', ignored: 'Spring Boot' },
  { key: 'spring.autoconfigure.exclude', file: A, describe: 'Ignored (Spring Boot)', ignored: 'Spring Boot' },
  { key: 'logging.file.total-size-cap', file: A, describe: 'Ignored: use logging.file.max-size and flare.logging.file.count', ignored: 'size × count' },
  { key: 'logging.pattern.file', file: A, describe: 'Ignored: the file line format is fixed', ignored: 'fixed format' },
  { key: 'logging.pattern.console', file: A, describe: 'Ignored: the console line format is fixed', ignored: 'fixed format' },
  { key: 'logging.file', file: A, describe: 'Log file (Python-era name of logging.file.name)', schema: path_ },
];

export const KEY_INDEX: ReadonlyMap<string, KeySpec> = new Map(KEYS.map((k) => [k.key, k]));

/**
 * The Python-era service kept its cursors in config.properties as
 * `stixtransclient.poll.endTimestamp.<COLLECTION>.<PROCESSTYPE>` (and a matching beginTimestamp).
 */
export const LEGACY_CURSOR_KEY = /^stixtransclient\.poll\.(begin|end)Timestamp\.(.+)\.(xmlOutput|stixToMisp)$/;

export function isSecretKey(key: string): boolean {
  return KEY_INDEX.get(key)?.secret === true || /(password|passphrase|secret|token)$/i.test(key);
}
