/**
 * Moves a validated authorization request forward from wherever the browser is (the
 * authorization endpoint, the login form, the consent form): render the next page, or issue
 * and deliver the response. Errors after this point go back to the client.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../context.ts';
import { InvalidRequestUri, OAuthError } from '../../errors/oauth-error.ts';
import { clientViewOf, formFrame, sendPage } from '../../interaction/page-frame.ts';
import { sealRequest } from '../../interaction/sealed-request.ts';
import { currentSession } from '../../interaction/session.ts';
import { pickLocale } from '../../interaction/views/i18n.ts';
import { consentPage, loginPage, selectAccountPage } from '../../interaction/views/pages.ts';
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

/** The frame of a page of this authorization request: its locale and the request sealed in the form. */
function frameOf(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, req: AuthorizationRequest, path: string) {
  return formFrame(ctx, request, reply, pickLocale(req.uiLocales, request.headers['accept-language']), path, { request: sealRequest(ctx, req) });
}

export interface PageOptions {
  /** Error shown on the login page (wrong password, throttled). */
  error?: string;
  username?: string;
  status?: number;
}

export function renderLogin(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, req: AuthorizationRequest, client: ClientRecord, options: PageOptions = {}): FastifyReply {
  const html = loginPage({
    ...frameOf(ctx, request, reply, req, '/login'),
    client: clientViewOf(client),
    ...(options.username ?? req.loginHint ? { username: options.username ?? req.loginHint } : {}),
    ...(options.error ? { error: options.error } : {}),
    tenantName: ctx.tenant.name,
  });
  return sendPage(reply, html, options.status ?? 200);
}

function renderConsent(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, req: AuthorizationRequest, client: ClientRecord, userName: string): FastifyReply {
  const html = consentPage({
    ...frameOf(ctx, request, reply, req, '/consent'),
    client: clientViewOf(client),
    user: { name: userName },
    scopes: req.scopes,
  });
  return sendPage(reply, html);
}

function renderSelectAccount(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, req: AuthorizationRequest, client: ClientRecord, user: UserRecord): FastifyReply {
  const html = selectAccountPage({
    ...frameOf(ctx, request, reply, req, '/select-account'),
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
    if (decision.next === 'consent') {
      const name = decision.user.claims.name ?? decision.user.username;
      return renderConsent(ctx, request, reply, req, client, name);
    }
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
