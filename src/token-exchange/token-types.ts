/** Token type identifiers of RFC 8693 §3, and the short names the config file may use for them. */

const PREFIX = 'urn:ietf:params:oauth:token-type:';

export const TOKEN_TYPE = {
  accessToken: `${PREFIX}access_token`,
  refreshToken: `${PREFIX}refresh_token`,
  idToken: `${PREFIX}id_token`,
  jwt: `${PREFIX}jwt`,
} as const;

export type TokenTypeUri = (typeof TOKEN_TYPE)[keyof typeof TOKEN_TYPE];

const KNOWN: ReadonlySet<string> = new Set(Object.values(TOKEN_TYPE));

/** `access_token` and the full URN name the same type; anything else is returned unchanged. */
export function normalizeTokenType(value: string): string {
  return value.includes(':') ? value : `${PREFIX}${value}`;
}

export function isKnownTokenType(value: string): value is TokenTypeUri {
  return KNOWN.has(value);
}
