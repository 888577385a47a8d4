/** Bearer secrets: generation with readable prefixes, and the hash under which they are stored. */
import { hash, timingSafeEqual } from 'node:crypto';
import { randomBytes } from './random.ts';

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

/**
 * A random secret for the tables that take thousands of rows a second (codes, access and
 * refresh tokens): after the prefix, the issue time in milliseconds as 12 hex digits, then 256
 * random bits (43 base64url characters). `hashSecret` keeps the time in front of the hash, so
 * new rows go to the end of the table's key index instead of a random page of it (far fewer
 * pages written per insert). The time is not secret; the random part is the whole secret.
 */
export function orderedSecret(prefix: string, now = Date.now()): string {
  return `${prefix}${now.toString(16).padStart(12, '0')}${randomBytes(32).toString('base64url')}`;
}

/** The issue time of an `orderedSecret`, which its storage key starts with. */
const ORDERED = /^[a-z_]*_([0-9a-f]{12})[A-Za-z0-9_-]{43}$/;

/**
 * The storage key of a bearer secret: base64url(sha256(secret)), after the issue time for an
 * `orderedSecret`. A secret is only ever looked up by this key, so both forms coexist.
 */
export function hashSecret(secret: string): string {
  const digest = hash('sha256', secret, 'base64url');
  const ordered = ORDERED.exec(secret);
  return ordered ? `${ordered[1]}.${digest}` : digest;
}

/** Constant-time string comparison. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
