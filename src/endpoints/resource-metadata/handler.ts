/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728): for the tenant's own protected resource
 * (UserInfo, identified by the issuer) and for each configured resource (RFC 8707 identifiers).
 */
import type { ResourceConfig } from '../../config/schema.ts';
import type { Ctx } from '../../context.ts';
import { SIGNING_ALGS } from '../../keys/types.ts';
import { endpointUrl } from '../discovery/handler.ts';

export type ResourceMetadata = Record<string, unknown>;

/** RFC 9728 §2. `resource` absent means the issuer's own resource. */
export function handleResourceMetadata(ctx: Ctx, resource?: ResourceConfig): ResourceMetadata {
  const own = ['openid', 'profile', 'email', 'address', 'phone'];
  return {
    resource: resource?.identifier ?? ctx.tenant.issuer,
    authorization_servers: [ctx.tenant.issuer],
    jwks_uri: endpointUrl(ctx, '/.well-known/jwks.json'),
    scopes_supported: resource ? resource.scopes : own,
    bearer_methods_supported: resource ? ['header'] : ['header', 'body'],
    resource_signing_alg_values_supported: resource ? [resource.accessTokenSigningAlg] : [...SIGNING_ALGS],
  };
}

/**
 * The resource whose metadata lives at `/.well-known/oauth-protected-resource<path>` (RFC 9728
 * §3.1: the well-known segment is inserted between the host and the resource's path).
 */
export function resourceAtPath(ctx: Ctx, path: string): ResourceConfig | undefined {
  const origin = new URL(ctx.tenant.issuer).origin;
  return ctx.tenant.resources.find((r) => {
    const url = new URL(r.identifier);
    return url.origin === origin && `${url.pathname}${url.search}`.replace(/\/$/, '') === path.replace(/\/$/, '');
  });
}
