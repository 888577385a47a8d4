import { CLIENT_AUTH_METHODS_SUPPORTED, CLIENT_AUTH_SIGNING_ALGS } from '../../http/client-auth/index.ts';
import { GRANTS } from '../../grants/registry.ts';
import type { DiscoveryContributor } from '../discovery/handler.ts';
import { endpointUrl } from '../discovery/handler.ts';

/** What the token endpoint supports (RFC 8414 §2). Grants switched off are not advertised. */
export const tokenDiscovery: DiscoveryContributor = (ctx) => ({
  token_endpoint: endpointUrl(ctx, '/token'),
  // `implicit` is served by the authorization endpoint, the rest by this one.
  grant_types_supported: ['implicit', ...[...GRANTS.values()].filter((g) => !g.enabled || g.enabled(ctx)).map((g) => g.type)],
  token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS_SUPPORTED],
  token_endpoint_auth_signing_alg_values_supported: [...CLIENT_AUTH_SIGNING_ALGS],
});
