export * from './config';
export { KEYS, KEY_INDEX, isSecretKey, type ConfigFileName, type KeySpec } from './keys';
export { loadConfig, loadServerConfig, isServerKey, ConfigError, formatIssue, mispRoot, CONFIG_FILES, type ConfigIssue, type LoadedConfig, type ResolvedEntry } from './load';
export { ConfigStore, configView, secretValues, diffEntries, MASK } from './store';
export { resolveConfigDir, type ConfigDirChoice } from './location';
export { SAFE_STORAGE_PREFIX, isSafeStorageReference, type SecretCodec } from './secret-codec';
