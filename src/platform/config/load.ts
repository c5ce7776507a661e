/**
 * Loads and validates the configuration from the environment and an optional JSON file.
 *
 * Implementation notes
 * - Never reads `process.env` itself: the caller passes the environment, so tests inject theirs.
 * - Errors are one line per bad key and never echo a secret value.
 */
import { readFileSync } from 'node:fs';
import { CONFIG_KEYS, type Config, type ConfigKey, type ConfigKeyName } from './schema.js';

export class ConfigError extends Error {
  readonly code = 'config.invalid';
}

export const CONFIG_FILE_ENV = 'FACTEUR_CONFIG';

/** @throws ConfigError naming the first bad key and what it expects. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const configFile = env[CONFIG_FILE_ENV] ?? null;
  const fileValues = configFile ? readConfigFile(configFile) : {};
  const out: Record<string, unknown> = { configFile };
  for (const [name, spec] of Object.entries(CONFIG_KEYS) as [ConfigKeyName, ConfigKey][]) {
    const fromEnv = env[spec.env];
    const fromFile = fileValues[name];
    const source =
      fromEnv !== undefined && fromEnv !== '' ? 'env' : fromFile !== undefined ? 'file' : 'default';
    const raw = source === 'env' ? fromEnv : source === 'file' ? fromFile : spec.default;
    const parsed = spec.schema.safeParse(raw);
    if (!parsed.success) {
      const where = source === 'file' ? `${configFile}: "${name}"` : spec.env;
      const expected = parsed.error.issues[0]?.message ?? 'invalid value';
      const shown = spec.secret ? '' : `, got ${JSON.stringify(raw)}`;
      throw new ConfigError(`configuration error: ${where}: ${expected}${shown}`);
    }
    out[name] = parsed.data;
  }
  return out as Config;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `configuration error: ${CONFIG_FILE_ENV}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`configuration error: ${path}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`configuration error: ${path}: expected a JSON object of configuration keys`);
  }
  const known = new Set(Object.keys(CONFIG_KEYS));
  for (const key of Object.keys(value)) {
    if (!known.has(key)) throw new ConfigError(`configuration error: ${path}: unknown key "${key}"`);
  }
  return value as Record<string, unknown>;
}

/** Rows for the generated documentation. */
export function describeConfig(): { key: string; env: string; default: string; description: string }[] {
  return (Object.entries(CONFIG_KEYS) as [ConfigKeyName, ConfigKey][]).map(([key, spec]) => ({
    key,
    env: spec.env,
    default: spec.default === undefined ? '' : String(spec.default),
    description: spec.description,
  }));
}
