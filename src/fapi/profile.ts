/**
 * The FAPI 2.0 switch (`profile: "fapi2"`), per client or per tenant. Each rule is enforced
 * where it applies (PAR, PKCE, client authentication, DPoP, response types, algorithms, code
 * lifetime, refresh tokens); this module only answers whether it applies.
 */
import type { Ctx } from '../context.ts';
import type { ClientMetadata } from '../domain/client.ts';

/** FAPI 2.0 Security Profile §5.4: only PS256, ES256 and EdDSA. */
export const FAPI_ALGS = ['PS256', 'ES256', 'EdDSA'] as const;
/** FAPI 2.0 Security Profile §5.3.2.1: authorization codes live at most 60 seconds. */
export const FAPI_MAX_CODE_LIFETIME = 60;

/** The tenant's own profile from the configuration (`profile` at the top level for the default tenant). */
export function tenantProfile(ctx: Ctx): 'fapi2' | undefined {
  if (ctx.tenant.basePath === '') return ctx.config.profile;
  return ctx.config.tenants.find((t) => `/t/${t.slug}` === ctx.tenant.basePath)?.profile;
}

/** Whether the FAPI 2.0 rules apply to this client in this tenant. */
export function isFapi(ctx: Ctx, client: ClientMetadata | undefined): boolean {
  return client?.profile === 'fapi2' || tenantProfile(ctx) === 'fapi2';
}
