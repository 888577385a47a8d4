/**
 * Documents Portcullis fetches from URLs a client names are read through a size cap, with no
 * redirects followed: a sector_identifier_uri (OIDC Registration §5) and a client's jwks_uri
 * (RFC 7523 private_key_jwt) served by a hostile server that streams without end, or that
 * redirects elsewhere. The hostile server counts what it managed to send: with the cap,
 * Portcullis hangs up after a small amount instead of reading until its timeout.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { startServer, type TestServer } from '../helpers/server.ts';
import { postForm, postJson } from './helpers.ts';

const CB = 'http://127.0.0.1:5992/cb';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Far more than any cap, far less than what a loopback stream delivers before a timeout. */
const MAX_SENT = 4 * 1024 * 1024;

describe('outbound fetches: size caps and no redirects', () => {
  let server: TestServer;
  let hostile: Server;
  let hostileUrl = '';
  /** Bytes the hostile server wrote, per path, until the connection went away. */
  const sent = new Map<string, number>();
  const done = new Map<string, Promise<void>>();
  let goodJwks: unknown;

  before(async () => {
    const { publicKey } = await generateKeyPair('ES256');
    goodJwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] };
    hostile = createServer((req, res) => {
      const path = req.url ?? '/';
      if (path.startsWith('/redirect')) {
        res.writeHead(302, { location: `${hostileUrl}/ok${path.slice('/redirect'.length)}` }).end();
        return;
      }
      if (path === '/no-content') return void res.writeHead(204).end();
      if (path === '/ok/sector.json') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([CB]));
      if (path === '/ok/jwks.json') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(goodJwks));
      // An endless JSON document: `[" followed by x forever.
      res.writeHead(200, { 'content-type': 'application/json' });
      let count = 0;
      const chunk = Buffer.alloc(16 * 1024, 'x');
      let resolve: () => void = () => undefined;
      done.set(path, new Promise<void>((r) => (resolve = r)));
      const stop = () => {
        sent.set(path, count);
        resolve();
      };
      res.on('close', stop);
      res.write('["');
      const pump = () => {
        // Stop on our own well past any sane cap, so a missing cap fails instead of hanging.
        while (!res.destroyed && count < 64 * MAX_SENT) {
          count += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end('"]');
      };
      pump();
    });
    await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
    hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
    server = await startServer({
      features: { dynamicRegistration: 'open' },
      clients: [
        { client_id: 'endless-jwks', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `${hostileUrl}/endless/jwks.json`, grant_types: ['client_credentials'], scope: 'read' },
        { client_id: 'empty-jwks', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `${hostileUrl}/no-content`, grant_types: ['client_credentials'], scope: 'read' },
        { client_id: 'redirected-jwks', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `${hostileUrl}/redirect/jwks.json`, grant_types: ['client_credentials'], scope: 'read' },
      ],
    });
  });
  after(async () => {
    await server.close();
    hostile.closeAllConnections();
    await new Promise<void>((r) => hostile.close(() => r()));
  });

  it('reads at most a small, capped part of an endless sector_identifier_uri document', async () => {
    const res = await postJson(`${server.url}/register`, { redirect_uris: [CB], subject_type: 'pairwise', sector_identifier_uri: `${hostileUrl}/endless/sector.json` });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body['error'], 'invalid_client_metadata');
    assert.ok(!res.text.includes('xxxx'), 'nothing fetched is echoed');
    await done.get('/endless/sector.json');
    const bytes = sent.get('/endless/sector.json') ?? Infinity;
    assert.ok(bytes < MAX_SENT, `Portcullis kept reading: ${bytes} bytes sent`);
  });

  it('does not follow a redirect from sector_identifier_uri', async () => {
    const res = await postJson(`${server.url}/register`, { redirect_uris: [CB], subject_type: 'pairwise', sector_identifier_uri: `${hostileUrl}/redirect/sector.json` });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body['error'], 'invalid_client_metadata');
  });

  async function assertionFor(clientId: string): Promise<string> {
    const { privateKey } = await generateKeyPair('ES256');
    return new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(server.url)
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(privateKey);
  }

  it('reads at most a small, capped part of an endless jwks_uri key set', async () => {
    const res = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: await assertionFor('endless-jwks') });
    assert.equal(res.status, 401, res.text);
    assert.equal(res.body['error'], 'invalid_client');
    await done.get('/endless/jwks.json');
    const bytes = sent.get('/endless/jwks.json') ?? Infinity;
    assert.ok(bytes < MAX_SENT, `Portcullis kept reading: ${bytes} bytes sent`);
  });

  it('does not follow a redirect from a jwks_uri', async () => {
    const res = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: await assertionFor('redirected-jwks') });
    assert.equal(res.status, 401, res.text);
    assert.equal(res.body['error'], 'invalid_client');
  });

  it('treats a jwks_uri answering 204 No Content as no keys (invalid_client, not a server error)', async () => {
    const res = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: await assertionFor('empty-jwks') });
    assert.equal(res.status, 401, res.text);
    assert.equal(res.body['error'], 'invalid_client');
  });
});
