/**
 * What an attacker learns from broken requests: malformed JSON, oversized bodies, wrong and
 * odd content types, broken percent-encoding and prototype keys, sent to every endpoint. No
 * answer is a 5xx, and none carries a stack trace, a file path, a parser or database message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from '../helpers/server.ts';

const PATHS = [
  '/token', '/introspect', '/revoke', '/par', '/register', '/register/someone', '/device_authorization', '/backchannel_authentication', '/userinfo',
  '/authorize', '/login', '/consent', '/select-account', '/end_session', '/end_session/confirm', '/device', '/device/login', '/device/decision',
  '/ciba/login', '/ciba/decision', '/account/sessions/end', '/admin/api/v1/tenants', '/admin/tenants', '/admin/logout', '/t/acme/token', '/t/acme/register',
];

const BODIES: Array<[string, string, string]> = [
  ['malformed JSON', 'application/json', '{"redirect_uris": ['],
  ['JSON prototype keys', 'application/json', '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}'],
  ['JSON array', 'application/json', '[1,2,3]'],
  ['JSON null', 'application/json', 'null'],
  ['XML', 'application/xml', '<a><b/></a>'],
  ['text', 'text/plain', 'grant_type=password'],
  ['multipart', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--'],
  ['bad charset', 'application/x-www-form-urlencoded; charset=utf-7', 'a=b'],
  ['broken escapes', 'application/x-www-form-urlencoded', 'grant_type=%zz&code=%E0%A4%A&%=%'],
  ['repeated keys', 'application/x-www-form-urlencoded', 'grant_type=a&grant_type=b&client_id=a&client_id=b'],
  ['NUL bytes', 'application/x-www-form-urlencoded', 'grant_type=%00&client_id=%00%00'],
  ['huge form', 'application/x-www-form-urlencoded', `a=${'x'.repeat(600 * 1024)}`],
  ['huge JSON', 'application/json', `{"a":"${'x'.repeat(600 * 1024)}"}`],
];

const LEAKS = [/\n\s+at /, /\/work\//, /node_modules/, /\.ts:\d+/, /FST_/, /SQLITE/i, /TypeError|ReferenceError|SyntaxError/, /Unexpected token/, /stack/i];

describe('error responses reveal nothing internal', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ features: { dynamicRegistration: 'open', passwordGrant: true }, tenants: [{ slug: 'acme' }] });
  });
  after(() => server.close());

  it('answers every malformed request to every endpoint without a 5xx or internal detail', async () => {
    const failures: string[] = [];
    for (const path of PATHS) {
      for (const [what, type, body] of BODIES) {
        for (const method of ['POST', 'PUT']) {
          const res = await fetch(`${server.url}${path}`, { method, redirect: 'manual', headers: { 'content-type': type, authorization: 'Bearer x' }, body });
          const text = await res.text();
          if (res.status >= 500) failures.push(`${method} ${path} ${what}: ${res.status} ${text.slice(0, 200)}`);
          for (const leak of LEAKS) if (leak.test(text)) failures.push(`${method} ${path} ${what}: ${String(leak)} in ${text.slice(0, 300)}`);
        }
      }
      for (const query of ['?client_id=%zz', `?${'a=1&'.repeat(2000)}`, '?redirect_uri=%0d%0aSet-Cookie:%20x=y', `?state=${'%F0%9F'.repeat(50)}`]) {
        const res = await fetch(`${server.url}${path}${query}`, { redirect: 'manual' });
        const text = await res.text();
        if (res.status >= 500) failures.push(`GET ${path}${query.slice(0, 40)}: ${res.status} ${text.slice(0, 200)}`);
        for (const leak of LEAKS) if (leak.test(text)) failures.push(`GET ${path}${query.slice(0, 40)}: ${String(leak)}`);
        assert.equal(res.headers.get('set-cookie')?.includes('x=y') ?? false, false, 'no header injection');
      }
    }
    assert.deepEqual(failures, []);
  });
});
