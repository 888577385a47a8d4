/** Admin API: users of a tenant (claims in OpenID Connect names, as in the config file). */
import { randomBytes, randomUUID } from 'node:crypto';
import { userSchema, type UserConfig } from '../../config/schema.ts';
import { ConfigError } from '../../config/validate.ts';
import type { UserClaims } from '../../domain/user.ts';
import { Conflict, InvalidRequest, NotFound } from '../../errors/oauth-error.ts';
import { hashPassword } from '../../security/password.ts';
import type { TenantRecord, UserRecord } from '../../storage/types.ts';
import { endUserSessions } from '../../logout/end-session.ts';
import { ctxFor, record, tenantOf, type AdminCtx } from '../context.ts';
import { listResponse, objectBody, one, pageOptions, type ListResponse, type Query } from './pagination.ts';

export interface UserView {
  sub: string;
  username: string;
  disabled: boolean;
  has_password: boolean;
  /** Present on single-user responses: whether the user administers this tenant. */
  admin?: boolean;
  claims: UserClaims;
  created_at: number;
  updated_at: number;
  /** Only when a password was just generated. */
  password?: string;
}

function userView(u: UserRecord, extra: { admin?: boolean; password?: string } = {}): UserView {
  return {
    sub: u.id,
    username: u.username,
    disabled: u.disabled,
    has_password: u.passwordHash !== null,
    ...(extra.admin !== undefined ? { admin: extra.admin } : {}),
    claims: u.claims,
    created_at: u.createdAt,
    updated_at: u.updatedAt,
    ...(extra.password !== undefined ? { password: extra.password } : {}),
  };
}

function parseUser(fields: Record<string, unknown>): UserConfig {
  try {
    return userSchema.parse(fields, '');
  } catch (err) {
    if (err instanceof ConfigError) throw new InvalidRequest(`${err.path}: ${err.reason}`);
    throw err;
  }
}

function claimsOf(user: UserConfig): UserClaims {
  const { username: _u, password: _p, sub: _s, disabled: _d, ...claims } = user;
  return claims as UserClaims;
}

function adminFlag(fields: Record<string, unknown>): boolean | undefined {
  const flag = fields['admin'];
  if (flag !== undefined && typeof flag !== 'boolean') throw new InvalidRequest('admin must be true or false');
  return flag;
}

function checkPassword(password: string): void {
  if (password.length < 8 || password.length > 1024) throw new InvalidRequest('password must be 8 to 1024 characters');
}

async function existing(actx: AdminCtx, tenantId: string, sub: string): Promise<UserRecord> {
  const user = await actx.services.storage.users.get(tenantId, sub);
  if (!user) throw new NotFound(`no user ${sub}`);
  return user;
}

/** A disabled user's sessions end and tokens stop working at once. */
async function cutOff(actx: AdminCtx, tenant: TenantRecord, sub: string): Promise<void> {
  await endUserSessions(ctxFor(actx, tenant), sub, 'admin');
  await actx.services.storage.admin.revokeUserGrants(tenant.id, sub, actx.services.now());
}

export async function listUsers(actx: AdminCtx, tenantRef: string, query: Query): Promise<ListResponse<UserView>> {
  const tenant = await tenantOf(actx, tenantRef);
  const prefix = one(query, 'prefix');
  const page = await actx.services.storage.admin.listUsers(tenant.id, { ...pageOptions(query), ...(prefix ? { prefix } : {}) });
  return listResponse(page, (u) => userView(u));
}

export async function getUser(actx: AdminCtx, tenantRef: string, sub: string): Promise<UserView> {
  const tenant = await tenantOf(actx, tenantRef);
  const user = await existing(actx, tenant.id, sub);
  return userView(user, { admin: await actx.services.storage.admin.isAdmin(tenant.id, sub) });
}

export async function createUser(actx: AdminCtx, tenantRef: string, body: unknown): Promise<UserView> {
  const tenant = await tenantOf(actx, tenantRef);
  const given = objectBody(body);
  const { admin: _a, ...fields } = given;
  const admin = adminFlag(given);
  const input = parseUser(fields);
  if (input.password !== undefined) checkPassword(input.password);
  const { storage, now } = actx.services;
  if (await storage.users.getByUsername(tenant.id, input.username)) throw new Conflict(`user ${input.username} already exists`);
  if (input.sub && (await storage.users.get(tenant.id, input.sub))) throw new Conflict(`sub ${input.sub} is taken`);
  const at = now();
  const user: UserRecord = {
    tenantId: tenant.id,
    id: input.sub ?? randomUUID(),
    username: input.username,
    passwordHash: input.password === undefined ? null : await hashPassword(input.password),
    claims: claimsOf(input),
    disabled: input.disabled ?? false,
    createdAt: at,
    updatedAt: at,
  };
  await storage.users.upsert(user);
  if (admin) await storage.admin.addAdmin(tenant.id, user.id, at);
  await record(actx, { tenantId: tenant.id, action: 'user.create', targetType: 'user', targetId: user.id, detail: { username: user.username, admin: admin ?? false } });
  return userView(user, { admin: admin ?? false });
}

