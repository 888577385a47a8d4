/** `client_secret_basic` (RFC 6749 §2.3.1): the client id and secret in an HTTP Basic header. */
import type { Ctx } from '../../context.ts';
import { authFailed, loadClient, requireRegisteredMethod, verifySecret } from './common.ts';
import type { AuthenticatedClient } from './types.ts';

const SCHEME = 'Basic';

export interface BasicCredentials {
  clientId: string;
  secret: string;
}

/**
 * The credentials of an `Authorization: Basic …` header; `undefined` when there is no header
 * or it uses another scheme. A malformed Basic header is `invalid_client` (with the Basic challenge).
 */
export function parseBasic(authorization: string | undefined): BasicCredentials | undefined {
  if (authorization === undefined) return undefined;
  // RFC 9110 §11.1 / §11.4: the auth-scheme is case-insensitive, followed by one or more spaces.
  const match = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:[ \t]+(.*?))?\s*$/.exec(authorization);
  if (!match || match[1]?.toLowerCase() !== 'basic') return undefined;
  const token = match[2] ?? '';
  // RFC 7617 §2: the credentials are a token68 in base64.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token)) throw authFailed('Basic credentials are not base64', SCHEME);
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // RFC 7617 §2: user-id ":" password; the (urlencoded) client id cannot contain a raw colon.
  if (colon < 0) throw authFailed('Basic credentials have no colon', SCHEME);
  // RFC 6749 §2.3.1: both parts are application/x-www-form-urlencoded before base64.
  const clientId = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  if (!clientId || !secret) throw authFailed('Basic credentials have an empty client id or secret', SCHEME);
  return { clientId, secret };
}

function formDecode(value: string): string {
  try {
    // application/x-www-form-urlencoded: '+' is a space, then percent-decoding.
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw authFailed('Basic credentials are not correctly form-urlencoded', SCHEME);
  }
}

/** Authenticates a client by its Basic credentials. Every failure carries `scheme = 'Basic'`. */
export async function authenticateBasic(ctx: Ctx, credentials: BasicCredentials): Promise<AuthenticatedClient> {
  const client = await loadClient(ctx, credentials.clientId, SCHEME);
  requireRegisteredMethod(client, 'client_secret_basic', SCHEME);
  verifySecret(client, credentials.secret, SCHEME);
  return { client, method: 'client_secret_basic' };
}
