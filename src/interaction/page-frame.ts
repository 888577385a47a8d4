/**
 * What every server-rendered page of the interaction routes starts from: the client as the
 * pages show it, the frame of a form (locale, stylesheet, action under the tenant's base path,
 * CSRF token, hidden fields), the CSRF-checked form body, the uncached HTML response, and the
 * login and consent pages every flow (authorization, device, CIBA) renders.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../context.ts';
import { Params } from '../http/params.ts';
import type { ClientRecord, UserRecord } from '../storage/types.ts';
import { stylesheetHref } from './assets.ts';
import { csrfToken, verifyCsrf } from './csrf.ts';
import { pickLocale, type Locale } from './views/i18n.ts';
import { consentPage, loginPage, type ClientView, type FormFrame } from './views/pages.ts';

/** The page's locale: `ui_locales` in the query (OIDC Core §3.1.2.1) first, then Accept-Language. */
export function localeOf(request: FastifyRequest): Locale {
  const query = request.query as Record<string, unknown> | undefined;
  const ui = typeof query?.['ui_locales'] === 'string' ? query['ui_locales'] : undefined;
  return pickLocale(ui, request.headers['accept-language']);
}

/** The client's name, logo and links as the login and consent pages show them. */
export function clientViewOf(client: ClientRecord): ClientView {
  const m = client.metadata;
  return {
    name: m.client_name ?? m.client_id,
    ...(m.logo_uri ? { logoUri: m.logo_uri } : {}),
    ...(m.client_uri ? { clientUri: m.client_uri } : {}),
    ...(m.policy_uri ? { policyUri: m.policy_uri } : {}),
    ...(m.tos_uri ? { tosUri: m.tos_uri } : {}),
  };
}

/** A form posting to `path` (under the tenant's base path), with a fresh CSRF token. */
export function formFrame(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, locale: Locale, path: string, hidden: Record<string, string> = {}): FormFrame {
  return {
    locale,
    stylesheetHref: stylesheetHref(ctx.tenant.basePath),
    action: `${ctx.tenant.basePath}${path}`,
    csrf: csrfToken(ctx, request, reply),
    hidden,
  };
}

/** The posted form, after its CSRF token is checked (`invalid_request` when it does not match). */
export function checkedForm(ctx: Ctx, request: FastifyRequest): Params {
  const params = request.body instanceof Params ? request.body : Params.empty();
  verifyCsrf(ctx, request, params);
  return params;
}

/** An HTML page, never cached (it carries a CSRF token or a user's data). */
export function sendPage(reply: FastifyReply, body: string, status = 200): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
}

export interface PageOptions {
  /** Error shown on the login page (wrong password, throttled). */
  error?: string;
  username?: string;
  status?: number;
}

export interface FormTarget {
  /** Path under the tenant's base path the form posts to. */
  action: string;
  hidden: Record<string, string>;
  /** The page's locale, when the request carries it (the authorization request's ui_locales). */
  locale?: Locale;
}

/** The shared login page; `client` names who asks (or the page, when no client does). */
export function renderLoginFor(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, target: FormTarget, client: ClientView, options: PageOptions = {}): FastifyReply {
  const body = loginPage({
    ...formFrame(ctx, request, reply, target.locale ?? localeOf(request), target.action, target.hidden),
    client,
    tenantName: ctx.tenant.name,
    ...(options.username ? { username: options.username } : {}),
    ...(options.error ? { error: options.error } : {}),
  });
  return sendPage(reply, body, options.status ?? 200);
}

export interface ConsentFor {
  client: ClientRecord;
  user: UserRecord;
  scopes: readonly string[];
  /** Text the user compares with what the device or the client shows (user code, binding message). */
  bindingMessage?: string;
}

export function renderConsentFor(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, target: FormTarget, input: ConsentFor): FastifyReply {
  const body = consentPage({
    ...formFrame(ctx, request, reply, target.locale ?? localeOf(request), target.action, target.hidden),
    client: clientViewOf(input.client),
    user: { name: input.user.claims.name ?? input.user.username },
    scopes: input.scopes,
    ...(input.bindingMessage ? { bindingMessage: input.bindingMessage } : {}),
  });
  return sendPage(reply, body);
}
