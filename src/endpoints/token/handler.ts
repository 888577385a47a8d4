/** The token endpoint (RFC 6749 §3.2): authenticate the client, then run the requested grant. */
import type { Ctx } from '../../context.ts';
import { InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from '../../errors/oauth-error.ts';
import { authenticateClient } from '../../http/client-auth/index.ts';
import type { Params } from '../../http/params.ts';
import { GRANTS } from '../../grants/registry.ts';
import type { TokenResponse } from '../../grants/types.ts';
import { endpointUrl } from '../discovery/handler.ts';

export interface TokenInput {
  params: Params;
  authorization: string | undefined;
  ip: string;
}

export async function handleToken(input: TokenInput, ctx: Ctx): Promise<TokenResponse> {
  const { params } = input;
  const grantType = params.get('grant_type');
  if (!grantType) throw new InvalidRequest('missing grant_type');
  const grant = GRANTS.get(grantType);
  if (!grant || (grant.enabled && !grant.enabled(ctx))) throw new UnsupportedGrantType(`grant_type ${grantType} is not supported`);

  // RFC 6749 §4.4 / §3.2.1: grants for confidential clients only need real client authentication,
  // so a public client there fails as invalid_client (401).
  const { client } = await authenticateClient(
    ctx,
    { authorization: input.authorization, params, endpointUrl: endpointUrl(ctx, '/token') },
    { allowPublic: !grant.confidentialOnly },
  );
  // RFC 6749 §5.2: the client must be registered for the grant type.
  if (!client.metadata.grant_types.includes(grant.type)) throw new UnauthorizedClient(`the client is not allowed to use ${grantType}`);
  return grant.handle({ ctx, client, params, ip: input.ip });
}
