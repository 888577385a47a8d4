/**
 * Client metadata as registered (RFC 7591 §2, OpenID Connect Dynamic Client Registration §2),
 * kept in wire names, plus Portcullis extensions (`skip_consent`, `token_exchange`, `profile`).
 */
import type { JSONWebKeySet } from 'jose';

export type TokenEndpointAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'client_secret_jwt'
  | 'private_key_jwt'
  | 'none';

export const TOKEN_ENDPOINT_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'none',
];

export const GRANT_TYPES = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'password',
  'implicit',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:openid:params:grant-type:ciba',
  'urn:ietf:params:oauth:grant-type:token-exchange',
] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

export const RESPONSE_TYPES = [
  'code',
  'id_token',
  'id_token token',
  'code id_token',
  'code token',
  'code id_token token',
  'none',
] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];

export interface TokenExchangePolicy {
  allowed_audiences?: string[];
  allowed_subject_token_types?: string[];
  allow_impersonation?: boolean;
  max_chain_depth?: number;
  narrow_scopes_only?: boolean;
  allow_delegation?: boolean;
  allowed_requested_token_types?: string[];
}

export interface ClientMetadata {
  client_id: string;
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  policy_uri?: string;
  tos_uri?: string;
  contacts?: string[];
  redirect_uris: string[];
  post_logout_redirect_uris?: string[];
  grant_types: GrantType[];
  response_types: ResponseType[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  token_endpoint_auth_signing_alg?: string;
  scope: string;
  application_type?: 'web' | 'native';
  jwks?: JSONWebKeySet;
  jwks_uri?: string;
  sector_identifier_uri?: string;
  subject_type?: 'public' | 'pairwise';
  id_token_signed_response_alg?: string;
  userinfo_signed_response_alg?: string;
  request_object_signing_alg?: string;
  request_uris?: string[];
  authorization_signed_response_alg?: string;
  introspection_signed_response_alg?: string;
  default_max_age?: number;
  require_auth_time?: boolean;
  default_acr_values?: string[];
  initiate_login_uri?: string;
  frontchannel_logout_uri?: string;
  frontchannel_logout_session_required?: boolean;
  backchannel_logout_uri?: string;
  backchannel_logout_session_required?: boolean;
  require_pushed_authorization_requests?: boolean;
  dpop_bound_access_tokens?: boolean;
  backchannel_token_delivery_mode?: 'poll' | 'ping' | 'push';
  backchannel_client_notification_endpoint?: string;
  backchannel_authentication_request_signing_alg?: string;
  backchannel_user_code_parameter?: boolean;
  software_id?: string;
  software_version?: string;
  /** Portcullis: first-party client, no consent screen. */
  skip_consent?: boolean;
  /** Portcullis: require PKCE even for confidential clients (it is always required for public ones). */
  require_pkce?: boolean;
  /** Portcullis: RFC 8693 policy. */
  token_exchange?: TokenExchangePolicy;
  /** Portcullis: `fapi2` applies the FAPI 2.0 Security Profile rules. */
  profile?: 'fapi2';
}

/** Public clients (RFC 6749 §2.1) authenticate with `none`. */
export function isPublicClient(metadata: ClientMetadata): boolean {
  return metadata.token_endpoint_auth_method === 'none';
}
