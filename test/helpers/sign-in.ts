/**
 * Signs in through the interaction pages with the scripted browser: fills in the login form,
 * answers the consent, account choice and logout confirmation pages, and stops at the redirect
 * back to the client (or at a form_post page aimed at it).
 */
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { parseForms, type Browser, type Page } from './browser.ts';

export interface Credentials {
  username: string;
  password: string;
}

export interface SignInOptions {
  /** The button pressed on the account choice page: keep the signed-in user, or sign in as `credentials`. */
  account?: 'continue' | 'switch';
}

export interface SignedIn {
  /** Where the browser was sent back to the client (for form_post, the callback itself). */
  callback: URL;
  /** What the client received, wherever the response mode put it. */
  params: URLSearchParams;
  mode: 'query' | 'fragment' | 'form_post';
  /** The last page seen (a form_post page has no redirect). */
  page: Page;
  /** The pages answered, in order: login, consent, select_account, logout. */
  pages: string[];
}

/** Opens `start` and answers the pages as they appear, until the client at `callback` is reached. */
export async function signInThroughPages(browser: Browser, start: string, callback: string, credentials: Credentials, options: SignInOptions = {}): Promise<SignedIn> {
  browser.lastExternal = undefined;
  let page: Page = await browser.request(start);
  const pages: string[] = [];
  const arrived = (url: URL, params: URLSearchParams, mode: SignedIn['mode']): SignedIn =>
    ({ callback: url, params, mode, page, pages });
  const answer = async (name: string, fields: Record<string, string>, decision?: string): Promise<void> => {
    pages.push(name);
    page = await browser.submit(page, fields, decision ? { name: 'decision', value: decision } : undefined);
  };
  for (let step = 0; step < 6; step++) {
    // Cast: TypeScript would keep the narrowing to undefined from the reset above across the awaits.
    const external = browser.lastExternal as string | undefined;
    if (external !== undefined) {
      browser.lastExternal = undefined;
      if (!external.startsWith(callback)) assert.fail(`expected a redirect back to the client at ${callback}, got ${external}`);
      const url = new URL(external);
      return url.hash ? arrived(url, new URLSearchParams(url.hash.slice(1)), 'fragment') : arrived(url, url.searchParams, 'query');
    }
    const forms = parseForms(page.html, page.url);
    const formPost = forms.find((f) => f.action === callback);
    if (formPost) return arrived(new URL(callback), new URLSearchParams(formPost.fields), 'form_post');
    const has = (button: string) => forms.some((f) => f.buttons.some((b) => b.value === button));
    if (forms.some((f) => 'password' in f.fields)) await answer('login', { username: credentials.username, password: credentials.password });
    else if (has('allow')) await answer('consent', {}, 'allow');
    else if (has('continue')) await answer('select_account', {}, options.account ?? 'continue');
    else if (has('logout')) await answer('logout', {}, 'logout');
    else throw new Error(`unexpected page ${page.status} at ${page.url}: ${page.html.slice(0, 400)}`);
  }
  throw new Error(`the browser never reached the client at ${callback}`);
}

/** A code flow request with PKCE, state and nonce, as openid-client builds it, and what checks its response. */
export interface CodeFlowStart {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

/** An authorization URL for the code flow (scope `openid profile email` unless `extra` says otherwise). */
export async function codeFlowStart(config: oidc.Configuration, redirectUri: string, extra: Record<string, string> = {}): Promise<CodeFlowStart> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url, verifier, state, nonce };
}
