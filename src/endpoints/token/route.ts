/** POST /token. Responses are never cached (RFC 6749 §5.1). */
import type { FastifyInstance } from 'fastify';
import { InvalidRequest } from '../../errors/oauth-error.ts';
import { Params } from '../../http/params.ts';
import { tenantCtx } from '../../http/tenant-scope.ts';
import { handleToken } from './handler.ts';

export function tokenRoutes(app: FastifyInstance): void {
  app.post('/token', async (request, reply) => {
    // RFC 6749 §3.2: parameters are sent form-encoded in the body.
    if (!(request.body instanceof Params)) throw new InvalidRequest('the body must be application/x-www-form-urlencoded');
    const responseHeaders: Record<string, string> = {};
    const response = await handleToken(
      { params: request.body, authorization: request.headers.authorization, ip: request.ip, dpop: request.headers['dpop'], responseHeaders },
      tenantCtx(request),
    );
    for (const [name, value] of Object.entries(responseHeaders)) reply.header(name, value);
    return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(response);
  });
}
