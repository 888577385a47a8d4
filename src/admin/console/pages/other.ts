/** Console: signing keys, consents, sessions, initial access tokens, deliveries, resources and the audit log. */
import { html } from '../../../interaction/views/html.ts';
import { listTenantAudit } from '../../api/audit-log.ts';
import { listConsents, revokeConsent } from '../../api/consents.ts';
import { listDeliveries, retryDelivery } from '../../api/deliveries.ts';
import { createInitialAccessToken, listInitialAccessTokens, revokeInitialAccessToken } from '../../api/initial-access-tokens.ts';
import { listKeys, rotateKeys } from '../../api/keys.ts';
import { listResources } from '../../api/resources.ts';
import { listSessions, revokeSession } from '../../api/sessions.ts';
import { actionForm, page, pager, table, tenantPath, time } from '../layout.ts';
import { done, filters, type PageHandler } from '../page-ctx.ts';

const ref = (params: Record<string, string>) => params['tenant'] ?? '';

function filterForm(action: string, fields: Array<[string, string, string | undefined]>, button: string) {
  return html`<form class="filter" method="get" action="${action}">
${fields.map(([name, label, value]) => html`<div><label for="f-${name}">${label}</label><input type="text" id="f-${name}" name="${name}" value="${value ?? ''}"></div>`)}
<button type="submit">${button}</button>
</form>`;
}

export const keysPage: PageHandler = async ({ actx, frame, params }) => {
  const t = frame.locale.t;
  const list = await listKeys(actx, ref(params));
  const body = html`<section>
${table(frame.locale, [
  { label: 'kid', cell: (k) => html`<code>${k.kid}</code>` },
  { label: 'alg', cell: (k) => k.alg },
  { label: t.status, cell: (k) => k.status },
  { label: t.created, cell: (k) => time(k.created_at), narrow: false },
  { label: 'expires', cell: (k) => time(k.expires_at), narrow: false },
], list.items)}
</section>
<section>${actionForm(frame, `${tenantPath(ref(params), 'keys')}/rotate`, t.rotate)}</section>`;
  return { html: page(frame, t.keys, body) };
};

export const rotateKeysAction: PageHandler = async ({ actx, params }) => {
  await rotateKeys(actx, ref(params), {});
  return done(tenantPath(ref(params), 'keys'));
};

export const consentsPage: PageHandler = async ({ actx, frame, params, query }) => {
  const t = frame.locale.t;
  const base = tenantPath(ref(params), 'consents');
  const f = filters(query, ['sub', 'client_id', 'cursor']);
  const list = await listConsents(actx, ref(params), f);
  const body = html`<section>
${filterForm(base, [['sub', 'sub', f['sub']], ['client_id', t.clientId, f['client_id']]], t.filter)}
${table(frame.locale, [
  { label: 'sub', cell: (c) => html`<code>${c.sub}</code>` },
  { label: t.clientId, cell: (c) => c.client_id },
  { label: t.scope, cell: (c) => c.scope, narrow: false },
  { label: t.actions, cell: (c) => actionForm(frame, `${base}/revoke`, t.revoke, true, { sub: c.sub, client_id: c.client_id }) },
], list.items)}
${pager(frame.locale, base, { sub: f['sub'], client_id: f['client_id'] }, list.next_cursor, f['cursor'] !== undefined)}
</section>`;
  return { html: page(frame, t.consents, body) };
};

export const revokeConsentAction: PageHandler = async ({ actx, params, form }) => {
  await revokeConsent(actx, ref(params), form.require('sub'), form.require('client_id'));
  return done(tenantPath(ref(params), 'consents'));
};

export const sessionsPage: PageHandler = async ({ actx, frame, params, query }) => {
  const t = frame.locale.t;
  const base = tenantPath(ref(params), 'sessions');
  const f = filters(query, ['sub', 'cursor']);
  const list = await listSessions(actx, ref(params), f);
  const body = html`<section>
${filterForm(base, [['sub', 'sub', f['sub']]], t.filter)}
${table(frame.locale, [
  { label: 'sid', cell: (s) => html`<code>${s.sid}</code>`, narrow: false },
  { label: 'sub', cell: (s) => html`<code>${s.sub}</code>` },
  { label: t.created, cell: (s) => time(s.created_at), narrow: false },
  { label: 'expires', cell: (s) => time(s.expires_at), narrow: false },
  { label: t.actions, cell: (s) => actionForm(frame, `${base}/revoke`, t.revoke, true, { sid: s.sid }) },
], list.items)}
${pager(frame.locale, base, { sub: f['sub'] }, list.next_cursor, f['cursor'] !== undefined)}
</section>`;
  return { html: page(frame, t.sessions, body) };
};

export const revokeSessionAction: PageHandler = async ({ actx, params, form }) => {
  await revokeSession(actx, ref(params), form.require('sid'));
  return done(tenantPath(ref(params), 'sessions'));
};

