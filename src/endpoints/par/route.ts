/** POST /par (RFC 9126 §2): success is 201 and never cached. Other methods get 405 from tenant-scope.ts. */
import type { FastifyInstance } from 'fastify';
import { InvalidRequest } from '../../errors/oauth-error.ts';
import { Params } from '../../http/params.ts';
import { tenantCtx } from '../../http/tenant-scope.ts';
import { handlePar } from './handler.ts';

export function parRoutes(app: FastifyInstance): void {
  app.post('/par', async (request, reply) => {
    // RFC 9126 §2: parameters are sent form-encoded in the body.
    if (!(request.body instanceof Params)) throw new InvalidRequest('the body must be application/x-www-form-urlencoded');
    const { headers, ...body } = await handlePar({ params: request.body, authorization: request.headers.authorization, dpop: request.headers['dpop'] }, tenantCtx(request));
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    // RFC 9126 §2.2: 201 Created.
    return reply.code(201).header('cache-control', 'no-store').header('pragma', 'no-cache').send(body);
  });
}
