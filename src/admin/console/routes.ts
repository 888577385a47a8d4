/**
 * The admin console at /admin: server-rendered pages (no JavaScript needed) that sign in through
 * Portcullis itself with the authorization code flow + PKCE (RFC 7636) as the public client
 * `portcullis-console`, then act through the same functions as the admin API.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../context.ts';
import { InsufficientScope, InvalidToken, OAuthError } from '../../errors/oauth-error.ts';
import { html } from '../../interaction/views/html.ts';
import type { TenantRegistry } from '../../tenancy/registry.ts';
import { getTenant } from '../api/tenants.ts';
import type { Query } from '../api/pagination.ts';
import { CONSOLE_CALLBACK, CONSOLE_CLIENT_ID } from '../bootstrap.ts';
import { authenticateAdmin } from '../principal.ts';
import { ADMIN_SCOPE } from '../scopes.ts';
import { barePage, page, STYLESHEET_PATH, tenantPath, type Frame } from './layout.ts';
import { formOf, type PageHandler } from './page-ctx.ts';
import * as clients from './pages/clients.ts';
import * as other from './pages/other.ts';
import * as tenants from './pages/tenants.ts';
import * as users from './pages/users.ts';
import { clearSession, csrfFor, readSession, s256, startLogin, takeLogin, verifyCsrf, writeSession } from './session.ts';
import { CONSOLE_STYLESHEET } from './stylesheet.ts';
import { consoleLocale } from './strings.ts';

type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Query }>;

/**
 * Only console paths may be returned to after sign-in (no open redirect), written in printable
 * ASCII without backslashes (no header injection, no path tricks browsers would rewrite).
 */
function safeBack(value: unknown): string {
  return typeof value === 'string' && /^\/admin(\/[\x21-\x2e\x30-\x5b\x5d-\x7e][\x21-\x5b\x5d-\x7e]*)?$/.test(value) && !value.startsWith('/admin/callback') ? value : '/admin';
}

function send(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
}

