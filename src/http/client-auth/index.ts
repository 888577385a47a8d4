/**
 * Client authentication at back-channel endpoints (token, introspection, revocation, PAR, …):
 * RFC 6749 §2.3, RFC 7523 §2.2 / §3, OIDC Core §9. One module per method; `detect.ts` picks it.
 */
import type { Ctx } from '../../context.ts';
import type { TokenEndpointAuthMethod } from '../../domain/client.ts';
import { authenticateBasic } from './basic.ts';
import { detectMethod } from './detect.ts';
import { ASYMMETRIC_ALGS, authenticateJwtAssertion, HMAC_ALGS } from './jwt-assertion.ts';
import { authenticateNone } from './none.ts';
import { authenticatePost } from './post.ts';
import type { AuthenticatedClient, ClientAuthInput, ClientAuthOptions } from './types.ts';

export type { AuthenticatedClient, ClientAuthInput, ClientAuthOptions } from './types.ts';
export { JWT_BEARER_ASSERTION_TYPE } from './detect.ts';
export { CLOCK_TOLERANCE, MAX_ASSERTION_LIFETIME } from './jwt-assertion.ts';

/** For discovery: `token_endpoint_auth_methods_supported` (and the introspection/revocation variants). */
export const CLIENT_AUTH_METHODS_SUPPORTED: readonly TokenEndpointAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'none',
];

/** For discovery: `token_endpoint_auth_signing_alg_values_supported`. */
export const CLIENT_AUTH_SIGNING_ALGS: readonly string[] = [...ASYMMETRIC_ALGS, ...HMAC_ALGS];

/**
 * Authenticates the calling client (RFC 6749 §2.3, RFC 7523 §3, OIDC Core §9) with the one
 * method the request presents, which must be the client's registered `token_endpoint_auth_method`.
 * Throws InvalidClient (unknown client, bad credentials, wrong method, no credentials; with
 * `scheme = 'Basic'` when Basic was used) or InvalidRequest (several methods at once, mismatched
 * `client_id`, repeated parameters). `allowPublic: false` refuses public clients (`none`).
 */
export async function authenticateClient(
  ctx: Ctx,
  input: ClientAuthInput,
  options: ClientAuthOptions = {},
): Promise<AuthenticatedClient> {
  const presented = detectMethod(input);
  switch (presented.kind) {
    case 'basic':
      return authenticateBasic(ctx, presented.credentials);
    case 'post':
      return authenticatePost(ctx, presented.clientId, presented.secret);
    case 'jwt':
      return authenticateJwtAssertion(ctx, presented.assertion, presented.clientId, input.endpointUrl);
    case 'none':
      return authenticateNone(ctx, presented.clientId, options.allowPublic !== false);
  }
}
