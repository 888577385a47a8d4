import { BACKCHANNEL_AUTHENTICATION_PATH } from '../../ciba/paths.ts';
import type { DiscoveryContributor } from '../discovery/handler.ts';
import { endpointUrl } from '../discovery/handler.ts';

/** OpenID CIBA Core 1.0 §4. Signed requests are not supported, so no signing algorithms are listed. */
export const backchannelDiscovery: DiscoveryContributor = (ctx) => ({
  backchannel_authentication_endpoint: endpointUrl(ctx, BACKCHANNEL_AUTHENTICATION_PATH),
  backchannel_token_delivery_modes_supported: ['poll', 'ping', 'push'],
  backchannel_user_code_parameter_supported: true,
});
