/** Admin API: tenants. A tenant created here is routable at `/t/<slug>` at once, with its own keys. */
import { randomUUID } from 'node:crypto';
import { Conflict, InsufficientScope, InvalidRequest } from '../../errors/oauth-error.ts';
import { DEFAULT_TENANT_ID, slugProblem } from '../../tenancy/slug.ts';
import type { TenantRecord } from '../../storage/types.ts';
import { tenantIssuer } from '../../tenancy/registry.ts';
import { record, tenantOf, type AdminCtx } from '../context.ts';
import { listResponse, objectBody, one, pageOptions, type ListResponse, type Query } from './pagination.ts';

export interface TenantView {
  id: string;
  slug: string;
  name: string;
  issuer: string;
  created_at: number;
}

function tenantView(actx: AdminCtx, t: TenantRecord): TenantView {
  const slug = t.id === DEFAULT_TENANT_ID ? '' : t.slug;
  return { id: t.id, slug, name: t.name, issuer: tenantIssuer(actx.services.config, slug), created_at: t.createdAt };
}

function nameOf(body: Record<string, unknown>, fallback: string): string {
  const name = body['name'] ?? fallback;
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) throw new InvalidRequest('name must be a string of 1 to 200 characters');
  return name;
}

export async function listTenants(actx: AdminCtx, query: Query): Promise<ListResponse<TenantView>> {
  const prefix = one(query, 'prefix');
  const { principal } = actx;
  if (principal.tenants !== 'all') {
    // A tenant-scoped principal sees its own tenants only (a handful: no paging needed).
    const own: TenantRecord[] = [];
    for (const id of principal.tenants) {
      const t = await actx.services.storage.tenants.getById(id);
      if (t && (!prefix || t.slug.startsWith(prefix))) own.push(t);
    }
    return { items: own.map((t) => tenantView(actx, t)), next_cursor: null };
  }
  const page = await actx.services.storage.admin.listTenants({ ...pageOptions(query), ...(prefix ? { prefix } : {}) });
  return listResponse(page, (t) => tenantView(actx, t));
}

export async function getTenant(actx: AdminCtx, ref: string): Promise<TenantView> {
  return tenantView(actx, await tenantOf(actx, ref));
}

export async function createTenant(actx: AdminCtx, body: unknown): Promise<TenantView> {
  if (actx.principal.tenants !== 'all') throw new InsufficientScope('only global administrators create tenants');
  const fields = objectBody(body);
  const slug = typeof fields['slug'] === 'string' ? fields['slug'] : '';
  const problem = slugProblem(slug);
  if (problem) throw new InvalidRequest(`slug ${problem}`);
  const name = nameOf(fields, slug);
  const { storage, keys, now } = actx.services;
  if (await storage.tenants.getBySlug(slug)) throw new Conflict(`tenant ${slug} already exists`);
  const tenant: TenantRecord = { id: randomUUID(), slug, name, createdAt: now() };
  await storage.tenants.upsert(tenant);
  await keys.ensure(tenant.id);
  // Forget cached misses, so `/t/<slug>` answers at once.
  actx.registry.invalidate();
  await record(actx, { tenantId: tenant.id, action: 'tenant.create', targetType: 'tenant', targetId: tenant.id, detail: { slug, name } });
  return tenantView(actx, tenant);
}

export async function updateTenant(actx: AdminCtx, ref: string, body: unknown): Promise<TenantView> {
  const tenant = await tenantOf(actx, ref);
  const fields = objectBody(body);
  const unknown = Object.keys(fields).filter((k) => k !== 'name');
  if (unknown.length > 0) throw new InvalidRequest(`only name can be changed (got ${unknown.join(', ')})`);
  const next = { ...tenant, name: nameOf(fields, tenant.name) };
  await actx.services.storage.tenants.upsert(next);
  actx.registry.invalidate();
  await record(actx, { tenantId: tenant.id, action: 'tenant.update', targetType: 'tenant', targetId: tenant.id, detail: { name: next.name } });
  return tenantView(actx, next);
}

export async function deleteTenant(actx: AdminCtx, ref: string): Promise<void> {
  const tenant = await tenantOf(actx, ref);
  if (actx.principal.tenants !== 'all') throw new InsufficientScope('only global administrators delete tenants');
  if (tenant.id === DEFAULT_TENANT_ID) throw new InvalidRequest('the default tenant cannot be deleted');
  if (actx.services.config.tenants.some((t) => t.slug === tenant.slug)) {
    throw new InvalidRequest('this tenant is provisioned from the config file; remove it there first');
  }
  await actx.services.storage.admin.deleteTenant(tenant.id);
  actx.registry.invalidate();
  await record(actx, { tenantId: tenant.id, action: 'tenant.delete', targetType: 'tenant', targetId: tenant.id, detail: { slug: tenant.slug } });
}
