/**
 * The one interactive sign-in that gives the benchmark its SSO session: a real browser-like
 * walk (test/helpers/browser.ts keeps the cookies) through whatever login and consent pages
 * the server shows, until it redirects to the client. Works for Portcullis (username,
 * password, csrf_token; consent `decision=allow`) and oidc-provider's devInteractions (login,
 * password; consent form `prompt=consent`).
 */
import { Browser, parseForms, type Page } from '../test/helpers/browser.ts';
import { CLIENT, REDIRECT_URI, USER } from './fixtures.ts';
import { authorizationUrl, pkcePair, roundTrip, type Endpoints, type RoundTripResult, type Target } from './loop.ts';

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

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
}

function isDiscovery(value: unknown): value is Discovery {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['authorization_endpoint'] === 'string' && typeof v['token_endpoint'] === 'string' && typeof v['userinfo_endpoint'] === 'string';
}

/** The server's endpoints from its discovery document, with the benchmark client. */
export async function discover(url: string): Promise<Endpoints> {
  const res = await fetch(`${url}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(10_000) });
  const body: unknown = await res.json();
  if (res.status !== 200 || !isDiscovery(body)) throw new Error(`discovery at ${url}: HTTP ${res.status}`);
  return {
    authorizationEndpoint: body.authorization_endpoint,
    tokenEndpoint: body.token_endpoint,
    userinfoEndpoint: body.userinfo_endpoint,
    clientId: CLIENT.client_id,
    clientSecret: CLIENT.client_secret,
    redirectUri: REDIRECT_URI,
  };
}

export interface SsoSessions {
  /** One per session. */
  targets: Target[];
  /** The round trip that checked each session, in the same order. */
  firstRoundTrips: RoundTripResult[];
  /** The pages the first sign-in went through. */
  pages: string[];
}

/**
 * `count` SSO sessions at the server at `url`, each from its own sign-in through the server's
 * pages and checked with one round trip: a session must give a code without a page, and every
 * session must name the same user.
 */
export async function ssoSessions(url: string, count: number): Promise<SsoSessions> {
  const endpoints = await discover(url);
  const sessions: SsoSessions = { targets: [], firstRoundTrips: [], pages: [] };
  for (let i = 0; i < count; i++) {
    const { challenge } = pkcePair();
    const session = await signIn(url, authorizationUrl(endpoints, 'bench-sign-in', challenge), REDIRECT_URI);
    if (i === 0) sessions.pages = session.pages;
    const target: Target = { ...endpoints, cookie: session.cookie };
    sessions.firstRoundTrips.push(await roundTrip(target, sessions.firstRoundTrips[0]?.sub));
    sessions.targets.push(target);
  }
  return sessions;
}
