/**
 * Loads the config: file (PORTCULLIS_CONFIG or --config) → environment overrides → schema.
 * Throws ConfigError naming the key; main.ts prints it and exits non-zero before listening.
 */
import { readFileSync } from 'node:fs';
import { configSchema, type Config } from './schema.ts';
import { ConfigError } from './validate.ts';

export interface LoadOptions {
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/** The config file path from `--config <path>` / `--config=<path>`, else PORTCULLIS_CONFIG. */
export function configPath(argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--config') return argv[i + 1];
    if (arg?.startsWith('--config=')) return arg.slice('--config='.length);
  }
  return env['PORTCULLIS_CONFIG'] || undefined;
}

function readFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('(file)', `cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ConfigError('(file)', `${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Environment variables that win over the file (CONTRACT §1). */
function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  const strings: Array<[string, string]> = [
    ['PORTCULLIS_ISSUER', 'issuer'],
    ['PORTCULLIS_HOST', 'host'],
    ['PORTCULLIS_DATABASE_URL', 'database'],
    ['PORTCULLIS_REDIS_URL', 'redis'],
    ['PORTCULLIS_DATA_DIR', 'dataDir'],
    ['PORTCULLIS_LOG_LEVEL', 'logLevel'],
  ];
  for (const [name, key] of strings) {
    const value = env[name];
    if (value) raw[key] = value;
  }
  const port = env['PORTCULLIS_PORT'];
  if (port) {
    if (!/^\d+$/.test(port)) throw new ConfigError('port', `PORTCULLIS_PORT must be an integer, got ${JSON.stringify(port)}`);
    raw['port'] = Number(port);
  }
}

export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const path = configPath(options.argv ?? process.argv.slice(2), env);
  const fromFile = path ? readFile(path) : {};
  if (fromFile === null || typeof fromFile !== 'object' || Array.isArray(fromFile))
    throw new ConfigError('(root)', 'the config file must hold a JSON object');
  const raw = { ...(fromFile as Record<string, unknown>) };
  applyEnv(raw, env);
  return parseConfig(raw);
}

/** Validates a config object (defaults applied) and the cross-field rules the schema cannot express. */
export function parseConfig(raw: unknown): Config {
  const config = configSchema.parse(raw, '');
  config.issuer = config.issuer.replace(/\/+$/, '');
  const slugs = new Set<string>();
  config.tenants.forEach((t, i) => {
    if (slugs.has(t.slug)) throw new ConfigError(`tenants[${i}].slug`, `duplicate tenant slug ${JSON.stringify(t.slug)}`);
    slugs.add(t.slug);
  });
  return config;
}
