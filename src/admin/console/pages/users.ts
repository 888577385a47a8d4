/** Console: a tenant's users (list by username, create, edit claims, password reset, disable, delete). */
import { html } from '../../../interaction/views/html.ts';
import { InvalidRequest } from '../../../errors/oauth-error.ts';
import { createUser, deleteUser, getUser, listUsers, resetPassword, setDisabled, updateUser } from '../../api/users.ts';
import { actionForm, page, pager, prefixFilter, table, tenantPath, time } from '../layout.ts';
import { done, filters, jsonField, type PageHandler } from '../page-ctx.ts';

function userPath(ref: string, sub: string): string {
  return `${tenantPath(ref, 'users')}/${encodeURIComponent(sub)}`;
}

export const usersPage: PageHandler = async ({ actx, frame, params, query }) => {
  const t = frame.locale.t;
  const ref = params['tenant'] ?? '';
  const f = filters(query, ['prefix', 'cursor']);
  const list = await listUsers(actx, ref, f);
  const base = tenantPath(ref, 'users');
  const body = html`<section>
${prefixFilter(frame.locale, base, f['prefix'])}
${table(frame.locale, [
  { label: t.username, cell: (u) => html`<a href="${userPath(ref, u.sub)}">${u.username}</a>` },
  { label: t.name, cell: (u) => u.claims.name ?? '' },
  { label: t.email, cell: (u) => u.claims.email ?? '', narrow: false },
  { label: t.status, cell: (u) => (u.disabled ? t.disable : '') },
  { label: t.created, cell: (u) => time(u.created_at), narrow: false },
], list.items)}
${pager(frame.locale, base, { prefix: f['prefix'] }, list.next_cursor, f['cursor'] !== undefined)}
</section>
<section><h2>${t.create}</h2>
<form method="post" action="${base}">
<input type="hidden" name="csrf_token" value="${frame.csrf}">
<label for="username">${t.username}</label><input type="text" id="username" name="username" required autocomplete="off">
<label for="password">${t.password}</label><input type="password" id="password" name="password" autocomplete="new-password">
<label for="name">${t.name}</label><input type="text" id="name" name="name">
<label for="email">${t.email}</label><input type="text" id="email" name="email">
<label><input type="checkbox" name="admin" value="true"> ${t.admin}</label>
<button type="submit">${t.create}</button>
</form></section>`;
  return { html: page(frame, t.users, body) };
};

export const createUserAction: PageHandler = async ({ actx, params, form }) => {
  const ref = params['tenant'] ?? '';
  const fields: Record<string, unknown> = { username: form.get('username') ?? '' };
  for (const name of ['password', 'name', 'email'] as const) {
    const value = form.get(name);
    if (value) fields[name] = value;
  }
  if (form.get('admin') === 'true') fields['admin'] = true;
  const created = await createUser(actx, ref, fields);
  return done(userPath(ref, created.sub));
};

export const userPage: PageHandler = async ({ actx, frame, params }) => {
  const t = frame.locale.t;
  const ref = params['tenant'] ?? '';
  const user = await getUser(actx, ref, params['sub'] ?? '');
  const path = userPath(ref, user.sub);
  const body = html`<section>
<p>sub: <code>${user.sub}</code> · ${t.created}: ${time(user.created_at)} · ${t.admin}: ${user.admin ? t.yes : t.no}</p>
<form method="post" action="${path}">
<input type="hidden" name="csrf_token" value="${frame.csrf}">
<label for="username">${t.username}</label><input type="text" id="username" name="username" value="${user.username}" required>
<label for="claims">Claims (JSON)</label><textarea id="claims" name="claims" rows="10">${JSON.stringify(user.claims, null, 2)}</textarea>
<label><input type="checkbox" name="admin" value="true"${user.admin ? html` checked` : ''}> ${t.admin}</label>
<button type="submit">${t.save}</button>
</form></section>
<section><h2>${t.resetPassword}</h2>
<form method="post" action="${path}/password">
<input type="hidden" name="csrf_token" value="${frame.csrf}">
<label for="new-password">${t.password}</label><input type="password" id="new-password" name="password" autocomplete="new-password" placeholder="${t.generatePassword}">
<button type="submit">${t.resetPassword}</button>
</form></section>
<section>${actionForm(frame, `${path}/${user.disabled ? 'enable' : 'disable'}`, user.disabled ? t.enable : t.disable)} ${actionForm(frame, `${path}/delete`, t.delete, true)}</section>`;
  return { html: page(frame, `${t.users}: ${user.username}`, body) };
};

export const updateUserAction: PageHandler = async ({ actx, params, form }) => {
  const ref = params['tenant'] ?? '';
  const sub = params['sub'] ?? '';
  const claims = jsonField(form.get('claims') ?? '{}', 'claims');
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new InvalidRequest('the claims must be a JSON object');
  const current = await getUser(actx, ref, sub);
  // Claims left out of the edited JSON are removed.
  const removed = Object.fromEntries(Object.keys(current.claims).filter((k) => !(k in claims)).map((k) => [k, null]));
  await updateUser(actx, ref, sub, { ...removed, ...claims, username: form.get('username') ?? current.username, admin: form.get('admin') === 'true' });
  return done(userPath(ref, sub));
};

export const passwordAction: PageHandler = async ({ actx, frame, params, form }) => {
  const t = frame.locale.t;
  const ref = params['tenant'] ?? '';
  const password = form.get('password');
  const user = await resetPassword(actx, ref, params['sub'] ?? '', password ? { password } : {});
  if (!user.password) return done(userPath(ref, user.sub));
  return {
    html: page(frame, `${t.users}: ${user.username}`, html`<section><p>${t.passwordOnce}</p><p class="secret" id="generated-password">${user.password}</p>
<p><a href="${userPath(ref, user.sub)}">${user.username}</a></p></section>`),
  };
};

export const disableAction = (disabled: boolean): PageHandler => async ({ actx, params }) => {
  const ref = params['tenant'] ?? '';
  const user = await setDisabled(actx, ref, params['sub'] ?? '', disabled);
  return done(userPath(ref, user.sub));
};

export const deleteUserAction: PageHandler = async ({ actx, params }) => {
  const ref = params['tenant'] ?? '';
  await deleteUser(actx, ref, params['sub'] ?? '');
  return done(tenantPath(ref, 'users'));
};
