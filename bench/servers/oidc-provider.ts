/**
 * Benchmark child: oidc-provider 9 configured like Portcullis in bench/servers/portcullis.ts:
 * the same client (client_secret_basic), PKCE required, RS256 ID tokens with a 2048-bit key,
 * the same user, whose claims come from findAccount. The one interactive login goes through
 * its devInteractions; consent is already granted through loadExistingGrant, which gives the
 * session a Grant with the openid scope the first time and finds it afterwards. Storage is
 * oidc-provider's default in-memory adapter, or with argv[2] `sqlite` a SQLite file in a
 * temporary directory with Portcullis's SQLite settings (oidc-provider-sqlite.ts). Access
 * tokens are its default: opaque.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Provider, { type Account, type Configuration, type Grant, type KoaContextWithOIDC } from 'oidc-provider';
import { CLIENT_REGISTRATION, SCOPE, USER } from '../fixtures.ts';
import { serveChild } from './child.ts';
import { serveHttp } from './node-http.ts';
import { sqliteAdapter } from './oidc-provider-sqlite.ts';

async function findAccount(_ctx: KoaContextWithOIDC, id: string): Promise<Account | undefined> {
  if (id !== USER.username) return undefined;
  const { username: _username, password: _password, ...claims } = USER;
  return { accountId: id, claims: () => ({ sub: id, ...claims }) };
}

/** Consent already granted: the session's grant for the client, or a new one with `openid`. */
async function loadExistingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const { client, session, provider, result } = ctx.oidc;
  const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
  if (grantId) return provider.Grant.find(grantId);
  if (!session.accountId) return undefined;
  const grant = new provider.Grant({ accountId: session.accountId, clientId: client.clientId });
  grant.addOIDCScope(SCOPE);
  await grant.save();
  return grant;
}

const directory = process.argv[2] === 'sqlite' ? mkdtempSync(join(tmpdir(), 'oidc-provider-bench-')) : undefined;
const storage = directory ? sqliteAdapter(join(directory, 'oidc-provider.db')) : undefined;

await serveChild(async () => {
  const server = await serveHttp((issuer) => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
    const configuration: Configuration = {
      clients: [CLIENT_REGISTRATION],
      jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'bench-rs256', alg: 'RS256', use: 'sig' }] },
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      pkce: { required: () => true },
      features: { devInteractions: { enabled: true } },
      claims: {
        openid: ['sub'],
        profile: ['name', 'given_name', 'family_name', 'locale'],
        email: ['email', 'email_verified'],
      },
      findAccount,
      loadExistingGrant,
      ...(storage ? { adapter: storage.Adapter } : {}),
    };
    const provider = new Provider(issuer, configuration);
    provider.on('server_error', (_ctx, err) => console.error('oidc-provider server_error:', err));
    return provider.callback();
  });
  return {
    url: server.url,
    async close() {
      await server.close();
      await storage?.close();
      if (directory) rmSync(directory, { recursive: true, force: true });
    },
  };
});
