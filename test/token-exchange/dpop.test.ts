/**
 * Token exchange with DPoP (RFC 9449): a sender-constrained subject token is exchanged only with
 * a proof made by its key, and the exchanged token is bound to the proof key in turn.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import { startServer, type TestServer } from '../helpers/server.ts';
import { AT, exchange, GRANT } from './fixtures.ts';

const ORDERS = 'https://orders.example.com';
const INSECURE = { [oauth.allowInsecureRequests]: true } as const;

describe('token exchange with DPoP-bound subject tokens', () => {
  let server: TestServer;
  let as: oauth.AuthorizationServer;

  before(async () => {
    server = await startServer({
      resources: [{ identifier: ORDERS, scopes: ['orders:read'] }],
      clients: [
        { client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'], scope: 'orders:read' },
        { client_id: 'frontend', client_secret: 'frontend-secret', grant_types: [GRANT], scope: '', token_exchange: { allowed_audiences: [ORDERS] } },
      ],
    });
    as = await oauth.processDiscoveryResponse(new URL(server.url), await oauth.discoveryRequest(new URL(server.url), INSECURE));
  });
  after(() => server.close());

  async function boundToken(key: oauth.CryptoKeyPair): Promise<string> {
    const client: oauth.Client = { client_id: 'svc' };
    const DPoP = oauth.DPoP(client, key);
    const res = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic('svc-secret'), new URLSearchParams({ scope: 'orders:read' }), { ...INSECURE, DPoP });
    const tokens = await oauth.processClientCredentialsResponse(as, client, res);
    assert.equal(tokens.token_type, 'dpop');
    return tokens.access_token;
  }

  /** The front end's exchange through openid-client, with a DPoP proof made by `key`. */
  async function exchangeWithProof(key: oauth.CryptoKeyPair, subject: string): Promise<oidc.TokenEndpointResponse> {
    const config = await oidc.discovery(new URL(server.url), 'frontend', 'frontend-secret', oidc.ClientSecretBasic('frontend-secret'), { execute: [oidc.allowInsecureRequests] });
    return oidc.genericGrantRequest(config, GRANT, { subject_token: subject, subject_token_type: AT, audience: ORDERS }, { DPoP: oidc.getDPoPHandle(config, key) });
  }

  it('refuses a DPoP-bound subject token without a proof by its key', async () => {
    const key = await oauth.generateKeyPair('ES256');
    const subject = await boundToken(key);
    const bare = await exchange(server, 'frontend', { subject_token: subject, subject_token_type: AT, audience: ORDERS });
    assert.equal(bare.status, 400);
    assert.equal(bare.body['error'], 'invalid_request');
    await assert.rejects(exchangeWithProof(await oauth.generateKeyPair('ES256'), subject), (err: unknown) => {
      assert.ok(err instanceof oidc.ResponseBodyError);
      assert.equal(err.error, 'invalid_request');
      return true;
    });
  });

  it('exchanges it with a proof by its key, binding the new token to that key', async () => {
    const key = await oauth.generateKeyPair('ES256');
    const subject = await boundToken(key);
    const tokens = await exchangeWithProof(key, subject);
    assert.equal(tokens.token_type, 'dpop');
    const claims = decodeJwt(tokens.access_token);
    assert.deepEqual(claims['cnf'], decodeJwt(subject)['cnf']);
    assert.equal(claims.sub, 'svc', 'the subject is the client the subject token was issued to');
    assert.deepEqual(claims['act'], { sub: 'frontend' });
  });
});
