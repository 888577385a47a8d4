import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect, type KyselyPlugin } from 'kysely';
import { prepared, preparedInsert, setDirectExecutor, type Db } from './util.ts';
import { sqliteDirectExecutor, withStatementCache } from '../open.ts';

interface Items {
  items: { tenant_id: string; id: string; n: number; note: string | null };
}

function open(plugins: KyselyPlugin[] = []): Kysely<Items> {
  return new Kysely<Items>({ dialect: new SqliteDialect({ database: new Sqlite(':memory:') }), plugins });
}

async function seed(db: Kysely<Items>): Promise<void> {
  await db.schema.createTable('items').addColumn('tenant_id', 'text').addColumn('id', 'text').addColumn('n', 'integer').addColumn('note', 'text').execute();
  await db
    .insertInto('items')
    .values([
      { tenant_id: 'a', id: '1', n: 5, note: null },
      { tenant_id: 'a', id: '2', n: 50, note: 'x' },
      { tenant_id: 'b', id: '1', n: 500, note: null },
    ])
    .execute();
}

/** The repositories' Db type is the application schema; these tests use their own table. */
const asDb = (db: Kysely<Items>) => db as unknown as Db;
const items = (db: Db) => db as unknown as Kysely<Items>;

describe('prepared', () => {
  it('puts each argument where it was placed, whatever the order, beside constant parameters', async () => {
    const db = open();
    await seed(db);
    const query = prepared(asDb(db), (d, arg) =>
      items(d).selectFrom('items').select(['id', 'n']).where('n', '>', arg(1)).where('tenant_id', '=', arg(0)).where('id', '!=', 'none').orderBy('n'),
    );
    assert.deepEqual(await query('a', 10), [{ id: '2', n: 50 }]);
    assert.deepEqual(await query('a', 0), [{ id: '1', n: 5 }, { id: '2', n: 50 }]);
    assert.deepEqual(await query('b', 0), [{ id: '1', n: 500 }]);
    assert.deepEqual(await query('c', 0), []);
  });

  it('runs updates with the same argument in two places', async () => {
    const db = open();
    await seed(db);
    const consume = prepared(asDb(db), (d, arg) =>
      items(d).updateTable('items').set({ n: arg(1) }).where('tenant_id', '=', arg(0)).where('n', '<', arg(1)).where('note', 'is', null).returning(['id', 'n']),
    );
    assert.deepEqual(await consume('a', 7), [{ id: '1', n: 7 }]);
    // The row now has n = 7, which is not below 7: a second call changes nothing.
    assert.deepEqual(await consume('a', 7), []);
  });

  it('builds on every call when a plugin must see each query', async () => {
    let seen = 0;
    const counting: KyselyPlugin = {
      transformQuery: (args) => {
        seen++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const db = open([counting]);
    await seed(db);
    const before = seen;
    const query = prepared(asDb(db), (d, arg) => items(d).selectFrom('items').select('id').where('tenant_id', '=', arg(0)));
    assert.equal(seen, before, 'nothing is compiled ahead of the first call');
    assert.equal((await query('a')).length, 2);
    assert.equal((await query('b')).length, 1);
    assert.equal(seen, before + 2);
  });
});

describe('prepared, straight on a SQLite connection', () => {
  function openDirect(): Kysely<Items> {
    const database = new Sqlite(':memory:');
    const statements = withStatementCache(database);
    const db = new Kysely<Items>({ dialect: new SqliteDialect({ database: statements }) });
    setDirectExecutor(asDb(db), sqliteDirectExecutor(database, statements));
    return db;
  }

  it('reads and updates without going through Kysely', async () => {
    const db = openDirect();
    await seed(db);
    const read = prepared(asDb(db), (d, arg) => items(d).selectFrom('items').select(['id', 'n']).where('tenant_id', '=', arg(0)).orderBy('id'));
    const bump = prepared(asDb(db), (d, arg) => items(d).updateTable('items').set({ n: arg(1) }).where('tenant_id', '=', arg(0)).where('id', '=', '1').returning('n'));
    const insert = preparedInsert(asDb(db), 'items' as never);
    db.executeQuery = () => {
      throw new Error('went through Kysely');
    };
    assert.deepEqual(await bump('b', 501), [{ n: 501 }]);
    await insert([{ tenant_id: 'b', id: '2', n: 1, note: null }] as never);
    assert.deepEqual(await read('b'), [
      { id: '1', n: 501 },
      { id: '2', n: 1 },
    ]);
  });

  it('waits for an open transaction instead of running inside it', async () => {
    const db = openDirect();
    await seed(db);
    const read = prepared(asDb(db), (d, arg) => items(d).selectFrom('items').select('id').where('tenant_id', '=', arg(0)));
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted = () => {};
    const insertedInside = new Promise<void>((resolve) => (inserted = resolve));
    const transaction = db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ tenant_id: 'c', id: '1', n: 1, note: null }).execute();
      inserted();
      await held;
      throw new Error('rolled back');
    });
    await insertedInside;
    // Run inside the open transaction, this read would see the row that is about to be rolled back.
    const during = read('c');
    release();
    await assert.rejects(transaction, /rolled back/);
    assert.deepEqual(await during, []);
    assert.deepEqual(await read('a'), [{ id: '1' }, { id: '2' }]);
  });
});

describe('preparedInsert', () => {
  it('writes each row of every batch size with its own values, with or without a plugin', async () => {
    const passThrough: KyselyPlugin = { transformQuery: (args) => args.node, transformResult: async (args) => args.result };
    for (const plugins of [[], [passThrough]]) {
      const db = open(plugins);
      await seed(db);
      const insert = preparedInsert(asDb(db), 'items' as never) as (rows: Items['items'][]) => Promise<void>;
      const rows = (tenant: string, size: number) => Array.from({ length: size }, (_, i) => ({ tenant_id: tenant, id: String(i), n: i * 10, note: i % 2 ? `note ${i}` : null }));
      for (const [tenant, size] of [['c', 3], ['d', 1], ['e', 3], ['f', 2]] as const) await insert(rows(tenant, size));
      await insert([]);
      for (const [tenant, size] of [['c', 3], ['d', 1], ['e', 3], ['f', 2]] as const) {
        assert.deepEqual(await db.selectFrom('items').selectAll().where('tenant_id', '=', tenant).orderBy('id').execute(), rows(tenant, size));
      }
    }
  });
});
