/**
 * Signs in through the interaction pages with the scripted browser: fills in the login form,
 * allows on the consent page, and stops at the redirect back to the client (or at a
 * form_post page aimed at it).
 */
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { parseForms, type Browser, type Page } from './browser.ts';

export interface Credentials {
  username: string;
  password: string;
}

export interface SignedIn {
  /** Where the browser was sent back to the client (for form_post, the callback itself). */
  callback: URL;
  /** The last page seen (a form_post page has no redirect). */
  page: Page;
  sawLogin: boolean;
  sawConsent: boolean;
}

/** Opens `start` and answers the login and consent pages as they appear, until the client at `callback` is reached. */
export async function signInThroughPages(browser: Browser, start: string, callback: string, credentials: Credentials): Promise<SignedIn> {
  let page: Page = await browser.request(start);
  let sawLogin = false;
  let sawConsent = false;
  for (let i = 0; i < 4 && !browser.lastExternal?.startsWith(callback); i++) {
    if (/name="response"/.test(page.html) && page.html.includes(callback)) return { callback: new URL(callback), page, sawLogin, sawConsent };
    const forms = parseForms(page.html, page.url);
    if (forms.some((f) => 'password' in f.fields)) {
      sawLogin = true;
      page = await browser.submit(page, { username: credentials.username, password: credentials.password });
    } else if (forms.some((f) => f.buttons.some((b) => b.value === 'allow'))) {
      sawConsent = true;
      page = await browser.submit(page, {}, { name: 'decision', value: 'allow' });
    } else {
      throw new Error(`unexpected page ${page.status}: ${page.html.slice(0, 400)}`);
    }
  }
  const external = browser.lastExternal;
  if (!external?.startsWith(callback)) assert.fail(`expected a redirect back to the client, got ${external}`);
  browser.lastExternal = undefined;
  return { callback: new URL(external), page, sawLogin, sawConsent };
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
