/** POST /backchannel_authentication (OpenID CIBA Core 1.0 §7.1). Responses are never cached. */
import type { FastifyInstance } from 'fastify';
import { wakeOutbox } from '../../outbox/index.ts';
import { BACKCHANNEL_AUTHENTICATION_PATH } from '../../ciba/paths.ts';
import { InvalidRequest } from '../../errors/oauth-error.ts';
import { Params } from '../../http/params.ts';
import { tenantCtx } from '../../http/tenant-scope.ts';
import { handleBackchannelAuthentication } from './handler.ts';

export function backchannelAuthenticationRoutes(app: FastifyInstance): void {
  app.post(BACKCHANNEL_AUTHENTICATION_PATH, async (request, reply) => {
    // CIBA §7.1: parameters are sent form-encoded in the body.
    if (!(request.body instanceof Params)) throw new InvalidRequest('the body must be application/x-www-form-urlencoded');
    const response = await handleBackchannelAuthentication({ params: request.body, authorization: request.headers.authorization, ip: request.ip }, tenantCtx(request));
    // The user notification was enqueued with the request: send it now.
    wakeOutbox();
    return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(response);
  });
}
