/**
 * Runs the storage contract on PostgreSQL when DATABASE_URL is set. Every storage the suite
 * opens gets its own freshly created schema (via search_path), so concurrent or repeated
 * runs against one database never collide; the schemas are dropped afterwards.
 */
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

  storageContract('postgres', async () => {
    const schema = `${prefix}_${schemas.length + 1}`;
    schemas.push(schema);
    await admin.query(`create schema "${schema}"`);
    const scoped = new URL(databaseUrl);
    scoped.searchParams.set('options', `-c search_path=${schema}`);
    return openStorage(scoped.toString());
  });
}
