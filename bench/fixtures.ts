/**
 * The one client and the one user both servers are configured with, so that the benchmark
 * compares the same work: a confidential client (client_secret_basic) with PKCE required.
 */

/** Never contacted: the client loop reads the code from the Location header. */
export const REDIRECT_URI = 'http://127.0.0.1:5999/cb';

export const CLIENT = {
  client_id: 'bench',
  client_secret: 'bench-secret-4c1f9b0e7d2a',
  client_name: 'Bench',
} as const;

export const USER = {
  username: 'alice',
  password: 'correct horse battery staple',
  name: 'Alice Liddell',
  given_name: 'Alice',
  family_name: 'Liddell',
  email: 'alice@example.com',
  email_verified: true,
  locale: 'en-GB',
} as const;

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
