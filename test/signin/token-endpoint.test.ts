/**
 * The token endpoint and UserInfo as an API client sees them: every client authentication
 * method (RFC 6749 §2.3, RFC 7523, OIDC Core §9), the token endpoint's error codes
 * (RFC 6749 §5.2), the password grant and its throttling (RFC 6749 §4.3), UserInfo's bearer
 * challenges (RFC 6750 §3) and opaque access tokens. Happy paths go through oauth4webapi /
 * openid-client; negative paths are raw requests.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import { Browser } from '../helpers/browser.ts';
import { codeFlowStart, signInThroughPages } from '../helpers/sign-in.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const CB = 'http://127.0.0.1:5999/cb';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Long enough for HS256 (RFC 7518 §3.2: a key of at least the hash size). */
const JWT_SECRET = 'client-secret-jwt-shared-secret-0123456789abcdef';
const ALICE = { username: 'alice', password: 'correct horse battery staple', name: 'Alice Liddell', email: 'alice@example.com', email_verified: true };
const CAROL = { username: 'carol', password: 'carol has a long passphrase', name: 'Carol' };

const INSECURE = { [oauth.allowInsecureRequests]: true } as const;

const basic = (id: string, secret: string): string =>
  // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: Record<string, unknown> = {};
  if (text !== '') {
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { raw: text };
    }
  }
  return { status: res.status, headers: res.headers, body };
}

async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
  return answer(
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form),
    }),
  );
}

/** Status, `error` and `Cache-Control: no-store` of an error response (RFC 6749 §5.1, §5.2). */
function assertError(res: Answer, status: number, error: string, what: string): void {
  assert.equal(res.status, status, `${what}: status (body ${JSON.stringify(res.body)})`);
  assert.equal(res.body['error'], error, `${what}: error (body ${JSON.stringify(res.body)})`);
  assert.equal(res.headers.get('cache-control'), 'no-store', `${what}: Cache-Control`);
}

async function discover(server: TestServer): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(server.url);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, INSECURE));
}

