import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Sqlite from 'better-sqlite3';
import { until } from '../../test/helpers/until.ts';
import { BACKSTOP_PAGES, SQLITE_DEFAULT_PAGES, startCheckpointer } from './checkpointer.ts';
import { openStorage } from './open.ts';

function walDatabase(): { database: Sqlite.Database; path: string } {
  const path = join(mkdtempSync(join(tmpdir(), 'portcullis-checkpoint-')), 'db.sqlite');
  const database = new Sqlite(path);
  database.pragma('journal_mode = WAL');
  database.exec('create table t (v blob)');
  return { database, path };
}

const autocheckpoint = (database: Sqlite.Database) => database.pragma('wal_autocheckpoint', { simple: true });

describe('SQLite checkpoints on a worker thread', () => {
  it('copies committed pages into the database file while the writer never checkpoints', async () => {
    const { database, path } = walDatabase();
    const checkpointer = startCheckpointer(database, path);
    assert.equal(autocheckpoint(database), BACKSTOP_PAGES);
    const insert = database.prepare('insert into t values (randomblob(3000))');
    // About 300 WAL pages: far below the writer's own threshold, so only the worker copies them.
    for (let i = 0; i < 300; i++) insert.run();
    assert.ok(statSync(path).size < 100_000, 'nothing copied before a checkpoint');
    await until(() => statSync(path).size > 300 * 3000, 'the worker to checkpoint');
    await checkpointer.stop();
    await checkpointer.stop();
    insert.run();
    assert.equal(database.prepare('select count(*) from t').pluck().get(), 301);
    database.close();
  });

  it('hands checkpoints back to the writer when the worker fails', async () => {
    const { database } = walDatabase();
    const checkpointer = startCheckpointer(database, join(tmpdir(), 'portcullis-no-such-dir', 'db.sqlite'));
    await until(() => autocheckpoint(database) === SQLITE_DEFAULT_PAGES, "SQLite's default threshold to return");
    await checkpointer.stop();
    database.close();
  });

  it('is stopped before the storage closes its own connection, which then removes the WAL', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'portcullis-checkpoint-')), 'db.sqlite');
    const storage = await openStorage(`sqlite:${path}`);
    await storage.migrate();
    assert.ok(existsSync(`${path}-wal`));
    const before = statSync(path).size;
    await until(() => statSync(path).size > before, 'the worker to copy the migrated schema');
    await storage.close();
    // SQLite deletes the WAL only when the last connection to the file closes.
    assert.equal(existsSync(`${path}-wal`), false);
  });
});
