/**
 * The pushed authorization request endpoint (RFC 9126 §2): the client authenticates, pushes
 * the request (or a request object), and gets a short-lived, single-use `request_uri` for it.
 * The request is validated exactly as the authorization endpoint would; errors are JSON.
 */
import type { Ctx } from '../../context.ts';
import { checkDpop, rememberDpop } from '../../dpop/verify.ts';
import { InvalidClient, InvalidRequest } from '../../errors/oauth-error.ts';
import { isFapi } from '../../fapi/profile.ts';
import { authenticateClient } from '../../http/client-auth/index.ts';
import { Params } from '../../http/params.ts';
import { verifyRequestObject } from '../../jar/verify.ts';
import { hashSecret, randomSecret } from '../../security/secrets.ts';
import type { ClientRecord } from '../../storage/types.ts';
import { defaultResponseMode, normaliseResponseType, trustRedirectUri, type ResponseTarget } from '../authorize/request.ts';
import { PAR_URN_PREFIX } from '../authorize/resolve.ts';
import { validateAuthorizationRequest } from '../authorize/validate.ts';
import { endpointUrl } from '../discovery/handler.ts';
import { CLIENT_AUTH_PARAMS, paramsToRecord } from './wire.ts';

export interface ParInput {
  params: Params;
  authorization: string | undefined;
  /** The `DPoP` request header(s): binds the future code to the key (RFC 9449 §10.1). */
  dpop: string | string[] | undefined;
}

export interface ParOutput {
  request_uri: string;
  expires_in: number;
  /** Headers the response must carry (`DPoP-Nonce`). */
  headers: Record<string, string>;
}

/** The request's own parameters: the pushed ones, or (RFC 9126 §3) those of its request object. */
async function requestParams(ctx: Ctx, client: ClientRecord, params: Params): Promise<Record<string, string | string[]>> {
  const record = paramsToRecord(params);
  for (const name of CLIENT_AUTH_PARAMS) delete record[name];
  const request = params.get('request');
  if (request === undefined) return { ...record, client_id: client.clientId };
  // RFC 9126 §3: with a request object, only its parameters count (plus client_id).
  const inside = await verifyRequestObject(ctx, client, request);
  return { ...inside, client_id: client.clientId };
}

export async function handlePar(input: ParInput, ctx: Ctx): Promise<ParOutput> {
  const { params } = input;
  const url = endpointUrl(ctx, '/par');
  // RFC 9449 §5: the proof is checked before client authentication (nonce round trips keep the
  // assertion), and remembered only once the client is known.
  const dpop = await checkDpop(ctx, { header: input.dpop, method: 'POST', url });
  const { client, method } = await authenticateClient(ctx, { authorization: input.authorization, params, endpointUrl: url }, { allowPublic: true });
  if (dpop) await rememberDpop(ctx, dpop);
  // FAPI 2.0 Security Profile §5.3.1.2: confidential clients with private_key_jwt only.
  if (isFapi(ctx, client.metadata) && method !== 'private_key_jwt') throw new InvalidClient('this client must authenticate with private_key_jwt');
  // RFC 9126 §2.1: request_uri is not allowed in a pushed request.
  if (params.has('request_uri')) throw new InvalidRequest('request_uri must not be used at the pushed authorization request endpoint');

  const record = await requestParams(ctx, client, params);
  const effective = Params.fromRecord(record);
  const declared = effective.get('dpop_jkt');
  // RFC 9449 §10.1: dpop_jkt and the proof key, when both are sent, must agree.
  if (dpop && declared !== undefined && declared !== dpop.jkt) throw new InvalidRequest('dpop_jkt does not match the DPoP proof key');
  if (dpop && declared === undefined) record['dpop_jkt'] = dpop.jkt;

  // RFC 9126 §2.1: the same validation as at the authorization endpoint.
  const validated = Params.fromRecord(record);
  // FAPI 2.0 Security Profile §5.3.1.2: redirect_uri is required in pushed requests.
  if (isFapi(ctx, client.metadata) && validated.get('redirect_uri') === undefined) throw new InvalidRequest('redirect_uri is required');
  const trusted = trustRedirectUri(client, validated);
  const target: ResponseTarget = { redirectUri: trusted.redirectUri, responseMode: defaultResponseMode(normaliseResponseType(validated.get('response_type') ?? '')), state: validated.get('state') };
  const req = await validateAuthorizationRequest(ctx, trusted, validated, target);

  const now = ctx.now();
  const expiresIn = ctx.config.lifetimes.parRequestUri;
  // RFC 9126 §2.2 / §7.1: an unguessable reference (randomSecret: 256 bits), stored only as its hash.
  const requestUri = `${PAR_URN_PREFIX}${randomSecret('')}`;
  await ctx.storage.par.insert({
    tenantId: ctx.tenant.id,
    hash: hashSecret(requestUri),
    clientId: client.clientId,
    params: record,
    dpopJkt: req.dpopJkt ?? null,
    expiresAt: now + expiresIn,
    consumedAt: null,
    createdAt: now,
  });
  return { request_uri: requestUri, expires_in: expiresIn, headers: dpop?.nextNonce ? { 'dpop-nonce': dpop.nextNonce } : {} };
}
