import { SIGNING_ALGS } from '../../keys/types.ts';
import { CLAIMS_SUPPORTED } from '../../tokens/claims.ts';
import type { DiscoveryContributor } from '../discovery/handler.ts';
import { endpointUrl } from '../discovery/handler.ts';

/** OIDC Discovery §3: UserInfo and the claims it can release. */
export const userInfoDiscovery: DiscoveryContributor = (ctx) => ({
  userinfo_endpoint: endpointUrl(ctx, '/userinfo'),
  userinfo_signing_alg_values_supported: [...SIGNING_ALGS],
  claims_supported: CLAIMS_SUPPORTED,
});
