/** POST /introspect (RFC 7662 §2). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Ctx } from '../../context.ts';
import { InvalidRequest } from '../../errors/oauth-error.ts';
import { authenticateClient } from '../../http/client-auth/index.ts';
import { Params } from '../../http/params.ts';
import { tenantCtx } from '../../http/tenant-scope.ts';
import type { ClientRecord } from '../../storage/types.ts';
import { endpointUrl } from '../discovery/handler.ts';
import { handleIntrospect, signIntrospection } from './handler.ts';

export const INTROSPECTION_JWT = 'application/token-introspection+jwt';

function presentsCredentials(request: FastifyRequest, params: Params): boolean {
  return request.headers.authorization !== undefined || ['client_id', 'client_secret', 'client_assertion'].some((n) => params.has(n));
}

/** RFC 7662 §2.1: the caller must authenticate, unless the operator opened introspection. */
async function caller(ctx: Ctx, request: FastifyRequest, params: Params): Promise<ClientRecord | undefined> {
  if (ctx.config.features.publicIntrospection && !presentsCredentials(request, params)) return undefined;
  const { client } = await authenticateClient(ctx, { authorization: request.headers.authorization, params, endpointUrl: endpointUrl(ctx, '/introspect') }, { allowPublic: false });
  return client;
}

export function introspectRoutes(app: FastifyInstance): void {
  app.post('/introspect', async (request, reply) => {
    if (!(request.body instanceof Params)) throw new InvalidRequest('the body must be application/x-www-form-urlencoded');
    const ctx = tenantCtx(request);
    const params = request.body;
    const client = await caller(ctx, request, params);
    // RFC 7662 §2.1: token is REQUIRED.
    const result = await handleIntrospect(ctx, params.require('token'), client);
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    // RFC 9701 §4: the client asks for a JWT response with the Accept header.
    if ((request.headers.accept ?? '').includes(INTROSPECTION_JWT)) {
      return reply.type(INTROSPECTION_JWT).send(await signIntrospection(ctx, result, client));
    }
    return reply.send(result);
  });
}
