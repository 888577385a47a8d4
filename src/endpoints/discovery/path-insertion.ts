/**
 * Well-known URIs with the issuer's path inserted after the host (RFC 8414 §3.1, RFC 9728 §3.1):
 * a tenant at `<origin>/t/acme` also publishes its metadata at
 * `<origin>/.well-known/oauth-authorization-server/t/acme` and
 * `<origin>/.well-known/oauth-protected-resource/t/acme`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Ctx, Services } from '../../context.ts';
import { tenantContext } from '../../http/tenant-scope.ts';
import type { TenantRegistry } from '../../tenancy/registry.ts';
import { handleResourceMetadata } from '../resource-metadata/handler.ts';
import { handleDiscovery } from './handler.ts';

export function pathInsertionRoutes(app: FastifyInstance, services: Services, registry: TenantRegistry): void {
  const ctxOf = async (request: FastifyRequest): Promise<Ctx> => {
    request.ctx = await tenantContext(services, registry, (request.params as { tenant?: string }).tenant ?? '');
    return request.ctx;
  };
  const routes: Array<[string, (ctx: Ctx) => Record<string, unknown>]> = [
    ['/.well-known/oauth-authorization-server/t/:tenant', handleDiscovery],
    ['/.well-known/oauth-protected-resource/t/:tenant', (ctx) => handleResourceMetadata(ctx)],
  ];
  for (const [path, handler] of routes) {
    app.get(path, async (request, reply) => {
      const ctx = await ctxOf(request);
      reply.header('cache-control', 'public, max-age=300').header('access-control-allow-origin', '*');
      return handler(ctx);
    });
  }
}
