/**
 * OpenID Connect beyond the code flow: the six response types with their hashes, response
 * modes, prompt / max_age / id_token_hint / claims / select_account, and pairwise subjects.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { Browser, parseForms } from '../helpers/browser.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { signInThroughPages, type Credentials, type SignedIn } from '../helpers/sign-in.ts';

const CB = 'http://127.0.0.1:5999/cb';
const ALICE = { username: 'alice', password: 'alice-password-1', name: 'Alice Liddell', email: 'alice@example.com' };
const BOB = { username: 'bob', password: 'bob-password-22', name: 'Bob Builder' };
const ALL_TYPES = ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'];
const clients = [
  { client_id: 'rp', client_secret: 'rp-secret', redirect_uris: [CB], response_types: [...ALL_TYPES, 'none'], grant_types: ['authorization_code', 'implicit'], scope: 'openid profile email', skip_consent: true },
  { client_id: 'pw-a1', client_secret: 's', redirect_uris: ['https://a.example.com/cb'], subject_type: 'pairwise', scope: 'openid', skip_consent: true },
  { client_id: 'pw-a2', client_secret: 's', redirect_uris: ['https://a.example.com/other'], subject_type: 'pairwise', scope: 'openid', skip_consent: true },
  { client_id: 'pw-b', client_secret: 's', redirect_uris: ['https://b.example.com/cb'], subject_type: 'pairwise', scope: 'openid', skip_consent: true },
];

function halfHash(value: string): string {
  const digest = createHash('sha256').update(value).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** Drives the pages like a user, back to the request's redirect_uri: signs in as `who` when asked, presses `choose` on select_account. */
function drive(browser: Browser, url: string, who: Credentials = ALICE, choose: 'continue' | 'switch' = 'continue'): Promise<SignedIn> {
  return signInThroughPages(browser, url, new URL(url).searchParams.get('redirect_uri') ?? CB, who, { account: choose });
}

