/** Console: a tenant's clients (keyset-paged list, create, edit metadata, rotate secret, delete). */
import { html } from '../../../interaction/views/html.ts';
import { TOKEN_ENDPOINT_AUTH_METHODS } from '../../../domain/client.ts';
import { createClient, deleteClient, getClient, listClients, replaceClient, rotateClientSecret, type ClientView } from '../../api/clients.ts';
import { actionForm, page, pager, prefixFilter, table, tenantPath, time, type Frame } from '../layout.ts';
import { done, filters, jsonField, lines, words, type PageHandler } from '../page-ctx.ts';

function secretPage(frame: Frame, client: ClientView, back: string): string {
  const t = frame.locale.t;
  return page(frame, `${t.clients}: ${client.client_id}`, html`<section>
<p>${t.secretOnce}</p>
<p><code>client_id</code></p><p class="secret">${client.client_id}</p>
<p><code>client_secret</code></p><p class="secret" id="client-secret">${client.client_secret ?? ''}</p>
<p><a href="${back}">${t.clients}</a></p>
</section>`);
}

export const clientsPage: PageHandler = async ({ actx, frame, params, query }) => {
  const t = frame.locale.t;
  const ref = params['tenant'] ?? '';
  const f = filters(query, ['prefix', 'cursor', 'source']);
  const list = await listClients(actx, ref, f);
  const base = tenantPath(ref, 'clients');
  const body = html`<section>
${prefixFilter(frame.locale, base, f['prefix'])}
${table(frame.locale, [
  { label: t.clientId, cell: (c) => html`<a href="${base}/${encodeURIComponent(c.client_id)}">${c.client_id}</a>` },
  { label: t.name, cell: (c) => c.client_name ?? '' },
  { label: t.source, cell: (c) => c.source, narrow: false },
  { label: t.authMethod, cell: (c) => c.token_endpoint_auth_method, narrow: false },
  { label: t.created, cell: (c) => time(c.created_at), narrow: false },
], list.items)}
${pager(frame.locale, base, { prefix: f['prefix'], source: f['source'] }, list.next_cursor, f['cursor'] !== undefined)}
</section>
<section><h2>${t.create}</h2>
<form method="post" action="${base}">
<input type="hidden" name="csrf_token" value="${frame.csrf}">
<label for="client_id">${t.clientId}</label><input type="text" id="client_id" name="client_id" placeholder="(generated)">
<label for="client_name">${t.name}</label><input type="text" id="client_name" name="client_name">
<label for="redirect_uris">${t.redirectUris}</label><textarea id="redirect_uris" name="redirect_uris"></textarea>
<label for="token_endpoint_auth_method">${t.authMethod}</label>
<select id="token_endpoint_auth_method" name="token_endpoint_auth_method">${TOKEN_ENDPOINT_AUTH_METHODS.map((m) => html`<option value="${m}">${m}</option>`)}</select>
<label for="grant_types">grant_types</label><input type="text" id="grant_types" name="grant_types" value="authorization_code refresh_token">
<label for="scope">${t.scope}</label><input type="text" id="scope" name="scope" value="openid profile email">
<button type="submit">${t.create}</button>
</form></section>`;
  return { html: page(frame, t.clients, body) };
};

export const createClientAction: PageHandler = async ({ actx, frame, params, form }) => {
  const ref = params['tenant'] ?? '';
  const clientId = form.get('client_id');
  const name = form.get('client_name');
  const created = await createClient(actx, ref, {
    ...(clientId ? { client_id: clientId } : {}),
    ...(name ? { client_name: name } : {}),
    redirect_uris: lines(form.get('redirect_uris')),
    token_endpoint_auth_method: form.get('token_endpoint_auth_method') ?? 'client_secret_basic',
    grant_types: words(form.get('grant_types')),
    scope: form.get('scope') ?? 'openid',
  });
  const back = `${tenantPath(ref, 'clients')}/${encodeURIComponent(created.client_id)}`;
  return created.client_secret ? { html: secretPage(frame, created, back), status: 201 } : done(back);
};

export const clientPage: PageHandler = async ({ actx, frame, params }) => {
  const t = frame.locale.t;
  const ref = params['tenant'] ?? '';
  const client = await getClient(actx, ref, params['client'] ?? '');
  const { source, has_secret, created_at, updated_at, ...metadata } = client;
  const path = `${tenantPath(ref, 'clients')}/${encodeURIComponent(client.client_id)}`;
  const editable = source !== 'config';
  const body = html`<section>
<p>${t.source}: <strong>${source}</strong> · ${t.created}: ${time(created_at)} · updated ${time(updated_at)}</p>
${editable
  ? html`<form method="post" action="${path}">
<input type="hidden" name="csrf_token" value="${frame.csrf}">
<label for="metadata">${t.metadata}</label><textarea id="metadata" name="metadata" rows="18">${JSON.stringify(metadata, null, 2)}</textarea>
<button type="submit">${t.save}</button>
</form>`
  : html`<pre>${JSON.stringify(metadata, null, 2)}</pre>`}
</section>
${editable
  ? html`<section>${has_secret ? actionForm(frame, `${path}/secret`, t.rotateSecret) : ''} ${actionForm(frame, `${path}/delete`, t.delete, true)}</section>`
  : ''}`;
  return { html: page(frame, `${t.clients}: ${client.client_id}`, body) };
};

export const updateClientAction: PageHandler = async ({ actx, params, form }) => {
  const ref = params['tenant'] ?? '';
  const metadata = jsonField(form.get('metadata') ?? '', 'metadata');
  const updated = await replaceClient(actx, ref, params['client'] ?? '', metadata);
  return done(`${tenantPath(ref, 'clients')}/${encodeURIComponent(updated.client_id)}`);
};

export const rotateSecretAction: PageHandler = async ({ actx, frame, params }) => {
  const ref = params['tenant'] ?? '';
  const rotated = await rotateClientSecret(actx, ref, params['client'] ?? '');
  return { html: secretPage(frame, rotated, `${tenantPath(ref, 'clients')}/${encodeURIComponent(rotated.client_id)}`) };
};

export const deleteClientAction: PageHandler = async ({ actx, params }) => {
  const ref = params['tenant'] ?? '';
  await deleteClient(actx, ref, params['client'] ?? '');
  return done(tenantPath(ref, 'clients'));
};
