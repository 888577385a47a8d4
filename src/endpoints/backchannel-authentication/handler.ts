/** The backchannel authentication endpoint (OpenID CIBA Core 1.0 §7). */
import type { Ctx } from '../../context.ts';
import { InvalidBindingMessage, InvalidUserCode, MissingUserCode } from '../../ciba/errors.ts';
import { resolveHintedUser } from '../../ciba/hints.ts';
import { sealNotification, userNotification } from '../../ciba/notify.ts';
import { APPROVAL_PREFIX, AUTH_REQ_ID_PREFIX, BACKCHANNEL_AUTHENTICATION_PATH, CIBA_GRANT, CIBA_POLL_INTERVAL } from '../../ciba/paths.ts';
import { requestedResources, requestedScope } from '../../device/request-scope.ts';
import { InvalidRequest, UnauthorizedClient } from '../../errors/oauth-error.ts';
import { authenticateClient } from '../../http/client-auth/index.ts';
import type { Params } from '../../http/params.ts';
import { loginThrottle } from '../../security/login-throttle.ts';
import { verifyPassword } from '../../security/password.ts';
import { hashSecret, randomSecret } from '../../security/secrets.ts';
import type { CibaRequestRecord, ClientRecord, UserRecord } from '../../storage/types.ts';
import { endpointUrl } from '../discovery/handler.ts';

export interface BackchannelInput {
  params: Params;
  authorization: string | undefined;
  ip: string;
}

/** CIBA §7.3. `interval` only where the client polls (poll and ping modes). */
export interface BackchannelResponse {
  auth_req_id: string;
  expires_in: number;
  interval?: number;
}

type Mode = CibaRequestRecord['deliveryMode'];

/** Longest binding message accepted; CIBA §7.1 wants it short enough to show on a small screen. */
const MAX_BINDING_MESSAGE = 100;
/** Longest client_notification_token (CIBA §7.1: the OP may limit it; 1024 is the suggested bound). */
const MAX_NOTIFICATION_TOKEN = 1024;

function deliveryModeOf(client: ClientRecord): Mode {
  const mode = client.metadata.backchannel_token_delivery_mode ?? 'poll';
  // CIBA §4: ping and push need a registered notification endpoint.
  if (mode !== 'poll' && !client.metadata.backchannel_client_notification_endpoint) {
    throw new UnauthorizedClient(`the client registered ${mode} mode without a backchannel_client_notification_endpoint`);
  }
  return mode;
}

function checkScope(params: Params, client: ClientRecord): string {
  // CIBA §7.1: scope is REQUIRED and MUST contain openid.
  if (!params.has('scope')) throw new InvalidRequest('missing required parameter scope');
  const scopes = requestedScope(params, client);
  if (!scopes.includes('openid')) throw new InvalidRequest('the openid scope is required');
  return scopes.join(' ');
}

function checkBindingMessage(params: Params): string | null {
  const message = params.get('binding_message');
  if (message === undefined) return null;
  // CIBA §7.1 / §13: a message the user cannot be shown plainly is invalid_binding_message.
  if (message.length > MAX_BINDING_MESSAGE || /[\u0000-\u001f\u007f]/.test(message)) {
    throw new InvalidBindingMessage(`binding_message must be at most ${MAX_BINDING_MESSAGE} printable characters`);
  }
  return message;
}

function checkNotificationToken(params: Params, mode: Mode): string | undefined {
  const token = params.get('client_notification_token');
  // CIBA §7.1: REQUIRED when the client is registered for ping or push.
  if (mode !== 'poll' && token === undefined) throw new InvalidRequest('client_notification_token is required in ping and push modes');
  if (token !== undefined && token.length > MAX_NOTIFICATION_TOKEN) throw new InvalidRequest('client_notification_token is too long');
  return mode === 'poll' ? undefined : token;
}

function checkRequestedExpiry(ctx: Ctx, params: Params): number {
  const max = ctx.config.lifetimes.cibaRequest;
  const raw = params.get('requested_expiry');
  if (raw === undefined) return max;
  // CIBA §7.1: a positive integer number of seconds.
  if (!/^[1-9][0-9]{0,8}$/.test(raw)) throw new InvalidRequest('requested_expiry must be a positive integer');
  return Math.min(Number(raw), max);
}

