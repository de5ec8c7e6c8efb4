/**
 * Reads config.properties + application.properties from a config folder into one typed, validated Config.
 * Parsing is done by `properties-file` (a maintained Java-properties parser that also keeps line numbers);
 * each value is validated by the zod schema of its key (keys.ts); cross-key rules follow. Every problem names
 * the file, the line, the key and what was expected.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Properties } from 'properties-file/parser';
import { FlareError } from '../errors';
import { KEYS, KEY_INDEX, LEGACY_CURSOR_KEY, isSecretKey, type ConfigFileName, type KeySpec } from './keys';
import { SAFE_DISTRIBUTION_POLICY, type Config, type ServerConfig, type DistributionPolicy, type LogLevelName, type MispImportMode, type ProcessType, type TaxiiClientAuth } from './config';
import { mentionsUrlCredentials } from './url-credentials';
import { isSafeStorageReference, type SecretCodec } from './secret-codec';

export const CONFIG_FILES: readonly ConfigFileName[] = ['config.properties', 'application.properties'];

export interface ConfigIssue {
  severity: 'error' | 'warning';
  key?: string;
  /** Absolute path of the file the issue is in, when it is in one. */
  file?: string;
  line?: number;
  message: string;
}

/** One key as the app sees it after loading: where its value came from, and the parsed value. */
export interface ResolvedEntry {
  key: string;
  text: string;
  value: unknown;
  source: 'file' | 'env' | 'default';
  file?: ConfigFileName;
  line?: number;
  spec?: KeySpec;
}

export interface LoadedConfig {
  config: Config;
  entries: Map<string, ResolvedEntry>;
  warnings: ConfigIssue[];
}

export class ConfigError extends FlareError {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[], dir: string) {
    const errors = issues.filter((i) => i.severity === 'error');
    super('config_invalid', `The configuration in ${dir} has ${errors.length} error${errors.length === 1 ? '' : 's'}:\n${errors.map(formatIssue).join('\n')}`, {
      hint: 'Correct the named lines (or run `flare-misp config check` to list them again), then reload the configuration.',
    });
    this.issues = issues;
  }
}

export function formatIssue(i: ConfigIssue): string {
  const where = i.file ? `${i.file}${i.line ? `:${i.line}` : ''}: ` : '';
  return `${where}${i.key ? `${i.key}: ` : ''}${i.message}`;
}

interface RawEntry {
  key: string;
  text: string;
  file: ConfigFileName;
  path: string;
  line: number;
}

/** File contents to use instead of the files on disk (so `save` can validate before it writes). */
export type ConfigTexts = Partial<Record<ConfigFileName, string>>;

function readRawEntries(dir: string, issues: ConfigIssue[], texts: ConfigTexts): Map<string, RawEntry> {
  const raw = new Map<string, RawEntry>();
  for (const file of CONFIG_FILES) {
    const p = path.join(dir, file);
    const given = texts[file];
    if (given === undefined && !existsSync(p)) {
      issues.push({ severity: 'warning', file: p, message: 'file not found: every key of this file takes its default' });
      continue;
    }
    const props = new Properties(given ?? readFileSync(p));
    for (const node of props.getProperties()) {
      const earlier = raw.get(node.key);
      if (earlier) {
        issues.push({
          severity: 'warning',
          key: node.key,
          file: p,
          line: node.startingLineNumber,
          message: `set again (first at ${earlier.path}:${earlier.line}); this later value wins`,
        });
      }
      raw.set(node.key, { key: node.key, text: node.value.trim(), file, path: p, line: node.startingLineNumber });
    }
  }
  return raw;
}

/** A key that is not ours and looks like a typo of one that is. */
function closestKey(key: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of KEY_INDEX.keys()) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 8)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** `{misp-server-host:port}` and friends: the old sample files' unfilled placeholders. */
const PLACEHOLDER = /\{[^}]*\}/;