export const iatsPage: PageHandler = async ({ actx, frame, params, query }) => {
  const t = frame.locale.t;
  const base = tenantPath(ref(params), 'initial-access-tokens');
  const f = filters(query, ['cursor']);
  const list = await listInitialAccessTokens(actx, ref(params), f);
  const body = html`<section>
${table(frame.locale, [
  { label: 'id', cell: (x) => html`<code>${x.id}</code>`, narrow: false },
  { label: t.label, cell: (x) => x.label },
  { label: t.created, cell: (x) => time(x.created_at), narrow: false },
  { label: 'expires', cell: (x) => time(x.expires_at) },
  { label: t.status, cell: (x) => (x.revoked_at ? t.revoke : '') },
  { label: t.actions, cell: (x) => (x.revoked_at ? '' : actionForm(frame, `${base}/revoke`, t.revoke, true, { id: x.id })) },
], list.items)}
${pager(frame.locale, base, {}, list.next_cursor, f['cursor'] !== undefined)}
</section>
<section><h2>${t.create}</h2>
<form method="post" action="${base}">
<input type="hidden" name="csrf_token" value="${frame.csrf}">
<label for="label">${t.label}</label><input type="text" id="label" name="label">
<label for="expires_in">${t.expiresIn}</label><input type="number" id="expires_in" name="expires_in" min="1">
<button type="submit">${t.create}</button>
</form></section>`;
  return { html: page(frame, t.initialAccessTokens, body) };
};

export const createIatAction: PageHandler = async ({ actx, frame, params, form }) => {
  const t = frame.locale.t;
  const expires = form.get('expires_in');
  const created = await createInitialAccessToken(actx, ref(params), { label: form.get('label') ?? '', ...(expires ? { expires_in: Number(expires) } : {}) });
  return {
    status: 201,
    html: page(frame, t.initialAccessTokens, html`<section><p>${t.tokenOnce}</p><p class="secret">${created.token ?? ''}</p>
<p><a href="${tenantPath(ref(params), 'initial-access-tokens')}">${t.initialAccessTokens}</a></p></section>`),
  };
};

export const revokeIatAction: PageHandler = async ({ actx, params, form }) => {
  await revokeInitialAccessToken(actx, ref(params), form.require('id'));
  return done(tenantPath(ref(params), 'initial-access-tokens'));
};

export const deliveriesPage: PageHandler = async ({ actx, frame, params, query }) => {
  const t = frame.locale.t;
  const base = tenantPath(ref(params), 'deliveries');
  const f = filters(query, ['status', 'kind']);
  const list = await listDeliveries(actx, ref(params), f);
  const body = html`<section>
<p>${Object.entries(list.counts).map(([k, v]) => html`${k}: <strong>${v}</strong> `)}</p>
${filterForm(base, [['status', t.status, f['status']], ['kind', 'kind', f['kind']]], t.filter)}
${table(frame.locale, [
  { label: t.clientId, cell: (d) => d.client_id },
  { label: 'kind', cell: (d) => d.kind },
  { label: t.status, cell: (d) => d.status },
  { label: 'attempts', cell: (d) => `${d.attempts}/${d.max_attempts}`, narrow: false },
  { label: 'last', cell: (d) => `${d.last_status ?? ''} ${d.last_error ?? ''}`, narrow: false },
  { label: t.actions, cell: (d) => (d.status === 'failed' ? actionForm(frame, `${base}/retry`, t.retry, false, { id: d.id }) : '') },
], list.items)}
</section>`;
  return { html: page(frame, t.deliveries, body) };
};

export const retryDeliveryAction: PageHandler = async ({ actx, params, form }) => {
  await retryDelivery(actx, ref(params), form.require('id'));
  return done(tenantPath(ref(params), 'deliveries'));
};

export const resourcesPage: PageHandler = async ({ actx, frame, params }) => {
  const t = frame.locale.t;
  const list = await listResources(actx, ref(params), {});
  const body = html`<section>
${table(frame.locale, [
  { label: 'identifier', cell: (r) => html`<code>${r.identifier}</code>` },
  { label: t.scope, cell: (r) => r.scopes.join(' ') },
  { label: 'format', cell: (r) => r.accessTokenFormat ?? '', narrow: false },
], list.items)}
</section>`;
  return { html: page(frame, t.resources, body) };
};

export const auditPage: PageHandler = async ({ actx, frame, params, query }) => {
  const t = frame.locale.t;
  const base = tenantPath(ref(params), 'audit');
  const f = filters(query, ['action', 'actor', 'target_id', 'cursor']);
  const list = await listTenantAudit(actx, ref(params), f);
  const body = html`<section>
${filterForm(base, [['action', t.action, f['action']], ['actor', t.actor, f['actor']], ['target_id', t.target, f['target_id']]], t.filter)}
${table(frame.locale, [
  { label: t.when, cell: (e) => time(e.at) },
  { label: t.actor, cell: (e) => e.actor, narrow: false },
  { label: t.action, cell: (e) => e.action },
  { label: t.target, cell: (e) => `${e.target_type} ${e.target_id}` },
  { label: 'detail', cell: (e) => html`<code>${JSON.stringify(e.detail)}</code>`, narrow: false },
], list.items)}
${pager(frame.locale, base, { action: f['action'], actor: f['actor'], target_id: f['target_id'] }, list.next_cursor, f['cursor'] !== undefined)}
</section>`;
  return { html: page(frame, t.audit, body) };
};
