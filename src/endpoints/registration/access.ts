/**
 * Who may call the registration endpoints: RFC 7591 §3 initial access tokens (config or minted
 * through the admin API) in `initial-access-token` mode, and RFC 7592 §1 registration access
 * tokens for a client's own configuration endpoint.
 */
import type { Ctx } from '../../context.ts';
import { InvalidToken, MissingToken, NotFound } from '../../errors/oauth-error.ts';
import { hashSecret, safeEqual } from '../../security/secrets.ts';
import type { ClientRecord } from '../../storage/types.ts';

/** The registration endpoint does not exist while dynamic registration is off. */
export function assertRegistrationEnabled(ctx: Ctx): void {
  if (ctx.config.features.dynamicRegistration === 'off') throw new NotFound('not found');
}

/**
 * Returns the audit actor for a registration request. In `initial-access-token` mode a missing
 * or unknown token is 401 (RFC 7591 §3, RFC 6750 §3.1).
 */
export async function registrationActor(ctx: Ctx, token: string | undefined): Promise<string> {
  if (ctx.config.features.dynamicRegistration !== 'initial-access-token') return 'anonymous';
  if (token === undefined) throw new MissingToken('an initial access token is required');
  const configured = ctx.config.registration.initialAccessTokens.findIndex((t) => safeEqual(t, token));
  if (configured !== -1) return `initial-access-token:config[${configured}]`;
  const minted = await ctx.storage.initialAccessTokens.findLive(ctx.tenant.id, hashSecret(token), ctx.now());
  if (!minted) throw new InvalidToken('the initial access token is invalid');
  return `initial-access-token:${minted.id}`;
}

/**
 * The client whose registration access token this is. RFC 7592 §2.1-§2.3: an unknown client,
 * a client without one, or another client's token is 401.
 */
export async function managedClient(ctx: Ctx, clientId: string, token: string | undefined): Promise<ClientRecord> {
  if (token === undefined) throw new MissingToken('a registration access token is required');
  const client = await ctx.storage.clients.get(ctx.tenant.id, clientId);
  if (!client?.registrationTokenHash || !safeEqual(client.registrationTokenHash, hashSecret(token))) {
    throw new InvalidToken('the registration access token is invalid');
  }
  return client;
}
