/**
 * What the token-endpoint benchmark configures on both servers: one confidential service
 * client (client_secret_basic) allowed the `read` scope, and three protected resources, one
 * per access token kind measured.
 */
export const SERVICE = { client_id: 'svc', client_secret: 'svc-secret-8d3b5a1f60c2', scope: 'read' } as const;

export const RESOURCES = {
  rs256: { identifier: 'https://rs256.api.example', format: 'jwt', alg: 'RS256' },
  es256: { identifier: 'https://es256.api.example', format: 'jwt', alg: 'ES256' },
  opaque: { identifier: 'https://opaque.api.example', format: 'opaque', alg: 'RS256' },
} as const;

export type ResourceName = keyof typeof RESOURCES;

/** The service client as both servers register it: client_credentials only, client_secret_basic. */
export const SERVICE_REGISTRATION = { ...SERVICE, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'client_secret_basic' };

/** RESOURCES as Portcullis's `resources` configuration. */
export const PORTCULLIS_RESOURCES = Object.values(RESOURCES).map((r) => ({ identifier: r.identifier, scopes: [SERVICE.scope], accessTokenFormat: r.format, accessTokenSigningAlg: r.alg }));

export function basicAuth(): string {
  return `Basic ${Buffer.from(`${SERVICE.client_id}:${SERVICE.client_secret}`).toString('base64')}`;
}

export function tokenRequestBody(resource: ResourceName): string {
  return new URLSearchParams({ grant_type: 'client_credentials', scope: SERVICE.scope, resource: RESOURCES[resource].identifier }).toString();
}
