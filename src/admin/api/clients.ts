/** Admin API: clients of a tenant, in RFC 7591 metadata names (as in the config file). */
import { randomBytes } from 'node:crypto';
import { clientSchema, type ClientConfig } from '../../config/schema.ts';
import { ConfigError } from '../../config/validate.ts';
import type { ClientMetadata } from '../../domain/client.ts';
import { validateClientMetadata } from '../../domain/client-validation.ts';
import { Conflict, InvalidClientMetadata, InvalidRedirectUri, InvalidRequest, NotFound } from '../../errors/oauth-error.ts';
import { hashSecret, PREFIX, randomSecret } from '../../security/secrets.ts';
import type { ClientRecord, ClientSource } from '../../storage/types.ts';
import { record, tenantOf, type AdminCtx } from '../context.ts';
import { listResponse, objectBody, one, pageOptions, type ListResponse, type Query } from './pagination.ts';

export type ClientView = ClientMetadata & { source: ClientSource; has_secret: boolean; created_at: number; updated_at: number; client_secret?: string };

function clientView(c: ClientRecord, secret?: string): ClientView {
  return {
    ...c.metadata,
    client_id: c.clientId,
    source: c.source,
    has_secret: c.secretHash !== null,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    ...(secret !== undefined ? { client_secret: secret } : {}),
  };
}

const SOURCES: readonly ClientSource[] = ['config', 'admin', 'registration'];
const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);
const KEPT_SECRET = '\u0000kept';
const VIEW_ONLY = new Set(['source', 'has_secret', 'created_at', 'updated_at']);

/** Parses and validates admin-supplied metadata; generates a secret when the method needs one and none was given. */
function parseClient(body: Record<string, unknown>, clientId: string, keepSecret: boolean): { metadata: ClientMetadata; secret: string | undefined } {
  const raw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!VIEW_ONLY.has(k) && v !== null) raw[k] = v;
  raw['client_id'] = clientId;
  // RFC 7591 §2: client_secret_basic unless the client registers keys.
  raw['token_endpoint_auth_method'] ??= raw['jwks'] || raw['jwks_uri'] ? 'private_key_jwt' : 'client_secret_basic';
  const needsSecret = SECRET_METHODS.has(String(raw['token_endpoint_auth_method']));
  // The shared validation wants a secret for these methods: a new one, or a stand-in for the stored one.
  if (needsSecret && raw['client_secret'] === undefined) raw['client_secret'] = keepSecret ? KEPT_SECRET : randomSecret(PREFIX.clientSecret);
  let input: ClientConfig;
  try {
    input = clientSchema.parse(raw, '');
  } catch (err) {
    if (err instanceof ConfigError) {
      const message = `${err.path}: ${err.reason}`;
      throw /^(redirect_uris|post_logout_redirect_uris)\b/.test(err.path) ? new InvalidRedirectUri(message) : new InvalidClientMetadata(message);
    }
    throw err;
  }
  const metadata = validateClientMetadata(input, { source: 'config' });
  return { metadata, secret: !needsSecret || input.client_secret === KEPT_SECRET ? undefined : input.client_secret };
}

function secretFields(actx: AdminCtx, metadata: ClientMetadata, secret: string): Pick<ClientRecord, 'secretHash' | 'secretEncrypted'> {
  return {
    secretHash: hashSecret(secret),
    // client_secret_jwt verifies an HMAC keyed with the secret, so it must be recoverable.
    secretEncrypted: metadata.token_endpoint_auth_method === 'client_secret_jwt' ? actx.services.kek.encrypt(secret) : null,
  };
}

async function existing(actx: AdminCtx, tenantId: string, clientId: string): Promise<ClientRecord> {
  const client = await actx.services.storage.clients.get(tenantId, clientId);
  if (!client) throw new NotFound(`no client ${clientId}`);
  return client;
}

function assertManaged(client: ClientRecord): void {
  // CONTRACT.md §2: the config file is the source of truth for the clients it names.
  if (client.source === 'config') throw new InvalidRequest('this client is provisioned from the config file; change it there');
}

export async function listClients(actx: AdminCtx, tenantRef: string, query: Query): Promise<ListResponse<ClientView>> {
  const tenant = await tenantOf(actx, tenantRef);
  const prefix = one(query, 'prefix');
  const source = one(query, 'source');
  if (source !== undefined && !(SOURCES as readonly string[]).includes(source)) throw new InvalidRequest('source must be config, admin or registration');
  const page = await actx.services.storage.admin.listClients(tenant.id, {
    ...pageOptions(query),
    ...(prefix ? { prefix } : {}),
    ...(source ? { source: source as ClientSource } : {}),
  });
  return listResponse(page, (c) => clientView(c));
}

