import type { FastifyInstance } from 'fastify';
import { tenantCtx } from '../../http/tenant-scope.ts';
import { handleDiscovery } from './handler.ts';

/** OpenID Connect Discovery 1.0 §4 and RFC 8414 §3 (same document at both paths). */
export function discoveryRoutes(app: FastifyInstance): void {
  for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    app.get(path, async (request, reply) => {
      reply.header('cache-control', 'public, max-age=300').header('access-control-allow-origin', '*');
      return handleDiscovery(tenantCtx(request));
    });
  }
}