export function consoleRoutes(app: FastifyInstance, services: Services, registry: TenantRegistry): void {
  const { config } = services;
  const redirectUri = `${config.issuer}${CONSOLE_CALLBACK}`;

  app.get(STYLESHEET_PATH, (_request, reply) => reply.header('cache-control', 'public, max-age=31536000, immutable').type('text/css; charset=utf-8').send(CONSOLE_STYLESHEET));

  app.get('/admin/login', { config: { errorStyle: 'html' } }, (request: Req, reply) => {
    const login = startLogin(services, reply, safeBack(request.query['back']));
    const url = new URL(`${config.issuer}/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: CONSOLE_CLIENT_ID,
      redirect_uri: redirectUri,
      scope: `openid profile ${ADMIN_SCOPE}`,
      state: login.state,
      nonce: login.nonce,
      code_challenge: s256(login.verifier),
      code_challenge_method: 'S256',
    }).toString();
    return reply.code(303).header('cache-control', 'no-store').header('location', url.href).send();
  });

  app.get(CONSOLE_CALLBACK, { config: { errorStyle: 'html' } }, async (request: Req, reply) => {
    const locale = consoleLocale(request.headers['accept-language']);
    const login = takeLogin(services, request, reply);
    const state = request.query['state'];
    const fail = (message: string, status = 400) => send(reply, status, barePage(locale, locale.t.console, html`<p class="alert" role="alert">${message}</p><p><a href="/admin/login">${locale.t.signInAgain}</a></p>`));
    if (!login || typeof state !== 'string' || state !== login.state) return fail('The sign-in attempt expired or did not start here.');
    // RFC 9207 §2.4: the response must come from this issuer.
    if (request.query['iss'] !== undefined && request.query['iss'] !== config.issuer) return fail('The sign-in response came from another issuer.');
    const code = request.query['code'];
    if (typeof code !== 'string') return fail(`Sign-in did not complete: ${String(request.query['error'] ?? 'no code')}`);
    // The code is redeemed at Portcullis's own token endpoint, in-process.
    const response = await app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: CONSOLE_CLIENT_ID, code_verifier: login.verifier }).toString(),
    });
    const tokens = response.json<{ access_token?: string; expires_in?: number }>();
    if (response.statusCode !== 200 || !tokens.access_token) return fail('The authorization code could not be redeemed.');
    try {
      await authenticateAdmin(services, registry, tokens.access_token);
    } catch (err) {
      if (err instanceof OAuthError) return fail(locale.t.notAdmin, 403);
      throw err;
    }
    writeSession(services, reply, { token: tokens.access_token, exp: services.now() + (tokens.expires_in ?? 300) });
    return reply.code(303).header('cache-control', 'no-store').header('location', login.back).send();
  });

  app.post('/admin/logout', { config: { errorStyle: 'html' } }, async (request, reply) => {
    const locale = consoleLocale(request.headers['accept-language']);
    verifyCsrf(services, request, formOf(request));
    const session = readSession(services, request);
    if (session) {
      await app.inject({
        method: 'POST',
        url: '/revoke',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ token: session.token, client_id: CONSOLE_CLIENT_ID }).toString(),
      });
    }
    clearSession(reply);
    return send(reply, 200, barePage(locale, locale.t.signOut, html`<p>${locale.t.signedOut}</p><p><a href="/admin/login">${locale.t.signInAgain}</a></p>`));
  });

  /** Wraps a page: session, admin check, CSRF on POST, tenant navigation, errors shown in the page. */
  const wrap = (handler: PageHandler, section?: string) => async (request: Req, reply: FastifyReply) => {
    const locale = consoleLocale(request.headers['accept-language']);
    const toLogin = () => reply.code(303).header('cache-control', 'no-store').header('location', `/admin/login?back=${encodeURIComponent(safeBack(request.method === 'GET' ? request.url.split('?')[0] : '/admin'))}`).send();
    const session = readSession(services, request);
    if (!session) return toLogin();
    let principal;
    try {
      principal = await authenticateAdmin(services, registry, session.token);
    } catch (err) {
      if (err instanceof InvalidToken) {
        clearSession(reply);
        return toLogin();
      }
      if (err instanceof InsufficientScope) return send(reply, 403, barePage(locale, locale.t.console, html`<p class="alert" role="alert">${locale.t.notAdmin}</p>`));
      throw err;
    }
    const actx = { services, registry, principal };
    const frame: Frame = { locale, csrf: csrfFor(services, request), who: principal.name ?? principal.actor, notice: request.query['notice'] === 'done' ? locale.t.done : undefined };
    try {
      const form = formOf(request);
      if (request.method === 'POST') verifyCsrf(services, request, form);
      const tenantRef = request.params['tenant'];
      if (tenantRef !== undefined) {
        const tenant = await getTenant(actx, tenantRef);
        frame.tenant = { ref: tenant.id, name: tenant.name || tenant.slug || 'default' };
        if (section !== undefined) frame.current = section;
      }
      const result = await handler({ actx, frame, params: request.params, query: request.query, form });
      if ('redirect' in result) return reply.code(303).header('cache-control', 'no-store').header('location', result.redirect).send();
      return send(reply, result.status ?? 200, result.html);
    } catch (err) {
      if (!(err instanceof OAuthError) || err.status >= 500) throw err;
      return send(reply, err.status, page({ ...frame, notice: undefined, error: `${err.code}: ${err.description}` }, locale.t.console, html`<p><a href="${frame.tenant ? tenantPath(frame.tenant.ref, frame.current) : '/admin'}">←</a></p>`));
    }
  };

  const get = (path: string, handler: PageHandler, section?: string) => app.get(path, { config: { errorStyle: 'html' } }, wrap(handler, section));
  const post = (path: string, handler: PageHandler, section?: string) => app.post(path, { config: { errorStyle: 'html' } }, wrap(handler, section));
  const t = '/admin/t/:tenant';

  get('/admin', tenants.tenantsPage);
  post('/admin/tenants', tenants.createTenantAction);
  get(t, tenants.tenantPage);
  post(`${t}/rename`, tenants.renameTenantAction);
  post(`${t}/delete`, tenants.deleteTenantAction);

  get(`${t}/clients`, clients.clientsPage, 'clients');
  post(`${t}/clients`, clients.createClientAction, 'clients');
  get(`${t}/clients/:client`, clients.clientPage, 'clients');
  post(`${t}/clients/:client`, clients.updateClientAction, 'clients');
  post(`${t}/clients/:client/secret`, clients.rotateSecretAction, 'clients');
  post(`${t}/clients/:client/delete`, clients.deleteClientAction, 'clients');

  get(`${t}/users`, users.usersPage, 'users');
  post(`${t}/users`, users.createUserAction, 'users');
  get(`${t}/users/:sub`, users.userPage, 'users');
  post(`${t}/users/:sub`, users.updateUserAction, 'users');
  post(`${t}/users/:sub/password`, users.passwordAction, 'users');
  post(`${t}/users/:sub/disable`, users.disableAction(true), 'users');
  post(`${t}/users/:sub/enable`, users.disableAction(false), 'users');
  post(`${t}/users/:sub/delete`, users.deleteUserAction, 'users');

  get(`${t}/keys`, other.keysPage, 'keys');
  post(`${t}/keys/rotate`, other.rotateKeysAction, 'keys');
  get(`${t}/consents`, other.consentsPage, 'consents');
  post(`${t}/consents/revoke`, other.revokeConsentAction, 'consents');
  get(`${t}/sessions`, other.sessionsPage, 'sessions');
  post(`${t}/sessions/revoke`, other.revokeSessionAction, 'sessions');
  get(`${t}/initial-access-tokens`, other.iatsPage, 'initial-access-tokens');
  post(`${t}/initial-access-tokens`, other.createIatAction, 'initial-access-tokens');
  post(`${t}/initial-access-tokens/revoke`, other.revokeIatAction, 'initial-access-tokens');
  get(`${t}/deliveries`, other.deliveriesPage, 'deliveries');
  post(`${t}/deliveries/retry`, other.retryDeliveryAction, 'deliveries');
  get(`${t}/resources`, other.resourcesPage, 'resources');
  get(`${t}/audit`, other.auditPage, 'audit');
}

