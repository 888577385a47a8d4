import { DEVICE_AUTHORIZATION_PATH } from '../../device/paths.ts';
import type { DiscoveryContributor } from '../discovery/handler.ts';
import { endpointUrl } from '../discovery/handler.ts';

/** RFC 8628 §4: the device authorization endpoint. */
export const deviceAuthorizationDiscovery: DiscoveryContributor = (ctx) => ({
  device_authorization_endpoint: endpointUrl(ctx, DEVICE_AUTHORIZATION_PATH),
});
