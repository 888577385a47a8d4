/**
 * The console's browser state, sealed with the key-encryption key: the sign-in attempt
 * (PKCE verifier, state, nonce) while the browser is at the authorization endpoint, then the
 * admin access token. Both cookies are HttpOnly, SameSite=Lax and limited to /admin. Forms carry
 * a CSRF token bound to the session (a MAC of the session cookie).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../context.ts';
import { InvalidRequest } from '../../errors/oauth-error.ts';
import type { Params } from '../../http/params.ts';
import { safeEqual } from '../../security/secrets.ts';

const SESSION_COOKIE = 'pc_admin';
const LOGIN_COOKIE = 'pc_admin_login';
const PATH = '/admin';
const LOGIN_TTL = 600;

export interface LoginState {
  verifier: string;
  state: string;
  nonce: string;
  exp: number;
  /** Console page to return to after sign-in. */
  back: string;
}

export interface ConsoleSession {
  token: string;
  exp: number;
}

function cookieOptions(services: Services, maxAge?: number) {
  return { path: PATH, httpOnly: true, sameSite: 'lax' as const, secure: services.config.issuer.startsWith('https:'), ...(maxAge !== undefined ? { maxAge } : {}) };
}

function unseal<T extends { exp: number }>(services: Services, value: string | undefined): T | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(services.kek.decrypt(value)) as T;
    return typeof parsed.exp === 'number' && parsed.exp > services.now() ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 7636 §4.2: S256 code challenge. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export function startLogin(services: Services, reply: FastifyReply, back: string): LoginState {
  const login: LoginState = {
    verifier: randomBytes(32).toString('base64url'),
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
    exp: services.now() + LOGIN_TTL,
    back,
  };
  void reply.setCookie(LOGIN_COOKIE, services.kek.encrypt(JSON.stringify(login)), cookieOptions(services, LOGIN_TTL));
  return login;
}

export function takeLogin(services: Services, request: FastifyRequest, reply: FastifyReply): LoginState | undefined {
  void reply.clearCookie(LOGIN_COOKIE, { path: PATH });
  return unseal<LoginState>(services, request.cookies[LOGIN_COOKIE]);
}

export function writeSession(services: Services, reply: FastifyReply, session: ConsoleSession): void {
  void reply.setCookie(SESSION_COOKIE, services.kek.encrypt(JSON.stringify(session)), cookieOptions(services, Math.max(1, session.exp - services.now())));
}

export function readSession(services: Services, request: FastifyRequest): ConsoleSession | undefined {
  return unseal<ConsoleSession>(services, request.cookies[SESSION_COOKIE]);
}

export function clearSession(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: PATH });
}

/** The CSRF token for this session's forms. */
export function csrfFor(services: Services, request: FastifyRequest): string {
  return services.kek.mac('admin-console-csrf', request.cookies[SESSION_COOKIE] ?? '');
}

export function verifyCsrf(services: Services, request: FastifyRequest, params: Params): void {
  const sent = params.get('csrf_token');
  if (!sent || !request.cookies[SESSION_COOKIE] || !safeEqual(sent, csrfFor(services, request))) {
    throw new InvalidRequest('the form has expired or was not submitted from this console; please reload the page');
  }
}
