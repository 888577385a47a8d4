/**
 * Runs the storage contract on PostgreSQL when DATABASE_URL is set. Every storage the suite
 * opens gets its own freshly created schema (via search_path), so concurrent or repeated
 * runs against one database never collide; the schemas are dropped afterwards.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, it } from 'node:test';
import pg from 'pg';
import { openStorage } from '../open.ts';
import { storageContract } from './suite.ts';

const url = process.env['DATABASE_URL'];

if (url === undefined || url === '') {
  it('postgres', { skip: 'DATABASE_URL not set' }, () => {});
} else {
  const databaseUrl = url;
  const admin = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const prefix = `portcullis_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const schemas: string[] = [];

  after(async () => {
    try {
      for (const schema of schemas) await admin.query(`drop schema if exists "${schema}" cascade`);
    } finally {
      await admin.end();
    }
  });

  const open = async () => {
    const schema = `${prefix}_${schemas.length + 1}`;
    schemas.push(schema);
    await admin.query(`create schema "${schema}"`);
    const scoped = new URL(databaseUrl);
    scoped.searchParams.set('options', `-c search_path=${schema}`);
    return { schema, storage: await openStorage(scoped.toString()) };
  };

  storageContract('postgres', async () => (await open()).storage);

  it('keeps answering when a table changes under its prepared statements', async () => {
    const { schema, storage } = await open();
    try {
      await storage.migrate();
      const tenant = { id: 'default', slug: '', name: 'Default', createdAt: 1 };
      await storage.tenants.upsert(tenant);
      assert.deepEqual(await storage.tenants.getById('default'), tenant);
      // What a migration run by another process does: the prepared `select *` now returns another row type.
      await admin.query(`alter table "${schema}".tenants add column extra text`);
      for (let i = 0; i < 3; i++) assert.equal((await storage.tenants.getById('default'))?.name, 'Default');
    } finally {
      await storage.close();
    }
  });
}
