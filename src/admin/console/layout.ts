/** The console's page frame and the pieces every page is built from (tables, pager, forms). */
import { createHash } from 'node:crypto';
import { htmlDocument } from '../../interaction/views/document.ts';
import { html, type SafeHtml } from '../../interaction/views/html.ts';
import { CONSOLE_STYLESHEET } from './stylesheet.ts';
import type { ConsoleLocale } from './strings.ts';

const VERSION = createHash('sha256').update(CONSOLE_STYLESHEET).digest('hex').slice(0, 12);
export const STYLESHEET_PATH = `/admin/assets/console-${VERSION}.css`;

export interface Frame {
  locale: ConsoleLocale;
  csrf: string;
  who: string;
  /** The tenant being looked at, for the tenant navigation. */
  tenant?: { ref: string; name: string };
  /** Which tenant section is current (`clients`, `users`, …). */
  current?: string;
  notice?: string | undefined;
  error?: string | undefined;
}

const SECTIONS = ['clients', 'users', 'keys', 'consents', 'sessions', 'initial-access-tokens', 'deliveries', 'resources', 'audit'] as const;

function sectionLabel(locale: ConsoleLocale, section: (typeof SECTIONS)[number]): string {
  const t = locale.t;
  const labels: Record<(typeof SECTIONS)[number], string> = {
    clients: t.clients,
    users: t.users,
    keys: t.keys,
    consents: t.consents,
    sessions: t.sessions,
    'initial-access-tokens': t.initialAccessTokens,
    deliveries: t.deliveries,
    resources: t.resources,
    audit: t.audit,
  };
  return labels[section];
}

export function tenantPath(ref: string, section?: string): string {
  return `/admin/t/${encodeURIComponent(ref)}${section ? `/${section}` : ''}`;
}

export function page(frame: Frame, title: string, body: SafeHtml): string {
  const t = frame.locale.t;
  const nav = frame.tenant
    ? html`<nav class="tenant" aria-label="${t.tenant}">
<a href="${tenantPath(frame.tenant.ref)}"${frame.current === undefined ? html` aria-current="page"` : ''}>${frame.tenant.name}</a>
${SECTIONS.map((s) => html`<a href="${tenantPath(frame.tenant?.ref ?? '', s)}"${frame.current === s ? html` aria-current="page"` : ''}>${sectionLabel(frame.locale, s)}</a>`)}
</nav>`
    : '';
  return htmlDocument({ lang: frame.locale.tag, title: `${title} · ${t.console}`, styles: { href: STYLESHEET_PATH }, body: html`<div class="bar">
<a href="/admin">${t.console}</a>
<div><span class="who">${frame.who}</span>
<form class="inline" method="post" action="/admin/logout"><input type="hidden" name="csrf_token" value="${frame.csrf}"><button type="submit">${t.signOut}</button></form></div>
</div>
${nav}
<main>
<h1>${title}</h1>
${frame.notice ? html`<p class="notice" role="status">${frame.notice}</p>` : ''}
${frame.error ? html`<p class="alert" role="alert">${frame.error}</p>` : ''}
${body}
</main>` });
}

/** A standalone page without session (signed out, errors before sign-in). */
export function barePage(locale: ConsoleLocale, title: string, body: SafeHtml): string {
  return htmlDocument({ lang: locale.tag, title: `${title} · ${locale.t.console}`, styles: { href: STYLESHEET_PATH }, body: html`<div class="bar"><a href="/admin">${locale.t.console}</a></div>
<main><h1>${title}</h1>${body}</main>` });
}

export interface Column<T> {
  label: string;
  cell: (row: T) => SafeHtml | string | number;
  narrow?: boolean;
}

export function table<T>(locale: ConsoleLocale, columns: Column<T>[], rows: T[]): SafeHtml {
  if (rows.length === 0) return html`<p class="muted">${locale.t.none}</p>`;
  const cls = (c: Column<T>) => (c.narrow === false ? html` class="hide-narrow"` : '');
  return html`<div class="scroll"><table>
<thead><tr>${columns.map((c) => html`<th scope="col"${cls(c)}>${c.label}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${columns.map((c) => html`<td${cls(c)}>${c.cell(r)}</td>`)}</tr>`)}</tbody>
</table></div>`;
}

/** "Next page" (keyset cursor) and "First page" links that keep the filters. */
export function pager(locale: ConsoleLocale, base: string, filters: Record<string, string | undefined>, next: string | null, paged: boolean): SafeHtml {
  const query = (extra: Record<string, string>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...filters, ...extra })) if (v) params.set(k, v);
    const s = params.toString();
    return s ? `${base}?${s}` : base;
  };
  return html`<div class="pager">
${paged ? html`<a href="${query({})}">${locale.t.first}</a>` : ''}
${next ? html`<a rel="next" href="${query({ cursor: next })}">${locale.t.next}</a>` : ''}
</div>`;
}

/** A GET filter form with one prefix field. */
export function prefixFilter(locale: ConsoleLocale, action: string, value: string | undefined): SafeHtml {
  return html`<form class="filter" method="get" action="${action}">
<div><label for="prefix">${locale.t.prefix}</label><input type="text" id="prefix" name="prefix" value="${value ?? ''}"></div>
<button type="submit">${locale.t.filter}</button>
</form>`;
}

/** A one-button POST form (with the CSRF token). */
export function actionForm(frame: Frame, action: string, label: string, danger = false, hidden: Record<string, string> = {}): SafeHtml {
  return html`<form class="inline" method="post" action="${action}">
<input type="hidden" name="csrf_token" value="${frame.csrf}">
${Object.entries(hidden).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
<button type="submit" class="small${danger ? ' danger' : ''}">${label}</button>
</form>`;
}

export function time(epochSeconds: number | null): string {
  return epochSeconds === null ? '' : new Date(epochSeconds * 1000).toISOString().replace('T', ' ').slice(0, 19);
}
