/**
 * Random bytes for secrets and ids, drawn from node:crypto's CSPRNG a few kilobytes at a time:
 * each call into it costs a couple of microseconds whatever the size, and the token endpoint
 * needs several small draws per request. Every byte is handed out once (as node:crypto does
 * for randomUUID).
 */
import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

/** `size` fresh random bytes in a new Buffer. */
export function randomBytes(size: number): Buffer {
  if (size > POOL_SIZE) return randomFillSync(Buffer.alloc(size));
  if (offset + size > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + size));
  pool.fill(0, offset, offset + size);
  offset += size;
  return out;
}
