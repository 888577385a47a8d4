/** Every grant type the token endpoint knows. A new grant is one file plus one line here. */
import { authorizationCodeGrant } from './authorization-code.ts';
import { clientCredentialsGrant } from './client-credentials.ts';
import { passwordGrant } from './password.ts';
import { refreshTokenGrant } from './refresh-token.ts';
import type { Grant } from './types.ts';

export const GRANTS: ReadonlyMap<string, Grant> = new Map(
  [authorizationCodeGrant, refreshTokenGrant, clientCredentialsGrant, passwordGrant].map((g) => [g.type, g]),
);
