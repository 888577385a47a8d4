/** The shape of a CLI command and the helpers they share. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { bootstrap, type Runtime } from '../bootstrap.ts';
import { loadConfig } from '../config/load.ts';
import type { Tenant } from '../context.ts';

/** A failure the user can fix: printed without a stack, exit code 1. */
export class CliError extends Error {}

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], io: Io): Promise<number>;
}

/** Flags every command accepts. */
export const COMMON_OPTIONS = {
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

/** Opens config + storage (provisioning the config file's tenants, clients and users first); always closes it. */
export async function withRuntime<T>(configFile: string | undefined, io: Io, fn: (rt: Runtime) => Promise<T>, options: { provision?: boolean } = {}): Promise<T> {
  const config = loadConfig({ argv: configFile ? ['--config', configFile] : [], env: io.env });
  const { pino } = await import('pino');
  const rt = await bootstrap(config, { env: io.env, provision: options.provision ?? true, logger: pino({ level: 'warn', base: null }) });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

/** The tenant named by `--tenant` (default tenant when omitted); a CliError when unknown. */
export async function tenantOf(rt: Runtime, slug: string | undefined): Promise<Tenant> {
  const tenant = await rt.tenants.resolve(slug ?? '');
  if (!tenant) throw new CliError(slug ? `unknown tenant ${JSON.stringify(slug)}` : 'the default tenant does not exist yet; run `portcullis migrate` or start the server once');
  return tenant;
}

export function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}
