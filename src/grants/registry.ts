/** Every grant type the token endpoint knows. A new grant is one file plus one line here. */
import { authorizationCodeGrant } from './authorization-code.ts';
import { cibaGrant } from './ciba.ts';
import { clientCredentialsGrant } from './client-credentials.ts';
import { deviceCodeGrant } from './device-code.ts';
import { passwordGrant } from './password.ts';
import { refreshTokenGrant } from './refresh-token.ts';
import { tokenExchangeGrant } from './token-exchange.ts';
import type { Grant } from './types.ts';

export const GRANTS: ReadonlyMap<string, Grant> = new Map(
  [authorizationCodeGrant, refreshTokenGrant, clientCredentialsGrant, passwordGrant, deviceCodeGrant, cibaGrant, tokenExchangeGrant].map((g) => [g.type, g]),
);
