/** The device authorization grant at the token endpoint (RFC 8628 §3.4, §3.5). */
import { answerPoll } from '../device/answer-poll.ts';
import { hashSecret } from '../security/secrets.ts';
import type { Grant, GrantInput } from './types.ts';

async function handle({ ctx, client, params }: GrantInput) {
  // RFC 8628 §3.4: device_code is REQUIRED.
  const deviceCode = params.require('device_code');
  const outcome = await ctx.storage.deviceCodes.poll(ctx.tenant.id, hashSecret(deviceCode), client.clientId, ctx.now());
  return answerPoll(ctx, client, params, outcome, { what: 'device_code' });
}

export const deviceCodeGrant: Grant = { type: 'urn:ietf:params:oauth:grant-type:device_code', handle };
