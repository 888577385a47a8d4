/**
 * GET /account: the signed-in user's live sessions (when, how, which applications);
 * POST /account/sessions/end: ends one of them. Ending another browser's session sends its
 * back-channel logout tokens; ending this browser's one signs it out like the end-session
 * endpoint, front-channel iframes included.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../context.ts';
import { InvalidRequest } from '../errors/oauth-error.ts';
import { Params } from '../http/params.ts';
import { tenantCtx } from '../http/tenant-scope.ts';
import { endSession } from '../logout/end-session.ts';
import { stylesheetHref } from './assets.ts';
import { clearCookie } from './cookies.ts';
import { csrfToken, verifyCsrf } from './csrf.ts';
import { currentSession } from './session.ts';
import { pickLocale, type Locale } from './views/i18n.ts';
import { accountPage, signedOutCsp, signedOutPage } from './views/logout-pages.ts';

const ACCOUNT_PATH = '/account';

function send(reply: FastifyReply, body: string, status = 200): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
}

function localeOf(request: FastifyRequest): Locale {
  const query = request.query as Record<string, unknown> | undefined;
  const ui = typeof query?.['ui_locales'] === 'string' ? query['ui_locales'] : undefined;
  return pickLocale(ui, request.headers['accept-language']);
}

async function clientNames(ctx: Ctx, ids: readonly string[]): Promise<string[]> {
  const clients = await Promise.all(ids.map((id) => ctx.storage.clients.get(ctx.tenant.id, id)));
  return ids.map((id, i) => clients[i]?.metadata.client_name ?? id);
}

async function show(request: FastifyRequest, reply: FastifyReply, notice?: string): Promise<FastifyReply> {
  const ctx = tenantCtx(request);
  const locale = localeOf(request);
  const frame = { locale, stylesheetHref: stylesheetHref(ctx.tenant.basePath), action: `${ctx.tenant.basePath}${ACCOUNT_PATH}/sessions/end`, csrf: csrfToken(ctx, request, reply) };
  const session = await currentSession(ctx, request);
  const user = session ? await ctx.storage.users.get(ctx.tenant.id, session.sub) : undefined;
  if (!session || !user) return send(reply, accountPage({ ...frame, sessions: [], ...(notice ? { notice } : {}) }));
  const sessions = await ctx.storage.sessions.listBySub(ctx.tenant.id, session.sub, ctx.now());
  const views = await Promise.all(
    sessions.map(async (s) => ({
      sid: s.id,
      signedInAt: new Date(s.authTime * 1000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
      methods: s.amr.join(', ') || '-',
      apps: await clientNames(ctx, s.clients),
      current: s.id === session.id,
    })),
  );
  return send(reply, accountPage({ ...frame, user: { name: user.claims.name ?? user.username }, sessions: views, ...(notice ? { notice } : {}) }));
}

async function end(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const ctx = tenantCtx(request);
  const params = request.body instanceof Params ? request.body : Params.empty();
  verifyCsrf(ctx, request, params);
  const sid = params.require('sid');
  const session = await currentSession(ctx, request);
  if (!session) return show(request, reply);
  const target = sid === session.id ? session : await ctx.storage.sessions.get(ctx.tenant.id, sid);
  // A user may only end their own sessions; another user's sid looks like an unknown one.
  if (!target || target.sub !== session.sub || target.endedAt !== null) throw new InvalidRequest('no such session');
  const ended = await endSession(ctx, target, 'account_page');
  if (target.id !== session.id) return show(request, reply, localeOf(request).t.accountSessionEnded);
  clearCookie(ctx, reply, 'session');
  reply.header('content-security-policy', signedOutCsp(ended.frontChannel));
  return send(reply, signedOutPage({ locale: localeOf(request), stylesheetHref: stylesheetHref(ctx.tenant.basePath), frames: ended.frontChannel }));
}

export function accountRoutes(app: FastifyInstance): void {
  app.get(ACCOUNT_PATH, { config: { errorStyle: 'html' } }, (request, reply) => show(request, reply));
  app.post(`${ACCOUNT_PATH}/sessions/end`, { config: { errorStyle: 'html' } }, end);
}
