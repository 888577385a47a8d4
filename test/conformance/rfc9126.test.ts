/**
 * RFC 9126 (OAuth 2.0 Pushed Authorization Requests).
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { TestServer } from '../helpers/server.ts';
import { signIn } from '../interop/support.ts';
import { Visitor, assertOAuthError, basic, CB, CLIENTS, pkce, postForm, requirement, RP, startSignedIn } from './harness.ts';

describe('conformance: RFC 9126 pushed authorization requests', () => {
  let server: TestServer;
  let visitor: Visitor;
  const par = (form: Record<string, string>, auth = RP) => postForm(`${server.url}/par`, form, auth !== '' ? { authorization: auth } : {});
  const valid = () => ({ response_type: 'code', redirect_uri: CB, scope: 'openid', state: 'p', code_challenge: pkce().challenge, code_challenge_method: 'S256' });

  before(async () => {
    ({ server, visitor } = await startSignedIn({
      clients: [...CLIENTS, { client_id: 'strict', client_secret: 'strict-secret', redirect_uris: [CB], require_pushed_authorization_requests: true, skip_consent: true, scope: 'openid' }],
    }));
  });
  after(() => server.close());

  requirement('RFC 9126', '§5', 'pushed_authorization_request_endpoint is advertised', async () => {
    const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(doc['pushed_authorization_request_endpoint'], `${server.url}/par`);
  });

  requirement('RFC 9126', '§2.2', 'a successful push is 201 with request_uri and expires_in', async () => {
    const res = await par(valid());
    assert.equal(res.status, 201, res.text);
    assert.match(String(res.body['request_uri']), /^urn:ietf:params:oauth:request_uri:/);
    assert.ok(Number(res.body['expires_in']) > 0);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  requirement('RFC 9126', '§2', 'the endpoint accepts only POST (405 otherwise)', async () => {
    const res = await fetch(`${server.url}/par?${new URLSearchParams(valid())}`, { headers: { authorization: RP } });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'POST');
  });

  requirement('RFC 9126', '§2.1', 'a confidential client must authenticate (401 invalid_client)', async () => {
    assertOAuthError(await par({ ...valid(), client_id: 'rp' }, ''), 401, 'invalid_client');
    assertOAuthError(await par(valid(), basic('rp', 'wrong')), 401, 'invalid_client');
  });

  requirement('RFC 9126', '§2.1', 'request_uri must not be pushed', async () => {
    assertOAuthError(await par({ ...valid(), request_uri: 'urn:ietf:params:oauth:request_uri:abc' }), 400, 'invalid_request');
  });

  requirement('RFC 9126', '§2.3', 'an unregistered redirect_uri is an error answered as JSON', async () => {
    const res = await par({ ...valid(), redirect_uri: 'http://127.0.0.1:5999/evil' });
    assert.equal(res.status, 400);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.ok(['invalid_request', 'invalid_redirect_uri'].includes(String(res.body['error'])), res.text);
  });

  requirement('RFC 9126', '§4', 'the authorization request completes with client_id and request_uri only', async () => {
    const { verifier, challenge } = pkce();
    const url = `${server.url}/authorize?${new URLSearchParams({ client_id: 'rp', request_uri: String((await par({ ...valid(), code_challenge: challenge, state: 'by-ref' })).body['request_uri']) })}`;
    const done = await signIn(visitor.browser, url);
    assert.equal(done.params.get('state'), 'by-ref');
    assert.equal((await visitor.redeem(done.params.get('code') ?? '', verifier)).status, 200);
  });

  requirement('RFC 9126', '§4', 'a request_uri is used once', async () => {
    const requestUri = String((await par(valid())).body['request_uri']);
    const url = `${server.url}/authorize?${new URLSearchParams({ client_id: 'rp', request_uri: requestUri })}`;
    assert.ok((await signIn(visitor.browser, url)).params.get('code'));
    const again = await fetch(url, { redirect: 'manual', headers: { cookie: [...visitor.browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    const location = again.headers.get('location');
    assert.ok(again.status === 400 || new URL(location ?? 'http://x/').searchParams.get('error') === 'invalid_request_uri', `${again.status} ${location}`);
    assert.ok(!location || !new URL(location).searchParams.get('code'), 'no second code');
  });

  requirement('RFC 9126', '§4', 'an expired request_uri is refused', async () => {
    const res = await par(valid());
    server.clock.advance(Number(res.body['expires_in']) + 1);
    const url = `${server.url}/authorize?${new URLSearchParams({ client_id: 'rp', request_uri: String(res.body['request_uri']) })}`;
    const answer = await fetch(url, { redirect: 'manual' });
    const location = answer.headers.get('location');
    assert.ok(answer.status === 400 || new URL(location ?? 'http://x/').searchParams.get('error') === 'invalid_request_uri', `${answer.status} ${location}`);
  });

  requirement('RFC 9126', '§4', 'a request_uri pushed by one client cannot be used by another', async () => {
    const requestUri = String((await par(valid())).body['request_uri']);
    const answer = await fetch(`${server.url}/authorize?${new URLSearchParams({ client_id: 'rp2', request_uri: requestUri })}`, { redirect: 'manual' });
    const location = answer.headers.get('location');
    assert.ok(!location || !new URL(location).searchParams.get('code'), `no code: ${location}`);
    assert.ok(answer.status === 400 || new URL(location ?? 'http://x/').searchParams.get('error') !== null);
  });

  requirement('RFC 9126', '§5, §6', 'a client that requires PAR cannot send a plain authorization request', async () => {
    const res = await fetch(visitor.url({ client_id: 'strict', redirect_uri: CB, response_type: 'code', scope: 'openid', state: 's', code_challenge: pkce().challenge, code_challenge_method: 'S256' }), { redirect: 'manual' });
    const location = res.headers.get('location');
    assert.ok(location, 'redirected error');
    assert.equal(new URL(location).searchParams.get('error'), 'invalid_request');
  });
});
