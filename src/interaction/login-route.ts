/**
 * POST /login: the sign-in form. Credentials are checked with argon2id against a dummy hash
 * for unknown users too, and failures look identical, so nothing reveals whether a user exists.
 * Attempts are throttled per username and per IP.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../context.ts';
import { InvalidRequest } from '../errors/oauth-error.ts';
import type { Params } from '../http/params.ts';
import { tenantCtx } from '../http/tenant-scope.ts';
import { dummyHash, verifyPassword } from '../security/password.ts';
import { loginThrottle } from '../security/login-throttle.ts';
import type { UserRecord } from '../storage/types.ts';
import { accountSelected } from '../endpoints/authorize/decide.ts';
import { proceed, renderLogin, requestLocale } from '../endpoints/authorize/proceed.ts';
import { checkedForm } from './page-frame.ts';
import { unsealRequest } from './sealed-request.ts';
import type { Locale } from './views/i18n.ts';
import { startSession } from './session.ts';

/** Verifies a username and password; undefined for any failure, after the same amount of work. */
export async function checkCredentials(ctx: Ctx, username: string, password: string): Promise<UserRecord | undefined> {
  const user = await ctx.storage.users.getByUsername(ctx.tenant.id, username);
  const hash = user?.passwordHash ?? (await dummyHash());
  const ok = await verifyPassword(hash, password);
  return ok && user && user.passwordHash && !user.disabled ? user : undefined;
}

/** Why a sign-in form was refused: the status of the page that says so, and what to say. */
export type SignInRefusal = { reason: 'missing'; status: 400 } | { reason: 'throttled'; status: 429; retryAfter: number } | { reason: 'incorrect'; status: 401 };

export type SignInCheck = { username: string } & ({ ok: true; user: UserRecord } | ({ ok: false } & SignInRefusal));

/**
 * Checks a posted sign-in form (every page with one: login, device, CIBA): both fields given,
 * the login throttle (a refusal sets Retry-After), then the credentials, the attempt recorded.
 */
export async function checkSignInForm(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, params: Params): Promise<SignInCheck> {
  const username = (params.get('username') ?? '').trim();
  const password = params.get('password') ?? '';
  if (!username || !password) return { ok: false, username, reason: 'missing', status: 400 };
  const attempt = { tenantId: ctx.tenant.id, username, ip: request.ip };
  const check = await loginThrottle.guard(attempt, () => checkCredentials(ctx, username, password));
  if (check.outcome === 'throttled') {
    // RFC 6585 §4: a 429 may say how long to wait.
    reply.header('retry-after', String(check.retryAfter));
    return { ok: false, username, reason: 'throttled', status: 429, retryAfter: check.retryAfter };
  }
  if (check.outcome === 'wrong') {
    ctx.log.info({ tenant: ctx.tenant.slug, event: 'login_failed' }, 'sign-in failed');
    return { ok: false, username, reason: 'incorrect', status: 401 };
  }
  return { ok: true, username, user: check.value };
}

/** What a refusal of a sign-in form says, in the page's language. */
export function refusalMessage(locale: Locale, refusal: SignInRefusal): string {
  if (refusal.reason === 'missing') return locale.t.loginMissing;
  if (refusal.reason === 'incorrect') return locale.t.loginIncorrect;
  const minutes = Math.max(1, Math.ceil(refusal.retryAfter / 60));
  return minutes === 1 ? locale.t.loginThrottledOne : locale.t.loginThrottledMany.replace('{n}', String(minutes));
}

async function login(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const ctx = tenantCtx(request);
  const params = checkedForm(ctx, request);
  const req = unsealRequest(ctx, params.get('request'));
  const client = await ctx.storage.clients.get(ctx.tenant.id, req.clientId);
  if (!client) throw new InvalidRequest('unknown client');
  const check = await checkSignInForm(ctx, request, reply, params);
  if (!check.ok) return renderLogin(ctx, request, reply, req, client, { error: refusalMessage(requestLocale(request, req), check), username: check.username, status: check.status });
  // One authentication class (password): it satisfies, and records, the acr the client asked for first.
  const session = await startSession(ctx, reply, { sub: check.user.id, amr: ['pwd'], acr: req.acrValues?.[0] ?? null });
  // Signing in is choosing the account: prompt=select_account is answered.
  return proceed(ctx, request, reply, accountSelected(req), client, session);
}

export function loginRoutes(app: FastifyInstance): void {
  app.post('/login', { config: { errorStyle: 'html' } }, login);
}
