/**
 * Pages of signing out (CONTRACT.md §3): the logout confirmation, the signed-out page that
 * carries the front-channel logout iframes, and the account page listing the user's sessions.
 */
import { html } from './html.ts';
import { alert, clientHeader, formStart, layout, type ClientView, type FormFrame, type Frame } from './pages.ts';

export interface ConfirmLogoutPageInput extends FormFrame {
  /** The client that asked, when it could be identified. */
  client?: ClientView;
  user?: { name: string };
}

/** RP-Initiated Logout §2: the user confirms a logout the OP cannot attribute to them for sure. */
export function confirmLogoutPage(input: ConfirmLogoutPageInput): string {
  const { t } = input.locale;
  const lead = input.client ? html`<strong>${input.client.name}</strong> ${t.logoutAskedBy}` : t.logoutLead;
  const header = input.client ? clientHeader(input.client, t.logoutTitle, lead) : html`<header><h1>${t.logoutTitle}</h1><p class="muted">${lead}</p></header>`;
  return layout(
    input,
    t.logoutTitle,
    html`${header}
${input.user ? html`<p class="muted">${t.signedInAs} <strong>${input.user.name}</strong></p>` : ''}
${formStart(input)}
<button type="submit" name="decision" value="logout">${t.logoutButton}</button>
</form>`,
  );
}

/** Front-Channel Logout §4: the signed-out page may frame exactly the clients' logout origins. */
export function signedOutCsp(frames: readonly string[]): string {
  const origins = [...new Set(frames.map((f) => new URL(f).origin))];
  const frameSrc = origins.length > 0 ? `frame-src ${origins.join(' ')}` : "frame-src 'none'";
  return `default-src 'none'; style-src 'self'; img-src 'self' https: data:; ${frameSrc}; frame-ancestors 'none'; base-uri 'none'`;
}

export interface SignedOutPageInput extends Frame {
  /** Front-channel logout URLs, each loaded in a hidden iframe (Front-Channel Logout §4). */
  frames: readonly string[];
  /** Where the browser goes next (a verified post_logout_redirect_uri with state). */
  continueTo?: string;
}

export function signedOutPage(input: SignedOutPageInput): string {
  const { t } = input.locale;
  // Without JavaScript the page moves on by itself once the frames had a moment to load.
  const refresh = input.continueTo ? html`<meta http-equiv="refresh" content="${input.frames.length > 0 ? 2 : 0};url=${input.continueTo}">` : '';
  return layout(
    input,
    t.signedOutTitle,
    html`${refresh}<header><h1>${t.signedOutTitle}</h1><p class="muted">${t.signedOutLead}</p></header>
${input.frames.length > 0 ? html`<p class="muted">${t.signedOutApps}</p>` : ''}
${input.frames.map((src) => html`<iframe src="${src}" hidden title="logout" width="0" height="0"></iframe>`)}
${input.continueTo ? html`<p class="center"><a href="${input.continueTo}">${t.continue}</a></p>` : ''}`,
  );
}

export interface AccountSessionView {
  sid: string;
  signedInAt: string;
  methods: string;
  apps: readonly string[];
  current: boolean;
}

export interface AccountPageInput extends Frame {
  action: string;
  csrf: string;
  user?: { name: string };
  sessions: readonly AccountSessionView[];
  /** The signed-in user's pending CIBA approval requests, linked from the page. */
  pending?: { href: string; count: number };
  notice?: string;
}

/** The signed-in user's live sessions; each can be ended (the current one signs this browser out). */
export function accountPage(input: AccountPageInput): string {
  const { t } = input.locale;
  if (!input.user) {
    return layout(input, t.accountTitle, html`<header><h1>${t.accountTitle}</h1></header>${alert(input.notice)}<p>${t.accountNotSignedIn}</p>`);
  }
  return layout(
    input,
    t.accountTitle,
    html`<header><h1>${t.accountTitle}</h1><p class="muted">${t.signedInAs} <strong>${input.user.name}</strong></p></header>
${alert(input.notice)}
${input.pending ? html`<p><a href="${input.pending.href}">${t.cibaPendingTitle} (${String(input.pending.count)})</a></p>` : ''}
<ul class="sessions">
${input.sessions.map(
  (s) => html`<li data-sid="${s.sid}">
<p><strong>${s.current ? t.accountThisBrowser : s.sid.slice(0, 8)}</strong></p>
<p class="muted">${t.accountSignedInAt}: ${s.signedInAt} · ${t.accountMethods}: ${s.methods}</p>
<p class="muted">${t.accountApps}: ${s.apps.length > 0 ? s.apps.join(', ') : t.accountNoApps}</p>
${formStart({ ...input, hidden: { sid: s.sid } })}
<button type="submit" name="decision" value="end" class="secondary">${t.accountEndSession}</button>
</form>
</li>`,
)}
</ul>`,
  );
}
