import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withReadCache } from './read-cache.ts';
import type { ClientRecord, Storage } from './types.ts';

const client = (name: string): ClientRecord => ({
  tenantId: 't',
  clientId: 'c',
  secretHash: null,
  secretEncrypted: null,
  metadata: { client_name: name } as ClientRecord['metadata'],
  source: 'config',
  registrationTokenHash: null,
  createdAt: 1,
  updatedAt: 1,
});

/** A storage whose clients repository counts reads and can be changed behind the cache's back. */
function fakeStorage() {
  const state = { stored: client('one') as ClientRecord | undefined, reads: 0 };
  const clients = {
    get: async () => {
      state.reads++;
      return state.stored;
    },
    list: async () => ({ items: [], next: undefined }),
    upsert: async (c: ClientRecord) => {
      state.stored = c;
    },
    delete: async () => {
      state.stored = undefined;
      return true;
    },
  };
  const users = { get: async () => undefined, getByUsername: async () => undefined, list: async () => ({ items: [], next: undefined }), upsert: async () => {}, setPassword: async () => true, delete: async () => true };
  return { state, storage: { clients, users } as unknown as Storage };
}

describe('read cache', () => {
  it('answers repeated reads from memory until its time is up', async () => {
    const { state, storage } = fakeStorage();
    const cached = withReadCache(storage, 50);
    assert.equal((await cached.clients.get('t', 'c'))?.metadata.client_name, 'one');
    assert.equal((await cached.clients.get('t', 'c'))?.metadata.client_name, 'one');
    assert.equal(state.reads, 1);
    state.stored = client('changed elsewhere');
    assert.equal((await cached.clients.get('t', 'c'))?.metadata.client_name, 'one', 'another process’s change waits for the time to pass');
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal((await cached.clients.get('t', 'c'))?.metadata.client_name, 'changed elsewhere');
    assert.equal(state.reads, 2);
  });

  it('drops what it holds on every write through it', async () => {
    const { state, storage } = fakeStorage();
    const cached = withReadCache(storage, 60_000);
    await cached.clients.get('t', 'c');
    await cached.clients.upsert(client('two'));
    assert.equal((await cached.clients.get('t', 'c'))?.metadata.client_name, 'two');
    await cached.clients.delete('t', 'c');
    assert.equal(await cached.clients.get('t', 'c'), undefined);
    assert.equal(state.reads, 3);
  });

  it('does not keep a value read before a write that finished first', async () => {
    const { state, storage } = fakeStorage();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowGet = storage.clients.get;
    storage.clients.get = async (tenantId, id) => {
      const value = await slowGet(tenantId, id);
      await gate;
      return value;
    };
    const cached = withReadCache(storage, 60_000);
    const early = cached.clients.get('t', 'c');
    await new Promise((resolve) => setImmediate(resolve));
    await cached.clients.upsert(client('two'));
    release();
    assert.equal((await early)?.metadata.client_name, 'one', 'the read that started first answers what it read');
    storage.clients.get = slowGet;
    assert.equal((await cached.clients.get('t', 'c'))?.metadata.client_name, 'two', 'the stale value was not cached');
    assert.equal(state.reads, 2);
  });

  it('is off at 0', async () => {
    const { storage } = fakeStorage();
    assert.equal(withReadCache(storage, 0), storage);
  });
});