describe('OpenID Connect flows', () => {
  let server: TestServer;
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  const authorize = (extra: Record<string, string>, clientId = 'rp', redirectUri = CB) =>
    `${server.url}/authorize?${new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri, scope: 'openid profile', state: 'st', nonce: 'n-1', ...extra })}`;
  const verify = async (jwt: string | null, audience = 'rp'): Promise<JWTPayload> => (await jwtVerify(jwt ?? '', jwks, { issuer: server.url, audience })).payload;

  async function redeem(code: string): Promise<{ id_token: string; access_token: string }> {
    const res = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('rp:rp-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CB }),
    });
    assert.equal(res.status, 200);
    return (await res.json()) as { id_token: string; access_token: string };
  }

  before(async () => {
    server = await startServer({ clients, users: [ALICE, BOB] });
    jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
  });
  after(() => server.close());

  for (const responseType of ALL_TYPES) {
    it(`completes response_type=${responseType} with valid hashes and the nonce`, async () => {
      const { params, mode } = await drive(new Browser(server.url), authorize({ response_type: responseType }));
      assert.equal(mode, responseType === 'code' ? 'query' : 'fragment');
      assert.equal(params.get('state'), 'st');
      assert.equal(params.get('iss'), server.url);
      assert.equal(params.get('error'), null, params.toString());
      const parts = responseType.split(' ');
      assert.equal(params.has('code'), parts.includes('code'));
      assert.equal(params.has('access_token'), parts.includes('token'));
      assert.equal(params.has('id_token'), parts.includes('id_token'));
      if (params.has('id_token')) {
        const claims = await verify(params.get('id_token'));
        assert.equal(claims['nonce'], 'n-1');
        const code = params.get('code');
        const accessToken = params.get('access_token');
        if (code) assert.equal(claims['c_hash'], halfHash(code));
        if (accessToken) assert.equal(claims['at_hash'], halfHash(accessToken));
        // OIDC Core §5.4: scope claims go into the ID token only when no access token is issued.
        if (responseType === 'id_token') assert.equal(claims['name'], ALICE.name);
      }
      if (params.has('access_token')) assert.equal(params.has('refresh_token'), false, 'implicit tokens are never refresh-capable');
      if (params.has('code')) {
        const tokens = await redeem(params.get('code') ?? '');
        const claims = await verify(tokens.id_token);
        assert.equal(claims['nonce'], 'n-1');
      }
    });
  }

  it('refuses id_token response types without a nonce, and query mode for tokens', async () => {
    for (const [extra, error] of [
      [{ response_type: 'id_token', nonce: '' }, 'invalid_request'],
      [{ response_type: 'code id_token', response_mode: 'query' }, 'invalid_request'],
    ] as const) {
      const params = new URLSearchParams({ client_id: 'rp', redirect_uri: CB, scope: 'openid', state: 'st', ...extra });
      if (!extra.nonce && 'nonce' in extra) params.delete('nonce');
      else params.set('nonce', 'n');
      const res = await fetch(`${server.url}/authorize?${params}`, { redirect: 'manual' });
      assert.equal(res.status, 303);
      const location = new URL(res.headers.get('location') ?? '');
      const got = new URLSearchParams(location.hash.slice(1));
      assert.equal(got.get('error'), error, JSON.stringify(extra));
      assert.equal(got.get('state'), 'st');
    }
  });

  it('posts form_post responses with nothing in the query', async () => {
    const browser = new Browser(server.url);
    await drive(browser, authorize({ response_type: 'code' }));
    const res = await fetch(authorize({ response_type: 'code id_token', response_mode: 'form_post' }), { headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.doesNotMatch(csp, /form-action/);
    const html = await res.text();
    const [form] = parseForms(html, server.url);
    assert.ok(form);
    assert.equal(form.action, CB, 'the action is the redirect URI itself, without a query');
    assert.equal(form.method, 'post');
    for (const name of ['code', 'id_token', 'state', 'iss']) assert.ok(form.fields[name], name);
    assert.match(html, /<button type="submit">/, 'works without JavaScript');
  });

  it('handles prompt=none, prompt=login and max_age', async () => {
    const browser = new Browser(server.url);
    const none = await drive(browser, authorize({ response_type: 'code', prompt: 'none' }));
    assert.equal(none.params.get('error'), 'login_required');
    assert.equal(none.params.get('state'), 'st');

    const first = await drive(browser, authorize({ response_type: 'id_token' }));
    assert.deepEqual(first.pages, ['login']);
    const firstClaims = await verify(first.params.get('id_token'));

    const silent = await drive(browser, authorize({ response_type: 'id_token', prompt: 'none' }));
    assert.deepEqual(silent.pages, []);
    const silentClaims = await verify(silent.params.get('id_token'));
    assert.equal(silentClaims.sub, firstClaims.sub);

    server.clock.advance(5);
    const relogin = await drive(browser, authorize({ response_type: 'id_token', prompt: 'login' }));
    assert.deepEqual(relogin.pages, ['login']);
    const reloginClaims = await verify(relogin.params.get('id_token'));
    assert.ok(Number(reloginClaims['auth_time']) > Number(firstClaims['auth_time']), 'auth_time moves');

    server.clock.advance(3);
    const aged = await drive(browser, authorize({ response_type: 'id_token', max_age: '1' }));
    assert.deepEqual(aged.pages, ['login'], 'max_age=1 after a wait forces a login');
    assert.ok((await verify(aged.params.get('id_token')))['auth_time'] !== undefined);
    const fresh = await drive(browser, authorize({ response_type: 'id_token', max_age: '3600' }));
    assert.deepEqual(fresh.pages, []);

    for (const [extra, error] of [[{ prompt: 'none login' }, 'invalid_request'], [{ max_age: 'soon' }, 'invalid_request'], [{ claims: '{not json' }, 'invalid_request'], [{ id_token_hint: 'eyJhbGciOiJub25lIn0.e30.' }, 'invalid_request']] as const) {
      const out = await drive(browser, authorize({ response_type: 'code', ...extra }));
      assert.equal(out.params.get('error'), error, JSON.stringify(extra));
    }
  });

  it('honours id_token_hint, login_hint, select_account and essential claims', async () => {
    const browser = new Browser(server.url);
    const login = await browser.request(authorize({ response_type: 'code', login_hint: 'alice' }));
    assert.equal(parseForms(login.html, login.url)[0]?.fields['username'], 'alice', 'login_hint pre-fills the username');

    const first = await drive(browser, authorize({ response_type: 'id_token' }));
    const hint = first.params.get('id_token') ?? '';
    server.clock.advance(7200);
    const hinted = await drive(browser, authorize({ response_type: 'id_token', prompt: 'none', id_token_hint: hint }));
    assert.equal(hinted.params.get('error'), null, 'an expired hint for the session user is fine');

    const other = await drive(new Browser(server.url), authorize({ response_type: 'id_token' }), BOB);
    const bobHint = other.params.get('id_token') ?? '';
    const mismatch = await drive(browser, authorize({ response_type: 'id_token', prompt: 'none', id_token_hint: bobHint }));
    assert.equal(mismatch.params.get('error'), 'login_required');

    const kept = await drive(browser, authorize({ response_type: 'id_token', prompt: 'select_account' }));
    assert.deepEqual(kept.pages, ['select_account']);
    assert.equal((await verify(kept.params.get('id_token'))).sub, (await verify(hint)).sub);
    const switched = await drive(browser, authorize({ response_type: 'id_token', prompt: 'select_account' }), BOB, 'switch');
    assert.deepEqual(switched.pages, ['select_account', 'login']);
    assert.equal((await verify(switched.params.get('id_token'))).sub, (await verify(bobHint)).sub);

    const claims = JSON.stringify({ id_token: { name: { essential: true }, email: null } });
    const withClaims = await drive(browser, authorize({ response_type: 'code', scope: 'openid', claims }), BOB);
    const tokens = await redeem(withClaims.params.get('code') ?? '');
    const idClaims = await verify(tokens.id_token);
    assert.equal(idClaims['name'], BOB.name, 'essential name claim in the ID token');
  });

  it('gives pairwise clients sector-specific subjects', async () => {
    const subjectAt = async (clientId: string, redirectUri: string) => {
      const browser = new Browser(server.url);
      const out = await drive(browser, authorize({ response_type: 'code', scope: 'openid' }, clientId, redirectUri));
      const res = await fetch(`${server.url}/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${clientId}:s`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: out.params.get('code') ?? '', redirect_uri: redirectUri }),
      });
      const tokens = (await res.json()) as { id_token: string; access_token: string };
      const sub = (await verify(tokens.id_token, clientId)).sub ?? '';
      const info = (await (await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).json()) as { sub: string };
      assert.equal(info.sub, sub, 'UserInfo uses the same pairwise sub');
      return sub;
    };
    const a1 = await subjectAt('pw-a1', 'https://a.example.com/cb');
    const a2 = await subjectAt('pw-a2', 'https://a.example.com/other');
    const b = await subjectAt('pw-b', 'https://b.example.com/cb');
    const publicSub = (await verify((await drive(new Browser(server.url), authorize({ response_type: 'id_token' }))).params.get('id_token'))).sub;
    assert.equal(a1, a2, 'same sector, same sub');
    assert.notEqual(a1, b, 'different sectors, different subs');
    assert.notEqual(a1, publicSub);
  });
});
