/**
 * No open redirects: every Location the server sends is a registered redirect URI (authorization
 * errors), a registered post_logout_redirect_uri (logout), a console page (console sign-in) or
 * the server itself; device and CIBA pages never redirect.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser, parseForms } from '../helpers/browser.ts';
import { signInThroughPages } from '../helpers/sign-in.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { basic, postForm } from './helpers.ts';

const CB = 'http://127.0.0.1:5997/cb';
const ALICE = { username: 'alice', password: 'alice password 1' };
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('open redirects', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      features: { passwordGrant: true },
      clients: [
        { client_id: 'web', client_secret: 'web-secret', redirect_uris: [CB], post_logout_redirect_uris: [`${CB}/bye`], scope: 'openid', skip_consent: true, grant_types: ['authorization_code', 'password'] },
        { client_id: 'other', client_secret: 'other-secret', redirect_uris: ['https://other.example.test/cb'], post_logout_redirect_uris: ['https://other.example.test/bye'], scope: 'openid' },
      ],
      users: [ALICE],
    });
  });
  after(() => server.close());

  async function locationOf(url: string, cookie = ''): Promise<{ status: number; location: string | null }> {
    const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    await res.text();
    return { status: res.status, location: res.headers.get('location') };
  }

  it('never redirects an authorization request to an unregistered URI', async () => {
    const evil = ['https://evil.example.test/cb', `${CB}/../evil`, `${CB}?x=1`, `${CB}#frag`, 'http://127.0.0.1:5997/cb2', `${CB} `, 'HTTP://127.0.0.1:5997/cb', '//evil.example.test/cb',
      // RFC 9700 §4.1.3: exact matching; only a loopback redirect's port may differ, nothing URL parsing would clean up.
      'http://127.0.0.1:5997/x/../cb', 'http://127.0.0.1:5997\\cb', 'http://127.0.0.1:5997/c\tb', 'http://127.1:5997/cb', 'http://2130706433:5997/cb'];
    for (const redirect of evil) {
      for (const clientId of ['web', 'nobody']) {
        const q = new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: redirect, scope: 'openid', code_challenge: CHALLENGE, code_challenge_method: 'S256' });
        const res = await locationOf(`${server.url}/authorize?${q.toString()}`);
        assert.equal(res.location, null, `${clientId} ${redirect}`);
        assert.equal(res.status, 400, `${clientId} ${redirect}`);
      }
    }
    // Another port of the registered loopback redirect is fine (RFC 8252 §7.3).
    const port = new URLSearchParams({ client_id: 'web', response_type: 'token', redirect_uri: 'http://127.0.0.1:6001/cb', scope: 'openid' });
    assert.ok((await locationOf(`${server.url}/authorize?${port.toString()}`)).location?.startsWith('http://127.0.0.1:6001/cb?'));
    // An error for a registered URI goes there, and only there.
    const q = new URLSearchParams({ client_id: 'web', response_type: 'token', redirect_uri: CB, scope: 'openid', state: 's' });
    const res = await locationOf(`${server.url}/authorize?${q.toString()}`);
    assert.ok(res.location?.startsWith(`${CB}?`), String(res.location));
    assert.equal(new URL(res.location ?? '').searchParams.get('error'), 'unsupported_response_type');
  });

  it('redirects after logout only to the client\u2019s registered post_logout_redirect_uri', async () => {
    const tokens = await postForm(`${server.url}/token`, { grant_type: 'password', ...ALICE, scope: 'openid' }, { authorization: basic('web', 'web-secret') });
    assert.equal(tokens.status, 200, tokens.text);
    const hint = String(tokens.body['id_token']);
    const cases: Array<Record<string, string>> = [
      { post_logout_redirect_uri: 'https://evil.example.test/' },
      { client_id: 'web', post_logout_redirect_uri: 'https://evil.example.test/' },
      { client_id: 'web', post_logout_redirect_uri: 'https://other.example.test/bye' },
      { id_token_hint: hint, post_logout_redirect_uri: 'https://other.example.test/bye' },
      { id_token_hint: hint, client_id: 'other', post_logout_redirect_uri: 'https://other.example.test/bye' },
      { id_token_hint: hint, post_logout_redirect_uri: `${CB}/bye/../../evil` },
      { id_token_hint: `${hint.slice(0, -4)}AAAA`, post_logout_redirect_uri: `${CB}/bye` },
    ];
    for (const params of cases) {
      const res = await locationOf(`${server.url}/end_session?${new URLSearchParams(params).toString()}`);
      assert.equal(res.location, null, JSON.stringify(params).slice(0, 200));
    }
    const good = await locationOf(`${server.url}/end_session?${new URLSearchParams({ id_token_hint: hint, post_logout_redirect_uri: `${CB}/bye`, state: 'st' }).toString()}`);
    assert.equal(good.location, `${CB}/bye?state=st`);
  });

  it('returns from console sign-in only to console pages', async () => {
    const browser = new Browser(server.url);
    const creds = server.runtime.adminCredentials;
    assert.ok(creds);
    // Sign in to Portcullis once as the administrator; console sign-ins then need no form.
    const q = new URLSearchParams({ client_id: 'web', response_type: 'code', redirect_uri: CB, scope: 'openid', code_challenge: CHALLENGE, code_challenge_method: 'S256' });
    await signInThroughPages(browser, `${server.url}/authorize?${q.toString()}`, CB, { username: creds.username, password: creds.password });
    const hostile = ['//evil.example.test', 'https://evil.example.test/admin', '/\\evil.example.test', '/admin/../..//evil.example.test', '/admin//evil.example.test', '/admin/\\evil', '/admin\t/x', '/admin/x\r\nSet-Cookie: pwned=1', '/adminevil', 'javascript:alert(1)'];
    for (const back of hostile) {
      let url = `${server.url}/admin/login?back=${encodeURIComponent(back)}`;
      let final: string | null = null;
      for (let hops = 0; hops < 10; hops++) {
        const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
        for (const line of res.headers.getSetCookie()) {
          const [pair] = line.split(';');
          const eq = pair?.indexOf('=') ?? -1;
          if (pair && eq > 0) browser.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
        }
        await res.text();
        assert.ok(res.status < 500, `back=${JSON.stringify(back)}: ${res.status}`);
        const location = res.headers.get('location');
        if (!location) break;
        const next = new URL(location, url);
        if (next.pathname === '/authorize' || next.pathname === '/admin/login' || next.pathname === '/admin/callback') {
          url = next.href;
          continue;
        }
        final = location;
        break;
      }
      assert.ok(final !== null, `back=${JSON.stringify(back)}: the console sign-in completed`);
      assert.equal(new URL(final, server.url).origin, server.url, `back=${JSON.stringify(back)} went to ${final}`);
      assert.match(final, /^\/admin(\/|$)/, `back=${JSON.stringify(back)} went to ${final}`);
      assert.equal(browser.cookies.has('pwned'), false);
    }
  });

  it('never redirects from the device and CIBA pages', async () => {
    for (const path of ['/device?user_code=ABCD-EFGH&redirect_uri=https://evil.example.test', '/ciba/approve?ticket=nope&redirect_uri=https://evil.example.test', '/ciba/requests?next=https://evil.example.test', '/account?next=https://evil.example.test']) {
      const res = await locationOf(`${server.url}${path}`);
      assert.equal(res.location, null, path);
    }
    const page = await new Browser(server.url).request(`${server.url}/device`);
    assert.ok(parseForms(page.html, page.url).length > 0);
  });
});

describe('front-channel logout URIs of self-registered clients', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ features: { dynamicRegistration: 'open' } });
  });
  after(() => server.close());

  it('accepts only the scheme, host and port of a registered redirect URI (Front-Channel Logout §2)', async () => {
    const register = (body: Record<string, unknown>) => fetch(`${server.url}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    for (const uri of ['http://evil.example.test/fc', 'https://evil.example.test/fc', 'http://localhost:5997/fc']) {
      const res = await register({ redirect_uris: [CB], frontchannel_logout_uri: uri });
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(res.status, 400, `${uri}: ${JSON.stringify(body)}`);
      assert.equal(body['error'], 'invalid_client_metadata');
    }
    const ok = await register({ redirect_uris: [CB], frontchannel_logout_uri: 'http://127.0.0.1:5998/fc' });
    assert.equal(ok.status, 201, await ok.text());
  });
});
