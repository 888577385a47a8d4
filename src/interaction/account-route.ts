/**
 * GET /account: the signed-in user's live sessions (when, how, which applications);
 * POST /account/sessions/end: ends one of them. Ending another browser's session sends its
 * back-channel logout tokens; ending this browser's one signs it out like the end-session
 * endpoint, front-channel iframes included.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CIBA_REQUESTS_PATH } from '../ciba/paths.ts';
import type { Ctx } from '../context.ts';
import { InvalidRequest } from '../errors/oauth-error.ts';
import { tenantCtx } from '../http/tenant-scope.ts';
import { endSession } from '../logout/end-session.ts';
import { stylesheetHref } from './assets.ts';
import { clearCookie } from './cookies.ts';
import { checkedForm, formFrame, localeOf, sendPage } from './page-frame.ts';
import { currentSession } from './session.ts';
import { accountPage, signedOutCsp, signedOutPage } from './views/logout-pages.ts';

const ACCOUNT_PATH = '/account';

async function clientNames(ctx: Ctx, ids: readonly string[]): Promise<string[]> {
  const clients = await Promise.all(ids.map((id) => ctx.storage.clients.get(ctx.tenant.id, id)));
  return ids.map((id, i) => clients[i]?.metadata.client_name ?? id);
}

async function show(request: FastifyRequest, reply: FastifyReply, notice?: string): Promise<FastifyReply> {
  const ctx = tenantCtx(request);
  const frame = formFrame(ctx, request, reply, localeOf(request), `${ACCOUNT_PATH}/sessions/end`);
  const session = await currentSession(ctx, request);
  const user = session ? await ctx.storage.users.get(ctx.tenant.id, session.sub) : undefined;
  if (!session || !user) return sendPage(reply, accountPage({ ...frame, sessions: [], ...(notice ? { notice } : {}) }));
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
  const pending = { href: `${ctx.tenant.basePath}${CIBA_REQUESTS_PATH}`, count: (await ctx.storage.ciba.listPending(ctx.tenant.id, session.sub, ctx.now())).length };
  return sendPage(reply, accountPage({ ...frame, user: { name: user.claims.name ?? user.username }, sessions: views, pending, ...(notice ? { notice } : {}) }));
}

async function end(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const ctx = tenantCtx(request);
  const params = checkedForm(ctx, request);
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
  return sendPage(reply, signedOutPage({ locale: localeOf(request), stylesheetHref: stylesheetHref(ctx.tenant.basePath), frames: ended.frontChannel }));
}

export function accountRoutes(app: FastifyInstance): void {
  app.get(ACCOUNT_PATH, { config: { errorStyle: 'html' } }, (request, reply) => show(request, reply));
  app.post(`${ACCOUNT_PATH}/sessions/end`, { config: { errorStyle: 'html' } }, end);
}
