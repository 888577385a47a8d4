/**
 * Moves a validated authorization request forward from wherever the browser is (the
 * authorization endpoint, the login form, the consent form): render the next page, or issue
 * and deliver the response. Errors after this point go back to the client.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../context.ts';
import { InvalidRequestUri, OAuthError } from '../../errors/oauth-error.ts';
import { stylesheetHref } from '../../interaction/assets.ts';
import { csrfToken } from '../../interaction/csrf.ts';
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

function clientView(client: ClientRecord) {
  const m = client.metadata;
  return {
    name: m.client_name ?? m.client_id,
    ...(m.logo_uri ? { logoUri: m.logo_uri } : {}),
    ...(m.client_uri ? { clientUri: m.client_uri } : {}),
    ...(m.policy_uri ? { policyUri: m.policy_uri } : {}),
    ...(m.tos_uri ? { tosUri: m.tos_uri } : {}),
  };
}

export interface PageOptions {
  /** Error shown on the login page (wrong password, throttled). */
  error?: string;
  username?: string;
  status?: number;
}

export function renderLogin(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, req: AuthorizationRequest, client: ClientRecord, options: PageOptions = {}): FastifyReply {
  const locale = pickLocale(req.uiLocales, request.headers['accept-language']);
  const html = loginPage({
    locale,
    stylesheetHref: stylesheetHref(ctx.tenant.basePath),
    action: `${ctx.tenant.basePath}/login`,
    csrf: csrfToken(ctx, request, reply),
    hidden: { request: sealRequest(ctx, req) },
    client: clientView(client),
    ...(options.username ?? req.loginHint ? { username: options.username ?? req.loginHint } : {}),
    ...(options.error ? { error: options.error } : {}),
    tenantName: ctx.tenant.name,
  });
  return reply.code(options.status ?? 200).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
}

function renderConsent(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, req: AuthorizationRequest, client: ClientRecord, userName: string): FastifyReply {
  const html = consentPage({
    locale: pickLocale(req.uiLocales, request.headers['accept-language']),
    stylesheetHref: stylesheetHref(ctx.tenant.basePath),
    action: `${ctx.tenant.basePath}/consent`,
    csrf: csrfToken(ctx, request, reply),
    hidden: { request: sealRequest(ctx, req) },
    client: clientView(client),
    user: { name: userName },
    scopes: req.scopes,
  });
  return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
}

function renderSelectAccount(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, req: AuthorizationRequest, client: ClientRecord, user: UserRecord): FastifyReply {
  const html = selectAccountPage({
    locale: pickLocale(req.uiLocales, request.headers['accept-language']),
    stylesheetHref: stylesheetHref(ctx.tenant.basePath),
    action: `${ctx.tenant.basePath}/select-account`,
    csrf: csrfToken(ctx, request, reply),
    hidden: { request: sealRequest(ctx, req) },
    client: clientView(client),
    user: { name: user.claims.name ?? user.username, username: user.username },
  });
  return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
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
    return deliver(ctx, reply, targetOf(req), params);
  } catch (err) {
    if (err instanceof OAuthError && err.redirectable) return deliverError(ctx, reply, targetOf(req), err);
    throw err;
  }
}
