/**
 * The one interactive sign-in that gives the benchmark its SSO session: a real browser-like
 * walk (test/helpers/browser.ts keeps the cookies) through whatever login and consent pages
 * the server shows, until it redirects to the client. Works for Portcullis (username,
 * password, csrf_token; consent `decision=allow`) and oidc-provider's devInteractions (login,
 * password; consent form `prompt=consent`).
 */
import { Browser, parseForms, type Page } from '../test/helpers/browser.ts';
import { USER } from './fixtures.ts';

export interface SignedIn {
  /** The Cookie header to send with every later authorization request. */
  cookie: string;
  /** The redirect back to the client that ended the sign-in. */
  callback: URL;
  pages: string[];
}

export async function signIn(origin: string, authorizationUrl: URL, redirectUri: string): Promise<SignedIn> {
  const browser = new Browser(origin);
  const pages: string[] = [];
  let page: Page = await browser.request(authorizationUrl.href);
  for (let step = 0; step < 6 && !browser.lastExternal?.startsWith(redirectUri); step++) {
    if (page.status >= 400) throw new Error(`sign-in: HTTP ${page.status} at ${page.url}: ${page.html.slice(0, 300)}`);
    const forms = parseForms(page.html, page.url);
    const login = forms.find((f) => 'password' in f.fields);
    const allow = forms.find((f) => f.buttons.some((b) => b.name === 'decision' && b.value === 'allow'));
    const confirm = forms.find((f) => f.fields['prompt'] === 'consent');
    if (login) {
      pages.push('login');
      const user = 'username' in login.fields ? { username: USER.username } : { login: USER.username };
      page = await browser.submit(page, { ...user, password: USER.password }, undefined, new URL(login.action).pathname);
    } else if (allow) {
      pages.push('consent');
      page = await browser.submit(page, {}, { name: 'decision', value: 'allow' }, new URL(allow.action).pathname);
    } else if (confirm) {
      pages.push('consent');
      page = await browser.submit(page, {}, undefined, new URL(confirm.action).pathname);
    } else {
      throw new Error(`sign-in: unexpected page ${page.status} at ${page.url}: ${page.html.slice(0, 300)}`);
    }
  }
  const external = browser.lastExternal;
  if (!external?.startsWith(redirectUri)) throw new Error(`sign-in: never redirected back to the client (last: ${external ?? page.url})`);
  const callback = new URL(external);
  if (!callback.searchParams.get('code')) throw new Error(`sign-in: no code in ${external}`);
  const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  if (!cookie) throw new Error('sign-in: the server set no session cookie');
  return { cookie, callback, pages };
}
