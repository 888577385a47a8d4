/**
 * The one closed schema for the Portcullis config file (see README "Configuration").
 * Every key is typed, defaulted and documented here; unknown keys are an error.
 */
import { GRANT_TYPES, RESPONSE_TYPES, TOKEN_ENDPOINT_AUTH_METHODS } from '../domain/client.ts';
import { SIGNING_ALGS } from '../keys/types.ts';
import { absoluteUri, ConfigError, httpUrl, s, type Schema } from './validate.ts';
import { slugProblem } from '../tenancy/slug.ts';

const uri = (doc: string) => s.string(doc, absoluteUri);
const url = (doc: string) => s.string(doc, httpUrl);
const opt = s.optional;

export const resourceSchema = s.object('A protected resource (RFC 8707 resource indicator).', {
  identifier: uri('The resource indicator: the `aud` of tokens issued for it.'),
  scopes: s.default(s.array(s.string('A scope this resource understands.')), []),
  accessTokenFormat: opt(s.oneOf('Token format for this resource; wins over features.accessTokenFormat.', ['jwt', 'opaque'])),
  accessTokenSigningAlg: s.default(s.oneOf('JWS algorithm for this resource\'s JWT access tokens.', SIGNING_ALGS), 'RS256'),
  accessTokenTtl: opt(s.integer('Access token lifetime in seconds for this resource.', 1, 86400 * 366)),
});

const tokenExchangeSchema = s.object('RFC 8693 token exchange policy for this client.', {
  allowed_audiences: opt(s.array(s.string('An audience or resource this client may exchange tokens for.'))),
  allowed_subject_token_types: opt(s.array(s.string('A subject_token_type this client may present.'))),
  allow_impersonation: opt(s.boolean('Whether the client may obtain tokens without an `act` claim.')),
  max_chain_depth: opt(s.integer('Maximum nesting of `act` claims.', 1, 10)),
  narrow_scopes_only: opt(s.boolean('Whether exchanged tokens may only carry a subset of the subject token\'s scopes (default true).')),
  allow_delegation: opt(s.boolean('Whether the client may obtain delegated tokens, carrying `act` (default true).')),
  allowed_requested_token_types: opt(s.array(s.string('A requested_token_type this client may ask for besides access tokens (refresh_token, id_token).'))),
});

const trustedIssuerFields = s.object('An external issuer whose JWTs are accepted as RFC 8693 subject or actor tokens.', {
  issuer: uri('The `iss` of its tokens, compared exactly.'),
  jwks_uri: opt(url('Where its public keys (JWKS) are fetched from.')),
  jwks: opt(s.json<import('jose').JSONWebKeySet>('Its public keys, inline, instead of jwks_uri.')),
  audiences: opt(s.array(s.string('An `aud` value its tokens must carry one of (default: this tenant\'s issuer or token endpoint).'))),
  algorithms: s.default(s.array(s.oneOf('A JWS algorithm accepted from it.', SIGNING_ALGS)), ['RS256', 'PS256', 'ES256', 'EdDSA']),
  subjects: s.default(s.oneOf('external: its `sub` is passed through as is; local: its `sub` must be a local user id.', ['external', 'local']), 'external'),
});

/** A trusted issuer needs exactly one source of keys. */
export const trustedIssuerSchema: Schema<Parsed<typeof trustedIssuerFields>> = {
  doc: trustedIssuerFields.doc,
  parse(value, path) {
    const issuer = trustedIssuerFields.parse(value, path);
    if (!issuer.jwks === !issuer.jwks_uri) throw new ConfigError(`${path}.jwks_uri`, 'exactly one of jwks and jwks_uri is required');
    return issuer;
  },
};

const str = (doc: string) => opt(s.string(doc));
const bool = (doc: string) => opt(s.boolean(doc));

