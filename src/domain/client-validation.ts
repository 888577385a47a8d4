/**
 * Client metadata rules shared by config provisioning and dynamic registration
 * (RFC 7591 §2, OpenID Connect Dynamic Client Registration §2). Throws InvalidRedirectUri /
 * InvalidClientMetadata naming the field; callers add their own context (config path, HTTP 400).
 */
import { InvalidClientMetadata, InvalidRedirectUri } from '../errors/oauth-error.ts';
import type { ClientConfig } from '../config/schema.ts';
import type { ClientMetadata, GrantType, ResponseType, TokenEndpointAuthMethod } from './client.ts';
import { isLoopbackHost } from './redirect-uri.ts';

export interface ValidationOptions {
  /**
   * `registration` enforces https for web redirect URIs (except loopback); `config` trusts the
   * operator's choice of scheme, still refusing fragments and relative URIs.
   */
  source: 'config' | 'registration';
}

function checkRedirectUri(value: string, field: string, applicationType: string, options: ValidationOptions): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidRedirectUri(`${field}: ${value} is not an absolute URI`);
  }
  // RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment component.
  if (url.hash || value.includes('#')) throw new InvalidRedirectUri(`${field}: ${value} must not contain a fragment`);
  if (options.source !== 'registration') return;
  if (url.protocol === 'https:') return;
  // RFC 8252 §7.3 loopback, §7.1 private-use schemes for native apps.
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return;
  if (applicationType === 'native' && url.protocol !== 'http:') return;
  throw new InvalidRedirectUri(`${field}: ${value} must use https (http is allowed for loopback only)`);
}

/** The response types that need each grant (OIDC Registration §2, `grant_types` description). */
function requiredGrants(responseType: ResponseType): GrantType[] {
  if (responseType === 'none') return [];
  const grants: GrantType[] = [];
  if (responseType.split(' ').includes('code')) grants.push('authorization_code');
  if (responseType !== 'code') grants.push('implicit');
  return grants;
}

/**
 * Checks only dynamic registration applies (config entries are the operator's own): every grant
 * that uses redirects has a matching response type, and web clients using the implicit grant
 * redirect to https hosts other than localhost.
 */
function checkRegistrationConsistency(input: ClientConfig, grantTypes: GrantType[], responseTypes: ResponseType[], applicationType: string): void {
  // RFC 7591 §2.1: every registered response type needs its grant, even without redirect-based grants.
  for (const rt of new Set(input.response_types)) {
    const missing = requiredGrants(rt).filter((g) => !grantTypes.includes(g));
    if (missing.length > 0) throw new InvalidClientMetadata(`response_types: ${rt} requires grant_types ${missing.join(', ')}`);
  }
  // RFC 7591 §2.1: authorization_code pairs with a response type containing "code".
  if (grantTypes.includes('authorization_code') && !responseTypes.some((rt) => rt.split(' ').includes('code'))) {
    throw new InvalidClientMetadata('grant_types: authorization_code requires a response type containing code');
  }
  // RFC 7591 §2.1: implicit pairs with a response type other than plain code.
  if (grantTypes.includes('implicit') && !responseTypes.some((rt) => rt !== 'code' && rt !== 'none')) {
    throw new InvalidClientMetadata('grant_types: implicit requires a response type containing id_token or token');
  }
  // OIDC Dynamic Client Registration §2 (application_type): web clients using implicit use https, not localhost.
  if (applicationType === 'web' && grantTypes.includes('implicit')) {
    for (const [i, uri] of input.redirect_uris.entries()) {
      const url = new URL(uri);
      if (url.protocol !== 'https:' || url.hostname === 'localhost') {
        throw new InvalidRedirectUri(`redirect_uris[${i}]: web clients using the implicit grant must use https and not localhost`);
      }
    }
  }
}

function defaultAuthMethod(input: ClientConfig): TokenEndpointAuthMethod {
  if (input.client_secret) return 'client_secret_basic';
  if (input.jwks || input.jwks_uri) return 'private_key_jwt';
  return 'none';
}

/** Validates and normalises client metadata (defaults applied). The secret is not part of the output. */
export function validateClientMetadata(input: ClientConfig, options: ValidationOptions): ClientMetadata {
  const applicationType = input.application_type ?? 'web';
  const grantTypes = [...new Set(input.grant_types)];
  const usesRedirects = grantTypes.includes('authorization_code') || grantTypes.includes('implicit');
  const effectiveResponseTypes: ResponseType[] = usesRedirects ? [...new Set<ResponseType>(input.response_types)] : [];

  input.redirect_uris.forEach((uri, i) => checkRedirectUri(uri, `redirect_uris[${i}]`, applicationType, options));
  (input.post_logout_redirect_uris ?? []).forEach((uri, i) =>
    checkRedirectUri(uri, `post_logout_redirect_uris[${i}]`, applicationType, options),
  );
  if (usesRedirects && input.redirect_uris.length === 0) {
    throw new InvalidRedirectUri('redirect_uris: required for the authorization_code and implicit grants');
  }
  for (const rt of effectiveResponseTypes) {
    const missing = requiredGrants(rt).filter((g) => !grantTypes.includes(g));
    if (missing.length > 0) throw new InvalidClientMetadata(`response_types: ${rt} requires grant_types ${missing.join(', ')}`);
  }

  if (options.source === 'registration') checkRegistrationConsistency(input, grantTypes, effectiveResponseTypes, applicationType);
  const method = input.token_endpoint_auth_method ?? defaultAuthMethod(input);
  const secretMethods: TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt'];
  if (secretMethods.includes(method) && !input.client_secret && options.source === 'config') {
    throw new InvalidClientMetadata(`client_secret: required for token_endpoint_auth_method ${method}`);
  }
  if (input.jwks && input.jwks_uri) throw new InvalidClientMetadata('jwks: jwks and jwks_uri must not both be present');
  if (method === 'private_key_jwt' && !input.jwks && !input.jwks_uri) {
    throw new InvalidClientMetadata('jwks: private_key_jwt requires jwks or jwks_uri');
  }
  if (input.jwks && !Array.isArray((input.jwks as { keys?: unknown }).keys)) {
    throw new InvalidClientMetadata('jwks: must be a JWK Set with a keys array');
  }
  // RFC 6749 §4.4: the client credentials grant MUST only be used by confidential clients.
  if (method === 'none' && grantTypes.includes('client_credentials')) {
    throw new InvalidClientMetadata('grant_types: client_credentials requires a confidential client');
  }
  if (input.subject_type === 'pairwise' && !input.sector_identifier_uri) {
    const hosts = new Set(input.redirect_uris.map((u) => new URL(u).host));
    if (hosts.size > 1) throw new InvalidClientMetadata('sector_identifier_uri: required for pairwise clients with redirect URIs on several hosts');
  }

  const { client_secret: _secret, ...rest } = input;
  return {
    ...rest,
    grant_types: grantTypes,
    response_types: effectiveResponseTypes,
    token_endpoint_auth_method: method,
  } as ClientMetadata;
}
