/**
 * A short-lived, per-process cache in front of `clients.get` and `users.get`, which every
 * authorize, token and UserInfo request calls. Any write through this process's repository
 * empties that repository's cache, before and after the write; a change made by another
 * process (another instance, the CLI) is seen after at most `ttlMs`. So a rotated client
 * secret, a removed client or a disabled user is honoured everywhere within that bound.
 */
import type { Storage } from './types.ts';

/** Entries kept per cache; on overflow the cache starts over (a cheap bound, no LRU needed). */
const MAX_ENTRIES = 10_000;

/** Methods that only read: everything else on the repository is treated as a write. */
const READS = new Set(['get', 'getByUsername', 'list']);

interface Entry {
  value: unknown;
  until: number;
}

/** `repo` with `get(tenantId, id)` cached and every write emptying the cache. */
function cached<R extends { get(tenantId: string, id: string): Promise<unknown> }>(repo: R, ttlMs: number): R {
  const entries = new Map<string, Entry>();
  // Counts writes: a read that a write overtook must not put its (older) value in the cache.
  let writes = 0;
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(repo)) {
    if (typeof member !== 'function' || READS.has(name)) {
      wrapped[name] = member;
      continue;
    }
    wrapped[name] = async (...args: unknown[]) => {
      writes++;
      entries.clear();
      try {
        return await (member as (...a: unknown[]) => Promise<unknown>).apply(repo, args);
      } finally {
        writes++;
        entries.clear();
      }
    };
  }
  wrapped['get'] = async (tenantId: string, id: string) => {
    const key = `${tenantId}\u0000${id}`;
    const now = performance.now();
    const hit = entries.get(key);
    if (hit && hit.until > now) return hit.value;
    const before = writes;
    const value = await repo.get(tenantId, id);
    if (writes !== before) return value;
    if (entries.size >= MAX_ENTRIES) entries.clear();
    entries.set(key, { value, until: now + ttlMs });
    return value;
  };
  return wrapped as R;
}

/** The storage with client and user lookups cached for `ttlMs` (0 turns caching off). */
export function withReadCache(storage: Storage, ttlMs: number): Storage {
  if (ttlMs <= 0) return storage;
  return { ...storage, clients: cached(storage.clients, ttlMs), users: cached(storage.users, ttlMs) };
}
