/**
 * Moves a validated authorization request forward from wherever the browser is (the
 * authorization endpoint, the login form, the consent form): render the next page, or issue
 * and deliver the response. Errors after this point go back to the client.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../context.ts';
import { InvalidRequestUri, OAuthError } from '../../errors/oauth-error.ts';
import { clientViewOf, formFrame, renderConsentFor, renderLoginFor, sendPage, type FormTarget, type PageOptions } from '../../interaction/page-frame.ts';
import { sealRequest } from '../../interaction/sealed-request.ts';
import { currentSession } from '../../interaction/session.ts';
import { pickLocale, type Locale } from '../../interaction/views/i18n.ts';
import { selectAccountPage } from '../../interaction/views/pages.ts';
import type { ClientRecord, SessionRecord, UserRecord } from '../../storage/types.ts';
import { decide, type DecideOptions } from './decide.ts';
import { issueAuthorizationResponse } from './issue.ts';
import type { AuthorizationRequest, ResponseTarget } from './request.ts';
import { deliver, deliverError } from './respond.ts';

export function targetOf(req: AuthorizationRequest): ResponseTarget {
  const target: ResponseTarget = { redirectUri: req.redirectUri, responseMode: req.responseMode, state: req.state, clientId: req.clientId };
  if (req.parHash !== undefined) target.parHash = req.parHash;
  return target;
}

/** The language of this authorization request's pages: its `ui_locales`, else the browser's. */
export function requestLocale(request: FastifyRequest, req: AuthorizationRequest): Locale {
  return pickLocale(req.uiLocales, request.headers['accept-language']);
}

/** A form of this authorization request: its locale, and the request sealed in the form. */
function targetFor(ctx: Ctx, request: FastifyRequest, req: AuthorizationRequest, action: string): Required<FormTarget> {
  return { action, hidden: { request: sealRequest(ctx, req) }, locale: requestLocale(request, req) };
}

export function renderLogin(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, req: AuthorizationRequest, client: ClientRecord, options: PageOptions = {}): FastifyReply {
  const username = options.username ?? req.loginHint;
  return renderLoginFor(ctx, request, reply, targetFor(ctx, request, req, '/login'), clientViewOf(client), { ...options, ...(username ? { username } : {}) });
}

function renderSelectAccount(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, req: AuthorizationRequest, client: ClientRecord, user: UserRecord): FastifyReply {
  const target = targetFor(ctx, request, req, '/select-account');
  const html = selectAccountPage({
    ...formFrame(ctx, request, reply, target.locale, target.action, target.hidden),
    client: clientViewOf(client),
    user: { name: user.claims.name ?? user.username, username: user.username },
  });
  return sendPage(reply, html);
}

/** RFC 9126 §4 / §7.3: a pushed request completes once; a second completion is refused. */
async function completePushedRequest(ctx: Ctx, req: AuthorizationRequest): Promise<void> {
  if (req.parHash === undefined) return;
  const result = await ctx.storage.par.consume(ctx.tenant.id, req.parHash, ctx.now());
  if (result.status !== 'ok') throw new InvalidRequestUri('the request_uri was already used');
}

export async function proceed(
  ctx: Ctx,
  request: FastifyRequest,
  reply: FastifyReply,
  req: AuthorizationRequest,
  client: ClientRecord,
  session: SessionRecord | undefined,
  options: DecideOptions = {},
): Promise<FastifyReply> {
  try {
    const decision = await decide(ctx, req, client, session ?? (await currentSession(ctx, request)), options);
    if (decision.next === 'login') return renderLogin(ctx, request, reply, req, client);
    if (decision.next === 'select_account') return renderSelectAccount(ctx, request, reply, req, client, decision.user);
    if (decision.next === 'consent') return renderConsentFor(ctx, request, reply, targetFor(ctx, request, req, '/consent'), { client, user: decision.user, scopes: req.scopes });
    await completePushedRequest(ctx, req);
    const params = await issueAuthorizationResponse(ctx, req, client, decision.session, decision.user);
    // The pushed request is consumed already: delivering it needs no second UPDATE.
    const { parHash: _consumed, ...target } = targetOf(req);
    return deliver(ctx, reply, target, params);
  } catch (err) {
    if (err instanceof OAuthError && err.redirectable) return deliverError(ctx, reply, targetOf(req), err);
    throw err;
  }
}
