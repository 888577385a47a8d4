import { CLIENT_AUTH_METHODS_SUPPORTED, CLIENT_AUTH_SIGNING_ALGS } from '../../http/client-auth/index.ts';
import { SIGNING_ALGS } from '../../keys/types.ts';
import type { DiscoveryContributor } from '../discovery/handler.ts';
import { endpointUrl } from '../discovery/handler.ts';

/** RFC 8414 §2 (introspection and revocation) and RFC 9701 §7. */
export const introspectionDiscovery: DiscoveryContributor = (ctx) => ({
  introspection_endpoint: endpointUrl(ctx, '/introspect'),
  // RFC 7662 §2.1: introspection needs an authenticated client.
  introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS_SUPPORTED.filter((m) => m !== 'none'),
  introspection_endpoint_auth_signing_alg_values_supported: [...CLIENT_AUTH_SIGNING_ALGS],
  introspection_signing_alg_values_supported: [...SIGNING_ALGS],
  revocation_endpoint: endpointUrl(ctx, '/revoke'),
  revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS_SUPPORTED],
  revocation_endpoint_auth_signing_alg_values_supported: [...CLIENT_AUTH_SIGNING_ALGS],
});