/** `secrets`: how stored secrets are read back (the desktop app's OS keychain); without it they are read as they are. */
export function loadConfig(dir: string, env: NodeJS.ProcessEnv = process.env, texts: ConfigTexts = {}, secrets?: SecretCodec): LoadedConfig {
  const absDir = path.resolve(dir);
  if (!existsSync(absDir) || !statSync(absDir).isDirectory()) {
    throw new FlareError('config_dir_missing', `The config folder ${absDir} does not exist.`, {
      hint: 'Pass --config-dir with the folder that holds config.properties and application.properties, or set FLARE_MISP_HOME.',
    });
  }
  const issues: ConfigIssue[] = [];
  const raw = readRawEntries(absDir, issues, texts);
  if (!CONFIG_FILES.some((f) => texts[f] !== undefined || existsSync(path.join(absDir, f)))) {
    throw new ConfigError([{ severity: 'error', file: absDir, message: 'neither config.properties nor application.properties is in this folder' }], absDir);
  }

  for (const e of raw.values()) {
    const spec = KEY_INDEX.get(e.key);
    if (spec?.ignored && e.text !== '') {
      issues.push({ severity: 'warning', key: e.key, file: e.path, line: e.line, message: `has no effect (${spec.ignored})` });
    } else if (!spec && !LEGACY_CURSOR_KEY.test(e.key)) {
      const near = closestKey(e.key);
      issues.push({ severity: 'warning', key: e.key, file: e.path, line: e.line, message: `unknown key${near ? ` — did you mean ${near}?` : ''}` });
    }
  }

  const entries = resolveEntries(raw, env, issues, KEYS, secrets);
  if (secrets?.unavailable) {
    issues.push({ severity: 'warning', message: `Secrets typed in here (the MISP key, passwords, the API token) are written in plain text to ${CONFIG_FILES.map((f) => path.join(absDir, f)).join(' and ')}, readable by your user account only: ${secrets.unavailable}.` });
  }

  const config = assemble(absDir, raw, entries, issues);
  if (issues.some((i) => i.severity === 'error')) throw new ConfigError(issues, absDir);
  return { config, entries, warnings: issues.filter((i) => i.severity === 'warning') };
}

/** Each key's text from the environment, the files or its default, validated by its schema. */
function resolveEntries(raw: Map<string, RawEntry>, env: NodeJS.ProcessEnv, issues: ConfigIssue[], specs: readonly KeySpec[], secrets?: SecretCodec): Map<string, ResolvedEntry> {
  const entries = new Map<string, ResolvedEntry>();
  for (const spec of specs) {
    const fromFile = raw.get(spec.key);
    const fromEnv = spec.env ? env[spec.env] : undefined;
    let entry: ResolvedEntry;
    if (fromEnv !== undefined && fromEnv !== '') {
      entry = { key: spec.key, text: fromEnv.trim(), value: undefined, source: 'env', spec };
    } else if (fromFile && fromFile.text !== '') {
      entry = { key: spec.key, text: fromFile.text, value: undefined, source: 'file', file: fromFile.file, line: fromFile.line, spec };
    } else {
      entry = { key: spec.key, text: spec.default ?? '', value: undefined, source: 'default', spec };
      if (fromFile) {
        entry.file = fromFile.file;
        entry.line = fromFile.line;
      }
    }
    const where = { key: spec.key, file: entry.source === 'env' ? `environment variable ${spec.env}` : fromFile?.path, line: entry.source === 'env' ? undefined : fromFile?.line };
    if (entry.source === 'file' && !spec.ignored && isSecretKey(spec.key)) {
      // A secret the desktop app stored in the OS keychain: resolved here, or reported and treated as not set.
      const plain = secrets ? secrets.decode(spec.key, entry.text) : isSafeStorageReference(entry.text) ? undefined : entry.text;
      if (plain === undefined) {
        const why = secrets
          ? 'is encrypted with an OS keychain entry this user cannot read (another user, machine or keyring)'
          : 'is encrypted with the desktop app\'s OS keychain and cannot be read here';
        issues.push({ severity: 'warning', ...where, message: `${why}; treated as not set: type it again in the desktop app's Config view${spec.env ? `, or set ${spec.env}` : ''}` });
        entry.text = '';
      } else {
        entry.text = plain;
      }
    }
    if (entry.text !== '' && PLACEHOLDER.test(entry.text) && spec.schema && !spec.secret) {
      issues.push({ severity: 'warning', ...where, message: `"${entry.text}" is an unfilled placeholder from a sample file; treated as not set` });
      entry.text = '';
    }
    if (entry.text !== '' && spec.schema && !spec.ignored) {
      const parsed = spec.schema.safeParse(entry.text);
      if (parsed.success) {
        entry.value = parsed.data;
      } else {
        const expected = parsed.error.issues[0]?.message ?? 'invalid value';
        // Not echoed: secrets, and URLs carrying user:password@ (a proxy URL with its password).
        const shown = isSecretKey(spec.key) || mentionsUrlCredentials(entry.text) ? '' : `, found "${entry.text}"`;
        issues.push({ severity: 'error', ...where, message: `${expected}${shown}` });
        // Keep assembling with the default so every other problem is found in the same pass.
        entry.text = spec.default ?? '';
        entry.value = entry.text === '' ? undefined : spec.schema.safeParse(entry.text).data;
      }
    }
    entries.set(spec.key, entry);
  }

  return entries;
}