/** Changes the fields given: claims (null removes one), username, disabled, admin. */
export async function updateUser(actx: AdminCtx, tenantRef: string, sub: string, body: unknown): Promise<UserView> {
  const tenant = await tenantOf(actx, tenantRef);
  const fields = objectBody(body);
  const user = await existing(actx, tenant.id, sub);
  if (fields['sub'] !== undefined && fields['sub'] !== sub) throw new InvalidRequest('sub cannot be changed');
  if (fields['password'] !== undefined) throw new InvalidRequest('set passwords through the password endpoint');
  const admin = adminFlag(fields);
  const merged: Record<string, unknown> = { username: user.username, disabled: user.disabled, ...user.claims };
  for (const [k, v] of Object.entries(fields)) {
    if (k === 'admin' || k === 'sub') continue;
    if (v === null) delete merged[k];
    else merged[k] = v;
  }
  const input = parseUser(merged);
  const { storage, now } = actx.services;
  const clash = await storage.users.getByUsername(tenant.id, input.username);
  if (clash && clash.id !== sub) throw new Conflict(`user ${input.username} already exists`);
  const next: UserRecord = { ...user, username: input.username, claims: claimsOf(input), disabled: input.disabled ?? false, updatedAt: now() };
  await storage.users.upsert(next);
  if (next.disabled && !user.disabled) await cutOff(actx, tenant, sub);
  if (admin === true) await storage.admin.addAdmin(tenant.id, sub, now());
  if (admin === false) await storage.admin.removeAdmin(tenant.id, sub);
  const changed = Object.keys(fields);
  await record(actx, { tenantId: tenant.id, action: 'user.update', targetType: 'user', targetId: sub, detail: { fields: changed } });
  return userView(next, { admin: admin ?? (await storage.admin.isAdmin(tenant.id, sub)) });
}

/** Sets the given password, or generates one and returns it once. */
export async function resetPassword(actx: AdminCtx, tenantRef: string, sub: string, body: unknown): Promise<UserView> {
  const tenant = await tenantOf(actx, tenantRef);
  const fields = body === undefined || body === null ? {} : objectBody(body);
  const given = fields['password'];
  if (given !== undefined && typeof given !== 'string') throw new InvalidRequest('password must be a string');
  if (given !== undefined) checkPassword(given);
  const user = await existing(actx, tenant.id, sub);
  const password = given ?? randomBytes(15).toString('base64url');
  const { storage, now } = actx.services;
  await storage.users.setPassword(tenant.id, sub, await hashPassword(password), now());
  await record(actx, { tenantId: tenant.id, action: 'user.password_reset', targetType: 'user', targetId: sub, detail: { generated: given === undefined } });
  const view = userView({ ...user, passwordHash: 'set', updatedAt: now() });
  return given === undefined ? { ...view, password } : view;
}

export async function setDisabled(actx: AdminCtx, tenantRef: string, sub: string, disabled: boolean): Promise<UserView> {
  const tenant = await tenantOf(actx, tenantRef);
  const user = await existing(actx, tenant.id, sub);
  const { storage, now } = actx.services;
  // Through the users repository, so its read cache forgets the old state at once.
  await storage.users.upsert({ ...user, disabled, updatedAt: now() });
  if (disabled) await cutOff(actx, tenant, sub);
  await record(actx, { tenantId: tenant.id, action: disabled ? 'user.disable' : 'user.enable', targetType: 'user', targetId: sub });
  return userView({ ...user, disabled, updatedAt: now() });
}

export async function deleteUser(actx: AdminCtx, tenantRef: string, sub: string): Promise<void> {
  const tenant = await tenantOf(actx, tenantRef);
  const user = await existing(actx, tenant.id, sub);
  const { storage, now } = actx.services;
  await endUserSessions(ctxFor(actx, tenant), sub, 'admin');
  await storage.users.delete(tenant.id, sub);
  await storage.admin.removeAdmin(tenant.id, sub);
  const revoked = await storage.admin.revokeUserGrants(tenant.id, sub, now());
  await record(actx, { tenantId: tenant.id, action: 'user.delete', targetType: 'user', targetId: sub, detail: { username: user.username, grants_revoked: revoked } });
}