describe('token endpoint: client authentication and request errors', () => {
  let server: TestServer;
  let as: oauth.AuthorizationServer;
  let tokenUrl: string;
  let clientKey: CryptoKey;
  let strangerKey: CryptoKey;

  const token = (form: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> => postForm(tokenUrl, form, headers);

  /** A client assertion (RFC 7523 §3); `claims` overrides or (with `undefined`) drops the defaults. */
  async function assertion(
    key: CryptoKey | Uint8Array,
    alg: string,
    clientId: string,
    claims: { aud?: string; exp?: number | undefined; jti?: string } = {},
    kid?: string,
  ): Promise<string> {
    const now = server.clock.now();
    const jwt = new SignJWT({ jti: claims.jti ?? randomUUID() })
      .setProtectedHeader(kid === undefined ? { alg } : { alg, kid })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(claims.aud ?? tokenUrl)
      .setIssuedAt(now);
    const exp = 'exp' in claims ? claims.exp : now + 60;
    if (exp !== undefined) jwt.setExpirationTime(exp);
    return jwt.sign(key);
  }

  before(async () => {
    const pair = await generateKeyPair('ES256');
    clientKey = pair.privateKey;
    strangerKey = (await generateKeyPair('ES256')).privateKey;
    const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = await startServer({
      clients: [
        { client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'], scope: 'read write' },
        { client_id: 'svc-post', client_secret: 'post-secret', token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'], scope: 'read write' },
        { client_id: 'svc-jwt', client_secret: JWT_SECRET, token_endpoint_auth_method: 'client_secret_jwt', grant_types: ['client_credentials'], scope: 'read write' },
        { client_id: 'svc-pkjwt', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk] }, grant_types: ['client_credentials'], scope: 'read write' },
        { client_id: 'web', client_secret: 'web-secret', redirect_uris: [CB], grant_types: ['authorization_code'], scope: 'openid read' },
        { client_id: 'spa', token_endpoint_auth_method: 'none', redirect_uris: [CB], scope: 'openid' },
      ],
    });
    as = await discover(server);
    tokenUrl = `${server.url}/token`;
    assert.equal(as.token_endpoint, tokenUrl);
  });
  after(() => server.close());

  describe('client authentication (grant_type=client_credentials)', () => {
    it('accepts client_secret_basic', async () => {
      const client: oauth.Client = { client_id: 'svc' };
      const res = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic('svc-secret'), new URLSearchParams({ scope: 'read write' }), INSECURE);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store', 'RFC 6749 §5.1');
      const tokens = await oauth.processClientCredentialsResponse(as, client, res);
      assert.ok(tokens.access_token);
      assert.equal(tokens.token_type, 'bearer');
      assert.equal(tokens.scope, 'read write');
      assert.equal(tokens.refresh_token, undefined, 'RFC 6749 §4.4.3: no refresh token');
    });

    it('accepts client_secret_post', async () => {
      const client: oauth.Client = { client_id: 'svc-post' };
      const res = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretPost('post-secret'), new URLSearchParams({ scope: 'read' }), INSECURE);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const tokens = await oauth.processClientCredentialsResponse(as, client, res);
      assert.ok(tokens.access_token);
      assert.equal(tokens.scope, 'read');
    });

    it('answers a wrong secret sent with Basic with 401 invalid_client and a Basic challenge', async () => {
      const res = await token({ grant_type: 'client_credentials' }, { authorization: basic('svc', 'wrong-secret') });
      assertError(res, 401, 'invalid_client', 'wrong Basic secret');
      // RFC 6749 §5.2: the client used the Authorization header, so the challenge is mandatory.
      assert.equal(res.headers.get('www-authenticate'), `Basic realm="${server.url}"`);
    });

    it('answers a wrong client_secret_post secret with 401 invalid_client', async () => {
      const res = await token({ grant_type: 'client_credentials', client_id: 'svc-post', client_secret: 'wrong-secret' });
      assertError(res, 401, 'invalid_client', 'wrong post secret');
    });

    it('refuses Basic and client_secret_post in one request with 400 invalid_request', async () => {
      // RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request."
      const res = await token({ grant_type: 'client_credentials', client_id: 'svc', client_secret: 'svc-secret' }, { authorization: basic('svc', 'svc-secret') });
      assertError(res, 400, 'invalid_request', 'Basic + client_secret');
    });

    it('answers an unknown client with 401 invalid_client, the same body as a wrong secret', async () => {
      const viaBasic = await token({ grant_type: 'client_credentials' }, { authorization: basic('nobody', 'whatever') });
      assertError(viaBasic, 401, 'invalid_client', 'unknown client (Basic)');
      assert.equal(viaBasic.headers.get('www-authenticate'), `Basic realm="${server.url}"`);
      const wrongSecret = await token({ grant_type: 'client_credentials' }, { authorization: basic('svc', 'whatever') });
      assert.deepEqual(viaBasic.body, wrongSecret.body, 'no client enumeration through the error');
      const viaPost = await token({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'whatever' });
      assertError(viaPost, 401, 'invalid_client', 'unknown client (post)');
    });

    it('accepts client_secret_jwt once and refuses the same assertion replayed', async () => {
      const jwt = await assertion(new TextEncoder().encode(JWT_SECRET), 'HS256', 'svc-jwt');
      const form = { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: jwt };
      const first = await token(form);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.headers.get('cache-control'), 'no-store');
      assert.equal(typeof first.body['access_token'], 'string');
      // RFC 7523 §3 (7) / OIDC Core §9: the jti is single-use.
      const replay = await token(form);
      assertError(replay, 401, 'invalid_client', 'replayed client_secret_jwt');
      assert.equal(replay.headers.get('www-authenticate'), null, 'no Authorization header was used');
    });

    it('checks every client_secret_jwt against the secret, for each HMAC algorithm', async () => {
      const form = (jwt: string) => ({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: jwt });
      assert.equal((await token(form(await assertion(new TextEncoder().encode(JWT_SECRET), 'HS256', 'svc-jwt')))).status, 200);
      const forged = await token(form(await assertion(new TextEncoder().encode(`${JWT_SECRET}-not`), 'HS256', 'svc-jwt')));
      assertError(forged, 401, 'invalid_client', 'client_secret_jwt with another secret');
      for (const alg of ['HS384', 'HS512']) {
        const res = await token(form(await assertion(new TextEncoder().encode(JWT_SECRET), alg, 'svc-jwt')));
        assert.equal(res.status, 200, `${alg}: ${JSON.stringify(res.body)}`);
        const wrong = await token(form(await assertion(new TextEncoder().encode(`${JWT_SECRET}-not`), alg, 'svc-jwt')));
        assertError(wrong, 401, 'invalid_client', `${alg} with another secret`);
      }
    });

    it('accepts client_secret_jwt from oauth4webapi', async () => {
      const client: oauth.Client = { client_id: 'svc-jwt' };
      const res = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretJwt(JWT_SECRET), new URLSearchParams({ scope: 'write' }), INSECURE);
      const tokens = await oauth.processClientCredentialsResponse(as, client, res);
      assert.equal(tokens.scope, 'write');
    });

    it('accepts private_key_jwt with aud = issuer (oauth4webapi)', async () => {
      const client: oauth.Client = { client_id: 'svc-pkjwt' };
      let sentAud: unknown;
      const res = await oauth.clientCredentialsGrantRequest(as, client, oauth.PrivateKeyJwt({ key: clientKey, kid: 'k1' }), new URLSearchParams({ scope: 'read' }), {
        ...INSECURE,
        [oauth.customFetch]: (url, options) => {
          const sent = options.body instanceof URLSearchParams ? options.body.get('client_assertion') : null;
          if (sent) sentAud = decodeJwt(sent).aud;
          return fetch(url, options);
        },
      });
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const tokens = await oauth.processClientCredentialsResponse(as, client, res);
      assert.equal(tokens.scope, 'read');
      assert.equal(sentAud, server.url, 'the assertion was addressed to the issuer');
    });

    it('accepts a hand-made private_key_jwt assertion addressed to the issuer', async () => {
      const jwt = await assertion(clientKey, 'ES256', 'svc-pkjwt', { aud: server.url }, 'k1');
      const res = await token({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: jwt });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    });

    it('refuses a private_key_jwt assertion without exp', async () => {
      // RFC 7523 §3 (4): exp is REQUIRED.
      const jwt = await assertion(clientKey, 'ES256', 'svc-pkjwt', { aud: server.url, exp: undefined }, 'k1');
      assert.equal(decodeJwt(jwt).exp, undefined);
      const res = await token({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: jwt });
      assertError(res, 401, 'invalid_client', 'assertion without exp');
    });

    it('refuses a private_key_jwt assertion signed by a key the client did not register', async () => {
      const jwt = await assertion(strangerKey, 'ES256', 'svc-pkjwt', { aud: server.url }, 'k1');
      const res = await token({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: jwt });
      assertError(res, 401, 'invalid_client', 'assertion signed by another key');
    });

    it('refuses client_credentials to a public client with invalid_client (RFC 6749 §4.4.2, §5.2)', async () => {
      // RFC 6749 §4.4.2: for this grant "the client MUST authenticate with the authorization
      // server"; a public client sends only its client_id, i.e. "no client authentication
      // included", which §5.2 lists under invalid_client (401). unauthorized_client is defined
      // for "the authenticated client", which a public client is not.
      const res = await token({ grant_type: 'client_credentials', client_id: 'spa' });
      assert.notEqual(res.status, 200, 'never issues a token');
      assert.equal(res.body['access_token'], undefined);
      assertError(res, 401, 'invalid_client', `public client asking for client_credentials (the code answered ${res.status} ${String(res.body['error'])})`);
    });
  });

  describe('request errors', () => {
    const svc = { authorization: basic('svc', 'svc-secret') };

    it('answers a missing grant_type with invalid_request', async () => {
      assertError(await token({ scope: 'read' }, svc), 400, 'invalid_request', 'no grant_type');
    });

    it('answers an unknown grant_type with unsupported_grant_type', async () => {
      assertError(await token({ grant_type: 'urn:example:bogus' }, svc), 400, 'unsupported_grant_type', 'unknown grant_type');
    });

    it('answers the password grant with unsupported_grant_type while features.passwordGrant is off', async () => {
      const res = await token({ grant_type: 'password', username: 'alice', password: 'x' }, svc);
      assertError(res, 400, 'unsupported_grant_type', 'password grant off');
      const meta = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as { grant_types_supported?: string[] };
      assert.ok(!meta.grant_types_supported?.includes('password'), 'not advertised either');
    });

    it('answers a client not registered for client_credentials with unauthorized_client', async () => {
      const res = await token({ grant_type: 'client_credentials' }, { authorization: basic('web', 'web-secret') });
      assertError(res, 400, 'unauthorized_client', 'client without client_credentials');
    });

    it('answers a scope beyond the registration with invalid_scope', async () => {
      const res = await token({ grant_type: 'client_credentials', scope: 'read admin' }, svc);
      assertError(res, 400, 'invalid_scope', 'scope beyond registration');
    });

    it('answers a JSON body with 400 invalid_request', async () => {
      // RFC 6749 §3.2: parameters are sent application/x-www-form-urlencoded.
      const res = await answer(
        await fetch(tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...svc },
          body: JSON.stringify({ grant_type: 'client_credentials', scope: 'read' }),
        }),
      );
      assertError(res, 400, 'invalid_request', 'JSON body');
    });

    it('answers a repeated parameter with invalid_request', async () => {
      // RFC 6749 §3.1: parameters MUST NOT be included more than once.
      const res = await answer(
        await fetch(tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...svc },
          body: 'grant_type=client_credentials&scope=read&scope=write',
        }),
      );
      assertError(res, 400, 'invalid_request', 'repeated scope');
    });
  });
});

