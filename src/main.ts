/**
 * `npm start`: load config → bootstrap → listen. A bad config exits non-zero before listening;
 * SIGTERM/SIGINT stop accepting, finish in-flight requests and exit 0 (CONTRACT.md §1).
 */
import { buildApp } from './app.ts';
import { bootstrap } from './bootstrap.ts';
import { loadConfig } from './config/load.ts';
import { ConfigError } from './config/validate.ts';

export async function serve(argv: readonly string[]): Promise<void> {
  let config;
  try {
    config = loadConfig({ argv });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`portcullis: invalid configuration: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  let runtime;
  try {
    runtime = await bootstrap(config);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`portcullis: invalid configuration: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`portcullis: cannot start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const app = await buildApp({ services: runtime.services, tenants: runtime.tenants, logger: runtime.logger });
  await app.listen({ port: config.port, host: config.host });
  runtime.logger.info({ issuer: config.issuer, port: config.port, host: config.host }, 'Portcullis is listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    runtime.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 9000);
    force.unref();
    app
      .close()
      .then(() => runtime.close())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        runtime.logger.error({ err: (err as Error).message }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await serve(process.argv.slice(2));
}
