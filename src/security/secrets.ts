/** Bearer secrets: generation with readable prefixes, and the hash under which they are stored. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefixes let secret scanners and humans tell what leaked (DESIGN.md §3). */
export const PREFIX = {
  accessToken: 'pc_at_',
  refreshToken: 'pc_rt_',
  code: 'pc_ac_',
  deviceCode: 'pc_dc_',
  registrationToken: 'pc_rat_',
  clientSecret: 'pc_cs_',
  session: 'pc_ss_',
} as const;

/** A random secret of `bytes` bytes (default 32 = 256 bits), base64url, with a prefix. */
export function randomSecret(prefix: string, bytes = 32): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/** The storage key of a bearer secret: base64url(sha256(secret)). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** Constant-time string comparison. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