/** A key's typed value and its text, both undefined when the key is empty or absent. */
function valuesOf(entries: Map<string, ResolvedEntry>): { get: <T>(key: string) => T | undefined; text: (key: string) => string | undefined } {
  const set = (key: string): ResolvedEntry | undefined => {
    const e = entries.get(key);
    return e && e.text !== '' ? e : undefined;
  };
  return { get: <T>(key: string) => set(key)?.value as T | undefined, text: (key: string) => set(key)?.text };
}

function assemble(dir: string, raw: Map<string, RawEntry>, entries: Map<string, ResolvedEntry>, issues: ConfigIssue[]): Config {
  const baseDir = path.dirname(dir);
  const { get, text } = valuesOf(entries);
  const at = (key: string) => {
    const r = raw.get(key);
    return { key, file: r?.path, line: r?.line };
  };
  /** A path from the files: `file:` prefix (Spring style) dropped, relative to the base folder. */
  const resolvePath = (key: string): string | undefined => {
    const v = get<string>(key);
    if (v === undefined) return undefined;
    return path.resolve(baseDir, v.replace(/^file:/, ''));
  };
  const existingFile = (key: string, severity: 'error' | 'warning' = 'error'): string | undefined => {
    const p = resolvePath(key);
    if (p !== undefined && !existsSync(p)) {
      issues.push({ severity, ...at(key), message: `file not found: ${p}${severity === 'warning' ? ' (ignored)' : ''}` });
      return undefined;
    }
    return p;
  };

  // The TAXII client certificate: PKCS#12 as the Java service had it, else PEM (ours, then the Python era's).
  let clientAuth: TaxiiClientAuth = { kind: 'none' };
  const twoWay = get<boolean>('2way.ssl.auth') === true;
  if (twoWay) {
    if (!text('client.ssl.key-store')) {
      issues.push({ severity: 'error', ...at('2way.ssl.auth'), message: 'is true but client.ssl.key-store is empty: set it to the PKCS#12 file with your client certificate' });
    } else {
      const file = existingFile('client.ssl.key-store');
      const password = text('client.ssl.key-store-password') ?? text('server.ssl.key-password');
      if (file) clientAuth = password === undefined ? { kind: 'pkcs12', file } : { kind: 'pkcs12', file, password };
    }
  } else if (text('flare.taxii.client.cert') || text('flare.taxii.client.key')) {
    if (!text('flare.taxii.client.cert') || !text('flare.taxii.client.key')) {
      const missing = text('flare.taxii.client.cert') ? 'flare.taxii.client.key' : 'flare.taxii.client.cert';
      const present = missing === 'flare.taxii.client.key' ? 'flare.taxii.client.cert' : 'flare.taxii.client.key';
      issues.push({ severity: 'error', ...at(present), message: `is set but ${missing} is empty: a client certificate needs both the certificate and its key` });
    } else {
      const certFile = existingFile('flare.taxii.client.cert');
      const keyFile = existingFile('flare.taxii.client.key');
      const passphrase = text('flare.taxii.client.key.passphrase');
      if (certFile && keyFile) clientAuth = passphrase === undefined ? { kind: 'pem', certFile, keyFile } : { kind: 'pem', certFile, keyFile, passphrase };
    }
  } else if (text('stixtransclient.client.cert') && text('stixtransclient.client.key')) {
    // The Java generation left these keys in its file without using them: honour them only when they point at files.
    const certFile = existingFile('stixtransclient.client.cert', 'warning');
    const keyFile = existingFile('stixtransclient.client.key', 'warning');
    if (certFile && keyFile) clientAuth = { kind: 'pem', certFile, keyFile };
  }

  const pollUrl = text('stixtransclient.poll.url') ?? text('stixtransclient.poll.baseurl');
  const collection = text('stixtransclient.source.collection');

  const mispUrl = mispRoot(text('flare.misp.url'), text('misptransclient.post.baseurl'));
  const mispKey = text('misp.authorization.key');
  const distribution = get<number>('flare.misp.distribution') ?? 0;
  const sharingGroup = text('flare.misp.sharing-group');
  if (distribution === 4 && !sharingGroup) {
    issues.push({ severity: 'error', ...at('flare.misp.distribution'), message: 'is 4 (sharing group) but flare.misp.sharing-group is empty: name the sharing group' });
  }
  const mispClientCert = existingFile('flare.misp.client.cert');
  const mispClientKey = existingFile('flare.misp.client.key');
  if (Boolean(mispClientCert) !== Boolean(mispClientKey) && !issues.some((i) => i.key?.startsWith('flare.misp.client'))) {
    issues.push({ severity: 'error', ...at(mispClientCert ? 'flare.misp.client.cert' : 'flare.misp.client.key'), message: 'a MISP client certificate needs both flare.misp.client.cert and flare.misp.client.key' });
  }

  const legacyCursors: Record<string, string> = {};
  for (const r of raw.values()) {
    const m = LEGACY_CURSOR_KEY.exec(r.key);
    if (m && m[1] === 'end' && r.text) legacyCursors[`${m[2]}.${m[3]}`] = r.text;
  }

  // The Python-era `logging.file` counts when `logging.file.name` is not in the files.
  const logFile = entries.get('logging.file.name')?.source !== 'default' ? text('logging.file.name') : (text('logging.file') ?? text('logging.file.name'));
  const dataDir = resolvePath('flare.data.dir')!;
  const optional = <T>(v: T | undefined) => v;

  const config: Config = {
    dir,
    baseDir,
    files: { 'config.properties': path.join(dir, 'config.properties'), 'application.properties': path.join(dir, 'application.properties') },
    poll: {
      processType: get<ProcessType>('mtc.processtype')!,
      frequencyMinutes: get<number>('mtc.quartz.frequency')!,
      ...(text('flare.schedule.cron') && { cron: text('flare.schedule.cron') }),
      startTime: new Date(get<string>('mtc.start.time')!).toISOString(),
      overlapMinutes: get<number>('flare.poll.overlap.minutes')!,
      outDir: resolvePath('mtc.destination.directory')!,
    },
    taxii: {
      configured: Boolean(pollUrl && collection),
      ...(pollUrl && { pollUrl }),
      ...(collection && { collection }),
      collections: get<string[]>('stixtransclient.source.collection.validvalues') ?? [],
      ...(text('flare.taxii.discovery.url') && { discoveryUrl: text('flare.taxii.discovery.url') }),
      ...(text('flare.taxii.collection-management.url') && { collectionManagementUrl: text('flare.taxii.collection-management.url') }),
      contentBindings: get<string[]>('flare.taxii.content-bindings') ?? [],
      ...(optional(existingFile('flare.taxii.ca')) && { caFile: resolvePath('flare.taxii.ca') }),
      clientAuth,
      ...(text('flare.taxii.username') && { username: text('flare.taxii.username') }),
      ...(text('flare.taxii.password') && { password: text('flare.taxii.password') }),
      ...(get<string>('flare.taxii.proxy') && { proxy: get<string>('flare.taxii.proxy') }),
      connectTimeoutMs: get<number>('ctimeout')!,
      readTimeoutMs: get<number>('rtimeout')!,
      maxWaitSeconds: get<number>('flare.taxii.max-wait.seconds')!,
    },
    misp: {
      configured: Boolean(mispUrl && mispKey),
      ...(mispUrl && { url: mispUrl }),
      ...(mispKey && { key: mispKey }),
      mode: get<MispImportMode>('flare.misp.import.mode')!,
      publish: get<boolean>('stixtransclient.misp.published') ?? false,
      ...(optional(existingFile('flare.misp.ca')) && { caFile: resolvePath('flare.misp.ca') }),
      ...(mispClientCert && { clientCertFile: mispClientCert }),
      ...(mispClientKey && { clientKeyFile: mispClientKey }),
      distribution,
      distributionPolicy: { ...SAFE_DISTRIBUTION_POLICY, ...(get<Partial<DistributionPolicy>>('flare.misp.distribution.policy') ?? {}) },
      ...(sharingGroup && { sharingGroup }),
      threatLevel: get<number>('flare.misp.threat-level')!,
      analysis: get<number>('flare.misp.analysis')!,
      tags: get<string[]>('flare.misp.tags') ?? [],
      concurrency: get<number>('flare.misp.concurrency')!,
      timeoutMs: get<number>('flare.misp.timeout.ms')!,
      ...(get<string>('flare.misp.proxy') && { proxy: get<string>('flare.misp.proxy') }),
    },
    trackerFile: resolvePath('mtc.tracking.datafile')!,
    dataDir,
    server: assembleServer(entries, baseDir),
    log: {
      level: normaliseLevel(get<string>('logging.level.root') ?? 'INFO'),
      ...(logFile && { file: path.resolve(baseDir, logFile) }),
      maxSizeBytes: get<number>('logging.file.max-size')!,
      maxFiles: get<number>('flare.logging.file.count')!,
    },
    legacyCursors,
  };
  return config;
}

