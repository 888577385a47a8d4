/**
 * The authorization endpoint (RFC 6749 §3.1, OIDC Core §3.1.2), GET and POST. Unknown
 * parameters are ignored; repeated ones are rejected. Until the client and redirect URI are
 * trusted, errors are an HTML page; afterwards they are redirected to the client.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../../errors/oauth-error.ts';
import { Params } from '../../http/params.ts';
import { tenantCtx } from '../../http/tenant-scope.ts';
import { proceed } from './proceed.ts';
import { defaultResponseMode, normaliseResponseType, trustClient, type ResponseTarget } from './request.ts';
import { deliverError } from './respond.ts';
import { validateAuthorizationRequest } from './validate.ts';

function paramsOf(request: FastifyRequest): Params {
  if (request.method === 'POST') return request.body instanceof Params ? request.body : Params.empty();
  const q = request.url.indexOf('?');
  return Params.parse(q === -1 ? '' : request.url.slice(q + 1));
}

async function authorize(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const ctx = tenantCtx(request);
  const params = paramsOf(request);
  // Stage 1: thrown errors render as an HTML page (route errorStyle), never a redirect.
  for (const name of ['client_id', 'redirect_uri', 'state', 'response_mode', 'response_type']) params.get(name);
  const trusted = await trustClient(ctx, params);
  const responseType = normaliseResponseType(params.get('response_type') ?? '');
  const target: ResponseTarget = {
    redirectUri: trusted.redirectUri,
    responseMode: defaultResponseMode(responseType),
    state: params.get('state'),
  };
  try {
    const req = await validateAuthorizationRequest(ctx, trusted, params, target);
    return await proceed(ctx, request, reply, req, trusted.client, undefined);
  } catch (err) {
    if (err instanceof OAuthError && err.redirectable) return deliverError(ctx, reply, target, err);
    throw err;
  }
}

export function authorizeRoutes(app: FastifyInstance): void {
  app.route({ method: ['GET', 'POST'], url: '/authorize', config: { errorStyle: 'html' }, handler: authorize });
}
