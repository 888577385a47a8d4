/** Steps every client authentication method shares: lookup, registered-method check, secret check. */
import type { Ctx } from '../../context.ts';
import type { TokenEndpointAuthMethod } from '../../domain/client.ts';
import { InvalidClient } from '../../errors/oauth-error.ts';
import { hashSecret, safeEqual } from '../../security/secrets.ts';
import type { ClientRecord } from '../../storage/types.ts';

/** The public description of every failed authentication; the reason goes to `detail` only. */
const AUTH_FAILED = 'client authentication failed';

/**
 * An `invalid_client` error with a generic description and a private `detail`. `scheme` is the
 * HTTP authentication scheme the client used (`Basic`), echoed by the renderer in `WWW-Authenticate`.
 */
export function authFailed(detail: string, scheme?: string, description: string = AUTH_FAILED): InvalidClient {
  const error = new InvalidClient(description, { detail });
  // RFC 6749 §5.2: a client that used the Authorization header gets a matching challenge.
  if (scheme !== undefined) error.scheme = scheme;
  return error;
}

/** The client `clientId` of the request's tenant; an unknown client is `invalid_client`. */
export async function loadClient(ctx: Ctx, clientId: string, scheme?: string): Promise<ClientRecord> {
  const client = await ctx.storage.clients.get(ctx.tenant.id, clientId);
  // RFC 6749 §5.2: an unknown client is invalid_client (said only in the private detail).
  if (!client) throw authFailed(`unknown client ${JSON.stringify(clientId)}`, scheme);
  return client;
}

/** Throws `invalid_client` unless `used` is the client's registered `token_endpoint_auth_method`. */
export function requireRegisteredMethod(client: ClientRecord, used: TokenEndpointAuthMethod, scheme?: string): void {
  const registered = client.metadata.token_endpoint_auth_method;
  // RFC 7591 §2 / OIDC Registration §2: the client authenticates with its registered method only.
  if (registered !== used) throw authFailed(`client ${client.clientId} used ${used}, registered ${registered}`, scheme);
}

/** Throws `invalid_client` unless `secret` is the client's secret (compared by hash, in constant time). */
export function verifySecret(client: ClientRecord, secret: string, scheme?: string): void {
  if (client.secretHash === null) throw authFailed(`client ${client.clientId} has no secret`, scheme);
  // RFC 6749 §2.3.1 / RFC 6819 §5.1.4.2.2: secrets are stored hashed and compared in constant time.
  if (!safeEqual(hashSecret(secret), client.secretHash)) {
    throw authFailed(`wrong client_secret for client ${client.clientId}`, scheme);
  }
}