export const clientSchema = s.object('A client, in RFC 7591 / OpenID Connect Registration metadata names.', {
  client_id: s.string('The client identifier.', (v) => (v.length > 0 && v.length <= 255 ? undefined : 'must be 1 to 255 characters')),
  client_secret: str('Shared secret for client_secret_basic/post/jwt. Stored hashed (encrypted for client_secret_jwt).'),
  client_name: str('Name shown to users on consent pages.'),
  client_uri: opt(url('Home page of the client.')),
  logo_uri: opt(url('Logo shown on the login and consent pages.')),
  policy_uri: opt(url('Privacy policy.')),
  tos_uri: opt(url('Terms of service.')),
  contacts: opt(s.array(s.string('A contact e-mail.'))),
  redirect_uris: s.default(s.array(s.string('A redirection URI, matched exactly (RFC 9700 §4.1.3).', absoluteUri)), []),
  post_logout_redirect_uris: opt(s.array(s.string('Where the end-session endpoint may send the browser back to.', absoluteUri))),
  grant_types: s.default(s.array(s.oneOf('A grant type the client may use.', GRANT_TYPES)), ['authorization_code']),
  response_types: s.default(s.array(s.oneOf('A response type the client may use.', RESPONSE_TYPES)), ['code']),
  token_endpoint_auth_method: opt(s.oneOf('How the client authenticates (default client_secret_basic, or none without a secret).', TOKEN_ENDPOINT_AUTH_METHODS)),
  token_endpoint_auth_signing_alg: str('JWS alg the client signs its assertions with.'),
  scope: s.default(s.string('Space-separated scopes the client may request.'), 'openid'),
  application_type: opt(s.oneOf('web or native (RFC 8252 loopback redirects).', ['web', 'native'])),
  jwks: opt(s.json<import('jose').JSONWebKeySet>('The client\'s public keys (JWKS), for private_key_jwt and request objects.')),
  jwks_uri: opt(url('Where to fetch the client\'s public keys.')),
  sector_identifier_uri: opt(url('Sector identifier for pairwise subjects.')),
  subject_type: opt(s.oneOf('public or pairwise subject identifiers.', ['public', 'pairwise'])),
  id_token_signed_response_alg: opt(s.oneOf('JWS alg of ID tokens for this client.', SIGNING_ALGS)),
  userinfo_signed_response_alg: opt(s.oneOf('JWS alg of signed UserInfo responses.', SIGNING_ALGS)),
  request_object_signing_alg: str('JWS alg the client signs request objects with.'),
  request_uris: opt(s.array(s.string('A pre-registered request_uri (JAR by reference).', absoluteUri))),
  authorization_signed_response_alg: opt(s.oneOf('JWS alg of JARM responses.', SIGNING_ALGS)),
  introspection_signed_response_alg: opt(s.oneOf('JWS alg of JWT introspection responses.', SIGNING_ALGS)),
  default_max_age: opt(s.integer('Default max_age for authorization requests.')),
  require_auth_time: bool('Always include auth_time in ID tokens.'),
  default_acr_values: opt(s.array(s.string('A default ACR value.'))),
  initiate_login_uri: opt(url('Third-party initiated login URI.')),
  frontchannel_logout_uri: opt(url('Front-channel logout URI.')),
  frontchannel_logout_session_required: bool('Send iss and sid to the front-channel logout URI.'),
  backchannel_logout_uri: opt(url('Back-channel logout URI.')),
  backchannel_logout_session_required: bool('Require sid in logout tokens.'),
  require_pushed_authorization_requests: bool('Only accept authorization requests pushed through PAR.'),
  dpop_bound_access_tokens: bool('Always require DPoP-bound access tokens.'),
  backchannel_token_delivery_mode: opt(s.oneOf('CIBA token delivery mode.', ['poll', 'ping', 'push'])),
  backchannel_client_notification_endpoint: opt(url('CIBA ping/push notification endpoint.')),
  backchannel_authentication_request_signing_alg: str('JWS alg of signed CIBA requests.'),
  backchannel_user_code_parameter: bool('CIBA requests carry a user_code.'),
  software_id: str('Software identifier.'),
  software_version: str('Software version.'),
  skip_consent: bool('First-party client: never show the consent page.'),
  require_pkce: bool('Require PKCE even though the client is confidential.'),
  token_exchange: opt(tokenExchangeSchema),
  profile: opt(s.oneOf('Security profile to enforce.', ['fapi2'])),
});

const addressSchema = s.object('Postal address (OIDC Core §5.1.1).', {
  formatted: str('Full address.'),
  street_address: str('Street.'),
  locality: str('City.'),
  region: str('Region.'),
  postal_code: str('Postal code.'),
  country: str('Country.'),
});

export const userSchema = s.object('A user who can sign in.', {
  username: s.string('Login name (case-insensitive).', (v) => (v.length > 0 && v.length <= 255 ? undefined : 'must be 1 to 255 characters')),
  password: str('Password; hashed with argon2id at start.'),
  sub: str('Subject identifier; generated and stable when absent.'),
  disabled: bool('Disabled users cannot sign in.'),
  name: str('Full name.'),
  given_name: str('Given name.'),
  family_name: str('Family name.'),
  middle_name: str('Middle name.'),
  nickname: str('Nickname.'),
  preferred_username: str('Preferred username.'),
  profile: str('Profile page URL.'),
  picture: str('Picture URL.'),
  website: str('Web site.'),
  email: str('E-mail address.'),
  email_verified: bool('Whether the e-mail was verified.'),
  gender: str('Gender.'),
  birthdate: str('Birth date (YYYY-MM-DD).'),
  zoneinfo: str('Time zone.'),
  locale: str('Locale (BCP47).'),
  phone_number: str('Phone number.'),
  phone_number_verified: bool('Whether the phone number was verified.'),
  address: opt(addressSchema),
});

