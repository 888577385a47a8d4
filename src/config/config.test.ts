import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig, parseConfig } from './load.ts';
import { ConfigError } from './validate.ts';

function fails(raw: unknown, path: RegExp): void {
  assert.throws(() => parseConfig(raw), (err: unknown) => err instanceof ConfigError && path.test(err.message));
}

describe('config', () => {
  it('applies the documented defaults', () => {
    const c = parseConfig({});
    assert.equal(c.issuer, 'http://localhost:8080');
    assert.equal(c.port, 8080);
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.database, 'sqlite:./data/portcullis.db');
    assert.equal(c.features.passwordGrant, false);
    assert.equal(c.features.accessTokenFormat, 'jwt');
    assert.equal(c.lifetimes.code, 60);
    assert.deepEqual(c.clients, []);
  });

  it('names an unknown key, at any depth', () => {
    fails({ nope: 1 }, /^nope: unknown key/);
    fails({ features: { passwordGrnt: true } }, /^features\.passwordGrnt: unknown key/);
    fails({ clients: [{ client_id: 'a', redirect_urls: [] }] }, /^clients\[0\]\.redirect_urls: unknown key/);
  });

  it('names a key with the wrong type and says why', () => {
    fails({ port: '80' }, /^port: must be an integer/);
    fails({ features: { accessTokenFormat: 'paseto' } }, /^features\.accessTokenFormat: must be one of "jwt", "opaque"/);
    fails({ clients: [{ client_id: 'a', redirect_uris: ['/relative'] }] }, /^clients\[0\]\.redirect_uris\[0\]: must be an absolute URI/);
    fails({ tenants: [{ slug: 'Bad Slug' }] }, /^tenants\[0\]\.slug/);
    fails({ tenants: [{ slug: 'default' }] }, /^tenants\[0\]\.slug: default is reserved/);
    fails({ tenants: [{ slug: 'a' }, { slug: 'a' }] }, /^tenants\[1\]\.slug: duplicate/);
    fails({ clients: [{}] }, /^clients\[0\]\.client_id: is required/);
  });

  it('lets environment variables win over the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-config-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ issuer: 'http://a.example', port: 1000 }));
    const c = loadConfig({
      argv: ['--config', file],
      env: { PORTCULLIS_ISSUER: 'https://b.example/', PORTCULLIS_PORT: '2000', PORTCULLIS_DATABASE_URL: 'postgres://x/y' },
    });
    assert.equal(c.issuer, 'https://b.example');
    assert.equal(c.port, 2000);
    assert.equal(c.database, 'postgres://x/y');
    const viaEnv = loadConfig({ argv: [], env: { PORTCULLIS_CONFIG: file } });
    assert.equal(viaEnv.port, 1000);
  });

  it('reports unreadable and malformed files', () => {
    assert.throws(() => loadConfig({ argv: ['--config=/nonexistent.json'], env: {} }), /cannot read/);
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-config-'));
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    assert.throws(() => loadConfig({ argv: ['--config', join(dir, 'bad.json')], env: {} }), /not valid JSON/);
  });
});