/** The keys of the headless service: `server.port`, `server.ssl.*`, `flare.server.*`, `flare.api.*`. */
export function isServerKey(key: string): boolean {
  return key === 'server.port' || key.startsWith('server.ssl.') || key.startsWith('flare.server.') || key.startsWith('flare.api.');
}

const SERVER_KEYS: readonly KeySpec[] = KEYS.filter((k) => isServerKey(k.key));

function assembleServer(entries: Map<string, ResolvedEntry>, baseDir: string): ServerConfig {
  const { get, text } = valuesOf(entries);
  const file = (key: string): string | undefined => {
    const v = text(key);
    return v === undefined ? undefined : path.resolve(baseDir, v.replace(/^file:/, ''));
  };
  const names = get<string[]>('flare.server.names') ?? [];
  const keyStore = file('server.ssl.key-store');
  const server: ServerConfig = {
    address: text('flare.server.address') ?? '127.0.0.1',
    port: get<number>('server.port') ?? 8080,
    ...(text('flare.server.token') && { token: text('flare.server.token') }),
    ...(names.length > 0 && { names }),
    ...(keyStore && { keyStore, keyStoreType: 'PKCS12' as const }),
    ...(text('server.ssl.key-store-password') && { keyStorePassword: text('server.ssl.key-store-password') }),
    ...(text('server.ssl.key-alias') && { keyAlias: text('server.ssl.key-alias') }),
    ...(text('server.ssl.key-password') && { keyPassword: text('server.ssl.key-password') }),
    ...(get<boolean>('flare.api.clientAuth') === true && { clientAuth: true as const }),
    ...(file('flare.server.ca') && { caFile: file('flare.server.ca') }),
    ...(file('server.ssl.trust-store') && { trustStore: file('server.ssl.trust-store') }),
    ...(text('server.ssl.trust-store-password') && { trustStorePassword: text('server.ssl.trust-store-password') }),
  };
  return server;
}

