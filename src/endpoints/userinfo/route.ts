/** GET and POST /userinfo; errors are RFC 6750 bearer challenges. */
import type { FastifyInstance } from 'fastify';
import { bearerToken } from '../../http/bearer.ts';
import { tenantCtx } from '../../http/tenant-scope.ts';
import { handleUserInfo } from './handler.ts';

export function userInfoRoutes(app: FastifyInstance): void {
  app.route({
    method: ['GET', 'POST'],
    url: '/userinfo',
    config: { errorStyle: 'bearer' },
    handler: async (request, reply) => {
      const claims = await handleUserInfo(bearerToken(request), tenantCtx(request));
      return reply.header('cache-control', 'no-store').send(claims);
    },
  });
}
