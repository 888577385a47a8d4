/**
 * The foundation, from outside: discovery and JWKS per tenant, tenant isolation of keys,
 * keys surviving restarts, rotation, health, and JSON errors for bad requests.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from './helpers/server.ts';

interface Jwk {
  kid: string;
  kty: string;
  use: string;
  alg: string;
  d?: string;
  p?: string;
}

async function json(url: string): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

describe('foundation', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ tenants: [{ slug: 'acme' }, { slug: 'globex', name: 'Globex' }] });
  });
  after(() => server.close());

  it('serves discovery for the default tenant with its issuer and jwks_uri', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const { status, body } = await json(server.url + path);
      assert.equal(status, 200);
      assert.equal(body['issuer'], server.url);
      assert.equal(body['jwks_uri'], `${server.url}/.well-known/jwks.json`);
    }
  });

  it('gives each tenant its own issuer, jwks_uri and disjoint keys', async () => {
    const kids = new Map<string, string[]>();
    for (const prefix of ['', '/t/acme', '/t/globex']) {
      const { status, body } = await json(`${server.url}${prefix}/.well-known/openid-configuration`);
      assert.equal(status, 200);
      assert.equal(body['issuer'], server.url + prefix);
      assert.equal(body['jwks_uri'], `${server.url}${prefix}/.well-known/jwks.json`);
      const jwks = await json(String(body['jwks_uri']));
      const keys = jwks.body['keys'] as Jwk[];
      kids.set(prefix, keys.map((k) => k.kid));
    }
    const all = [...kids.values()].flat();
    assert.equal(new Set(all).size, all.length, 'no kid is shared between tenants');
  });

  it('publishes public members only, with unique kid, use and alg for every algorithm', async () => {
    const { status, body, headers } = await json(`${server.url}/.well-known/jwks.json`);
    assert.equal(status, 200);
    assert.match(headers.get('content-type') ?? '', /application\/jwk-set\+json/);
    const keys = body['keys'] as Jwk[];
    assert.deepEqual(new Set(keys.map((k) => k.alg)), new Set(['RS256', 'PS256', 'ES256', 'EdDSA']));
    assert.equal(new Set(keys.map((k) => k.kid)).size, keys.length);
    for (const key of keys) {
      assert.equal(key.use, 'sig');
      assert.equal(key.d, undefined);
      assert.equal(key.p, undefined);
    }
  });

  it('answers an unknown tenant and an unknown path with a JSON 404', async () => {
    for (const path of ['/t/nope/.well-known/openid-configuration', '/no/such/path', '/t/']) {
      const res = await fetch(server.url + path);
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      const body = (await res.json()) as { error: string };
      assert.equal(body.error, 'not_found');
    }
  });

  it('answers a known path asked with another method with 405 and Allow', async () => {
    for (const [method, path, allow] of [
      ['GET', '/token', 'POST'],
      ['DELETE', '/t/acme/revoke', 'POST'],
      ['POST', '/.well-known/openid-configuration', 'GET, HEAD'],
    ] as const) {
      const res = await fetch(server.url + path, { method });
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.equal(res.headers.get('allow'), allow);
      assert.equal(((await res.json()) as { error: string }).error, 'method_not_allowed');
    }
  });

  it('reports health and readiness', async () => {
    assert.deepEqual((await json(`${server.url}/healthz`)).body, { status: 'ok' });
    const ready = await json(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
  });

  it('sets security headers', async () => {
    const res = await fetch(`${server.url}/.well-known/openid-configuration`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  });

  it('rotates keys: the new key is listed first and the old one stays published', async () => {
    const before = ((await json(`${server.url}/t/acme/.well-known/jwks.json`)).body['keys'] as Jwk[]).filter((k) => k.alg === 'RS256');
    const tenant = await server.runtime.services.storage.tenants.getBySlug('acme');
    assert.ok(tenant);
    const [created] = await server.runtime.services.keys.rotate(tenant.id, ['RS256']);
    const after = ((await json(`${server.url}/t/acme/.well-known/jwks.json`)).body['keys'] as Jwk[]).filter((k) => k.alg === 'RS256');
    assert.equal(after[0]?.kid, created?.kid);
    assert.ok(after.some((k) => k.kid === before[0]?.kid), 'old key still published');
    // The new key signs from now on.
    const jwt = await server.runtime.services.keys.sign(tenant.id, 'RS256', { sub: 'x' });
    const header = JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString()) as { kid: string };
    assert.equal(header.kid, created?.kid);
  });
});

describe('restart', () => {
  it('keeps the same signing keys across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-restart-'));
    try {
      const first = await startServer({}, { dir });
      const kids1 = ((await json(`${first.url}/.well-known/jwks.json`)).body['keys'] as Jwk[]).map((k) => k.kid);
      await first.close();
      const second = await startServer({}, { dir });
      const kids2 = ((await json(`${second.url}/.well-known/jwks.json`)).body['keys'] as Jwk[]).map((k) => k.kid);
      await second.close();
      assert.deepEqual(kids2, kids1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
