/**
 * Turns an RFC 7591 registration request body into validated client metadata: unknown members
 * are ignored (RFC 7591 §2), server-assigned and operator-only members are dropped, and the
 * shared rules of domain/client-validation.ts decide the rest with the registration policy.
 */
import { clientSchema, type ClientConfig } from '../../config/schema.ts';
import { ConfigError } from '../../config/validate.ts';
import type { ClientMetadata } from '../../domain/client.ts';
import { validateClientMetadata } from '../../domain/client-validation.ts';
import { InvalidClientMetadata, InvalidRedirectUri } from '../../errors/oauth-error.ts';
import { isAdminScope } from '../../admin/scopes.ts';
import { isLoopbackHost } from '../../domain/redirect-uri.ts';

/** Members a client may not choose for itself: they are assigned, or they are the operator's to grant. */
const NOT_REGISTRABLE = new Set([
  'client_id',
  'client_secret',
  'client_id_issued_at',
  'client_secret_expires_at',
  'registration_access_token',
  'registration_client_uri',
  // Portcullis extensions that widen what a client may do are granted through the admin API only.
  'skip_consent',
  'token_exchange',
]);

const KNOWN = new Set(Object.keys(clientSchema.shape));

const DEFAULT_SCOPES = ['openid', 'profile', 'email', 'address', 'phone'];

/** Keeps the members Portcullis understands and a client may set. */
function registrable(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    // RFC 7591 §2: unrecognised metadata is ignored; null means absent.
    if (!KNOWN.has(key) || NOT_REGISTRABLE.has(key) || value === null) continue;
    out[key] = value;
  }
  return out;
}

function fromConfigError(err: ConfigError): Error {
  const message = `${err.path}: ${err.reason}`;
  // RFC 7591 §3.2.2: problems with redirect URIs have their own error code.
  if (/^(redirect_uris|post_logout_redirect_uris)\b/.test(err.path)) return new InvalidRedirectUri(message);
  return new InvalidClientMetadata(message);
}

/** URLs Portcullis itself fetches or posts to on the client's behalf. */
const SERVER_CONTACTED = ['jwks_uri', 'sector_identifier_uri', 'backchannel_logout_uri', 'backchannel_client_notification_endpoint'] as const;

/**
 * URLs the server contacts must use https, so that a self-registered client cannot point the
 * server at plain-http services on its network. A development issuer on a loopback http
 * address may use loopback http URLs.
 */
function checkServerContactedUris(metadata: ClientMetadata, issuer: string): void {
  const devIssuer = new URL(issuer).protocol === 'http:' && isLoopbackHost(new URL(issuer).hostname);
  const uris: Array<[string, string]> = [];
  for (const field of SERVER_CONTACTED) {
    const value = metadata[field];
    if (value) uris.push([field, value]);
  }
  (metadata.request_uris ?? []).forEach((u, i) => uris.push([`request_uris[${i}]`, u]));
  for (const [field, value] of uris) {
    const url = new URL(value);
    if (url.protocol === 'https:') continue;
    if (devIssuer && url.protocol === 'http:' && isLoopbackHost(url.hostname)) continue;
    // OIDC Registration §2 (jwks_uri, sector_identifier_uri, request_uris), Back-Channel Logout §2.2: https.
    throw new InvalidClientMetadata(`${field}: must use https`);
  }
}

/**
 * Validates `body` (already merged with any software statement) for client `clientId` at a
 * server whose issuer is `issuer`. Throws InvalidRedirectUri / InvalidClientMetadata.
 */
export function registrationMetadata(body: unknown, clientId: string, issuer: string): ClientMetadata {
  // RFC 7591 §3.1: the metadata is a JSON object (a form body parses to something else).
  if (body === null || typeof body !== 'object' || Object.getPrototypeOf(body) !== Object.prototype) {
    throw new InvalidClientMetadata('the request body must be a JSON object');
  }
  const raw = registrable(body as Record<string, unknown>);
  // RFC 7591 §2: the default auth method is client_secret_basic.
  raw['token_endpoint_auth_method'] ??= 'client_secret_basic';
  // RFC 7591 §2: grant_types defaults to authorization_code; response_types to code only when a redirect grant is used.
  const grants = Array.isArray(raw['grant_types']) ? (raw['grant_types'] as unknown[]) : ['authorization_code'];
  if (raw['response_types'] === undefined && !grants.includes('authorization_code') && !grants.includes('implicit')) raw['response_types'] = [];
  // RFC 7591 §2: without a scope, a default set is registered: the OpenID Connect identity
  // scopes (each still subject to the user's consent), and offline_access for refresh tokens.
  if (raw['scope'] === undefined) raw['scope'] = [...DEFAULT_SCOPES, ...(grants.includes('refresh_token') ? ['offline_access'] : [])].join(' ');
  if (typeof raw['scope'] === 'string' && raw['scope'].split(' ').some(isAdminScope)) {
    throw new InvalidClientMetadata('scope: administration scopes cannot be registered');
  }
  let input: ClientConfig;
  try {
    input = clientSchema.parse({ ...raw, client_id: clientId }, '');
  } catch (err) {
    if (err instanceof ConfigError) throw fromConfigError(err);
    throw err;
  }
  const metadata = validateClientMetadata(input, { source: 'registration' });
  checkServerContactedUris(metadata, issuer);
  checkFrontChannelLogoutUri(metadata);
  return metadata;
}

/**
 * Front-Channel Logout 1.0 §2: the frontchannel_logout_uri's scheme, host and port must be those
 * of a registered redirect URI, so a self-registered client cannot make the logout page load
 * an unrelated site (any port for a loopback IP redirect, RFC 8252 §7.3).
 */
function checkFrontChannelLogoutUri(metadata: ClientMetadata): void {
  const uri = metadata.frontchannel_logout_uri;
  if (!uri) return;
  const target = new URL(uri);
  const sameSite = metadata.redirect_uris.some((r) => {
    const redirect = URL.canParse(r) ? new URL(r) : undefined;
    if (!redirect || redirect.protocol !== target.protocol || redirect.hostname !== target.hostname) return false;
    return redirect.port === target.port || (redirect.protocol === 'http:' && (redirect.hostname === '127.0.0.1' || redirect.hostname === '[::1]'));
  });
  if (!sameSite) throw new InvalidClientMetadata('frontchannel_logout_uri: must have the scheme, host and port of a redirect URI');
}

/** Whether the method authenticates with a shared secret the server must issue. */
export function usesSecret(metadata: ClientMetadata): boolean {
  return ['client_secret_basic', 'client_secret_post', 'client_secret_jwt'].includes(metadata.token_endpoint_auth_method);
}
