/**
 * The authorization endpoint (RFC 6749 §3.1, OIDC Core §3.1.2), GET and POST. Unknown
 * parameters are ignored; repeated ones are rejected. Until the client and redirect URI are
 * trusted, errors are an HTML page; afterwards they are redirected to the client.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import type { Ctx } from '../../context.ts';
import { InvalidRequest, OAuthError } from '../../errors/oauth-error.ts';
import { Params, queryOrFormParams } from '../../http/params.ts';
import { tenantCtx } from '../../http/tenant-scope.ts';
import { claimsToParams } from '../../jar/verify.ts';
import { paramsToRecord } from '../par/wire.ts';
import { proceed } from './proceed.ts';
import { parRequired, resolveRequestParams, type ResolvedRequest } from './resolve.ts';
import { defaultResponseMode, normaliseResponseType, trustClient, trustRedirectUri, type ResponseTarget } from './request.ts';
import { deliverError } from './respond.ts';
import { validateAuthorizationRequest } from './validate.ts';

/**
 * The parameters an unusable request object claims to carry (signature unchecked). Only its
 * redirect_uri matters, and only when it is registered for the client, so nothing unverified
 * can send the browser anywhere the client did not register.
 */
function unverifiedObjectParams(raw: Params): Params | undefined {
  const request = raw.get('request');
  if (request === undefined) return undefined;
  try {
    return Params.fromRecord({ ...paramsToRecord(raw), ...claimsToParams(decodeJwt(request)), client_id: raw.get('client_id') });
  } catch {
    return undefined;
  }
}

/**
 * Errors of a request object or request_uri go back to the client when a registered redirect
 * URI is known (from the outer request, or named by the object); otherwise they are a page.
 */
async function resolveOrRedirect(ctx: Ctx, reply: FastifyReply, raw: Params): Promise<ResolvedRequest | FastifyReply> {
  try {
    return await resolveRequestParams(ctx, raw);
  } catch (err) {
    if (!(err instanceof OAuthError) || !err.redirectable) throw err;
    let source = raw;
    let fallback = await trustClient(ctx, raw).catch(() => undefined);
    const claimed = fallback ? undefined : unverifiedObjectParams(raw);
    if (claimed) {
      fallback = await trustClient(ctx, claimed).catch(() => undefined);
      source = claimed;
    }
    if (!fallback) throw err;
    const target: ResponseTarget = { redirectUri: fallback.redirectUri, responseMode: defaultResponseMode(normaliseResponseType(source.get('response_type') ?? '')), state: source.get('state') };
    return deliverError(ctx, reply, target, err);
  }
}

async function authorize(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const ctx = tenantCtx(request);
  const raw = queryOrFormParams(request);
  // Stage 1: thrown errors render as an HTML page (route errorStyle), never a redirect.
  for (const name of ['client_id', 'redirect_uri', 'state', 'response_mode', 'response_type', 'request', 'request_uri']) raw.get(name);
  const resolved = await resolveOrRedirect(ctx, reply, raw);
  if (!('params' in resolved)) return resolved;
  const params = resolved.params;
  for (const name of ['client_id', 'redirect_uri', 'state', 'response_mode', 'response_type']) params.get(name);
  const trusted = trustRedirectUri(resolved.client, params);
  const responseType = normaliseResponseType(params.get('response_type') ?? '');
  const target: ResponseTarget = {
    redirectUri: trusted.redirectUri,
    responseMode: defaultResponseMode(responseType),
    state: params.get('state'),
    clientId: trusted.client.clientId,
  };
  try {
    const validated = await validateAuthorizationRequest(ctx, trusted, params, target);
    // RFC 9126 §5 / FAPI 2.0 §5.3.1.2: such clients must push their requests first.
    if (resolved.parHash === undefined && parRequired(ctx, trusted.client)) throw new InvalidRequest('this client must use pushed authorization requests (PAR)');
    const req = resolved.parHash === undefined ? validated : { ...validated, parHash: resolved.parHash };
    return await proceed(ctx, request, reply, req, trusted.client, undefined);
  } catch (err) {
    if (err instanceof OAuthError && err.redirectable) return deliverError(ctx, reply, target, err);
    throw err;
  }
}

export function authorizeRoutes(app: FastifyInstance): void {
  app.route({ method: ['GET', 'POST'], url: '/authorize', config: { errorStyle: 'html' }, handler: authorize });
}
