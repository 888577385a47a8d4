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
import type { ResponseTarget } from './request.ts';

export function deliver(ctx: Ctx, reply: FastifyReply, target: ResponseTarget, params: Record<string, string>): FastifyReply {
  const all: Record<string, string> = { ...params };
  if (target.state !== undefined) all['state'] = target.state;
  all['iss'] = ctx.tenant.issuer;
  reply.header('cache-control', 'no-store');

  if (target.responseMode === 'form_post') {
    // OAuth 2.0 Form Post Response Mode §2: an auto-submitting form; the CSP allows its one script.
    // No form-action: browsers apply it to redirects after the POST, and the client may redirect anywhere.
    const nonce = randomBytes(16).toString('base64');
    reply.header('content-security-policy', `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; frame-ancestors 'none'; base-uri 'none'`);
    return reply.type('text/html; charset=utf-8').send(formPostPage({ action: target.redirectUri, params: all, nonce }));
  }
  const url = new URL(target.redirectUri);
  if (target.responseMode === 'fragment') {
    url.hash = new URLSearchParams(all).toString();
  } else {
    // RFC 6749 §3.1.2: keep the redirect URI's own query component.
    for (const [key, value] of Object.entries(all)) url.searchParams.append(key, value);
  }
  return reply.redirect(url.href, 303);
}

export function deliverError(ctx: Ctx, reply: FastifyReply, target: ResponseTarget, err: OAuthError): FastifyReply {
  return deliver(ctx, reply, target, errorBody(err));
}
