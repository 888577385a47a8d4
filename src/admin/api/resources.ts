/** Admin API: protected resources (RFC 8707) of a tenant. They come from the config file, so this list is read-only. */
import { DEFAULT_TENANT_ID } from '../../tenancy/slug.ts';
import type { ResourceConfig } from '../../config/schema.ts';
import { tenantOf, type AdminCtx } from '../context.ts';
import { one, type Query } from './pagination.ts';

export async function listResources(actx: AdminCtx, tenantRef: string, query: Query): Promise<{ items: ResourceConfig[]; next_cursor: null }> {
  const tenant = await tenantOf(actx, tenantRef);
  const { config } = actx.services;
  const all = tenant.id === DEFAULT_TENANT_ID ? config.resources : (config.tenants.find((t) => t.slug === tenant.slug)?.resources ?? []);
  const prefix = one(query, 'prefix');
  return { items: prefix ? all.filter((r) => r.identifier.startsWith(prefix)) : all, next_cursor: null };
}
