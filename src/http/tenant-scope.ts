/**
 * Registers the per-tenant endpoints twice: at `/` for the default tenant and at `/t/:tenant`
 * for named tenants. Each request gets `request.ctx` (services + tenant) before its handler runs.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Ctx, Services, Tenant } from '../context.ts';
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

const contexts = new WeakMap<Tenant, Ctx>();

/**
 * One context per tenant record, made on its first request: building it copies every service,
 * which is not worth doing per request. A tenant changed through the admin API or the CLI is a
 * new record in the registry, so it gets a new context.
 */
function contextFor(services: Services, tenant: Tenant): Ctx {
  let ctx = contexts.get(tenant);
  if (!ctx) {
    ctx = { ...services, tenant };
    contexts.set(tenant, ctx);
  }
  return ctx;
}

/**
 * The context of the tenant named `slug`, or of the default tenant when `slug` is undefined.
 * NotFound for an unknown slug, and for an empty one (`/t//token`).
 */
export async function tenantContext(services: Services, registry: TenantRegistry, slug: string | undefined): Promise<Ctx> {
  const tenant = slug === '' ? undefined : await registry.resolve(slug ?? '');
  if (!tenant) throw new NotFound('unknown tenant');
  return contextFor(services, tenant);
}

export function registerTenantScopes(app: FastifyInstance, services: Services, registry: TenantRegistry, routes: readonly RouteRegistrar[]): void {
  const scope = (prefix: string) => async (scoped: FastifyInstance) => {
    scoped.addHook('onRequest', (request, _reply, done) => {
      const slug = prefix ? ((request.params as { tenant?: string }).tenant ?? '') : undefined;
      tenantContext(services, registry, slug).then((ctx) => {
        request.ctx = ctx;
        done();
      }, done);
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
