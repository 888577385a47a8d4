/**
 * The end-session endpoint (OpenID Connect RP-Initiated Logout 1.0), GET and POST, and the
 * confirmation form it may show. Errors are HTML pages, never a redirect (§4).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../context.ts';
import { InvalidRequest } from '../../errors/oauth-error.ts';
import { queryOrFormParams } from '../../http/params.ts';
import { tenantCtx } from '../../http/tenant-scope.ts';
import { stylesheetHref } from '../../interaction/assets.ts';
import { clearCookie } from '../../interaction/cookies.ts';
import { verifyCsrf } from '../../interaction/csrf.ts';
import { clientViewOf, formFrame, sendPage } from '../../interaction/page-frame.ts';
import { currentSession } from '../../interaction/session.ts';
import { pickLocale } from '../../interaction/views/i18n.ts';
import { confirmLogoutPage, signedOutCsp, signedOutPage } from '../../interaction/views/logout-pages.ts';
import type { SessionRecord } from '../../storage/types.ts';
import { handleEndSession } from './handler.ts';
import { validateEndSession, type EndSessionRequest } from './validate.ts';

export const END_SESSION_PATH = '/end_session';

async function renderConfirm(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, req: EndSessionRequest, session: SessionRecord | undefined): Promise<FastifyReply> {
  const user = session ? await ctx.storage.users.get(ctx.tenant.id, session.sub) : undefined;
  return sendPage(
    reply,
    confirmLogoutPage({
      ...formFrame(ctx, request, reply, pickLocale(req.uiLocales, request.headers['accept-language']), `${END_SESSION_PATH}/confirm`, req.carry),
      ...(req.client ? { client: clientViewOf(req.client) } : {}),
      ...(user ? { user: { name: user.claims.name ?? user.username } } : {}),
    }),
  );
}

async function respond(request: FastifyRequest, reply: FastifyReply, confirmed: boolean): Promise<FastifyReply> {
  const ctx = tenantCtx(request);
  const params = queryOrFormParams(request);
  if (confirmed) {
    verifyCsrf(ctx, request, params);
    if (params.get('decision') !== 'logout') throw new InvalidRequest('decision must be logout');
  }
  const req = await validateEndSession(ctx, params);
  const session = await currentSession(ctx, request);
  const outcome = await handleEndSession(ctx, req, session, confirmed);
  if (outcome.next === 'confirm') return renderConfirm(ctx, request, reply, req, session);

  clearCookie(ctx, reply, 'session');
  if (outcome.frames.length === 0 && outcome.redirectTo) {
    return reply.code(request.method === 'POST' ? 303 : 302).header('cache-control', 'no-store').redirect(outcome.redirectTo);
  }
  reply.header('content-security-policy', signedOutCsp(outcome.frames));
  return sendPage(
    reply,
    signedOutPage({
      locale: pickLocale(req.uiLocales, request.headers['accept-language']),
      stylesheetHref: stylesheetHref(ctx.tenant.basePath),
      frames: outcome.frames,
      ...(outcome.redirectTo ? { continueTo: outcome.redirectTo } : {}),
    }),
  );
}

export function endSessionRoutes(app: FastifyInstance): void {
  app.route({ method: ['GET', 'POST'], url: END_SESSION_PATH, config: { errorStyle: 'html' }, handler: (request, reply) => respond(request, reply, false) });
  app.post(`${END_SESSION_PATH}/confirm`, { config: { errorStyle: 'html' } }, (request, reply) => respond(request, reply, true));
}
