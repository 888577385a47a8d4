/**
 * Every table with a `tenant_id` column, after all migrations, is either deleted with its tenant
 * or named as kept: a new tenant-scoped table cannot be forgotten by `admin.deleteTenant`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { TENANT_TABLES, TENANT_TABLES_KEPT } from '../kysely/admin.ts';
import { openStorage } from '../open.ts';

test('every tenant-scoped table is listed for tenant deletion', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-tenant-tables-'));
  try {
    const file = join(dir, 'portcullis.db');
    const storage = await openStorage(`sqlite:${file}`);
    await storage.migrate();
    await storage.close();
    const db = new Sqlite(file, { readonly: true });
    try {
      const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[];
      const scoped = tables
        .filter(({ name }) => (db.prepare('select name from pragma_table_info(?)').all(name) as { name: string }[]).some((c) => c.name === 'tenant_id'))
        .map(({ name }) => name)
        .sort();
      assert.deepEqual(scoped, [...TENANT_TABLES, ...TENANT_TABLES_KEPT].sort());
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
