/**
 * Registers the per-tenant endpoints twice: at `/` for the default tenant and at `/t/:tenant`
 * for named tenants. Each request gets `request.ctx` (services + tenant) before its handler runs.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Ctx, Services } from '../context.ts';
import { NotFound } from '../errors/oauth-error.ts';
import type { TenantRegistry } from '../tenancy/registry.ts';

declare module 'fastify' {
  interface FastifyRequest {
    ctx: Ctx | undefined;
  }
}

export type RouteRegistrar = (app: FastifyInstance) => void;

/** The request's tenant context; only valid inside tenant-scoped routes. */
export function tenantCtx(request: FastifyRequest): Ctx {
  if (!request.ctx) throw new Error('tenantCtx() used outside a tenant-scoped route');
  return request.ctx;
}

export function registerTenantScopes(app: FastifyInstance, services: Services, registry: TenantRegistry, routes: readonly RouteRegistrar[]): void {
  const scope = (prefix: string) => async (scoped: FastifyInstance) => {
    scoped.addHook('onRequest', async (request) => {
      const slug = prefix ? ((request.params as { tenant?: string }).tenant ?? '') : '';
      const tenant = await registry.resolve(slug);
      if (!tenant || (prefix && !slug)) throw new NotFound('unknown tenant');
      request.ctx = { ...services, tenant };
    });
    for (const register of routes) register(scoped);
  };
  void app.register(scope(''));
  void app.register(scope('/t/:tenant'), { prefix: '/t/:tenant' });
}
