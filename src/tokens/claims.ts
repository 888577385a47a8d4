/** Scope → claims (OIDC Core §5.4) and the claims of a user for a given request. */
import type { UserClaims } from '../domain/user.ts';
import type { UserRecord } from '../storage/types.ts';

const SCOPE_CLAIMS: Readonly<Record<string, readonly (keyof UserClaims)[]>> = {
  profile: ['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
};

export const CLAIMS_SUPPORTED = ['sub', ...new Set(Object.values(SCOPE_CLAIMS).flat())];

/** The OIDC `claims` request parameter, for one target (`id_token` or `userinfo`). */
export type ClaimsRequest = Record<string, { essential?: boolean; value?: unknown; values?: unknown[] } | null>;

/** Claims of `user` released for `scopes`, plus those individually requested. `sub` is added by callers. */
export function userClaims(user: UserRecord, scopes: readonly string[], requested?: ClaimsRequest): Record<string, unknown> {
  const names = new Set<string>();
  for (const scope of scopes) for (const name of SCOPE_CLAIMS[scope] ?? []) names.add(name);
  for (const name of Object.keys(requested ?? {})) names.add(name);
  const out: Record<string, unknown> = {};
  const source = user.claims as Record<string, unknown>;
  for (const name of names) {
    if (name === 'sub') continue;
    if (name === 'preferred_username' && source[name] === undefined) {
      out[name] = user.username;
      continue;
    }
    if (source[name] !== undefined) out[name] = source[name];
  }
  return out;
}
