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

export function basicAuth(): string {
  return `Basic ${Buffer.from(`${SERVICE.client_id}:${SERVICE.client_secret}`).toString('base64')}`;
}

export function tokenRequestBody(resource: ResourceName): string {
  return new URLSearchParams({ grant_type: 'client_credentials', scope: SERVICE.scope, resource: RESOURCES[resource].identifier }).toString();
}
