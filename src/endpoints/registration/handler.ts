/**
 * Dynamic client registration (RFC 7591, OpenID Connect Dynamic Client Registration 1.0) and
 * client configuration management (RFC 7592). Every change is recorded in the audit log.
 */
import { randomBytes } from 'node:crypto';
import { audit } from '../../audit/audit.ts';
import type { Ctx } from '../../context.ts';
import type { ClientMetadata } from '../../domain/client.ts';
import { InvalidRequest, InvalidSoftwareStatement } from '../../errors/oauth-error.ts';
import { hashSecret, PREFIX, randomSecret, safeEqual } from '../../security/secrets.ts';
import type { ClientRecord } from '../../storage/types.ts';
import { managedClient, registrationActor } from './access.ts';
import { registrationMetadata, usesSecret } from './metadata.ts';
import { clientInformation } from './response.ts';
import { checkSectorIdentifier } from './sector-identifier.ts';
import { verifySoftwareStatement } from './software-statement.ts';

export interface RegistrationResult {
  status: number;
  body: Record<string, unknown> | undefined;
}

function asObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Object.getPrototypeOf(body) !== Object.prototype) return {};
  return body as Record<string, unknown>;
}

/** Metadata from the body with any software statement's claims taking precedence (RFC 7591 §3.1.1). */
async function withSoftwareStatement(ctx: Ctx, body: unknown): Promise<unknown> {
  const fields = asObject(body);
  const statement = fields['software_statement'];
  if (statement === undefined || statement === null) {
    if (ctx.config.registration.requireSoftwareStatement) throw new InvalidSoftwareStatement('a software statement is required');
    return body;
  }
  const asserted = await verifySoftwareStatement(ctx.config, statement, ctx.now());
  const { software_statement: _s, ...rest } = fields;
  return { ...rest, ...asserted };
}

async function validated(ctx: Ctx, body: unknown, clientId: string): Promise<ClientMetadata> {
  const metadata = registrationMetadata(await withSoftwareStatement(ctx, body), clientId, ctx.config.issuer);
  await checkSectorIdentifier(metadata);
  return metadata;
}

interface Secret {
  plain: string | undefined;
  hash: string | null;
  encrypted: string | null;
}

function newSecret(ctx: Ctx, metadata: ClientMetadata): Secret {
  if (!usesSecret(metadata)) return { plain: undefined, hash: null, encrypted: null };
  const plain = randomSecret(PREFIX.clientSecret);
  // client_secret_jwt verifies an HMAC keyed with the secret, so it must be recoverable.
  const encrypted = metadata.token_endpoint_auth_method === 'client_secret_jwt' ? ctx.kek.encrypt(plain) : null;
  return { plain, hash: hashSecret(plain), encrypted };
}

/** RFC 7591 §3.1: POST /register. */
export async function handleRegister(ctx: Ctx, body: unknown, token: string | undefined): Promise<RegistrationResult> {
  const actor = await registrationActor(ctx, token);
  const clientId = randomBytes(18).toString('base64url');
  const metadata = await validated(ctx, body, clientId);
  const secret = newSecret(ctx, metadata);
  const registrationAccessToken = randomSecret(PREFIX.registrationToken);
  const now = ctx.now();
  const record: ClientRecord = {
    tenantId: ctx.tenant.id,
    clientId,
    secretHash: secret.hash,
    secretEncrypted: secret.encrypted,
    metadata,
    source: 'registration',
    registrationTokenHash: hashSecret(registrationAccessToken),
    createdAt: now,
    updatedAt: now,
  };
  await ctx.storage.clients.upsert(record);
  await audit(ctx, { tenantId: ctx.tenant.id, actor, action: 'registration.create', targetType: 'client', targetId: clientId, detail: { metadata } });
  const issued = secret.plain === undefined ? { registrationAccessToken } : { clientSecret: secret.plain, registrationAccessToken };
  // RFC 7591 §3.2.1: 201 Created with the client information.
  return { status: 201, body: clientInformation(ctx, record, issued) };
}

