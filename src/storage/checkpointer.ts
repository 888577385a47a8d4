/**
 * Checkpoints of a SQLite WAL database on a worker thread.
 *
 * By default SQLite checkpoints on the connection that commits: once the WAL passes 1,000
 * pages, one commit also copies those pages into the database file and waits for two fsyncs.
 * On a server that commits on its event loop, that stalls every request in flight. Here a
 * worker thread with its own connection checkpoints every INTERVAL_MS instead, and the serving
 * connection's own checkpoints (`BACKSTOP_PAGES`) only catch up the last few frames. They are
 * kept because a checkpoint that runs beside commits rarely finds the WAL fully copied, and
 * SQLite reuses the WAL from its start only after one that does.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Sqlite from 'better-sqlite3';

/** WAL pages after which the serving connection checkpoints by itself. */
export const BACKSTOP_PAGES = 10_000;
/** SQLite's own threshold, given back to the serving connection if the worker fails. */
export const SQLITE_DEFAULT_PAGES = 1_000;
/** Between the worker's checkpoints: long enough that a page written many times is copied once. */
export const INTERVAL_MS = 200;

/**
 * The worker's whole program, plain JavaScript so that it runs the same from source and from
 * dist/. A PASSIVE checkpoint never waits for the writer or for readers: it copies what it can.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Sqlite = require(workerData.driver);
const db = new Sqlite(workerData.path, { fileMustExist: true });
const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Stops the worker and closes its connection; resolves when the thread has exited. */
  stop(): Promise<void>;
}

export function startCheckpointer(database: Sqlite.Database, path: string): Checkpointer {
  database.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, intervalMs: INTERVAL_MS } });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // A worker that fails leaves checkpoints to the serving connection, as SQLite does by default.
  worker.on('error', () => {
    if (database.open) database.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_PAGES}`);
  });
  return {
    async stop() {
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
