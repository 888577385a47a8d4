/**
 * `npm start`: load config → bootstrap → listen. A bad config exits non-zero before listening;
 * SIGTERM/SIGINT stop accepting, finish in-flight requests and exit 0 (CONTRACT.md §1).
 */
import { buildApp } from './app.ts';
import { bootstrap } from './bootstrap.ts';
import { loadConfig } from './config/load.ts';
import { ConfigError } from './config/validate.ts';
import { credentialsNotice } from './admin/bootstrap.ts';
import { startOutboxDispatcher } from './outbox/index.ts';
import cluster from 'node:cluster';
import { pino } from 'pino';
import { runPrimary } from './cluster/primary.ts';
import { useClusterMetrics } from './cluster/worker.ts';
import { workerCount } from './cluster/workers.ts';
import { drain } from './cluster/drain.ts';
import { startMaintenance } from './ops/maintenance.ts';
import { startTracing, stopTracing } from './ops/tracing.ts';
import { lowerHelperThreads } from './ops/thread-priority.ts';

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
  // PORTCULLIS_WORKERS=N runs N processes sharing the port (node:cluster).
  let workers = 1;
  try {
    workers = cluster.isPrimary ? workerCount(process.env) : 1;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`portcullis: invalid configuration: ${err.message}\n`);
    process.exit(2);
  }
  if (workers > 1) {
    // The primary prepares the database once (migrations, provisioning, first keys), then forks.
    try {
      const prepared = await bootstrap(config);
      if (prepared.adminCredentials) process.stdout.write(`${credentialsNotice(prepared.adminCredentials)}\n`);
      await prepared.close();
    } catch (err) {
      process.stderr.write(`portcullis: cannot start: ${(err as Error).message}\n`);
      process.exit(err instanceof ConfigError ? 2 : 1);
    }
    runPrimary({ workers, log: pino({ level: config.logLevel, base: null }) });
    return;
  }
  if (cluster.isWorker) useClusterMetrics();
  await startTracing(process.env);
  let runtime;
  try {
    runtime = await bootstrap(config, cluster.isWorker ? { provision: false } : {});
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`portcullis: invalid configuration: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`portcullis: cannot start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const app = await buildApp({ services: runtime.services, tenants: runtime.tenants, logger: runtime.logger });
  // Once every thread has started (bootstrap starts the SQLite checkpoint worker).
  const lowered = await lowerHelperThreads(config.operations.helperThreadNice);
  if (lowered > 0) runtime.logger.debug({ threads: lowered, nice: config.operations.helperThreadNice }, 'helper threads run at a lower priority than the event loop');
  await app.listen({ port: config.port, host: config.host });
  runtime.logger.info({ issuer: config.issuer, port: config.port, host: config.host }, 'Portcullis is listening');
  // Shown once, on stdout and not through the logger: log pipelines must never carry secrets.
  if (runtime.adminCredentials) process.stdout.write(`${credentialsNotice(runtime.adminCredentials)}\n`);
  // Back-channel logout and other notifications waiting in the outbox (also those left by a previous run).
  const outbox = startOutboxDispatcher(runtime.services);
  // Cleanup and scheduled key rotation (one instance at a time does the work).
  const maintenance = startMaintenance(runtime.services);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    runtime.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 9000);
    force.unref();
    // In-flight requests get up to 6 s; the rest of the 9 s goes to closing the outbox and storage.
    drain(app, 6000)
      .then(() => outbox.stop())
      .then(() => maintenance.stop())
      .then(() => stopTracing())
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
