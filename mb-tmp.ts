import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { prepared } from './src/storage/kysely/util.ts';
const raw = new Sqlite('/tmp/mbk.db');
raw.pragma('journal_mode = WAL');
raw.exec('create table if not exists t (tenant_id text, id text, v text, primary key (tenant_id, id))');
const ins = raw.prepare('insert or replace into t values (?, ?, ?)');
for (let i = 0; i < 1000; i++) ins.run('d', 'k' + i, 'x'.repeat(50));
const cache = new Map<string, any>();
const cached = { close: () => raw.close(), prepare(sql: string) { let s = cache.get(sql); if (!s) { s = raw.prepare(sql); cache.set(sql, s); } return s; } };
const db = new Kysely<any>({ dialect: new SqliteDialect({ database: cached as any }) });
const q = prepared(db as any, (d: any, arg) => d.selectFrom('t').selectAll().where('tenant_id', '=', arg(0)).where('id', '=', arg(1)));
const st = raw.prepare('select * from t where tenant_id = ? and id = ?');
for (let round = 0; round < 3; round++) {
  let t = performance.now();
  for (let i = 0; i < 20000; i++) await q('d', 'k' + (i % 1000));
  const k = (performance.now() - t) * 1000 / 20000;
  t = performance.now();
  for (let i = 0; i < 20000; i++) await Promise.resolve(st.all('d', 'k' + (i % 1000)));
  const r = (performance.now() - t) * 1000 / 20000;
  console.log('kysely prepared+stmt cache', k.toFixed(2), 'µs; raw', r.toFixed(2), 'µs');
}
