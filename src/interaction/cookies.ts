/**
 * Browser cookies of the interaction pages. Names carry the tenant slug so that the default
 * tenant's cookie (Path=/) never shadows a tenant's own (Path=/t/<slug>).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../context.ts';

export type CookieKind = 'session' | 'csrf';

export function cookieName(ctx: Ctx, kind: CookieKind): string {
  const base = kind === 'session' ? 'pc_session' : 'pc_csrf';
  return ctx.tenant.slug ? `${base}_${ctx.tenant.slug}` : base;
}

export function readCookie(ctx: Ctx, request: FastifyRequest, kind: CookieKind): string | undefined {
  const value = request.cookies[cookieName(ctx, kind)];
  return value ? value : undefined;
}

export function writeCookie(ctx: Ctx, reply: FastifyReply, kind: CookieKind, value: string, maxAge?: number): void {
  void reply.setCookie(cookieName(ctx, kind), value, {
    path: ctx.tenant.basePath || '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.tenant.issuer.startsWith('https:'),
    ...(maxAge !== undefined ? { maxAge } : {}),
  });
}

export function clearCookie(ctx: Ctx, reply: FastifyReply, kind: CookieKind): void {
  void reply.clearCookie(cookieName(ctx, kind), { path: ctx.tenant.basePath || '/' });
}