describe('password grant and UserInfo', () => {
  let server: TestServer;
  let as: oauth.AuthorizationServer;
  const app: oauth.Client = { client_id: 'app' };
  const appAuth = { authorization: basic('app', 'app-secret') };

  const password = (username: string, pass: string, scope = 'openid profile email'): Promise<Answer> =>
    postForm(`${server.url}/token`, { grant_type: 'password', username, password: pass, scope }, appAuth);

  before(async () => {
    server = await startServer({
      features: { passwordGrant: true },
      clients: [
        { client_id: 'app', client_secret: 'app-secret', grant_types: ['password', 'refresh_token'], scope: 'openid profile email' },
        { client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'], scope: 'read' },
      ],
      users: [ALICE, CAROL],
    });
    as = await discover(server);
  });
  after(() => server.close());

  /** Alice's tokens through the password grant, driven by oauth4webapi. */
  async function aliceTokens(scope = 'openid profile email'): Promise<oauth.TokenEndpointResponse> {
    const res = await oauth.genericTokenEndpointRequest(as, app, oauth.ClientSecretBasic('app-secret'), 'password', new URLSearchParams({ username: ALICE.username, password: ALICE.password, scope }), INSECURE);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    return oauth.processGenericTokenEndpointResponse(as, app, res);
  }

  describe('password grant (features.passwordGrant)', () => {
    it('issues tokens, with an ID token for the openid scope', async () => {
      const meta = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as { grant_types_supported?: string[] };
      assert.ok(meta.grant_types_supported?.includes('password'));
      const tokens = await aliceTokens();
      assert.ok(tokens.access_token);
      assert.equal(tokens.token_type, 'bearer');
      assert.ok(tokens.refresh_token, 'the client may refresh');
      const claims = oauth.getValidatedIdTokenClaims(tokens);
      assert.ok(claims, 'an ID token for scope openid');
      assert.equal(claims.iss, server.url);
      assert.equal(claims.aud, 'app');
      const withoutOpenid = await aliceTokens('profile');
      assert.equal(withoutOpenid.id_token, undefined, 'no ID token without openid');
    });

    it('gives identical invalid_grant answers for a wrong password and an unknown user', async () => {
      const wrong = await password(ALICE.username, 'not the password');
      const unknown = await password('mallory', 'not the password');
      assertError(wrong, 400, 'invalid_grant', 'wrong password');
      assertError(unknown, 400, 'invalid_grant', 'unknown user');
      // RFC 6749 §5.2 / RFC 9700 §2.4: the answer does not tell which part was wrong.
      assert.deepEqual(wrong.body, unknown.body);
      // Alice's failure is cleared by her next success.
      assert.ok((await aliceTokens()).access_token);
    });

    it('keeps answering invalid_grant after five failures, even for the right password', async () => {
      for (let i = 0; i < 5; i++) assertError(await password(CAROL.username, `wrong ${i}`), 400, 'invalid_grant', `failure ${i + 1}`);
      const throttled = await password(CAROL.username, CAROL.password, 'openid');
      assertError(throttled, 400, 'invalid_grant', 'right password while throttled');
      assert.equal(throttled.body['access_token'], undefined);
      const retryAfter = Number(throttled.headers.get('retry-after'));
      assert.ok(retryAfter > 0, 'Retry-After says when to come back');
    });
  });

  describe('UserInfo', () => {
    const userinfo = (): string => `${server.url}/userinfo`;

    it('challenges a request without credentials with no error code (RFC 6750 §3.1)', async () => {
      const res = await answer(await fetch(userinfo()));
      assert.equal(res.status, 401);
      const challenge = res.headers.get('www-authenticate') ?? '';
      assert.equal(challenge, `Bearer realm="${server.url}"`);
      assert.doesNotMatch(challenge, /error=/);
      assert.equal(res.headers.get('cache-control'), 'no-store');
    });

    it('answers a garbage token with 401 invalid_token', async () => {
      const res = await answer(await fetch(userinfo(), { headers: { authorization: 'Bearer garbage.token.value' } }));
      assert.equal(res.status, 401);
      const challenge = res.headers.get('www-authenticate') ?? '';
      assert.match(challenge, /^Bearer /);
      assert.match(challenge, new RegExp(`realm="${server.url.replace(/[.]/g, '\\.')}"`));
      assert.match(challenge, /error="invalid_token"/);
      assert.equal(res.headers.get('cache-control'), 'no-store');
    });

    it('answers a client_credentials token (no user) with 403 insufficient_scope', async () => {
      const client: oauth.Client = { client_id: 'svc' };
      const cc = await oauth.processClientCredentialsResponse(
        as,
        client,
        await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic('svc-secret'), new URLSearchParams({ scope: 'read' }), INSECURE),
      );
      const res = await answer(await fetch(userinfo(), { headers: { authorization: `Bearer ${cc.access_token}` } }));
      assert.equal(res.status, 403);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer .*error="insufficient_scope"/);
      assert.equal(res.body['error'], 'insufficient_scope');
      assert.equal(res.headers.get('cache-control'), 'no-store');
    });

    it('accepts the token in a form body (RFC 6750 §2.2) and in the header via oauth4webapi', async () => {
      const tokens = await aliceTokens();
      const sub = oauth.getValidatedIdTokenClaims(tokens)?.sub;
      assert.ok(sub);
      const viaBody = await postForm(userinfo(), { access_token: tokens.access_token });
      assert.equal(viaBody.status, 200, JSON.stringify(viaBody.body));
      assert.equal(viaBody.body['sub'], sub);
      assert.equal(viaBody.body['email'], ALICE.email);
      assert.equal(viaBody.headers.get('cache-control'), 'no-store');
      const viaHeader = await oauth.processUserInfoResponse(as, app, sub, await oauth.userInfoRequest(as, app, tokens.access_token, INSECURE));
      assert.equal(viaHeader['name'], ALICE.name);
    });

    it('answers a token sent both in the header and in the body with 400 invalid_request', async () => {
      const tokens = await aliceTokens();
      const res = await postForm(userinfo(), { access_token: tokens.access_token }, { authorization: `Bearer ${tokens.access_token}` });
      assert.equal(res.status, 400);
      // RFC 6750 §3.1: invalid_request, carried in the challenge.
      assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_request"/);
      assert.equal(res.body['error'], 'invalid_request');
      assert.equal(res.headers.get('cache-control'), 'no-store');
    });
  });
});

