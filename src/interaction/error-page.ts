/** HTML error pages for errors that must not redirect (CONTRACT.md §3). */
import type { FastifyRequest } from 'fastify';
import type { OAuthError } from '../errors/oauth-error.ts';
import { errorPage } from './views/pages.ts';
import { pickLocale } from './views/i18n.ts';
import { stylesheetHref } from './assets.ts';

export function renderErrorPage(request: FastifyRequest, status: number, err: OAuthError): string {
  const query = request.query as Record<string, unknown> | undefined;
  const uiLocales = typeof query?.['ui_locales'] === 'string' ? query['ui_locales'] : undefined;
  const locale = pickLocale(uiLocales, request.headers['accept-language']);
  return errorPage({
    locale,
    stylesheetHref: stylesheetHref(request.ctx?.tenant.basePath ?? ''),
    status,
    title: status >= 500 ? 'Something went wrong' : 'The request could not be completed',
    message: status >= 500 ? 'Please try again later.' : `${err.code}: ${err.description}`,
  });
}
