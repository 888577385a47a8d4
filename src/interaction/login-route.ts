/**
 * POST /login: the sign-in form. Credentials are checked with argon2id against a dummy hash
 * for unknown users too, and failures look identical, so nothing reveals whether a user exists.
 * Attempts are throttled per username and per IP.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../context.ts';
import { InvalidRequest } from '../errors/oauth-error.ts';
import { Params } from '../http/params.ts';
import { tenantCtx } from '../http/tenant-scope.ts';
import { dummyHash, verifyPassword } from '../security/password.ts';
import { loginThrottle } from '../security/login-throttle.ts';
import type { UserRecord } from '../storage/types.ts';
import { accountSelected } from '../endpoints/authorize/decide.ts';
import { proceed, renderLogin } from '../endpoints/authorize/proceed.ts';
import { verifyCsrf } from './csrf.ts';
import { unsealRequest } from './sealed-request.ts';
import { startSession } from './session.ts';

/** Verifies a username and password; undefined for any failure, after the same amount of work. */
export async function checkCredentials(ctx: Ctx, username: string, password: string): Promise<UserRecord | undefined> {
  const user = await ctx.storage.users.getByUsername(ctx.tenant.id, username);
  const hash = user?.passwordHash ?? (await dummyHash());
  const ok = await verifyPassword(hash, password);
  return ok && user && user.passwordHash && !user.disabled ? user : undefined;
}

async function login(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const ctx = tenantCtx(request);
  const params = request.body instanceof Params ? request.body : Params.empty();
  verifyCsrf(ctx, request, params);
  const req = unsealRequest(ctx, params.get('request'));
  const client = await ctx.storage.clients.get(ctx.tenant.id, req.clientId);
  if (!client) throw new InvalidRequest('unknown client');
  const username = (params.get('username') ?? '').trim();
  const password = params.get('password') ?? '';
  if (!username || !password) return renderLogin(ctx, request, reply, req, client, { error: 'Enter your username and password.', username, status: 400 });

  const attempt = { tenantId: ctx.tenant.id, username, ip: request.ip };
  const blocked = await loginThrottle.check(attempt);
  if (!blocked.allowed) {
    const minutes = Math.max(1, Math.ceil(blocked.retryAfter / 60));
    reply.header('retry-after', String(blocked.retryAfter));
    return renderLogin(ctx, request, reply, req, client, { error: `Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, username, status: 429 });
  }
  const user = await checkCredentials(ctx, username, password);
  await loginThrottle.record(attempt, user !== undefined);
  if (!user) {
    ctx.log.info({ tenant: ctx.tenant.slug, event: 'login_failed' }, 'sign-in failed');
    return renderLogin(ctx, request, reply, req, client, { error: 'Incorrect username or password.', username, status: 401 });
  }
  // One authentication class (password): it satisfies, and records, the acr the client asked for first.
  const session = await startSession(ctx, reply, { sub: user.id, amr: ['pwd'], acr: req.acrValues?.[0] ?? null });
  // Signing in is choosing the account: prompt=select_account is answered.
  return proceed(ctx, request, reply, accountSelected(req), client, session);
}

export function loginRoutes(app: FastifyInstance): void {
  app.post('/login', { config: { errorStyle: 'html' } }, login);
}
