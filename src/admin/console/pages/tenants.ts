/** Console: the tenant list (the home page) and one tenant's overview. */
import { html } from '../../../interaction/views/html.ts';
import { InvalidRequest } from '../../../errors/oauth-error.ts';
import { createTenant, deleteTenant, getTenant, listTenants, updateTenant } from '../../api/tenants.ts';
import { actionForm, page, pager, prefixFilter, table, tenantPath, time } from '../layout.ts';
import { done, filters, type PageHandler } from '../page-ctx.ts';

export const tenantsPage: PageHandler = async ({ actx, frame, query }) => {
  const t = frame.locale.t;
  const f = filters(query, ['prefix', 'cursor']);
  const list = await listTenants(actx, f);
  const global = actx.principal.tenants === 'all';
  const body = html`<section>
${prefixFilter(frame.locale, '/admin', f['prefix'])}
${table(frame.locale, [
  { label: t.slug, cell: (x) => html`<a href="${tenantPath(x.id)}">${x.slug || '(default)'}</a>` },
  { label: t.name, cell: (x) => x.name },
  { label: t.issuer, cell: (x) => html`<code>${x.issuer}</code>`, narrow: false },
  { label: t.created, cell: (x) => time(x.created_at), narrow: false },
], list.items)}
${pager(frame.locale, '/admin', { prefix: f['prefix'] }, list.next_cursor, f['cursor'] !== undefined)}
</section>
${global
  ? html`<section><h2>${t.create}</h2>
<form method="post" action="/admin/tenants">
<input type="hidden" name="csrf_token" value="${frame.csrf}">
<label for="slug">${t.slug}</label><input type="text" id="slug" name="slug" required pattern="[a-z0-9-]+">
<label for="name">${t.name}</label><input type="text" id="name" name="name">
<button type="submit">${t.create}</button>
</form></section>`
  : ''}`;
  return { html: page(frame, t.tenants, body) };
};

export const createTenantAction: PageHandler = async ({ actx, form }) => {
  const name = form.get('name');
  const created = await createTenant(actx, { slug: form.get('slug') ?? '', ...(name ? { name } : {}) });
  return done(tenantPath(created.id));
};

export const tenantPage: PageHandler = async ({ actx, frame, params }) => {
  const t = frame.locale.t;
  const tenant = await getTenant(actx, params['tenant'] ?? '');
  const body = html`<section>
<div class="scroll"><table>
<tr><th scope="row">ID</th><td><code>${tenant.id}</code></td></tr>
<tr><th scope="row">${t.slug}</th><td>${tenant.slug || '(default)'}</td></tr>
<tr><th scope="row">${t.issuer}</th><td><code>${tenant.issuer}</code></td></tr>
<tr><th scope="row">${t.created}</th><td>${time(tenant.created_at)}</td></tr>
</table></div>
</section>
<section><h2>${t.name}</h2>
<form method="post" action="${tenantPath(tenant.id)}/rename">
<input type="hidden" name="csrf_token" value="${frame.csrf}">
<label for="name">${t.name}</label><input type="text" id="name" name="name" value="${tenant.name}" required>
<button type="submit">${t.save}</button>
</form></section>
${tenant.slug && actx.principal.tenants === 'all' ? html`<section><h2>${t.delete}</h2>${actionForm(frame, `${tenantPath(tenant.id)}/delete`, t.confirmDelete, true)}</section>` : ''}`;
  return { html: page({ ...frame, tenant: { ref: tenant.id, name: tenant.name } }, `${t.tenant}: ${tenant.name}`, body) };
};

export const renameTenantAction: PageHandler = async ({ actx, params, form }) => {
  const name = form.get('name');
  if (!name) throw new InvalidRequest('name is required');
  const tenant = await updateTenant(actx, params['tenant'] ?? '', { name });
  return done(tenantPath(tenant.id));
};

export const deleteTenantAction: PageHandler = async ({ actx, params }) => {
  await deleteTenant(actx, params['tenant'] ?? '');
  return done('/admin');
};
