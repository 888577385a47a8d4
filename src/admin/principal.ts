/**
 * Who is calling the admin API: an access token issued by Portcullis itself (RFC 6750 bearer)
 * carrying an administration scope (admin/scopes.ts). Client tokens need a client that still
 * exists and was not registered dynamically; user tokens need a user listed as an administrator
 * of the issuing tenant.
 */
import { decodeJwt } from 'jose';
import type { Services } from '../context.ts';
import { InsufficientScope, InvalidToken } from '../errors/oauth-error.ts';
import { DEFAULT_TENANT_ID } from '../tenancy/slug.ts';
import type { TenantRegistry } from '../tenancy/registry.ts';
import { validateAccessToken } from '../tokens/access-token.ts';
import { PREFIX } from '../security/secrets.ts';
import { ADMIN_SCOPE } from './scopes.ts';

export interface Principal {
  /** Audit actor: `admin-client:<client_id>` or `admin-user:<sub>`, with `@<slug>` for tenant tokens. */
  actor: string;
  /** Tenant ids this principal administers, or every tenant. */
  tenants: 'all' | ReadonlySet<string>;
  /** The tenant that issued the token. */
  issuerTenantId: string;
  /** The signed-in user's display name (console), when a user. */
  name?: string;
}

/** The tenant slug of a JWT's `iss`, or undefined when it is not one of ours. */
function slugOfIssuer(issuer: string, iss: unknown): string | undefined {
  if (typeof iss !== 'string') return undefined;
  if (iss === issuer) return '';
  const prefix = `${issuer}/t/`;
  return iss.startsWith(prefix) && !iss.slice(prefix.length).includes('/') ? iss.slice(prefix.length) : undefined;
}

/** Authenticates an admin API request from its bearer token. Throws InvalidToken (401) or InsufficientScope (403). */
export async function authenticateAdmin(services: Services, registry: TenantRegistry, token: string): Promise<Principal> {
  let slug: string | undefined = '';
  if (!token.startsWith(PREFIX.accessToken)) {
    try {
      slug = slugOfIssuer(services.config.issuer, decodeJwt(token).iss);
    } catch {
      throw new InvalidToken('the access token is invalid');
    }
  }
  const tenant = slug === undefined ? undefined : await registry.resolve(slug);
  if (!tenant) throw new InvalidToken('the access token is invalid');
  const ctx = { ...services, tenant };
  const info = await validateAccessToken(ctx, token);
  // RFC 6750 §3.1: unknown, expired or revoked tokens are invalid_token.
  if (!info) throw new InvalidToken('the access token is invalid');
  // The admin API does not verify DPoP proofs, so sender-constrained tokens are not accepted here.
  if (info.cnfJkt) throw new InvalidToken('DPoP-bound access tokens are not accepted by the admin API');
  // The token must be meant for this server itself, not for a resource server.
  if (!info.audience.includes(tenant.issuer)) throw new InvalidToken('the access token is not meant for this server');

  const scopes = info.scope.split(' ').filter(Boolean);
  const isDefault = tenant.id === DEFAULT_TENANT_ID;
  let tenants: Principal['tenants'] | undefined;
  if (scopes.includes(ADMIN_SCOPE)) tenants = isDefault ? 'all' : new Set([tenant.id]);
  else if (isDefault) {
    const slugs = scopes.filter((s) => s.startsWith(`${ADMIN_SCOPE}:`)).map((s) => s.slice(ADMIN_SCOPE.length + 1));
    const ids = new Set<string>();
    for (const s of slugs) {
      const t = await services.storage.tenants.getBySlug(s);
      if (t) ids.add(t.id);
    }
    if (ids.size > 0) tenants = ids;
  }
  // RFC 6750 §3.1: a valid token without the needed scope is insufficient_scope (403).
  if (!tenants) throw new InsufficientScope('an administration scope is required', { headers: { 'www-authenticate': `Bearer realm="${services.config.issuer}", error="insufficient_scope", scope="${ADMIN_SCOPE}"` } });

  const at = isDefault ? '' : `@${tenant.slug}`;
  if (info.sub === null) {
    const client = await services.storage.clients.get(tenant.id, info.clientId);
    if (!client || client.source === 'registration') throw new InvalidToken('the client of this access token may not administer');
    return { actor: `admin-client:${info.clientId}${at}`, tenants, issuerTenantId: tenant.id };
  }
  const [isAdmin, user] = await Promise.all([services.storage.admin.isAdmin(tenant.id, info.sub), services.storage.users.get(tenant.id, info.sub)]);
  if (!isAdmin || !user || user.disabled) throw new InsufficientScope('this user is not an administrator');
  return { actor: `admin-user:${info.sub}${at}`, tenants, issuerTenantId: tenant.id, name: user.username };
}

/** Whether the principal may administer tenant `tenantId`. */
export function mayAdminister(principal: Principal, tenantId: string): boolean {
  return principal.tenants === 'all' || principal.tenants.has(tenantId);
}
