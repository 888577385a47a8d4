/** POST /revoke (RFC 7009 §2). */
import type { FastifyInstance } from 'fastify';
import { InvalidRequest } from '../../errors/oauth-error.ts';
import { authenticateClient } from '../../http/client-auth/index.ts';
import { Params } from '../../http/params.ts';
import { tenantCtx } from '../../http/tenant-scope.ts';
import { endpointUrl } from '../discovery/handler.ts';
import { handleRevoke } from './handler.ts';

export function revokeRoutes(app: FastifyInstance): void {
  app.post('/revoke', async (request, reply) => {
    if (!(request.body instanceof Params)) throw new InvalidRequest('the body must be application/x-www-form-urlencoded');
    const ctx = tenantCtx(request);
    const params = request.body;
    // RFC 7009 §2.1: public clients identify themselves with client_id; confidential ones authenticate.
    const { client } = await authenticateClient(ctx, { authorization: request.headers.authorization, params, endpointUrl: endpointUrl(ctx, '/revoke') });
    await handleRevoke(ctx, params.require('token'), params.get('token_type_hint'), client);
    return reply.header('cache-control', 'no-store').code(200).send();
  });
}
