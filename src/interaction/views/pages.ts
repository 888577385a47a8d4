/**
 * The interaction pages (CONTRACT.md §3). Every page works without JavaScript, labels every
 * input, and escapes every value through `html`.
 */
import { htmlDocument } from './document.ts';
import { hiddenInputs, html, type SafeHtml } from './html.ts';
import { scopeDescription, type Locale } from './i18n.ts';

export interface ClientView {
  name: string;
  logoUri?: string;
  clientUri?: string;
  policyUri?: string;
  tosUri?: string;
}

export interface Frame {
  locale: Locale;
  stylesheetHref: string;
}

export interface FormFrame extends Frame {
  action: string;
  csrf: string;
  hidden: Record<string, string>;
}

export function layout(frame: Frame, title: string, body: SafeHtml): string {
  return htmlDocument({ lang: frame.locale.tag, title, styles: { href: frame.stylesheetHref }, body: html`<main>
${body}
</main>` });
}

export function clientHeader(client: ClientView, heading: string, lead: SafeHtml | string): SafeHtml {
  return html`<header>
${client.logoUri ? html`<img src="${client.logoUri}" alt="">` : ''}
<h1>${heading}</h1>
<p class="muted">${lead}</p>
</header>`;
}

function clientFooter(locale: Locale, client: ClientView): SafeHtml {
  const links = [
    client.policyUri ? html`<a href="${client.policyUri}" rel="noopener noreferrer">${locale.t.privacy}</a>` : '',
    client.tosUri ? html`<a href="${client.tosUri}" rel="noopener noreferrer">${locale.t.terms}</a>` : '',
  ];
  return links.some(Boolean) ? html`<footer>${links}</footer>` : html``;
}

export function alert(message: string | undefined): SafeHtml | string {
  return message ? html`<div class="alert" role="alert">${message}</div>` : '';
}

export function formStart(frame: FormFrame): SafeHtml {
  return html`<form method="post" action="${frame.action}">
<input type="hidden" name="csrf_token" value="${frame.csrf}">
${hiddenInputs(frame.hidden)}`;
}

export interface LoginPageInput extends FormFrame {
  client: ClientView;
  tenantName: string;
  username?: string;
  error?: string;
}

export function loginPage(input: LoginPageInput): string {
  const { t } = input.locale;
  return layout(
    input,
    `${t.signInTitle} – ${input.client.name}`,
    html`${clientHeader(input.client, t.signInTitle, html`${t.signInTo} <strong>${input.client.name}</strong>`)}
${alert(input.error)}
${formStart(input)}
<label for="username">${t.username}</label>
<input type="text" id="username" name="username" value="${input.username ?? ''}" autocomplete="username" autocapitalize="none" spellcheck="false" required ${input.username ? '' : html`autofocus`}>
<label for="password">${t.password}</label>
<input type="password" id="password" name="password" autocomplete="current-password" required ${input.username ? html`autofocus` : ''}>
<button type="submit">${t.signIn}</button>
</form>
<p class="muted center">${input.tenantName}</p>
${clientFooter(input.locale, input.client)}`,
  );
}

export interface ConsentPageInput extends FormFrame {
  client: ClientView;
  user: { name: string };
  scopes: readonly string[];
  /** CIBA: the binding message the client showed the user (OpenID CIBA §7.1). */
  bindingMessage?: string;
}

export function consentPage(input: ConsentPageInput): string {
  const { t } = input.locale;
  return layout(
    input,
    `${t.consentTitle} – ${input.client.name}`,
    html`${clientHeader(input.client, t.consentTitle, html`<strong>${input.client.name}</strong> ${t.consentLead}`)}
<p class="muted">${t.signedInAs} <strong>${input.user.name}</strong></p>
${input.bindingMessage ? html`<p class="binding">${input.bindingMessage}</p>` : ''}
<p>${t.scopesHeading}</p>
<ul class="scopes">
${input.scopes.map((scope) => html`<li>${scopeDescription(input.locale, scope)}<code>${scope}</code></li>`)}
</ul>
${formStart(input)}
<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary">${t.deny}</button>
<button type="submit" name="decision" value="allow">${t.allow}</button>
</div>
</form>
${clientFooter(input.locale, input.client)}`,
  );
}

export interface SelectAccountPageInput extends FormFrame {
  client: ClientView;
  user: { name: string; username: string };
}

/** OIDC Core §3.1.2.1 prompt=select_account: continue as the signed-in user, or sign in as another. */
export function selectAccountPage(input: SelectAccountPageInput): string {
  const { t } = input.locale;
  return layout(
    input,
    `${t.chooseAccount} – ${input.client.name}`,
    html`${clientHeader(input.client, t.chooseAccount, html`${t.signInTo} <strong>${input.client.name}</strong>`)}
${formStart(input)}
<button type="submit" name="decision" value="continue">${t.continueAs} ${input.user.name} (${input.user.username})</button>
<button type="submit" name="decision" value="switch" class="secondary">${t.useAnotherAccount}</button>
</form>
${clientFooter(input.locale, input.client)}`,
  );
}

export interface ErrorPageInput extends Frame {
  status: number;
  title: string;
  message: string;
}

export function errorPage(input: ErrorPageInput): string {
  return layout(
    input,
    input.title,
    html`<header><h1>${input.title}</h1></header>
<div class="alert" role="alert">${input.message}</div>
<p class="muted center">HTTP ${input.status}</p>`,
  );
}

export interface FormPostInput {
  action: string;
  params: Record<string, string>;
  /** CSP nonce for the one inline script and style. */
  nonce: string;
}

const FORM_POST_CSS = 'body{font-family:system-ui,sans-serif;display:flex;justify-content:center;padding:3rem}button{font:inherit;padding:.6rem 1.2rem}';

/** OAuth 2.0 Form Post Response Mode §2; a visible button keeps it working without JavaScript. */
export function formPostPage(input: FormPostInput): string {
  return htmlDocument({
    lang: 'en',
    title: 'Continue',
    styles: { nonce: input.nonce, css: FORM_POST_CSS },
    body: html`<form method="post" action="${input.action}">
${hiddenInputs(input.params)}
<noscript><p>Your browser will not continue on its own. Press Continue.</p></noscript>
<button type="submit">Continue</button>
</form>
<script nonce="${input.nonce}">document.forms[0].submit();</script>`,
  });
}
