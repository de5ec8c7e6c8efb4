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
  proxy?: string;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  maxWaitSeconds: number;
}

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
  sharingGroup?: string;
  threatLevel: number;
  analysis: number;
  tags: string[];
  concurrency: number;
  timeoutMs: number;
  proxy?: string;
}

export interface PollConfig {
  processType: ProcessType;
  frequencyMinutes: number;
  /** ISO instant, UTC. */
  startTime: string;
  overlapMinutes: number;
  outDir: string;
}

export interface ServerConfig {
  address: string;
  port: number;
  token?: string;
  keyStore?: string;
  keyStorePassword?: string;
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
