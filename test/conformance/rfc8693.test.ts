/**
 * RFC 8693 (OAuth 2.0 Token Exchange).
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { TestServer } from '../helpers/server.ts';
import { ACCESS_TOKEN_TYPE } from '../interop/support.ts';
import { Visitor, API, assertOAuthError, basic, postForm, requirement, signInFor, startConformanceServer, TOKEN_EXCHANGE, verifyJwt } from './harness.ts';

describe('conformance: RFC 8693 token exchange', () => {
  let server: TestServer;
  let subject: string;
  const XCHG = basic('xchg', 'xchg-secret');
  const exchange = (form: Record<string, string>, auth = XCHG) => postForm(`${server.url}/token`, { grant_type: TOKEN_EXCHANGE, ...form }, { authorization: auth });

  before(async () => {
    server = await startConformanceServer();
    const visitor = new Visitor(server);
    subject = await signInFor(visitor, 'xchg', 'xchg-secret', 'openid profile read');
  });
  after(() => server.close());

  requirement('RFC 8693', '§2.1', 'subject_token is required', async () => {
    assertOAuthError(await exchange({ subject_token_type: ACCESS_TOKEN_TYPE, audience: API }), 400, 'invalid_request');
  });

  requirement('RFC 8693', '§2.1', 'subject_token_type is required', async () => {
    assertOAuthError(await exchange({ subject_token: subject, audience: API }), 400, 'invalid_request');
  });

  requirement('RFC 8693', '§2.1', 'actor_token_type is required when actor_token is present', async () => {
    assertOAuthError(await exchange({ subject_token: subject, subject_token_type: ACCESS_TOKEN_TYPE, audience: API, actor_token: subject }), 400, 'invalid_request');
  });

  requirement('RFC 8693', '§2.2.2', 'an unsupported subject_token_type is invalid_request', async () => {
    assertOAuthError(await exchange({ subject_token: subject, subject_token_type: 'urn:example:token-type:magic', audience: API }), 400, 'invalid_request');
  });

  requirement('RFC 8693', '§2.2.2', 'an invalid subject token is invalid_request', async () => {
    assertOAuthError(await exchange({ subject_token: 'not-a-token', subject_token_type: ACCESS_TOKEN_TYPE, audience: API }), 400, 'invalid_request');
  });

  requirement('RFC 8693', '§2.2.2', 'an unacceptable audience is invalid_target', async () => {
    assertOAuthError(await exchange({ subject_token: subject, subject_token_type: ACCESS_TOKEN_TYPE, audience: 'https://not-allowed.example.com' }), 400, 'invalid_target');
  });

  requirement('RFC 8693', '§2.1, RFC 6749 §5.2', 'a scope beyond the subject token\'s is invalid_scope', async () => {
    assertOAuthError(await exchange({ subject_token: subject, subject_token_type: ACCESS_TOKEN_TYPE, audience: API, scope: 'read write' }), 400, 'invalid_scope');
  });

  requirement('RFC 8693', '§2.2.1', 'a successful response carries access_token, issued_token_type and token_type, not cached', async () => {
    const res = await exchange({ subject_token: subject, subject_token_type: ACCESS_TOKEN_TYPE, audience: API, scope: 'read' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.ok(typeof res.body['access_token'] === 'string');
    assert.equal(res.body['issued_token_type'], ACCESS_TOKEN_TYPE);
    assert.equal(String(res.body['token_type']).toLowerCase(), 'bearer');
  });

  requirement('RFC 8693', '§4.1', 'a delegated token names its actor in act, and its subject in sub', async () => {
    const res = await exchange({ subject_token: subject, subject_token_type: ACCESS_TOKEN_TYPE, audience: API });
    const issued = await verifyJwt(server, res.body['access_token'], API);
    const original = await verifyJwt(server, subject, server.url);
    assert.equal(issued.sub, original.sub);
    assert.deepEqual(issued['act'], { sub: 'xchg' });
  });

  requirement('RFC 8693', '§2.1, RFC 6749 §5.2', 'a client not registered for token exchange is unauthorized_client', async () => {
    assertOAuthError(await exchange({ subject_token: subject, subject_token_type: ACCESS_TOKEN_TYPE, audience: API }, basic('svc', 'svc-secret')), 400, 'unauthorized_client');
  });

  requirement('RFC 8693', '§2.1', 'resource and audience may be repeated; other parameters may not', async () => {
    const res = await postForm(`${server.url}/token`, { grant_type: TOKEN_EXCHANGE, subject_token: [subject, subject], subject_token_type: ACCESS_TOKEN_TYPE }, { authorization: XCHG });
    assertOAuthError(res, 400, 'invalid_request');
  });
});
