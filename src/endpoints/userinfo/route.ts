/** GET and POST /userinfo; errors are RFC 6750 bearer challenges. */
import type { FastifyInstance } from 'fastify';
import { accessTokenCredentials } from '../../http/bearer.ts';
import { endpointUrl } from '../discovery/handler.ts';
import { tenantCtx } from '../../http/tenant-scope.ts';
import { handleUserInfo } from './handler.ts';

export function userInfoRoutes(app: FastifyInstance): void {
  app.route({
    method: ['GET', 'POST'],
    url: '/userinfo',
    config: { errorStyle: 'bearer' },
    handler: async (request, reply) => {
      const ctx = tenantCtx(request);
      const { scheme, token } = accessTokenCredentials(request);
      const binding = { scheme, dpop: request.headers['dpop'], method: request.method, url: endpointUrl(ctx, '/userinfo') };
      const response = await handleUserInfo(token, ctx, binding);
      reply.header('cache-control', 'no-store');
      if (response.dpopNonce !== undefined) reply.header('dpop-nonce', response.dpopNonce);
      if (response.type === 'jwt') return reply.type('application/jwt').send(response.jwt);
      return reply.send(response.claims);
    },
  });
}
