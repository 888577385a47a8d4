/**
 * Benchmark child: oidc-provider 9 configured like bench/servers/portcullis-api.ts: the same
 * service client (client_secret_basic, client_credentials, scope `read`) and the same three
 * resources through its resourceIndicators feature (RS256 JWT, ES256 JWT, opaque), with
 * introspection enabled. Keys: a 2048-bit RSA key and a P-256 key, as Portcullis generates.
 * Storage is its default in-memory adapter.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider, { errors, type Configuration, type ResourceServer } from 'oidc-provider';
import { RESOURCES, SERVICE, SERVICE_REGISTRATION } from '../api-fixtures.ts';
import { serveChild } from './child.ts';
import { serveHttp } from './node-http.ts';

function resourceServer(resource: string): ResourceServer {
  const found = Object.values(RESOURCES).find((r) => r.identifier === resource);
  if (!found) throw new errors.InvalidTarget();
  return found.format === 'jwt'
    ? { scope: SERVICE.scope, audience: resource, accessTokenFormat: 'jwt', jwt: { sign: { alg: found.alg } } }
    : { scope: SERVICE.scope, audience: resource, accessTokenFormat: 'opaque' };
}

await serveChild(() =>
  serveHttp((issuer) => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 }).privateKey;
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const configuration: Configuration = {
      clients: [SERVICE_REGISTRATION],
      jwks: {
        keys: [
          { ...rsa.export({ format: 'jwk' }), kid: 'bench-rs256', alg: 'RS256', use: 'sig' },
          { ...ec.export({ format: 'jwk' }), kid: 'bench-es256', alg: 'ES256', use: 'sig' },
        ],
      },
      scopes: ['openid', SERVICE.scope],
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        introspection: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => RESOURCES.rs256.identifier,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, resource) => resourceServer(resource),
        },
      },
    };
    const provider = new Provider(issuer, configuration);
    provider.on('server_error', (_ctx, err) => console.error('oidc-provider server_error:', err));
    return provider.callback();
  }),
);
