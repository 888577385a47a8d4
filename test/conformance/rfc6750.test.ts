/**
 * RFC 6750 (bearer tokens) at the UserInfo endpoint, with OIDC Core §5.3.3's error rules.
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { TestServer } from '../helpers/server.ts';
import { Visitor, basic, postForm, requirement, startConformanceServer } from './harness.ts';

describe('conformance: RFC 6750 bearer tokens', () => {
  let server: TestServer;
  let visitor: Visitor;
  let token: string;

  before(async () => {
    server = await startConformanceServer();
    visitor = new Visitor(server);
    token = String((await visitor.tokens())['access_token']);
  });
  after(() => server.close());

  const challenge = (res: Response | { headers: Headers }) => res.headers.get('www-authenticate') ?? '';

  requirement('RFC 6750', '§3, §3.1', 'a request without credentials gets 401 and a Bearer challenge without an error code', async () => {
    const res = await fetch(`${server.url}/userinfo`);
    assert.equal(res.status, 401);
    assert.match(challenge(res), /^Bearer realm="[^"]+"/);
    assert.doesNotMatch(challenge(res), /error=/);
  });

  requirement('RFC 6750', '§3.1', 'an invalid token gets 401 with error="invalid_token"', async () => {
    const res = await fetch(`${server.url}/userinfo`, { headers: { authorization: 'Bearer not-a-real-token' } });
    assert.equal(res.status, 401);
    assert.match(challenge(res), /^Bearer .*error="invalid_token"/);
  });

  requirement('RFC 6750', '§3.1', 'an expired token gets 401 with error="invalid_token"', async () => {
    server.clock.advance(7200);
    try {
      const res = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 401);
      assert.match(challenge(res), /error="invalid_token"/);
    } finally {
      server.clock.advance(-7200);
    }
  });

  requirement('RFC 6750', '§3.1', 'a token without the required scope gets 403 with error="insufficient_scope"', async () => {
    const cc = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', scope: 'read' }, { authorization: basic('svc', 'svc-secret') });
    const res = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${String(cc.body['access_token'])}` } });
    assert.equal(res.status, 403);
    assert.match(challenge(res), /error="insufficient_scope"/);
  });

  requirement('RFC 6750', '§2.1', 'the Authorization request header field is accepted', async () => {
    assert.equal((await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
  });

  requirement('RFC 6750', '§2.1', 'the auth-scheme is case-insensitive', async () => {
    assert.equal((await fetch(`${server.url}/userinfo`, { headers: { authorization: `bearer ${token}` } })).status, 200);
  });

  requirement('RFC 6750', '§2.2', 'the form-encoded body parameter is accepted', async () => {
    const res = await postForm(`${server.url}/userinfo`, { access_token: token });
    assert.equal(res.status, 200, res.text);
  });

  requirement('RFC 6750', '§2', 'a token sent in more than one way is invalid_request (400)', async () => {
    const res = await postForm(`${server.url}/userinfo`, { access_token: token }, { authorization: `Bearer ${token}` });
    assert.equal(res.status, 400);
    assert.match(challenge(res), /error="invalid_request"/);
  });
});
