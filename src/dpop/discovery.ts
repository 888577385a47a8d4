import type { DiscoveryContributor } from '../endpoints/discovery/handler.ts';
import { dpopAlgorithms } from './verify.ts';

/** RFC 9449 §5.1: the algorithms accepted in DPoP proofs (the tenant's profile decides). */
export const dpopDiscovery: DiscoveryContributor = (ctx) => ({
  dpop_signing_alg_values_supported: [...dpopAlgorithms(ctx)],
});
