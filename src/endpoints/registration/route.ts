/**
 * POST /register (RFC 7591 §3) and GET, PUT, DELETE /register/:client_id (RFC 7592 §2).
 * JSON in and out; token problems are RFC 6750 bearer challenges (401).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken } from '../../http/bearer.ts';
import { MissingToken } from '../../errors/oauth-error.ts';
import { tenantCtx } from '../../http/tenant-scope.ts';
import { assertRegistrationEnabled } from './access.ts';
import { handleDelete, handleRead, handleRegister, handleUpdate, type RegistrationResult } from './handler.ts';
import { registrationThrottle } from './throttle.ts';

/** The bearer token if one was sent; `undefined` when none was. */
function optionalBearer(request: FastifyRequest): string | undefined {
  try {
    return bearerToken(request);
  } catch (err) {
    if (err instanceof MissingToken) return undefined;
    throw err;
  }
}

function send(reply: FastifyReply, result: RegistrationResult): FastifyReply {
  // RFC 7591 §3.2.1: responses carrying credentials are not cached.
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache').code(result.status);
  return result.body === undefined ? reply.send() : reply.type('application/json; charset=utf-8').send(result.body);
}

export function registrationRoutes(app: FastifyInstance): void {
  const config = { errorStyle: 'bearer' as const };

  app.post('/register', { config }, async (request, reply) => {
    const ctx = tenantCtx(request);
    assertRegistrationEnabled(ctx);
    const attempt = { tenantId: ctx.tenant.id, ip: request.ip };
    await registrationThrottle.check(attempt);
    const result = await handleRegister(ctx, request.body, optionalBearer(request));
    await registrationThrottle.created(attempt);
    return send(reply, result);
  });

  app.get<{ Params: { clientId: string } }>('/register/:clientId', { config }, async (request, reply) => {
    const ctx = tenantCtx(request);
    assertRegistrationEnabled(ctx);
    return send(reply, await handleRead(ctx, request.params.clientId, optionalBearer(request)));
  });

  app.put<{ Params: { clientId: string }; Querystring: { rotate_secret?: string } }>('/register/:clientId', { config }, async (request, reply) => {
    const ctx = tenantCtx(request);
    assertRegistrationEnabled(ctx);
    const rotate = request.query.rotate_secret === 'true';
    return send(reply, await handleUpdate(ctx, request.params.clientId, optionalBearer(request), request.body, rotate));
  });

  app.delete<{ Params: { clientId: string } }>('/register/:clientId', { config }, async (request, reply) => {
    const ctx = tenantCtx(request);
    assertRegistrationEnabled(ctx);
    return send(reply, await handleDelete(ctx, request.params.clientId, optionalBearer(request)));
  });
}