/**
 * CIBA §7.1 `user_code`: the secret the user gave the client, which Portcullis verifies as the
 * user's password (throttled like the login page). Required when the client registered
 * `backchannel_user_code_parameter`.
 */
async function checkUserCode(ctx: Ctx, params: Params, client: ClientRecord, user: UserRecord, ip: string): Promise<void> {
  const code = params.get('user_code');
  if (!client.metadata.backchannel_user_code_parameter) return;
  // CIBA §13: missing_user_code when the client must send one and did not.
  if (code === undefined) throw new MissingUserCode('user_code is required for this client');
  const attempt = { tenantId: ctx.tenant.id, username: user.username, ip };
  const hash = user.passwordHash;
  const check = await loginThrottle.guard(attempt, async () => (hash !== null && (await verifyPassword(hash, code)) ? true : undefined));
  if (check.outcome === 'throttled') throw new InvalidUserCode('too many wrong user codes; try again later');
  // CIBA §13: invalid_user_code.
  if (check.outcome === 'wrong') throw new InvalidUserCode('the user_code is not valid');
}

export async function handleBackchannelAuthentication(input: BackchannelInput, ctx: Ctx): Promise<BackchannelResponse> {
  const { params } = input;
  // RFC 6749 §3.1: no parameter may be repeated (resource excepted, RFC 8707).
  params.assertNoRepeats();
  // CIBA §7.1: the client authenticates as at the token endpoint; public clients cannot use CIBA.
  const { client } = await authenticateClient(ctx, { authorization: input.authorization, params, endpointUrl: endpointUrl(ctx, BACKCHANNEL_AUTHENTICATION_PATH) }, { allowPublic: false });
  // CIBA §13: the client must be registered for the CIBA grant.
  if (!client.metadata.grant_types.includes(CIBA_GRANT)) throw new UnauthorizedClient('the client is not allowed to use CIBA');
  // CIBA §7.1.1: signed authentication requests are not supported (none is advertised).
  if (params.has('request')) throw new InvalidRequest('signed authentication requests are not supported');
  const mode = deliveryModeOf(client);
  const scope = checkScope(params, client);
  const resources = requestedResources(ctx, params);
  const notificationToken = checkNotificationToken(params, mode);
  const bindingMessage = checkBindingMessage(params);
  const expiresIn = checkRequestedExpiry(ctx, params);
  const acr = params.get('acr_values')?.split(' ').find(Boolean) ?? null;
  const user = await resolveHintedUser(ctx, client, params);
  await checkUserCode(ctx, params, client, user, input.ip);

  const now = ctx.now();
  const authReqId = randomSecret(AUTH_REQ_ID_PREFIX);
  const approvalSecret = randomSecret(APPROVAL_PREFIX);
  const record: CibaRequestRecord = {
    tenantId: ctx.tenant.id,
    hash: hashSecret(authReqId),
    approvalHash: hashSecret(approvalSecret),
    clientId: client.clientId,
    sub: user.id,
    scope,
    resources,
    acr,
    bindingMessage,
    deliveryMode: mode,
    notificationEncrypted: notificationToken === undefined ? null : sealNotification(ctx, { authReqId, token: notificationToken }),
    status: 'pending',
    grantId: null,
    interval: CIBA_POLL_INTERVAL,
    lastPolledAt: null,
    expiresAt: now + expiresIn,
    createdAt: now,
    decidedAt: null,
    consumedAt: null,
  };
  // CONTRACT.md §4: the user is told through the webhook, in the same transaction as the insert.
  await ctx.storage.ciba.insert(record, userNotification(ctx, { record, client, user, approvalSecret }));
  ctx.log.info({ tenant: ctx.tenant.slug, event: 'ciba_request', client: client.clientId, mode }, 'backchannel authentication request');
  return { auth_req_id: authReqId, expires_in: expiresIn, ...(mode === 'push' ? {} : { interval: CIBA_POLL_INTERVAL }) };
}
