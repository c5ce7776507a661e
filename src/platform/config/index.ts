export { renderConfigDocs } from './docs.js';
export { CONFIG_FILE_ENV, ConfigError, describeConfig, loadConfig } from './load.js';
export { CONFIG_KEYS, type Config, type ConfigKeyName } from './schema.js';
