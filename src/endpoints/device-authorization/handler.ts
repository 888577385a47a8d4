/** The device authorization endpoint (RFC 8628 §3.1, §3.2). */
import type { Ctx } from '../../context.ts';
import { DEVICE_AUTHORIZATION_PATH, DEVICE_CODE_GRANT, DEVICE_POLL_INTERVAL, DEVICE_VERIFICATION_PATH } from '../../device/paths.ts';
import { requestedResources, requestedScope } from '../../device/request-scope.ts';
import { formatUserCode, generateUserCode } from '../../device/user-code.ts';
import { UnauthorizedClient } from '../../errors/oauth-error.ts';
import { authenticateClient } from '../../http/client-auth/index.ts';
import type { Params } from '../../http/params.ts';
import { hashSecret, PREFIX, randomSecret } from '../../security/secrets.ts';
import { endpointUrl } from '../discovery/handler.ts';

export interface DeviceAuthorizationInput {
  params: Params;
  authorization: string | undefined;
}

/** RFC 8628 §3.2. */
export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

/** A fresh user code can collide with a live one; a few retries make that vanishingly rare. */
const INSERT_ATTEMPTS = 4;

export async function handleDeviceAuthorization(input: DeviceAuthorizationInput, ctx: Ctx): Promise<DeviceAuthorizationResponse> {
  const { params } = input;
  // RFC 6749 §3.1: no parameter may be repeated (resource excepted, RFC 8707).
  params.assertNoRepeats();
  // RFC 8628 §3.1: confidential clients authenticate as at the token endpoint; public ones send client_id.
  const { client } = await authenticateClient(ctx, { authorization: input.authorization, params, endpointUrl: endpointUrl(ctx, DEVICE_AUTHORIZATION_PATH) });
  // RFC 8628 §3.2 / RFC 6749 §5.2: the client must be registered for the device code grant.
  if (!client.metadata.grant_types.includes(DEVICE_CODE_GRANT)) throw new UnauthorizedClient('the client is not allowed to use the device authorization grant');
  const scope = requestedScope(params, client).join(' ');
  const resources = requestedResources(ctx, params);

  const now = ctx.now();
  const expiresIn = ctx.config.lifetimes.deviceCode;
  const deviceCode = randomSecret(PREFIX.deviceCode);
  const hash = hashSecret(deviceCode);
  for (let attempt = 1; ; attempt++) {
    const userCode = generateUserCode();
    try {
      await ctx.storage.deviceCodes.insert({
        tenantId: ctx.tenant.id,
        hash,
        userCode,
        clientId: client.clientId,
        scope,
        resources,
        status: 'pending',
        grantId: null,
        interval: DEVICE_POLL_INTERVAL,
        lastPolledAt: null,
        expiresAt: now + expiresIn,
        createdAt: now,
        decidedAt: null,
        consumedAt: null,
      });
    } catch (err) {
      if (attempt < INSERT_ATTEMPTS) continue;
      throw err;
    }
    const verificationUri = endpointUrl(ctx, DEVICE_VERIFICATION_PATH);
    const shown = formatUserCode(userCode);
    return {
      device_code: deviceCode,
      user_code: shown,
      verification_uri: verificationUri,
      // RFC 8628 §3.3.1: the same page with the code filled in.
      verification_uri_complete: `${verificationUri}?user_code=${encodeURIComponent(shown)}`,
      expires_in: expiresIn,
      interval: DEVICE_POLL_INTERVAL,
    };
  }
}
