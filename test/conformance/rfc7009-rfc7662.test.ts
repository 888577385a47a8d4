/**
 * RFC 7009 (token revocation) and RFC 7662 (token introspection).
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { TestServer } from '../helpers/server.ts';
import { Visitor, assertOAuthError, basic, CB, pkce, postForm, requirement, RP, startSignedIn } from './harness.ts';

describe('conformance: RFC 7009 revocation and RFC 7662 introspection', () => {
  let server: TestServer;
  let visitor: Visitor;
  const SVC = basic('svc', 'svc-secret');
  const revoke = (form: Record<string, string>, auth?: string) => postForm(`${server.url}/revoke`, form, auth ? { authorization: auth } : {});
  const introspect = (form: Record<string, string>, auth?: string) => postForm(`${server.url}/introspect`, form, auth ? { authorization: auth } : {});
  const clientToken = async (auth = SVC): Promise<string> => String((await postForm(`${server.url}/token`, { grant_type: 'client_credentials', scope: 'read' }, { authorization: auth })).body['access_token']);

  before(async () => {
    ({ server, visitor } = await startSignedIn());
  });
  after(() => server.close());

  requirement('RFC 7009', '§2.1', 'revocation requires client authentication for confidential clients', async () => {
    const token = await clientToken();
    const res = await revoke({ token });
    assertOAuthError(res, 401, 'invalid_client');
    assert.equal((await introspect({ token }, SVC)).body['active'], true, 'nothing revoked');
  });

  requirement('RFC 7009', '§2.2', 'revoking an invalid or unknown token answers 200', async () => {
    assert.equal((await revoke({ token: 'never-issued' }, SVC)).status, 200);
  });

  requirement('RFC 7009', '§2.1', 'a missing token parameter is invalid_request', async () => {
    assertOAuthError(await revoke({}, SVC), 400, 'invalid_request');
  });

  requirement('RFC 7009', '§2.1', 'a wrong token_type_hint does not prevent revocation (the search extends to every type)', async () => {
    const tokens = await visitor.tokens({ scope: 'openid offline_access' });
    const refresh = String(tokens['refresh_token']);
    assert.equal((await revoke({ token: refresh, token_type_hint: 'access_token' }, RP)).status, 200);
    assert.equal((await introspect({ token: refresh }, RP)).body['active'], false);
  });

  requirement('RFC 7009', '§2.1', 'revoking a refresh token invalidates the access tokens of the same grant', async () => {
    const tokens = await visitor.tokens({ scope: 'openid offline_access' });
    assert.equal((await revoke({ token: String(tokens['refresh_token']), token_type_hint: 'refresh_token' }, RP)).status, 200);
    assert.deepEqual((await introspect({ token: String(tokens['access_token']) }, RP)).body, { active: false });
  });

  requirement('RFC 7009', '§2.1', 'a client cannot revoke another client\'s token', async () => {
    const token = await clientToken();
    await revoke({ token }, basic('svc2', 'svc2-secret'));
    assert.equal((await introspect({ token }, SVC)).body['active'], true);
  });

  requirement('RFC 7009', '§2.1, §5', 'a public client revokes its own token with its client_id', async () => {
    const pub = new Visitor(server);
    const { verifier, challenge } = pkce();
    const arrival = await pub.authorize({ client_id: 'pub', scope: 'openid offline_access', code_challenge: challenge, code_challenge_method: 'S256' });
    const tokens = await postForm(`${server.url}/token`, { grant_type: 'authorization_code', client_id: 'pub', code: arrival.params.get('code') ?? '', redirect_uri: CB, code_verifier: verifier });
    const refresh = String(tokens.body['refresh_token']);
    assert.equal((await revoke({ token: refresh, client_id: 'pub' })).status, 200);
    const again = await postForm(`${server.url}/token`, { grant_type: 'refresh_token', client_id: 'pub', refresh_token: refresh });
    assertOAuthError(again, 400, 'invalid_grant');
  });

  requirement('RFC 7009', '§2', 'the revocation endpoint accepts only POST', async () => {
    const res = await fetch(`${server.url}/revoke?token=x`, { headers: { authorization: SVC } });
    assert.ok(res.status >= 400 && res.status < 500, String(res.status));
    // RFC 9110 §15.5.6: 405 names the allowed methods.
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'POST');
  });

  requirement('RFC 7009', '§2.1, RFC 6749 §5.2', 'failed client authentication with Basic is 401 invalid_client with WWW-Authenticate', async () => {
    const res = await revoke({ token: await clientToken() }, basic('svc', 'wrong'));
    assertOAuthError(res, 401, 'invalid_client');
    assert.match(res.headers.get('www-authenticate') ?? '', /^Basic /i);
  });

  requirement('RFC 7662', '§2.1', 'introspection requires authorization', async () => {
    const token = await clientToken();
    assertOAuthError(await introspect({ token }), 401, 'invalid_client');
    const wrong = await introspect({ token }, basic('svc', 'wrong'));
    assertOAuthError(wrong, 401, 'invalid_client');
    // RFC 6749 §5.2: a client that used the Authorization header gets a matching challenge.
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic /i);
  });

  requirement('RFC 7662', '§2.1', 'a missing token parameter is invalid_request', async () => {
    assertOAuthError(await introspect({}, SVC), 400, 'invalid_request');
  });

  requirement('RFC 7662', '§2.2', 'an active token is described with active, scope, client_id, token_type, exp, iat, sub, aud, iss', async () => {
    const res = await introspect({ token: await clientToken() }, SVC);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = res.body;
    assert.equal(body['active'], true);
    assert.equal(body['scope'], 'read');
    assert.equal(body['client_id'], 'svc');
    assert.equal(body['iss'], server.url);
    for (const claim of ['token_type', 'exp', 'iat', 'sub', 'aud']) assert.ok(body[claim] !== undefined, claim);
  });

  requirement('RFC 7662', '§2.2', 'an inactive token is {"active":false} and nothing else', async () => {
    for (const token of ['garbage', 'pc_at_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) assert.deepEqual((await introspect({ token }, SVC)).body, { active: false });
    const revoked = await clientToken();
    await revoke({ token: revoked }, SVC);
    assert.deepEqual((await introspect({ token: revoked }, SVC)).body, { active: false });
  });

  requirement('RFC 7662', '§2.2', 'an expired token is inactive', async () => {
    const token = await clientToken();
    server.clock.advance(7200);
    try {
      assert.deepEqual((await introspect({ token }, SVC)).body, { active: false });
    } finally {
      server.clock.advance(-7200);
    }
  });

  requirement('RFC 7662', '§2.1', 'a wrong token_type_hint still finds the token', async () => {
    const res = await introspect({ token: await clientToken(), token_type_hint: 'refresh_token' }, SVC);
    assert.equal(res.body['active'], true);
  });

  requirement('RFC 7662', '§2.2', 'a refresh token introspects as active while usable', async () => {
    const tokens = await visitor.tokens({ scope: 'openid offline_access' });
    const res = await introspect({ token: String(tokens['refresh_token']) }, RP);
    assert.equal(res.body['active'], true);
    assert.equal(res.body['client_id'], 'rp');
  });
});
