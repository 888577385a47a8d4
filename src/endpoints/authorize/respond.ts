/**
 * Delivers an authorization response or error to the client's (trusted) redirect URI, in the
 * requested response mode, always with `iss` (RFC 9207 §2) and `state` when one was sent.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { Ctx } from '../../context.ts';
import { errorBody } from '../../errors/render.ts';
import type { OAuthError } from '../../errors/oauth-error.ts';
import { formPostPage } from '../../interaction/views/pages.ts';
import { signAuthorizationResponse } from '../../jarm/sign.ts';
import type { ResponseTarget } from './request.ts';

/**
 * Sends the response to the client. JARM modes (JARM §2.3) put one signed `response`
 * parameter where the plain mode would put the parameters; `iss` then travels inside the JWT.
 */
export async function deliver(ctx: Ctx, reply: FastifyReply, target: ResponseTarget, params: Record<string, string>): Promise<FastifyReply> {
  const all: Record<string, string> = { ...params };
  if (target.state !== undefined) all['state'] = target.state;
  all['iss'] = ctx.tenant.issuer;
  reply.header('cache-control', 'no-store');
  // RFC 9126 §4: once answered (with a result or an error), a pushed request cannot start another authorization.
  if (target.parHash !== undefined) await ctx.storage.par.consume(ctx.tenant.id, target.parHash, ctx.now());

  const [mode, jwt] = target.responseMode.split('.') as ['query' | 'fragment' | 'form_post', string | undefined];
  const sent = jwt !== undefined && target.clientId !== undefined ? { response: await signAuthorizationResponse(ctx, target.clientId, all) } : all;

  if (mode === 'form_post') {
    // OAuth 2.0 Form Post Response Mode §2: an auto-submitting form; the CSP allows its one script.
    // No form-action: browsers apply it to redirects after the POST, and the client may redirect anywhere.
    const nonce = randomBytes(16).toString('base64');
    reply.header('content-security-policy', `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; frame-ancestors 'none'; base-uri 'none'`);
    return reply.type('text/html; charset=utf-8').send(formPostPage({ action: target.redirectUri, params: sent, nonce }));
  }
  const url = new URL(target.redirectUri);
  if (mode === 'fragment') {
    url.hash = new URLSearchParams(sent).toString();
  } else {
    // RFC 6749 §3.1.2: keep the redirect URI's own query component.
    for (const [key, value] of Object.entries(sent)) url.searchParams.append(key, value);
  }
  return reply.redirect(url.href, 303);
}

export function deliverError(ctx: Ctx, reply: FastifyReply, target: ResponseTarget, err: OAuthError): Promise<FastifyReply> {
  return deliver(ctx, reply, target, errorBody(err));
}
