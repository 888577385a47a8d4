/**
 * Declarative provisioning (CONTRACT.md §2): tenants, clients and users named in the config file
 * are upserted at every start. Entities created at runtime are left alone. Invalid metadata is a
 * ConfigError naming the config path, raised before anything is written for that entity.
 */
import { randomUUID } from 'node:crypto';
import type { ClientConfig, Config, UserConfig } from '../config/schema.ts';
import { ConfigError } from '../config/validate.ts';
import { validateClientMetadata } from '../domain/client-validation.ts';
import type { UserClaims } from '../domain/user.ts';
import { OAuthError } from '../errors/oauth-error.ts';
import type { Kek } from '../keys/kek.ts';
import { hashPassword, verifyPassword } from '../security/password.ts';
import { hashSecret } from '../security/secrets.ts';
import type { ClientRecord, Storage, TenantRecord, UserRecord } from '../storage/types.ts';
import { DEFAULT_TENANT_ID } from '../tenancy/slug.ts';

export interface ProvisionDeps {
  storage: Storage;
  kek: Kek;
  now: () => number;
}

/** Builds the stored client from config entry `input` (validated first). */
export function clientRecordFrom(input: ClientConfig, tenantId: string, kek: Kek, now: number, path: string): ClientRecord {
  let metadata;
  try {
    metadata = validateClientMetadata(input, { source: 'config' });
  } catch (err) {
    if (err instanceof OAuthError) throw new ConfigError(`${path} (client ${input.client_id})`, err.description);
    throw err;
  }
  const secret = input.client_secret;
  return {
    tenantId,
    clientId: input.client_id,
    secretHash: secret ? hashSecret(secret) : null,
    // client_secret_jwt verifies an HMAC keyed with the secret itself, so it must be recoverable.
    secretEncrypted: secret && metadata.token_endpoint_auth_method === 'client_secret_jwt' ? kek.encrypt(secret) : null,
    metadata,
    source: 'config',
    registrationTokenHash: null,
    createdAt: now,
    updatedAt: now,
  };
}

function claimsOf(user: UserConfig): UserClaims {
  const { username: _u, password: _p, sub: _s, disabled: _d, ...claims } = user;
  return claims as UserClaims;
}

async function provisionUser(deps: ProvisionDeps, tenantId: string, input: UserConfig, path: string): Promise<void> {
  const existing = await deps.storage.users.getByUsername(tenantId, input.username);
  if (input.sub && existing && existing.id !== input.sub) {
    throw new ConfigError(`${path}.sub`, `user ${input.username} already exists with sub ${existing.id}`);
  }
  let passwordHash = existing?.passwordHash ?? null;
  if (input.password === undefined) passwordHash = null;
  else if (!passwordHash || !(await verifyPassword(passwordHash, input.password))) passwordHash = await hashPassword(input.password);
  const now = deps.now();
  const record: UserRecord = {
    tenantId,
    id: existing?.id ?? input.sub ?? randomUUID(),
    username: input.username,
    passwordHash,
    claims: claimsOf(input),
    disabled: input.disabled ?? false,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  await deps.storage.users.upsert(record);
}

async function provisionTenant(
  deps: ProvisionDeps,
  tenant: TenantRecord,
  clients: ClientConfig[],
  users: UserConfig[],
  path: string,
): Promise<void> {
  const now = deps.now();
  // Validate every client before writing any, so a bad entry changes nothing.
  const records = clients.map((c, i) => clientRecordFrom(c, tenant.id, deps.kek, now, `${path}clients[${i}]`));
  const seen = new Set<string>();
  for (const [i, record] of records.entries()) {
    if (seen.has(record.clientId)) throw new ConfigError(`${path}clients[${i}].client_id`, `duplicate client_id ${record.clientId}`);
    seen.add(record.clientId);
  }
  const names = new Set<string>();
  for (const [i, u] of users.entries()) {
    const key = u.username.toLowerCase();
    if (names.has(key)) throw new ConfigError(`${path}users[${i}].username`, `duplicate username ${u.username}`);
    names.add(key);
  }
  for (const record of records) {
    const existing = await deps.storage.clients.get(tenant.id, record.clientId);
    await deps.storage.clients.upsert({ ...record, createdAt: existing?.createdAt ?? now });
  }
  for (const [i, u] of users.entries()) await provisionUser(deps, tenant.id, u, `${path}users[${i}]`);
}

/** Upserts the default tenant and every configured tenant with their clients and users. */
export async function provision(config: Config, deps: ProvisionDeps): Promise<TenantRecord[]> {
  const now = deps.now();
  const defaultTenant = (await deps.storage.tenants.getById(DEFAULT_TENANT_ID)) ?? {
    id: DEFAULT_TENANT_ID,
    slug: '',
    name: 'Default',
    createdAt: now,
  };
  await deps.storage.tenants.upsert(defaultTenant);
  await provisionTenant(deps, defaultTenant, config.clients, config.users, '');

  const tenants: TenantRecord[] = [defaultTenant];
  for (const [i, t] of config.tenants.entries()) {
    const existing = await deps.storage.tenants.getBySlug(t.slug);
    const record: TenantRecord = existing
      ? { ...existing, name: t.name ?? existing.name }
      : { id: randomUUID(), slug: t.slug, name: t.name ?? t.slug, createdAt: now };
    await deps.storage.tenants.upsert(record);
    await provisionTenant(deps, record, t.clients, t.users, `tenants[${i}].`);
    tenants.push(record);
  }
  return tenants;
}
