import type { DiscoveryContributor } from '../discovery/handler.ts';
import { endpointUrl } from '../discovery/handler.ts';
import { tenantProfile } from '../../fapi/profile.ts';

/** RFC 9126 §5: where to push, and whether pushing is required of every client. */
export const parDiscovery: DiscoveryContributor = (ctx) => ({
  pushed_authorization_request_endpoint: endpointUrl(ctx, '/par'),
  require_pushed_authorization_requests: ctx.config.features.requirePushedAuthorizationRequests || tenantProfile(ctx) === 'fapi2',
});
