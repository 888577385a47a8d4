/**
 * User codes (RFC 8628 §6.1): eight letters from an alphabet without vowels (no words) and
 * without letters that are easy to confuse, shown as `BCDF-GHJK`. 20^8 ≈ 2^34.6 codes; with
 * the guessing limit in code-throttle.ts and a ten-minute lifetime, guessing a live code is
 * impractical. Input is matched case- and separator-insensitively.
 */
import { randomInt } from 'node:crypto';

export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

/** A new user code, normalised (upper case, no separator). */
export function generateUserCode(): string {
  let code = '';
  for (let i = 0; i < USER_CODE_LENGTH; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

/** `BCDFGHJK` → `BCDF-GHJK`, as shown to the user. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * What the user typed, normalised for lookup (RFC 8628 §6.1: case-insensitive, ignoring
 * dashes and spaces); `undefined` when it cannot be a user code at all.
 */
export function normalizeUserCode(input: string): string | undefined {
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== USER_CODE_LENGTH) return undefined;
  for (const c of code) if (!USER_CODE_ALPHABET.includes(c)) return undefined;
  return code;
}
