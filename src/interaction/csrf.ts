/**
 * CSRF protection for every form: a random cookie (SameSite=Lax, HttpOnly) whose value the
 * form must echo in `csrf_token` (double submit). A cross-site page can neither read the cookie
 * nor make the browser send it with a cross-site POST.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../context.ts';
import { InvalidRequest } from '../errors/oauth-error.ts';
import type { Params } from '../http/params.ts';
import { safeEqual } from '../security/secrets.ts';
import { cookieName, readCookie, writeCookie } from './cookies.ts';

/** The CSRF token for forms on this response, setting the cookie when the browser has none. */
export function csrfToken(ctx: Ctx, request: FastifyRequest, reply: FastifyReply): string {
  const existing = readCookie(ctx, request, 'csrf');
  if (existing) return existing;
  const token = randomBytes(24).toString('base64url');
  writeCookie(ctx, reply, 'csrf', token);
  // Later renders in the same request (e.g. login, then consent) reuse it.
  request.cookies[cookieName(ctx, 'csrf')] = token;
  return token;
}

export function verifyCsrf(ctx: Ctx, request: FastifyRequest, params: Params): void {
  const cookie = readCookie(ctx, request, 'csrf');
  const sent = params.get('csrf_token');
  if (!cookie || !sent || !safeEqual(cookie, sent)) {
    throw new InvalidRequest('the form has expired or was not submitted from this site; please start again', { detail: 'csrf mismatch' });
  }
}