export async function getClient(actx: AdminCtx, tenantRef: string, clientId: string): Promise<ClientView> {
  const tenant = await tenantOf(actx, tenantRef);
  return clientView(await existing(actx, tenant.id, clientId));
}

export async function createClient(actx: AdminCtx, tenantRef: string, body: unknown): Promise<ClientView> {
  const tenant = await tenantOf(actx, tenantRef);
  const fields = objectBody(body);
  const clientId = fields['client_id'] === undefined ? randomBytes(18).toString('base64url') : fields['client_id'];
  if (typeof clientId !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(clientId)) throw new InvalidClientMetadata('client_id must be 1 to 255 printable characters without spaces');
  const { metadata, secret } = parseClient(fields, clientId, false);
  const { storage, now } = actx.services;
  if (await storage.clients.get(tenant.id, clientId)) throw new Conflict(`client ${clientId} already exists`);
  const at = now();
  const client: ClientRecord = {
    tenantId: tenant.id,
    clientId,
    ...(secret ? secretFields(actx, metadata, secret) : { secretHash: null, secretEncrypted: null }),
    metadata,
    source: 'admin',
    registrationTokenHash: null,
    createdAt: at,
    updatedAt: at,
  };
  await storage.clients.upsert(client);
  await record(actx, { tenantId: tenant.id, action: 'client.create', targetType: 'client', targetId: clientId, detail: { metadata } });
  return clientView(client, secret);
}

/** Replaces the client's metadata; the secret is kept unless the new method needs one it lacks. */
export async function replaceClient(actx: AdminCtx, tenantRef: string, clientId: string, body: unknown): Promise<ClientView> {
  const tenant = await tenantOf(actx, tenantRef);
  const fields = objectBody(body);
  if (fields['client_id'] !== undefined && fields['client_id'] !== clientId) throw new InvalidRequest('client_id cannot be changed');
  const client = await existing(actx, tenant.id, clientId);
  assertManaged(client);
  const method = fields['token_endpoint_auth_method'];
  const keep = client.secretHash !== null && !(method === 'client_secret_jwt' && client.secretEncrypted === null) && fields['client_secret'] === undefined;
  const { metadata, secret } = parseClient(fields, clientId, keep);
  const usesSecret = SECRET_METHODS.has(metadata.token_endpoint_auth_method);
  const next: ClientRecord = {
    ...client,
    ...(!usesSecret ? { secretHash: null, secretEncrypted: null } : secret ? secretFields(actx, metadata, secret) : {}),
    metadata,
    updatedAt: actx.services.now(),
  };
  await actx.services.storage.clients.upsert(next);
  await record(actx, { tenantId: tenant.id, action: 'client.update', targetType: 'client', targetId: clientId, detail: { metadata, secret_changed: secret !== undefined } });
  return clientView(next, secret);
}

export async function rotateClientSecret(actx: AdminCtx, tenantRef: string, clientId: string): Promise<ClientView> {
  const tenant = await tenantOf(actx, tenantRef);
  const client = await existing(actx, tenant.id, clientId);
  assertManaged(client);
  if (!SECRET_METHODS.has(client.metadata.token_endpoint_auth_method)) throw new InvalidRequest(`a ${client.metadata.token_endpoint_auth_method} client has no secret`);
  const secret = randomSecret(PREFIX.clientSecret);
  const next: ClientRecord = { ...client, ...secretFields(actx, client.metadata, secret), updatedAt: actx.services.now() };
  await actx.services.storage.clients.upsert(next);
  await record(actx, { tenantId: tenant.id, action: 'client.secret_rotate', targetType: 'client', targetId: clientId });
  return clientView(next, secret);
}

export async function deleteClient(actx: AdminCtx, tenantRef: string, clientId: string): Promise<void> {
  const tenant = await tenantOf(actx, tenantRef);
  const client = await existing(actx, tenant.id, clientId);
  assertManaged(client);
  const { storage, now } = actx.services;
  await storage.clients.delete(tenant.id, clientId);
  const revoked = await storage.admin.revokeClientGrants(tenant.id, clientId, now());
  await record(actx, { tenantId: tenant.id, action: 'client.delete', targetType: 'client', targetId: clientId, detail: { grants_revoked: revoked } });
}