const tenantSchema = s.object('A tenant with its own issuer at <issuer>/t/<slug>.', {
  slug: s.string('URL slug: lowercase letters, digits and dashes.', slugProblem),
  name: str('Display name.'),
  clients: s.default(s.array(clientSchema), []),
  users: s.default(s.array(userSchema), []),
  resources: s.default(s.array(resourceSchema), []),
  trustedIssuers: s.default(s.array(trustedIssuerSchema), []),
  profile: opt(s.oneOf('Security profile for every client of this tenant (`fapi2`: FAPI 2.0).', ['fapi2'])),
});

export const configSchema = s.object('Portcullis configuration.', {
  issuer: s.default(url('Issuer identifier of the default tenant; all URLs are built from it, never from the Host header.'), 'http://localhost:8080'),
  port: s.default(s.integer('TCP port to listen on.', 0, 65535), 8080),
  host: s.default(s.string('Address to bind.'), '0.0.0.0'),
  database: s.default(s.string('sqlite:<path> or postgres://… URL.', (v) => (/^(sqlite:|postgres(ql)?:\/\/)/.test(v) ? undefined : 'must start with sqlite: or postgres://')), 'sqlite:./data/portcullis.db'),
  redis: opt(s.string('redis:// URL for replay caches and rate limits across instances.', (v) => (/^rediss?:\/\//.test(v) ? undefined : 'must start with redis://'))),
  redisKeyPrefix: s.default(s.string('Prefix of every Redis key Portcullis writes; deployments sharing one Redis need different prefixes.', (v) => (v.length > 0 && v.length <= 100 ? undefined : 'must be 1 to 100 characters')), 'portcullis:'),
  trustProxy: s.default(
    s.array(s.string('An address or CIDR range (e.g. `10.0.0.0/8`) of a reverse proxy whose X-Forwarded-For is believed.')),
    [],
  ),
  dataDir: s.default(s.string('Directory for generated files (the key-encryption key when PORTCULLIS_SECRET is unset).'), './data'),
  logLevel: s.default(s.oneOf('Log level.', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
  features: s.section(
    s.object('Feature switches.', {
      passwordGrant: s.default(s.boolean('Enable the resource-owner password grant (RFC 6749 §4.3).'), false),
      accessTokenFormat: s.default(s.oneOf('Default access token format.', ['jwt', 'opaque']), 'jwt'),
      dynamicRegistration: s.default(s.oneOf('Dynamic client registration mode.', ['off', 'open', 'initial-access-token']), 'off'),
      dpopNonce: s.default(s.boolean('Require server-provided DPoP nonces.'), false),
      publicIntrospection: s.default(s.boolean('Allow introspection without client authentication (not recommended).'), false),
      pkce: s.default(s.oneOf('PKCE policy: required for every client, or only for public clients.', ['required', 'public-clients']), 'public-clients'),
      refreshTokenRotation: s.default(s.oneOf('Refresh token policy: rotate on every use, or keep the same token.', ['rotate', 'reuse']), 'rotate'),
      requestObjectEncryption: s.default(s.boolean('Accept encrypted (JWE) request objects; publishes an X25519 ECDH-ES key in the JWKS.'), false),
      requirePushedAuthorizationRequests: s.default(s.boolean('Accept authorization requests only through PAR (RFC 9126 §5).'), false),
      refreshTokenReuseGrace: s.default(s.integer('Seconds during which a just-rotated refresh token may be retried (0 = off).', 0, 300), 0),
    }),
  ),
  lifetimes: s.section(
    s.object('Lifetimes in seconds.', {
      code: s.default(s.integer('Authorization code.', 1, 600), 60),
      accessToken: s.default(s.integer('Access token.', 1, 86400 * 366), 3600),
      idToken: s.default(s.integer('ID token.', 1, 86400 * 366), 3600),
      refreshToken: s.default(s.integer('Refresh token.', 1, 86400 * 3660), 1209600),
      session: s.default(s.integer('Browser sign-in session.', 60, 86400 * 366), 86400),
      parRequestUri: s.default(s.integer('PAR request_uri.', 1, 600), 60),
      deviceCode: s.default(s.integer('Device code.', 1, 3600), 600),
      cibaRequest: s.default(s.integer('CIBA request.', 1, 3600), 300),
      retiredKey: s.default(s.integer('How long a rotated-out signing key stays published.', 0, 86400 * 366), 86400 * 2),
      readCache: s.default(s.integer('How long a process may answer from memory for a client or user it read before (0 = always read the database); changes made through another process take at most this long to apply.', 0, 300), 2),
    }),
  ),
  registration: s.section(
    s.object('Dynamic registration.', {
      initialAccessTokens: s.default(s.array(s.string('An RFC 7591 §3 initial access token.', (v) => (v.length >= 16 ? undefined : 'must be at least 16 characters'))), []),
      softwareStatementIssuers: s.default(
        s.array(
          s.object('An issuer whose RFC 7591 §2.3 software statements are trusted.', {
            issuer: s.string('The `iss` of its software statements.'),
            jwks: opt(s.json<import('jose').JSONWebKeySet>('Its public keys (JWKS).')),
            jwks_uri: opt(url('Where to fetch its public keys.')),
          }),
        ),
        [],
      ),
      requireSoftwareStatement: s.default(s.boolean('Refuse registrations without a software statement from a trusted issuer.'), false),
    }),
  ),
  ciba: s.section(
    s.object('CIBA.', {
      notificationWebhook: opt(url('Where new CIBA requests are announced (JSON POST).')),
    }),
  ),
  outbox: s.section(
    s.object('Delivery of back-channel logout tokens and other server-to-client notifications (the outbox dispatcher).', {
      maxAttempts: s.default(s.integer('Attempts per delivery before it is marked failed.', 1, 100), 15),
      retryBaseMs: s.default(s.integer('Delay before the first retry, in milliseconds; doubles per attempt, with jitter.', 10, 3600000), 5000),
      retryMaxMs: s.default(s.integer('Longest delay between retries, in milliseconds.', 10, 86400000), 3600000),
      breakerThreshold: s.default(s.integer('Consecutive failures of one client after which its deliveries pause.', 1, 1000), 5),
      breakerCooldownMs: s.default(s.integer('First pause of an open breaker, in milliseconds; doubles while probes fail.', 10, 3600000), 30000),
      pollIntervalMs: s.default(s.integer('How often the dispatcher looks for due deliveries, in milliseconds.', 10, 60000), 1000),
      timeoutMs: s.default(s.integer('HTTP timeout of one delivery attempt, in milliseconds.', 100, 120000), 10000),
    }),
  ),
  operations: s.section(
    s.object('Running Portcullis as a service: metrics, periodic cleanup, scheduled key rotation.', {
      metrics: s.default(s.boolean('Serve Prometheus metrics at /metrics.'), true),
      cleanupIntervalMs: s.default(s.integer('How often expired rows are purged, in milliseconds (0 = never; one instance at a time).', 0, 86400000), 60000),
      cleanupBatch: s.default(s.integer('Rows deleted per table and statement by one cleanup round.', 1, 100000), 500),
      keyRotationInterval: s.default(s.integer('Rotate every signing key after this many seconds (0 = only on demand).', 0, 86400 * 3660), 0),
      keyPublishAhead: s.default(s.integer('Seconds a scheduled key is published in the JWKS before it signs, so relying parties (and every instance\'s key cache) have it.', 10, 86400 * 30), 3600),
      helperThreadNice: s.default(
        s.integer('Linux: the nice value of every thread but the event loop (signatures, password hashing, garbage collection, SQLite checkpoints), so that work never takes a core from the thread answering requests (0 = the same priority).', 0, 19),
        19,
      ),
    }),
  ),
  profile: opt(s.oneOf('Security profile for every client of the default tenant (`fapi2`: FAPI 2.0).', ['fapi2'])),
  resources: s.default(s.array(resourceSchema), []),
  clients: s.default(s.array(clientSchema), []),
  users: s.default(s.array(userSchema), []),
  tenants: s.default(s.array(tenantSchema), []),
  trustedIssuers: s.default(s.array(trustedIssuerSchema), []),
});

type Parsed<T> = T extends Schema<infer U> ? U : never;
export type Config = Parsed<typeof configSchema>;
export type ClientConfig = Parsed<typeof clientSchema>;
export type UserConfig = Parsed<typeof userSchema>;
export type ResourceConfig = Parsed<typeof resourceSchema>;
export type TenantConfig = Parsed<typeof tenantSchema>;
export type TrustedIssuerConfig = Parsed<typeof trustedIssuerSchema>;
