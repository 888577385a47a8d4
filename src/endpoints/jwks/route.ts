import type { FastifyInstance } from 'fastify';
import { tenantCtx } from '../../http/tenant-scope.ts';

/** JWKS (RFC 7517 §5), at the discovery `jwks_uri` and its `/jwks` alias: public members only. */
export function jwksRoutes(app: FastifyInstance): void {
  for (const path of ['/.well-known/jwks.json', '/jwks']) {
    app.get(path, async (request, reply) => {
      const ctx = tenantCtx(request);
      // Short cache: relying parties pick up rotated keys within a minute.
      reply.header('cache-control', 'public, max-age=60').type('application/jwk-set+json');
      return ctx.keys.jwks(ctx.tenant.id);
    });
  }
}
