/** Runs the storage contract on SQLite: a fresh database file per storage, and in memory. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openStorage } from '../open.ts';
import { storageContract } from './suite.ts';

const dir = mkdtempSync(join(tmpdir(), 'portcullis-storage-'));
let n = 0;

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

// The parent directory does not exist yet: openStorage must create it.
storageContract('sqlite file', () => openStorage(`sqlite:${join(dir, `run-${++n}`, 'portcullis.db')}`));
storageContract('sqlite memory', () => openStorage('sqlite::memory:'));
