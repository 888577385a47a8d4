import type { FastifyInstance } from 'fastify';
import { tenantCtx } from '../../http/tenant-scope.ts';
import { requestObjectKey } from '../../jar/encryption-key.ts';

/** JWKS (RFC 7517 §5), at the discovery `jwks_uri` and its `/jwks` alias: public members only. */
export function jwksRoutes(app: FastifyInstance): void {
  for (const path of ['/.well-known/jwks.json', '/jwks']) {
    app.get(path, async (request, reply) => {
      const ctx = tenantCtx(request);
      // Short cache: relying parties pick up rotated keys within a minute.
      reply.header('cache-control', 'public, max-age=60').type('application/jwk-set+json');
      const jwks = await ctx.keys.jwks(ctx.tenant.id);
      // RFC 9101 §6.1: the request object encryption key, when encrypted request objects are on.
      if (!ctx.config.features.requestObjectEncryption) return jwks;
      return { keys: [...jwks.keys, (await requestObjectKey(ctx)).publicJwk] };
    });
  }
}
