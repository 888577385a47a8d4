/**
 * Tenant resolution: the default tenant at `/`, tenant `slug` at `/t/<slug>` with issuer
 * `<issuer>/t/<slug>`. URLs are always built from the configured issuer, never from a Host header.
 */
import type { Config, ResourceConfig } from '../config/schema.ts';
import type { Tenant } from '../context.ts';
import { DEFAULT_TENANT_ID } from './slug.ts';
import type { Storage, TenantRecord } from '../storage/types.ts';

export interface TenantRegistry {
  /** The tenant for a slug ('' = default); `undefined` when unknown. */
  resolve(slug: string): Promise<Tenant | undefined>;
  /** Drops cached tenants (after the admin API or CLI changes them). */
  invalidate(): void;
}

export function tenantIssuer(config: Config, slug: string): string {
  return slug ? `${config.issuer}/t/${slug}` : config.issuer;
}

function resourcesFor(config: Config, slug: string): ResourceConfig[] {
  if (!slug) return config.resources;
  return config.tenants.find((t) => t.slug === slug)?.resources ?? [];
}

export function toTenant(config: Config, record: TenantRecord): Tenant {
  const slug = record.id === DEFAULT_TENANT_ID ? '' : record.slug;
  return {
    ...record,
    issuer: tenantIssuer(config, slug),
    basePath: slug ? `/t/${slug}` : '',
    resources: resourcesFor(config, slug),
  };
}

export function createTenantRegistry(config: Config, storage: Storage): TenantRegistry {
  const cache = new Map<string, { tenant: Tenant | undefined; at: number }>();
  const MISS_TTL_MS = 5000;
  return {
    async resolve(slug) {
      const hit = cache.get(slug);
      if (hit && (hit.tenant || Date.now() - hit.at < MISS_TTL_MS)) return hit.tenant;
      const record = slug ? await storage.tenants.getBySlug(slug) : await storage.tenants.getById(DEFAULT_TENANT_ID);
      const tenant = record ? toTenant(config, record) : undefined;
      cache.set(slug, { tenant, at: Date.now() });
      return tenant;
    },
    invalidate() {
      cache.clear();
    },
  };
}
