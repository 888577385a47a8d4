/**
 * The `portcullis` command line: serve, migrate, keys, clients, users, tenants. Every command
 * takes --config (or PORTCULLIS_CONFIG) and --help; failures print one line and exit non-zero.
 */
import { ConfigError } from '../config/validate.ts';
import { CliError, type Command, type Io } from './command.ts';
import { clientsCommand } from './commands/clients.ts';
import { keysCommand } from './commands/keys.ts';
import { migrateCommand } from './commands/migrate.ts';
import { serveCommand } from './commands/serve.ts';
import { tenantsCommand } from './commands/tenants.ts';
import { usersCommand } from './commands/users.ts';
import { logoutDeliveriesCommand } from './commands/logout-deliveries.ts';
import { sessionsCommand } from './commands/sessions.ts';

const COMMANDS: readonly Command[] = [serveCommand, migrateCommand, keysCommand, clientsCommand, usersCommand, tenantsCommand, sessionsCommand, logoutDeliveriesCommand];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: portcullis <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --config FILE (or PORTCULLIS_CONFIG) and --help.',
  ].join('\n');
}

const defaultIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
};

/** Runs one command; resolves to the process exit code. */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(overview());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`portcullis: unknown command ${JSON.stringify(name)}\n\n${overview()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${command.summary}\n\n${command.usage}`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`portcullis ${name}: ${err.message}\n\n${command.usage}`);
      return 1;
    }
    if (err instanceof ConfigError) {
      io.err(`portcullis: invalid configuration: ${err.message}`);
      return 2;
    }
    io.err(`portcullis ${name}: ${(err as Error).message}`);
    return 1;
  }
}