/**
 * Only the headless service's keys, read apart from the rest: a bad value elsewhere (a too-short MISP key) must
 * not change where and how the service listens. Errors here are the server keys' own (a port that is not a
 * number, HTTPS or client-certificate settings that cannot work together): `flare-misp serve` refuses to start
 * on them. A missing folder or missing files give the defaults (127.0.0.1:8080, no TLS), as for the engine.
 */
export function loadServerConfig(dir: string, env: NodeJS.ProcessEnv = process.env): { server: ServerConfig; warnings: ConfigIssue[] } {
  const absDir = path.resolve(dir);
  const issues: ConfigIssue[] = [];
  const raw = existsSync(absDir) && statSync(absDir).isDirectory() ? readRawEntries(absDir, issues, {}) : new Map<string, RawEntry>();
  const entries = resolveEntries(raw, env, issues, SERVER_KEYS);
  const server = assembleServer(entries, path.dirname(absDir));
  const at = (key: string) => {
    const r = raw.get(key);
    const e = entries.get(key);
    return { key, file: e?.source === 'env' ? `environment variable ${e.spec?.env}` : r?.path, line: e?.source === 'env' ? undefined : r?.line };
  };
  const error = (key: string, message: string) => issues.push({ severity: 'error', ...at(key), message });
  const setInFiles = (key: string) => entries.get(key)?.source !== 'default' && entries.get(key)?.text !== '';
  if (!server.keyStore) {
    // server.ssl.key-password is left out: the old service also used it as the TAXII client key store's password.
    for (const key of ['server.ssl.key-store-password', 'server.ssl.key-alias', 'server.ssl.trust-store', 'server.ssl.trust-store-password', 'flare.server.ca']) {
      if (setInFiles(key)) error(key, 'is set but server.ssl.key-store is empty: HTTPS needs the PKCS#12 key store with the service\'s certificate and key (or remove this key)');
    }
    if (server.clientAuth) error('flare.api.clientAuth', 'is true but server.ssl.key-store is empty: client certificates need HTTPS; set server.ssl.key-store to the service\'s PKCS#12 key store');
  } else if (server.clientAuth && !server.caFile && !server.trustStore) {
    error('flare.api.clientAuth', 'is true but neither flare.server.ca nor server.ssl.trust-store names the CA that signs the client certificates');
  }
  if (issues.some((i) => i.severity === 'error')) throw new ConfigError(issues, absDir);
  return { server, warnings: issues.filter((i) => i.severity === 'warning') };
}

function normaliseLevel(v: string): LogLevelName {
  return v === 'TRACE' ? 'DEBUG' : (v as LogLevelName);
}

/** `flare.misp.url`, else the old `misptransclient.post.baseurl` without its trailing `events/`. */
export function mispRoot(flareUrl: string | undefined, postBaseUrl: string | undefined): string | undefined {
  const chosen = flareUrl ?? postBaseUrl?.replace(/\/?events\/?$/, '');
  return chosen?.replace(/\/+$/, '');
}
