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
      const response = await handleUserInfo(bearerToken(request), tenantCtx(request));
      reply.header('cache-control', 'no-store');
      if (response.type === 'jwt') return reply.type('application/jwt').send(response.jwt);
      return reply.send(response.claims);
    },
  });
}
