import type { DiscoveryContributor } from '../discovery/handler.ts';
import { endpointUrl } from '../discovery/handler.ts';

/** RFC 8414 §2 / OIDC Discovery §3: advertised only while dynamic registration is on. */
export const registrationDiscovery: DiscoveryContributor = (ctx) =>
  ctx.config.features.dynamicRegistration === 'off' ? {} : { registration_endpoint: endpointUrl(ctx, '/register') };
