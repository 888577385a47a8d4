/**
 * The one client and the one user both servers are configured with, so that the benchmark
 * compares the same work: a confidential client (client_secret_basic) with PKCE required.
 */
import { ALICE } from '../test/helpers/users.ts';

/** Never contacted: the client loop reads the code from the Location header. */
export const REDIRECT_URI = 'http://127.0.0.1:5999/cb';

export const CLIENT = {
  client_id: 'bench',
  client_secret: 'bench-secret-4c1f9b0e7d2a',
  client_name: 'Bench',
} as const;

/** The tests' user (test/helpers/users.ts), with the locale oidc-provider's `profile` claims include. */
export const USER = { ...ALICE, locale: 'en-GB' } as const;

/** The scope of every benchmarked request. */
export const SCOPE = 'openid';

/** The client as both servers register it: the authorization code grant only, client_secret_basic. */
export const CLIENT_REGISTRATION = {
  ...CLIENT,
  redirect_uris: [REDIRECT_URI],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: SCOPE,
};
