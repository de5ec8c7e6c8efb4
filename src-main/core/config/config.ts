/** The typed configuration every module reads. Built by load.ts from the properties files. */
import type { ConfigFileName } from './keys';

export type ProcessType = 'xmlOutput' | 'stixToMisp';
export const PROCESS_TYPES: readonly ProcessType[] = ['xmlOutput', 'stixToMisp'];
export type MispImportMode = 'native' | 'stix';
export type LogLevelName = 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';

/** How the TAXII client proves who it is. */
export type TaxiiClientAuth =
  | { kind: 'none' }
  | { kind: 'pem'; certFile: string; keyFile: string; passphrase?: string }
  | { kind: 'pkcs12'; file: string; password?: string };

export interface TaxiiConfig {
  /** True when a poll URL and a collection are set. */
  configured: boolean;
  pollUrl?: string;
  collection?: string;
  collections: string[];
  discoveryUrl?: string;
  collectionManagementUrl?: string;
  contentBindings: string[];
  caFile?: string;
  clientAuth: TaxiiClientAuth;
  username?: string;
  password?: string;
  /**
   * flare.taxii.proxy: a proxy URL, or `none` (never a proxy). Unset: the HTTPS_PROXY / HTTP_PROXY environment
   * variables with NO_PROXY decide (core/net/env-proxy.ts).
   */
  proxy?: string;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  maxWaitSeconds: number;
}

/** A marking the distribution policy decides on (`flare.misp.distribution.policy`). */
export type PolicyMarking = 'tlp:white' | 'tlp:green' | 'tlp:amber' | 'tlp:red' | 'ais:everyone' | 'ais:usg' | 'ais:none' | 'unmarked';
export const POLICY_MARKINGS: readonly PolicyMarking[] = ['tlp:white', 'tlp:green', 'tlp:amber', 'tlp:red', 'ais:everyone', 'ais:usg', 'ais:none', 'unmarked'];
/** A MISP distribution level 0–4, or `default`: the configured `flare.misp.distribution` (and sharing group). */
export type PolicyLevel = 0 | 1 | 2 | 3 | 4 | 'default';
/** The distribution each marking allows; a package gets the most restrictive level among its markings. */
export type DistributionPolicy = Record<PolicyMarking, PolicyLevel>;
/**
 * Safe by default: only TLP:WHITE/GREEN and AIS consent EVERYONE reach the configured distribution; TLP:AMBER/RED,
 * AIS consent USG/NONE and packages without any TLP or AIS marking stay in your organisation (0).
 */
export const SAFE_DISTRIBUTION_POLICY: Readonly<DistributionPolicy> = {
  'tlp:white': 'default',
  'tlp:green': 'default',
  'tlp:amber': 0,
  'tlp:red': 0,
  'ais:everyone': 'default',
  'ais:usg': 0,
  'ais:none': 0,
  unmarked: 0,
};

export interface MispConfig {
  /** True when a MISP URL and an API key are set. */
  configured: boolean;
  /** The MISP root, always ending without a slash. */
  url?: string;
  key?: string;
  mode: MispImportMode;
  publish: boolean;
  caFile?: string;
  clientCertFile?: string;
  clientKeyFile?: string;
  distribution: number;
  /** Distribution by marking: SAFE_DISTRIBUTION_POLICY with the `flare.misp.distribution.policy` overrides. */
  distributionPolicy: DistributionPolicy;
  sharingGroup?: string;
  threatLevel: number;
  analysis: number;
  tags: string[];
  concurrency: number;
  timeoutMs: number;
  /** flare.misp.proxy: a proxy URL, or `none`. Unset: the environment variables decide (core/net/env-proxy.ts). */
  proxy?: string;
}

export interface PollConfig {
  processType: ProcessType;
  frequencyMinutes: number;
  /** flare.schedule.cron: a cron expression (UTC) that replaces the every-N-minutes schedule. */
  cron?: string;
  /** ISO instant, UTC. */
  startTime: string;
  overlapMinutes: number;
  outDir: string;
}

/**
 * The headless service (`flare-misp serve`). Fields beyond address and port are present only when set. Files are
 * resolved paths, not checked here: the service reads them when it starts (headless/tls.ts) and refuses to start
 * when it cannot; the engine itself never needs them.
 */
export interface ServerConfig {
  address: string;
  port: number;
  token?: string;
  /** flare.server.names: more names the Host header may carry. */
  names?: string[];
  /** server.ssl.key-store: HTTPS with this PKCS#12 file. */
  keyStore?: string;
  keyStorePassword?: string;
  /** server.ssl.key-store-type (only PKCS12). */
  keyStoreType?: 'PKCS12';
  keyAlias?: string;
  /** server.ssl.key-password: the key's password when it differs from the store's. */
  keyPassword?: string;
  /** flare.api.clientAuth: client certificates required (and verified against caFile / trustStore). */
  clientAuth?: true;
  /** flare.server.ca: PEM CA certificates for client certificates. */
  caFile?: string;
  /** server.ssl.trust-store: PKCS#12 (or PEM) CA certificates for client certificates. */
  trustStore?: string;
  trustStorePassword?: string;
}

export interface LogConfig {
  level: LogLevelName;
  file?: string;
  maxSizeBytes: number;
  maxFiles: number;
}

export interface Config {
  /** The folder holding config.properties and application.properties. */
  dir: string;
  /** Relative paths in the files are resolved against this folder (the old service's working directory). */
  baseDir: string;
  files: Record<ConfigFileName, string>;
  poll: PollConfig;
  taxii: TaxiiConfig;
  misp: MispConfig;
  trackerFile: string;
  dataDir: string;
  server: ServerConfig;
  log: LogConfig;
  /** Cursors the Python-era service kept in config.properties, by `<collection>.<processType>`. */
  legacyCursors: Record<string, string>;
}
