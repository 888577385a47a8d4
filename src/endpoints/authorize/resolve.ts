/**
 * Where an authorization request's parameters come from: the query or form itself, a pushed
 * request (RFC 9126 §4, `request_uri` = `urn:ietf:params:oauth:request_uri:…`), a request
 * object by value (`request`, RFC 9101 §5.1) or by reference (`request_uri` = https URL, §5.2).
 */
import type { Ctx } from '../../context.ts';
import type { ClientRecord } from '../../storage/types.ts';
import { InvalidRequest, InvalidRequestUri } from '../../errors/oauth-error.ts';
import { isFapi } from '../../fapi/profile.ts';
import { Params } from '../../http/params.ts';
import { checkRequestUri, fetchRequestObject } from '../../jar/fetch.ts';
import { verifyRequestObject } from '../../jar/verify.ts';
import { hashSecret } from '../../security/secrets.ts';
import { paramsToRecord } from '../par/wire.ts';
import { requestedClient } from './request.ts';

/** RFC 9126 §2.2: the URN prefix of pushed request URIs. */
export const PAR_URN_PREFIX = 'urn:ietf:params:oauth:request_uri:';

export interface ResolvedRequest {
  params: Params;
  /** The client `client_id` names (read once, here). */
  client: ClientRecord;
  /** sha256 of the pushed `request_uri`, when the request came through PAR. */
  parHash?: string;
}

/** Whether this client may only use pushed requests (RFC 9126 §5, §6; FAPI 2.0 §5.3.1.2). */
export function parRequired(ctx: Ctx, client: ClientRecord): boolean {
  return ctx.config.features.requirePushedAuthorizationRequests || client.metadata.require_pushed_authorization_requests === true || isFapi(ctx, client.metadata);
}

/** A request object's parameters win over the ones sent beside it (OIDC Core §6.3.3). */
function merge(outside: Params, inside: Record<string, string | string[]>, clientId: string): Params {
  const record = paramsToRecord(outside);
  delete record['request'];
  delete record['request_uri'];
  return Params.fromRecord({ ...record, ...inside, client_id: clientId });
}

/**
 * The effective parameters of an authorization request. Throws InvalidRequestUri for an
 * unknown, expired, used or foreign pushed request, InvalidRequestObject for a bad object.
 */
export async function resolveRequestParams(ctx: Ctx, params: Params): Promise<ResolvedRequest> {
  const requestUri = params.get('request_uri');
  const request = params.get('request');
  // OIDC Core §6.1: request and request_uri are mutually exclusive.
  if (requestUri !== undefined && request !== undefined) throw new InvalidRequest('request and request_uri must not be used together');
  // RFC 9101 §5 / RFC 9126 §4: client_id is still sent outside the object or reference.
  const client = await requestedClient(ctx, params);
  if (requestUri === undefined && request === undefined) return { params, client };

  if (requestUri !== undefined && requestUri.startsWith(PAR_URN_PREFIX)) {
    const hash = hashSecret(requestUri);
    const pushed = await ctx.storage.par.findLive(ctx.tenant.id, hash, ctx.now());
    // RFC 9126 §4: the request_uri is bound to the client that pushed it, and expires.
    if (!pushed || pushed.clientId !== client.clientId) throw new InvalidRequestUri('the request_uri is invalid, expired, already used or was pushed by another client');
    // RFC 9126 §4: every other parameter sent beside the request_uri is ignored.
    return { params: Params.fromRecord({ ...pushed.params, client_id: client.clientId }), client, parHash: hash };
  }
  if (requestUri !== undefined) {
    const jwt = await fetchRequestObject(checkRequestUri(ctx, client, requestUri));
    return { params: merge(params, await verifyRequestObject(ctx, client, jwt), client.clientId), client };
  }
  return { params: merge(params, await verifyRequestObject(ctx, client, request ?? ''), client.clientId), client };
}
