/** Record builders and storage lifecycle shared by the contract cases. */
import { after, before } from 'node:test';
import type {
  AuthorizationCodeRecord,
  ClientRecord,
  GrantRecord,
  SessionRecord,
  SigningKeyRecord,
  Storage,
  TokenRecord,
  UserRecord,
} from '../types.ts';
import type { SigningAlg } from '../../keys/types.ts';

export type OpenStorage = () => Promise<Storage>;

/** A fixed clock: every time in the suite is relative to it. */
export const NOW = 1_700_000_000;

let serial = 0;
/** A tenant id no other test uses, so tests sharing one database cannot see each other. */
export function freshTenant(label = 't'): string {
  serial += 1;
  return `${label}-${serial}`;
}

/**
 * Opens and migrates a storage before the enclosing describe's tests and closes it after.
 * Returns an accessor, since the storage exists only once `before` has run.
 */
export function useStorage(open: OpenStorage): () => Storage {
  let storage: Storage | undefined;
  before(async () => {
    storage = await open();
    await storage.migrate();
  });
  after(async () => {
    await storage?.close();
  });
  return () => {
    if (!storage) throw new Error('storage is not open');
    return storage;
  };
}

/** Builders below return a complete, valid record; `patch` overrides any field. */
export function clientRecord(
  tenantId: string,
  clientId: string,
  patch: Partial<ClientRecord> = {},
): ClientRecord {
  return {
    tenantId,
    clientId,
    secretHash: 'secret-hash',
    secretEncrypted: null,
    metadata: {
      client_id: clientId,
      client_name: 'Example',
      redirect_uris: ['https://rp.example/cb'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'openid profile',
      jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] },
    },
    source: 'admin',
    registrationTokenHash: null,
    createdAt: NOW,
    updatedAt: NOW,
    ...patch,
  };
}

export function userRecord(tenantId: string, id: string, username: string, patch: Partial<UserRecord> = {}): UserRecord {
  return {
    tenantId,
    id,
    username,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    claims: { name: 'Alice Example', email: 'alice@example.com', email_verified: true, address: { country: 'NZ' } },
    disabled: false,
    createdAt: NOW,
    updatedAt: NOW,
    ...patch,
  };
}

export function keyRecord(
  tenantId: string,
  kid: string,
  alg: SigningAlg,
  patch: Partial<SigningKeyRecord> = {},
): SigningKeyRecord {
  return {
    tenantId,
    kid,
    alg,
    publicJwk: { kty: alg === 'ES256' ? 'EC' : 'RSA', kid, use: 'sig', alg, n: 'n-value', e: 'AQAB' },
    privateKeyEncrypted: `encrypted-${kid}`,
    status: 'active',
    createdAt: NOW,
    expiresAt: null,
    ...patch,
  };
}

export function grantRecord(tenantId: string, id: string, patch: Partial<GrantRecord> = {}): GrantRecord {
  return {
    tenantId,
    id,
    clientId: 'client-1',
    sub: 'user-1',
    scope: 'openid offline_access',
    resources: ['https://api.example'],
    claims: { userinfo: { email: { essential: true } } },
    authTime: NOW - 10,
    acr: 'urn:acr:1',
    amr: ['pwd', 'otp'],
    sid: 'sid-1',
    createdAt: NOW,
    expiresAt: NOW + 86_400,
    revokedAt: null,
    ...patch,
  };
}

export function codeRecord(
  tenantId: string,
  hash: string,
  patch: Partial<AuthorizationCodeRecord> = {},
): AuthorizationCodeRecord {
  return {
    tenantId,
    hash,
    grantId: 'grant-1',
    clientId: 'client-1',
    redirectUri: 'https://rp.example/cb',
    codeChallenge: 'challenge',
    codeChallengeMethod: 'S256',
    nonce: 'n-0S6_WzA2Mj',
    dpopJkt: null,
    expiresAt: NOW + 60,
    consumedAt: null,
    createdAt: NOW,
    ...patch,
  };
}

export function tokenRecord(tenantId: string, hash: string, patch: Partial<TokenRecord> = {}): TokenRecord {
  return {
    tenantId,
    hash,
    kind: 'refresh_token',
    grantId: null,
    clientId: 'client-1',
    sub: 'user-1',
    scope: 'openid offline_access',
    audience: ['https://api.example'],
    cnfJkt: 'jkt-thumbprint',
    parentHash: null,
    extra: { auth_time: NOW - 10, act: { sub: 'actor' } },
    createdAt: NOW,
    expiresAt: NOW + 3600,
    consumedAt: null,
    revokedAt: null,
    ...patch,
  };
}

export function sessionRecord(tenantId: string, id: string, patch: Partial<SessionRecord> = {}): SessionRecord {
  return {
    tenantId,
    id,
    cookieHash: `cookie-${id}`,
    sub: 'user-1',
    authTime: NOW - 5,
    acr: null,
    amr: ['pwd'],
    createdAt: NOW,
    expiresAt: NOW + 3600,
    endedAt: null,
    clients: [],
    ...patch,
  };
}
