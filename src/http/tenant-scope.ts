/**
 * Registers the per-tenant endpoints twice: at `/` for the default tenant and at `/t/:tenant`
 * for named tenants. Each request gets `request.ctx` (services + tenant) before its handler runs.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Ctx, Services } from '../context.ts';
import { MethodNotAllowed, NotFound } from '../errors/oauth-error.ts';
import type { TenantRegistry } from '../tenancy/registry.ts';

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'];

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
    const allowed = new Map<string, Set<string>>();
    scoped.addHook('onRoute', (route) => {
      const methods = allowed.get(route.routePath) ?? new Set<string>();
      for (const m of [route.method].flat()) methods.add(m);
      allowed.set(route.routePath, methods);
    });
    for (const register of routes) register(scoped);
    // RFC 9110 §15.5.6: a known path asked with another method is 405 with Allow, not 404.
    for (const [path, methods] of [...allowed]) {
      const others = HTTP_METHODS.filter((m) => !methods.has(m));
      if (others.length === 0) continue;
      const allow = [...methods].join(', ');
      scoped.route({
        method: others,
        url: path,
        handler: async () => {
          throw new MethodNotAllowed(`this endpoint accepts ${allow}`, { headers: { allow } });
        },
      });
    }
  };
  void app.register(scope(''));
  void app.register(scope('/t/:tenant'), { prefix: '/t/:tenant' });
}
