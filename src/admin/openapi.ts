/**
 * The OpenAPI 3.1 document of the admin API, served at /admin/api/v1/openapi.json. Built from
 * small helpers so every operation states its parameters, body, responses and security alike.
 */
import { TOKEN_ENDPOINT_AUTH_METHODS } from '../domain/client.ts';
import { SLUG } from '../tenancy/slug.ts';
import { ADMIN_SCOPE } from './scopes.ts';

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, description = 'OK'): Json => ({ description, content: { 'application/json': { schema } } });
const list = (item: string): Json => ({
  type: 'object',
  required: ['items', 'next_cursor'],
  properties: { items: { type: 'array', items: ref(item) }, next_cursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page; null on the last page.' } },
});
const path = (name: string, description: string): Json => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const query = (name: string, description: string, schema: Json = { type: 'string' }): Json => ({ name, in: 'query', required: false, description, schema });
const tenant = path('tenant', 'Tenant id (`default` for the default tenant) or slug.');
const paging = [query('limit', 'Page size, 1 to 500 (default 50).', { type: 'integer', minimum: 1, maximum: 500 }), query('cursor', 'The `next_cursor` of the previous page.')];
const errors: Json = {
  '400': { $ref: '#/components/responses/BadRequest' },
  '401': { $ref: '#/components/responses/Unauthorized' },
  '403': { $ref: '#/components/responses/Forbidden' },
  '404': { $ref: '#/components/responses/NotFound' },
};

function op(summary: string, responses: Json, extra: Json = {}): Json {
  return { summary, responses: { ...responses, ...errors }, ...extra };
}
const body = (schema: Json, required = true): Json => ({ requestBody: { required, content: { 'application/json': { schema } } } });
const noContent = { '204': { description: 'Done' } };

const schemas: Json = {
  Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' }, error_description: { type: 'string' } } },
  Tenant: {
    type: 'object',
    properties: { id: { type: 'string' }, slug: { type: 'string', description: 'Empty for the default tenant.' }, name: { type: 'string' }, issuer: { type: 'string', format: 'uri' }, created_at: { type: 'integer' } },
  },
  TenantInput: { type: 'object', required: ['slug'], properties: { slug: { type: 'string', pattern: SLUG.source }, name: { type: 'string' } } },
  ClientMetadata: {
    type: 'object',
    description: 'RFC 7591 / OpenID Connect Dynamic Client Registration metadata, plus `skip_consent`, `require_pkce`, `token_exchange` and `profile`. On create, `client_id` and `client_secret` are generated when absent.',
    additionalProperties: true,
    properties: {
      client_id: { type: 'string' },
      client_secret: { type: 'string', writeOnly: true },
      client_name: { type: 'string' },
      redirect_uris: { type: 'array', items: { type: 'string', format: 'uri' } },
      post_logout_redirect_uris: { type: 'array', items: { type: 'string', format: 'uri' } },
      grant_types: { type: 'array', items: { type: 'string' } },
      response_types: { type: 'array', items: { type: 'string' } },
      token_endpoint_auth_method: { type: 'string', enum: [...TOKEN_ENDPOINT_AUTH_METHODS] },
      scope: { type: 'string' },
      jwks: { type: 'object' },
      jwks_uri: { type: 'string', format: 'uri' },
      skip_consent: { type: 'boolean' },
    },
  },
  Client: {
    allOf: [
      ref('ClientMetadata'),
      {
        type: 'object',
        properties: {
          source: { type: 'string', enum: ['config', 'admin', 'registration'] },
          has_secret: { type: 'boolean' },
          created_at: { type: 'integer' },
          updated_at: { type: 'integer' },
          client_secret: { type: 'string', description: 'Only in the response that creates or rotates it.' },
        },
      },
    ],
  },
  UserInput: {
    type: 'object',
    required: ['username'],
    additionalProperties: true,
    description: 'username, optional password, sub, disabled, admin (administers this tenant), and OpenID Connect standard claims (name, email, …).',
    properties: { username: { type: 'string' }, password: { type: 'string', writeOnly: true }, sub: { type: 'string' }, disabled: { type: 'boolean' }, admin: { type: 'boolean' } },
  },
  User: {
    type: 'object',
    properties: {
      sub: { type: 'string' },
      username: { type: 'string' },
      disabled: { type: 'boolean' },
      has_password: { type: 'boolean' },
      admin: { type: 'boolean' },
      claims: { type: 'object' },
      created_at: { type: 'integer' },
      updated_at: { type: 'integer' },
      password: { type: 'string', description: 'Only when a password was just generated.' },
    },
  },
  SigningKey: { type: 'object', properties: { kid: { type: 'string' }, alg: { type: 'string' }, status: { type: 'string', enum: ['active', 'retired'] }, created_at: { type: 'integer' }, expires_at: { type: ['integer', 'null'] }, public_jwk: { type: 'object' } } },
  Consent: { type: 'object', properties: { sub: { type: 'string' }, client_id: { type: 'string' }, scope: { type: 'string' }, created_at: { type: 'integer' }, updated_at: { type: 'integer' } } },
  Session: { type: 'object', properties: { sid: { type: 'string' }, sub: { type: 'string' }, auth_time: { type: 'integer' }, acr: { type: ['string', 'null'] }, amr: { type: 'array', items: { type: 'string' } }, created_at: { type: 'integer' }, expires_at: { type: 'integer' } } },
  InitialAccessToken: {
    type: 'object',
    properties: { id: { type: 'string' }, label: { type: 'string' }, created_at: { type: 'integer' }, expires_at: { type: ['integer', 'null'] }, revoked_at: { type: ['integer', 'null'] }, token: { type: 'string', description: 'Only in the response that creates it.' } },
  },
  Delivery: {
    type: 'object',
    properties: {
      id: { type: 'string' }, client_id: { type: 'string' }, kind: { type: 'string', description: 'backchannel_logout, ciba_ping, ciba_push, …' }, target_url: { type: 'string' },
      status: { type: 'string', enum: ['pending', 'delivered', 'failed'] }, attempts: { type: 'integer' }, max_attempts: { type: 'integer' }, created_at: { type: 'integer' },
      last_attempt_at_ms: { type: ['integer', 'null'] }, last_status: { type: ['integer', 'null'] }, last_error: { type: ['string', 'null'] }, delivered_at_ms: { type: ['integer', 'null'] },
    },
  },
  Resource: { type: 'object', properties: { identifier: { type: 'string' }, scopes: { type: 'array', items: { type: 'string' } }, accessTokenFormat: { type: 'string' }, accessTokenSigningAlg: { type: 'string' }, accessTokenTtl: { type: 'integer' } } },
  AuditEntry: {
    type: 'object',
    properties: { id: { type: 'string' }, tenant_id: { type: 'string' }, at: { type: 'integer' }, actor: { type: 'string' }, action: { type: 'string' }, target_type: { type: 'string' }, target_id: { type: 'string' }, detail: { type: 'object' } },
  },
};

const auditFilters = [
  ...paging,
  query('action', 'e.g. client.create, user.password_reset, registration.update'),
  query('actor', 'e.g. admin-client:portcullis-admin, admin-user:<sub>, registration:<client_id>'),
  query('target_type', 'tenant, client, user, keys, consent, session, initial_access_token, delivery'),
  query('target_id', 'Id of the changed object.'),
  query('since', 'Epoch seconds, inclusive.', { type: 'integer' }),
  query('until', 'Epoch seconds, exclusive.', { type: 'integer' }),
];

function paths(): Json {
  const t = '/tenants/{tenant}';
  return {
    '/tenants': {
      get: op('List tenants', { '200': json(list('Tenant')) }, { parameters: [...paging, query('prefix', 'Slug prefix.')] }),
      post: op('Create a tenant (global administrators)', { '201': json(ref('Tenant'), 'Created'), '409': { $ref: '#/components/responses/Conflict' } }, body(ref('TenantInput'))),
    },
    [t]: {
      parameters: [tenant],
      get: op('Get a tenant', { '200': json(ref('Tenant')) }),
      patch: op('Rename a tenant', { '200': json(ref('Tenant')) }, body({ type: 'object', properties: { name: { type: 'string' } } })),
      delete: op('Delete a tenant and everything it owns', noContent),
    },
    [`${t}/clients`]: {
      parameters: [tenant],
      get: op('List clients', { '200': json(list('Client')) }, { parameters: [...paging, query('prefix', 'client_id prefix.'), query('source', 'config, admin or registration.')] }),
      post: op('Create a client', { '201': json(ref('Client'), 'Created'), '409': { $ref: '#/components/responses/Conflict' } }, body(ref('ClientMetadata'))),
    },
    [`${t}/clients/{client}`]: {
      parameters: [tenant, path('client', 'client_id')],
      get: op('Get a client', { '200': json(ref('Client')) }),
      put: op('Replace a client\'s metadata (the secret is kept)', { '200': json(ref('Client')) }, body(ref('ClientMetadata'))),
      delete: op('Delete a client and revoke its grants', noContent),
    },
    [`${t}/clients/{client}/secret`]: { parameters: [tenant, path('client', 'client_id')], post: op('Rotate the client secret', { '200': json(ref('Client')) }) },
    [`${t}/users`]: {
      parameters: [tenant],
      get: op('List users (by username)', { '200': json(list('User')) }, { parameters: [...paging, query('prefix', 'Username prefix (case-insensitive).')] }),
      post: op('Create a user', { '201': json(ref('User'), 'Created'), '409': { $ref: '#/components/responses/Conflict' } }, body(ref('UserInput'))),
    },
    [`${t}/users/{sub}`]: {
      parameters: [tenant, path('sub', 'Subject identifier.')],
      get: op('Get a user', { '200': json(ref('User')) }),
      patch: op('Change a user (claims; null removes one; username, disabled, admin)', { '200': json(ref('User')) }, body({ type: 'object', additionalProperties: true })),
      delete: op('Delete a user, end their sessions, revoke their grants', noContent),
    },
    [`${t}/users/{sub}/password`]: {
      parameters: [tenant, path('sub', 'Subject identifier.')],
      post: op('Set a password, or generate one (returned once)', { '200': json(ref('User')) }, body({ type: 'object', properties: { password: { type: 'string' } } }, false)),
    },
    [`${t}/users/{sub}/disable`]: { parameters: [tenant, path('sub', 'Subject identifier.')], post: op('Disable a user (sessions end, grants revoked)', { '200': json(ref('User')) }) },
    [`${t}/users/{sub}/enable`]: { parameters: [tenant, path('sub', 'Subject identifier.')], post: op('Enable a user', { '200': json(ref('User')) }) },
    [`${t}/keys`]: { parameters: [tenant], get: op('List published signing keys', { '200': json(list('SigningKey')) }, { parameters: [query('alg', 'RS256, PS256, ES256 or EdDSA.'), query('status', 'active or retired.')] }) },
    [`${t}/keys/rotate`]: {
      parameters: [tenant],
      post: op('Rotate signing keys', { '200': json({ type: 'object', properties: { rotated: { type: 'array', items: { type: 'object' } } } }) }, body({ type: 'object', properties: { algs: { type: 'array', items: { type: 'string', enum: ['RS256', 'PS256', 'ES256', 'EdDSA'] } } } }, false)),
    },
    [`${t}/consents`]: { parameters: [tenant], get: op('List consents', { '200': json(list('Consent')) }, { parameters: [...paging, query('sub', 'Only this user.'), query('client_id', 'Only this client.')] }) },
    [`${t}/consents/{sub}/{client}`]: { parameters: [tenant, path('sub', 'Subject identifier.'), path('client', 'client_id')], delete: op('Revoke a consent', noContent) },
    [`${t}/sessions`]: { parameters: [tenant], get: op('List live sessions', { '200': json(list('Session')) }, { parameters: [...paging, query('sub', 'Only this user.')] }) },
    [`${t}/sessions/{sid}`]: { parameters: [tenant, path('sid', 'Session id.')], delete: op('End a session (back-channel logout is sent)', noContent) },
    [`${t}/initial-access-tokens`]: {
      parameters: [tenant],
      get: op('List initial access tokens', { '200': json(list('InitialAccessToken')) }, { parameters: paging }),
      post: op('Mint an initial access token (RFC 7591 §3)', { '201': json(ref('InitialAccessToken'), 'Created') }, body({ type: 'object', properties: { label: { type: 'string' }, expires_in: { type: 'integer', minimum: 1 } } }, false)),
    },
    [`${t}/initial-access-tokens/{id}`]: { parameters: [tenant, path('id', 'Token id.')], delete: op('Revoke an initial access token', noContent) },
    [`${t}/deliveries`]: {
      parameters: [tenant],
      get: op('Back-channel logout and CIBA notification delivery status', { '200': json({ allOf: [list('Delivery'), { type: 'object', properties: { counts: { type: 'object' } } }] }) }, {
        parameters: [query('limit', 'At most this many (default 50).', { type: 'integer' }), query('kind', 'backchannel_logout, ciba_ping, …'), query('status', 'pending, delivered or failed.')],
      }),
    },
    [`${t}/deliveries/{id}/retry`]: { parameters: [tenant, path('id', 'Delivery id.')], post: op('Retry a failed delivery', noContent) },
    [`${t}/resources`]: { parameters: [tenant], get: op('List protected resources (from the config file)', { '200': json(list('Resource')) }, { parameters: [query('prefix', 'Identifier prefix.')] }) },
    [`${t}/audit`]: { parameters: [tenant], get: op('The tenant\'s audit log, newest first', { '200': json(list('AuditEntry')) }, { parameters: auditFilters }) },
    '/audit': { get: op('The whole audit log, newest first (global administrators)', { '200': json(list('AuditEntry')) }, { parameters: auditFilters }) },
  };
}

export function openApiDocument(issuer: string): Json {
  const error = (description: string): Json => json(ref('Error'), description);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Portcullis admin API',
      version: '1',
      description:
        `Every operation needs an access token from this server carrying \`${ADMIN_SCOPE}\` (all tenants when issued by the default tenant; ` +
        `only the issuing tenant otherwise) or \`${ADMIN_SCOPE}:<slug>\` (that tenant, from the default tenant). Client tokens: client_credentials ` +
        'with a client allowed the scope (the bootstrap client `portcullis-admin`). User tokens: users marked `admin` in their tenant.',
    },
    servers: [{ url: `${issuer}/admin/api/v1` }],
    security: [{ bearer: [] }, { oauth2: [ADMIN_SCOPE] }],
    paths: paths(),
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An access token issued by this server.' },
        oauth2: {
          type: 'oauth2',
          flows: {
            clientCredentials: { tokenUrl: `${issuer}/token`, scopes: { [ADMIN_SCOPE]: 'Administer Portcullis' } },
            authorizationCode: { authorizationUrl: `${issuer}/authorize`, tokenUrl: `${issuer}/token`, scopes: { [ADMIN_SCOPE]: 'Administer Portcullis' } },
          },
        },
      },
      responses: {
        BadRequest: error('invalid_request, invalid_client_metadata or invalid_redirect_uri'),
        Unauthorized: error('invalid_token (with a Bearer challenge)'),
        Forbidden: error('insufficient_scope'),
        NotFound: error('not_found'),
        Conflict: error('conflict: the object already exists'),
      },
    },
  };
}
