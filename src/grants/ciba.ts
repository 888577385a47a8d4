/** The CIBA grant at the token endpoint (OpenID CIBA Core 1.0 §10.1, §11). */
import { CIBA_GRANT } from '../ciba/paths.ts';
import { answerPoll } from '../device/answer-poll.ts';
import { UnauthorizedClient } from '../errors/oauth-error.ts';
import { hashSecret } from '../security/secrets.ts';
import type { Grant, GrantInput } from './types.ts';

async function handle({ ctx, client, params }: GrantInput) {
  // CIBA §10.1 / §11: push-mode clients receive their tokens and never call the token endpoint.
  if (client.metadata.backchannel_token_delivery_mode === 'push') throw new UnauthorizedClient('push-mode clients receive tokens at their notification endpoint');
  // CIBA §10.1: auth_req_id is REQUIRED.
  const authReqId = params.require('auth_req_id');
  const outcome = await ctx.storage.ciba.poll(ctx.tenant.id, hashSecret(authReqId), client.clientId, ctx.now());
  return answerPoll(ctx, client, params, outcome, { what: 'auth_req_id' });
}

// CIBA §7.1: only confidential clients may use CIBA.
export const cibaGrant: Grant = { type: CIBA_GRANT, confidentialOnly: true, handle };
