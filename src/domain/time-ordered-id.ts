/**
 * UUID version 7 (RFC 9562 §5.7): 48 bits of Unix time in milliseconds, then 74 random bits.
 * Rows keyed by these ids are appended at the end of their indexes instead of at a random
 * place, so inserting many of them dirties a few pages rather than one page per row (on
 * SQLite that page writing was most of the cost of an authorization grant's insert). The
 * random bits keep ids made in the same millisecond, in any process, apart.
 */
import { randomBytes } from '../security/random.ts';

export function timeOrderedId(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8]! & 0x3f); // variant 10xx
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
