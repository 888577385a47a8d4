/** POST /device_authorization (RFC 8628 §3.1). Responses are never cached (RFC 8628 §3.2). */
import type { FastifyInstance } from 'fastify';
import { DEVICE_AUTHORIZATION_PATH } from '../../device/paths.ts';
import { InvalidRequest } from '../../errors/oauth-error.ts';
import { Params } from '../../http/params.ts';
import { tenantCtx } from '../../http/tenant-scope.ts';
import { handleDeviceAuthorization } from './handler.ts';

export function deviceAuthorizationRoutes(app: FastifyInstance): void {
  app.post(DEVICE_AUTHORIZATION_PATH, async (request, reply) => {
    // RFC 8628 §3.1: parameters are sent form-encoded in the body.
    if (!(request.body instanceof Params)) throw new InvalidRequest('the body must be application/x-www-form-urlencoded');
    const response = await handleDeviceAuthorization({ params: request.body, authorization: request.headers.authorization }, tenantCtx(request));
    return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(response);
  });
}