/** RFC 7592 §2.1: GET /register/:client_id. */
export async function handleRead(ctx: Ctx, clientId: string, token: string | undefined): Promise<RegistrationResult> {
  const client = await managedClient(ctx, clientId, token);
  return { status: 200, body: clientInformation(ctx, client) };
}

/** Members a client must not send in an update (RFC 7592 §2.2). */
const SERVER_MEMBERS = ['registration_access_token', 'registration_client_uri', 'client_secret_expires_at', 'client_id_issued_at'];

/** RFC 7592 §2.2: PUT /register/:client_id replaces the whole registration. */
export async function handleUpdate(ctx: Ctx, clientId: string, token: string | undefined, body: unknown, rotateSecret: boolean): Promise<RegistrationResult> {
  const client = await managedClient(ctx, clientId, token);
  const fields = asObject(body);
  // RFC 7592 §2.2: the request MUST carry the current client_id.
  if (fields['client_id'] !== clientId) throw new InvalidRequest('client_id must be present and equal to the client being updated');
  // RFC 7592 §2.2: server-assigned members MUST NOT be sent.
  const forbidden = SERVER_MEMBERS.filter((m) => fields[m] !== undefined);
  if (forbidden.length > 0) throw new InvalidRequest(`${forbidden.join(', ')} must not be sent in an update`);
  // RFC 7592 §2.2: a client_secret, if sent, MUST match the one issued.
  const sentSecret = fields['client_secret'];
  if (sentSecret !== undefined && (typeof sentSecret !== 'string' || !client.secretHash || !safeEqual(client.secretHash, hashSecret(sentSecret)))) {
    throw new InvalidRequest('client_secret does not match the issued secret');
  }
  const metadata = await validated(ctx, body, clientId);
  let secret: Secret = { plain: undefined, hash: client.secretHash, encrypted: client.secretEncrypted };
  const needsJwtSecret = metadata.token_endpoint_auth_method === 'client_secret_jwt' && client.secretEncrypted === null;
  if (!usesSecret(metadata)) secret = { plain: undefined, hash: null, encrypted: null };
  else if (rotateSecret || client.secretHash === null || needsJwtSecret) secret = newSecret(ctx, metadata);
  else if (metadata.token_endpoint_auth_method !== 'client_secret_jwt') secret = { ...secret, encrypted: null };
  const record: ClientRecord = {
    ...client,
    secretHash: secret.hash,
    secretEncrypted: secret.encrypted,
    metadata,
    updatedAt: ctx.now(),
  };
  await ctx.storage.clients.upsert(record);
  await audit(ctx, {
    tenantId: ctx.tenant.id,
    actor: `registration:${clientId}`,
    action: 'registration.update',
    targetType: 'client',
    targetId: clientId,
    detail: { metadata, secret_rotated: secret.plain !== undefined },
  });
  return { status: 200, body: clientInformation(ctx, record, secret.plain === undefined ? {} : { clientSecret: secret.plain }) };
}

/** RFC 7592 §2.3: DELETE /register/:client_id → 204; the client's grants and tokens stop working. */
export async function handleDelete(ctx: Ctx, clientId: string, token: string | undefined): Promise<RegistrationResult> {
  await managedClient(ctx, clientId, token);
  const now = ctx.now();
  await ctx.storage.clients.delete(ctx.tenant.id, clientId);
  // RFC 7592 §2.3: the server SHOULD invalidate the client's grants and active tokens.
  const revoked = await ctx.storage.admin.revokeClientGrants(ctx.tenant.id, clientId, now);
  await audit(ctx, { tenantId: ctx.tenant.id, actor: `registration:${clientId}`, action: 'registration.delete', targetType: 'client', targetId: clientId, detail: { grants_revoked: revoked } });
  return { status: 204, body: undefined };
}
