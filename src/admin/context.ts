/** What every admin API handler receives: the process services, the tenant registry and the caller. */
import type { Ctx, Services } from '../context.ts';
import { audit, type AuditEvent } from '../audit/audit.ts';
import { InsufficientScope, NotFound } from '../errors/oauth-error.ts';
import type { TenantRecord } from '../storage/types.ts';
import { toTenant, type TenantRegistry } from '../tenancy/registry.ts';
import { mayAdminister, type Principal } from './principal.ts';

export interface AdminCtx {
  services: Services;
  registry: TenantRegistry;
  principal: Principal;
}

/**
 * The tenant a path names: by id (the default tenant's id is `default`), else by slug.
 * NotFound when it does not exist; InsufficientScope (403) when the caller may not administer it.
 */
export async function tenantOf(actx: AdminCtx, ref: string): Promise<TenantRecord> {
  const { storage } = actx.services;
  const record = (await storage.tenants.getById(ref)) ?? (ref ? await storage.tenants.getBySlug(ref) : undefined);
  if (!record) throw new NotFound(`no tenant ${ref}`);
  if (!mayAdminister(actx.principal, record.id)) throw new InsufficientScope('this token does not administer that tenant');
  return record;
}

/** A handler context for code shared with the protocol endpoints (keys, tokens, issuer URLs). */
export function ctxFor(actx: AdminCtx, tenant: TenantRecord): Ctx {
  return { ...actx.services, tenant: toTenant(actx.services.config, tenant) };
}

/** Records an admin action by the calling principal. */
export async function record(actx: AdminCtx, event: Omit<AuditEvent, 'actor'>): Promise<void> {
  await audit(actx.services, { ...event, actor: actx.principal.actor });
}
