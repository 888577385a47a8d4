/** Every tenant-scoped endpoint, registered at `/` and `/t/:tenant` (http/tenant-scope.ts). */
import type { RouteRegistrar } from '../http/tenant-scope.ts';
import { assetRoutes } from '../interaction/assets.ts';
import type { DiscoveryContributor } from './discovery/handler.ts';
import { discoveryRoutes } from './discovery/route.ts';
import { jwksRoutes } from './jwks/route.ts';
import { authorizeDiscovery } from './authorize/discovery.ts';
import { authorizeRoutes } from './authorize/route.ts';
import { consentRoutes } from '../interaction/consent-route.ts';
import { loginRoutes } from '../interaction/login-route.ts';
import { selectAccountRoutes } from '../interaction/select-account-route.ts';
import { introspectionDiscovery } from './introspect/discovery.ts';
import { introspectRoutes } from './introspect/route.ts';
import { resourceMetadataRoutes } from './resource-metadata/route.ts';
import { revokeRoutes } from './revoke/route.ts';
import { tokenDiscovery } from './token/discovery.ts';
import { tokenRoutes } from './token/route.ts';
import { userInfoDiscovery } from './userinfo/discovery.ts';
import { userInfoRoutes } from './userinfo/route.ts';
import { endSessionDiscovery } from './end-session/discovery.ts';
import { endSessionRoutes } from './end-session/route.ts';
import { accountRoutes } from '../interaction/account-route.ts';
import { deviceAuthorizationDiscovery } from './device-authorization/discovery.ts';
import { deviceAuthorizationRoutes } from './device-authorization/route.ts';
import { deviceRoutes } from '../interaction/device-route.ts';
import { backchannelDiscovery } from './backchannel-authentication/discovery.ts';
import { backchannelAuthenticationRoutes } from './backchannel-authentication/route.ts';
import { cibaRoutes } from '../interaction/ciba-route.ts';
import { dpopDiscovery } from '../dpop/discovery.ts';
import { parDiscovery } from './par/discovery.ts';
import { parRoutes } from './par/route.ts';
import { registrationDiscovery } from './registration/discovery.ts';
import { registrationRoutes } from './registration/route.ts';

export const tenantRoutes: readonly RouteRegistrar[] = [
  discoveryRoutes,
  jwksRoutes,
  assetRoutes,
  authorizeRoutes,
  loginRoutes,
  consentRoutes,
  selectAccountRoutes,
  tokenRoutes,
  userInfoRoutes,
  parRoutes,
  introspectRoutes,
  revokeRoutes,
  resourceMetadataRoutes,
  endSessionRoutes,
  accountRoutes,
  deviceAuthorizationRoutes,
  deviceRoutes,
  backchannelAuthenticationRoutes,
  cibaRoutes,
  registrationRoutes,
];

/** Each implemented capability's part of the discovery document. */
export const discoveryContributors: readonly DiscoveryContributor[] = [authorizeDiscovery, tokenDiscovery, userInfoDiscovery, introspectionDiscovery, deviceAuthorizationDiscovery, backchannelDiscovery, registrationDiscovery, dpopDiscovery, parDiscovery, endSessionDiscovery];
