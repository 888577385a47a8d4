import type { DiscoveryContributor } from '../endpoints/discovery/handler.ts';
import { tenantProfile } from '../fapi/profile.ts';
import { FAPI_ALGS } from '../fapi/profile.ts';
import { DPOP_SIGNING_ALGS } from './proof.ts';

/** RFC 9449 §5.1: the algorithms accepted in DPoP proofs. */
export const dpopDiscovery: DiscoveryContributor = (ctx) => ({
  dpop_signing_alg_values_supported: [...(tenantProfile(ctx) === 'fapi2' ? FAPI_ALGS : DPOP_SIGNING_ALGS)],
});