describe('opaque access tokens (features.accessTokenFormat = opaque)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      features: { accessTokenFormat: 'opaque' },
      clients: [{ client_id: 'web', client_secret: 'web-secret', redirect_uris: [CB], scope: 'openid profile email' }],
      users: [ALICE],
    });
  });
  after(() => server.close());

  /** Signs in on the login page and allows on the consent page; returns the callback URL. */
  async function signIn(browser: Browser, start: URL): Promise<URL> {
    return (await signInThroughPages(browser, start.href, CB, ALICE)).callback;
  }

  it('issues pc_at_ access tokens from the code flow that UserInfo accepts', async () => {
    const config = await oidc.discovery(new URL(server.url), 'web', 'web-secret', oidc.ClientSecretBasic('web-secret'), { execute: [oidc.allowInsecureRequests] });
    const { url, verifier, state, nonce } = await codeFlowStart(config, CB);
    const callback = await signIn(new Browser(server.url), url);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    assert.ok(tokens.access_token.startsWith('pc_at_'), `opaque, prefixed token: ${tokens.access_token.slice(0, 12)}`);
    assert.equal(tokens.access_token.split('.').length, 1, 'not a JWT');
    const sub = tokens.claims()?.sub;
    assert.ok(sub);
    const info = await oidc.fetchUserInfo(config, tokens.access_token, sub);
    assert.equal(info.sub, sub);
    assert.equal(info['email'], ALICE.email);
    const viaBody = await postForm(`${server.url}/userinfo`, { access_token: tokens.access_token });
    assert.equal(viaBody.status, 200);
    assert.equal(viaBody.body['sub'], sub);
  });
});
