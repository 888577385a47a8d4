import type { FastifyInstance } from 'fastify';
import { NotFound } from '../../errors/oauth-error.ts';
import { tenantCtx } from '../../http/tenant-scope.ts';
import { handleResourceMetadata, resourceAtPath } from './handler.ts';

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

/** RFC 9728 §3: the tenant's own resource, and any configured resource under the issuer's origin. */
export function resourceMetadataRoutes(app: FastifyInstance): void {
  app.get(WELL_KNOWN, async (request, reply) => {
    reply.header('cache-control', 'public, max-age=300').header('access-control-allow-origin', '*');
    return handleResourceMetadata(tenantCtx(request));
  });
  app.get(`${WELL_KNOWN}/*`, async (request, reply) => {
    const ctx = tenantCtx(request);
    const rest = (request.params as { '*': string })['*'];
    const resource = resourceAtPath(ctx, `/${rest}`);
    if (!resource) throw new NotFound('no protected resource at this path');
    reply.header('cache-control', 'public, max-age=300').header('access-control-allow-origin', '*');
    return handleResourceMetadata(ctx, resource);
  });
}
