/**
 * Property-based fuzzing of every endpoint with fast-check: malformed, oversized, repeated and
 * wrongly encoded parameters and bodies, random methods and credentials. Properties: never a
 * 5xx; every JSON error, bearer challenge and redirected error carries an error code the
 * endpoint's specification defines, with a printable error_description; and, over the whole run,
 * nothing stored changes and the live tokens stay live.
 *
 * Seeded and bounded (FUZZ_SEED, FUZZ_RUNS): a failure prints the seed and the shrunk request,
 * and rerunning with the same seed reproduces it.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import type { TestServer } from '../helpers/server.ts';
import { Visitor, basic, postForm, RP, startConformanceServer } from '../conformance/harness.ts';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261129);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 120);

const AUTHORIZATION_ERRORS = [
  'invalid_request', 'unauthorized_client', 'access_denied', 'unsupported_response_type', 'invalid_scope', 'server_error', 'temporarily_unavailable',
  'interaction_required', 'login_required', 'account_selection_required', 'consent_required', 'invalid_request_uri', 'invalid_request_object',
  'request_not_supported', 'request_uri_not_supported', 'registration_not_supported', 'invalid_target',
];
const TOKEN_ERRORS = [
  'invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'invalid_target',
  'invalid_dpop_proof', 'use_dpop_nonce', 'authorization_pending', 'slow_down', 'access_denied', 'expired_token',
];
const BEARER_ERRORS = ['invalid_request', 'invalid_token', 'insufficient_scope', 'invalid_dpop_proof', 'use_dpop_nonce'];
const REGISTRATION_ERRORS = ['invalid_request', 'invalid_redirect_uri', 'invalid_client_metadata', 'invalid_software_statement', 'unapproved_software_statement', 'invalid_token', 'insufficient_scope', 'invalid_client'];
const ADMIN_ERRORS = ['invalid_request', 'invalid_token', 'insufficient_scope', 'conflict'];
/** Answers for a path or method that does not exist: routing, not protocol. */
const ROUTING = new Map([[404, 'not_found'], [405, 'method_not_allowed']]);

interface Target {
  path: string;
  methods: string[];
  /** Error codes its JSON errors may carry. */
  errors: string[];
  params: string[];
  /** Parameters that get a request past the first checks, prepended to half of the requests. */
  base?: Array<[string, string]>;
}

const TARGETS: Target[] = [
  { path: '/token', methods: ['POST'], errors: TOKEN_ERRORS, base: [['grant_type', 'refresh_token']], params: ['grant_type', 'code', 'redirect_uri', 'code_verifier', 'refresh_token', 'scope', 'resource', 'audience', 'client_id', 'client_secret', 'client_assertion', 'client_assertion_type', 'subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'requested_token_type', 'device_code', 'auth_req_id', 'username', 'password'] },
  { path: '/introspect', methods: ['POST'], errors: ['invalid_request', 'invalid_client'], params: ['token', 'token_type_hint', 'client_id', 'client_secret', 'client_assertion', 'client_assertion_type'] },
  { path: '/revoke', methods: ['POST'], errors: ['invalid_request', 'invalid_client', 'unsupported_token_type'], params: ['token', 'token_type_hint', 'client_id', 'client_secret'] },
  { path: '/userinfo', methods: ['GET', 'POST'], errors: BEARER_ERRORS, params: ['access_token', 'claims', 'scope'] },
  { path: '/authorize', methods: ['GET', 'POST'], errors: AUTHORIZATION_ERRORS, base: [['client_id', 'rp'], ['redirect_uri', 'http://127.0.0.1:5999/cb']], params: ['client_id', 'redirect_uri', 'response_type', 'response_mode', 'scope', 'state', 'nonce', 'prompt', 'max_age', 'code_challenge', 'code_challenge_method', 'claims', 'request', 'request_uri', 'id_token_hint', 'login_hint', 'ui_locales', 'acr_values', 'resource', 'dpop_jkt'] },
  { path: '/end_session', methods: ['GET', 'POST'], errors: ['invalid_request'], base: [['client_id', 'rp']], params: ['id_token_hint', 'client_id', 'post_logout_redirect_uri', 'state', 'ui_locales', 'logout_hint'] },
  { path: '/par', methods: ['POST'], errors: [...AUTHORIZATION_ERRORS, 'invalid_client', 'invalid_dpop_proof', 'use_dpop_nonce'], params: ['client_id', 'client_secret', 'redirect_uri', 'response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'request', 'request_uri'] },
  { path: '/device_authorization', methods: ['POST'], errors: ['invalid_request', 'invalid_client', 'unauthorized_client', 'invalid_scope', 'invalid_target'], params: ['client_id', 'client_secret', 'scope', 'resource'] },
  { path: '/backchannel_authentication', methods: ['POST'], errors: ['invalid_request', 'invalid_scope', 'expired_login_hint_token', 'unknown_user_id', 'unauthorized_client', 'missing_user_code', 'invalid_user_code', 'invalid_binding_message', 'invalid_client', 'access_denied', 'invalid_target'], params: ['client_id', 'client_secret', 'scope', 'login_hint', 'login_hint_token', 'id_token_hint', 'binding_message', 'user_code', 'requested_expiry', 'client_notification_token', 'acr_values'] },
  { path: '/login', methods: ['POST'], errors: ['invalid_request'], params: ['username', 'password', 'csrf_token', 'interaction'] },
  { path: '/consent', methods: ['POST'], errors: ['invalid_request'], params: ['decision', 'csrf_token', 'interaction'] },
  { path: '/register', methods: ['POST'], errors: REGISTRATION_ERRORS, params: ['redirect_uris', 'client_name', 'grant_types', 'response_types', 'token_endpoint_auth_method', 'scope', 'jwks', 'jwks_uri', 'software_statement', 'sector_identifier_uri'] },
  { path: '/register/rp', methods: ['GET', 'PUT', 'DELETE'], errors: REGISTRATION_ERRORS, params: ['client_id', 'redirect_uris', 'client_name', 'rotate_secret'] },
  { path: '/admin/api/v1/tenants', methods: ['GET', 'POST'], errors: ADMIN_ERRORS, params: ['limit', 'cursor', 'slug', 'name'] },
  { path: '/admin/api/v1/tenants/default/clients', methods: ['GET', 'POST'], errors: ADMIN_ERRORS, params: ['limit', 'cursor', 'client_id', 'client_name', 'redirect_uris', 'q'] },
  { path: '/admin/api/v1/tenants/default/clients/rp', methods: ['GET', 'PUT', 'DELETE'], errors: ADMIN_ERRORS, params: ['client_name', 'redirect_uris', 'scope'] },
  { path: '/device', methods: ['GET', 'POST'], errors: ['invalid_request'], params: ['user_code', 'csrf_token'] },
  { path: '/account', methods: ['GET'], errors: ['invalid_request'], params: [] },
  { path: '/select-account', methods: ['POST'], errors: ['invalid_request'], params: ['decision', 'csrf_token', 'interaction'] },
  { path: '/.well-known/openid-configuration', methods: ['GET'], errors: [], params: [] },
  { path: '/.well-known/jwks.json', methods: ['GET'], errors: [], params: [] },
];

/** Values worth trying besides random ones: near-valid identifiers and classic troublemakers. */
function valuePool(live: string[]): string[] {
  return [
    ...live, 'rp', 'svc', 'pub', 'ghost', 'openid', 'openid profile offline_access', 'code', 'id_token token', 'none', 'login consent', 'S256', 'plain',
    'authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange', 'urn:ietf:params:oauth:grant-type:device_code',
    'urn:openid:params:grant-type:ciba', 'urn:ietf:params:oauth:token-type:access_token', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    'http://127.0.0.1:5999/cb', 'https://api.example.com', 'javascript:alert(1)', '-1', '0', '1e400', 'NaN', '9999999999999999999999',
    'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'eyJhbGciOiJSUzI1NiJ9.e30.AAAA', '{"id_token":{"acr":null}}', '{"userinfo":', '<script>x</script>',
    '\u0000', '\r\nSet-Cookie: x=y', '%', '%zz', '%C3%28', '%00', '%E2%82', '\uD800', '..%2F..%2F', ' ', '', 'A'.repeat(8192), 'B'.repeat(140 * 1024),
  ];
}

interface Shape {
  method: string;
  pairs: Array<[string, string]>;
  encoding: 'form' | 'raw' | 'json' | 'text' | 'none' | 'bytes' | 'multipart';
  bytes: Uint8Array;
  authorization: string | undefined;
  dpop: string | undefined;
  accept: string | undefined;
}

function shapes(target: Target, pool: string[], auths: string[]): fc.Arbitrary<Shape> {
  const ascii = fc.string({ unit: 'grapheme-ascii', maxLength: 40 });
  const key = fc.oneof(
    { weight: 6, arbitrary: target.params.length > 0 ? fc.constantFrom(...target.params) : ascii },
    { weight: 2, arbitrary: ascii },
    { weight: 1, arbitrary: fc.constantFrom('', '__proto__', 'constructor', 'a[b]', 'x.y', '%', '%zz', 'grant_type\u0000') },
  );
  const value = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...pool) },
    { weight: 3, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
    { weight: 1, arbitrary: fc.nat({ max: 40 }).map((n) => 'x'.repeat(n * 1000)) },
  );
  // Header values must be Latin-1 for fetch; the server still sees every other oddity.
  const header = fc.oneof(
    fc.constantFrom(...auths),
    ascii.map((s) => `Basic ${s}`),
    ascii.map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
    ascii.map((s) => `Bearer ${s}`),
    ascii.map((s) => `DPoP ${s}`),
    ascii,
  );
  return fc.record({
    method: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...target.methods) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH') }),
    pairs: fc.tuple(fc.boolean(), fc.array(fc.tuple(key, value), { maxLength: 14 })).map(([withBase, pairs]) => (withBase && target.base ? [...target.base, ...pairs] : pairs)),
    encoding: fc.constantFrom('form', 'form', 'form', 'raw', 'json', 'text', 'none', 'bytes', 'multipart'),
    bytes: fc.uint8Array({ maxLength: 300 }),
    authorization: fc.option(header, { nil: undefined }),
    dpop: fc.option(fc.oneof(ascii, fc.constantFrom(...pool.filter((p) => p.startsWith('ey')))), { nil: undefined, freq: 4 }),
    accept: fc.option(fc.constantFrom('application/json', 'application/token-introspection+jwt', 'text/html', '*/*', 'application/jwt;q=0'), { nil: undefined, freq: 3 }),
  });
}

/** A query string as a careless client writes it: percent signs kept as they are, lone surrogates as invalid UTF-8 bytes. */
function rawQuery(raw: string): string {
  return encodeURI(raw.replace(/[\uD800-\uDFFF]/g, '\uFFFD')).replace(/%25/g, '%').replace(/%EF%BF%BD/g, '%ED%A0%80');
}

/** The request a shape describes: method, URL and init for fetch. */
function build(base: string, target: Target, shape: Shape): { url: string; init: RequestInit; describe: string } {
  const headers: Record<string, string> = {};
  if (shape.authorization !== undefined) headers['authorization'] = shape.authorization;
  if (shape.dpop !== undefined) headers['dpop'] = shape.dpop;
  if (shape.accept !== undefined) headers['accept'] = shape.accept;
  const form = new URLSearchParams();
  for (const [k, v] of shape.pairs) form.append(k, v);
  const raw = shape.pairs.map(([k, v]) => `${k}=${v}`).join('&');
  let url = `${base}${target.path}`;
  let body: string | Uint8Array | undefined;
  const hasBody = shape.method !== 'GET';
  if (!hasBody) {
    // A request line beyond the HTTP server's header limit (16 KiB) never reaches Portcullis.
    const query = shape.encoding === 'raw' ? rawQuery(raw) : form.toString();
    url += `?${query.slice(0, 12 * 1024)}`;
  } else {
    switch (shape.encoding) {
      case 'form': headers['content-type'] = 'application/x-www-form-urlencoded'; body = form.toString(); break;
      case 'raw': headers['content-type'] = 'application/x-www-form-urlencoded;charset=ISO-8859-1'; body = raw; break;
      case 'json': headers['content-type'] = 'application/json'; body = JSON.stringify(Object.fromEntries(shape.pairs)); break;
      case 'text': headers['content-type'] = 'text/plain'; body = raw; break;
      case 'none': body = raw; break;
      case 'bytes': headers['content-type'] = 'application/x-www-form-urlencoded'; body = shape.bytes; break;
      case 'multipart': headers['content-type'] = 'multipart/form-data; boundary=xyz'; body = `--xyz\r\ncontent-disposition: form-data; name="grant_type"\r\n\r\n${raw}\r\n--xyz--`; break;
    }
  }
  const summary = JSON.stringify({ method: shape.method, path: target.path, encoding: shape.encoding, headers, pairs: shape.pairs.map(([k, v]) => [k, v.length > 80 ? `${v.slice(0, 40)}…(${v.length})` : v]) });
  return { url, init: { method: shape.method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual' }, describe: summary };
}

const PRINTABLE = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

/** Checks one response against the properties; returns a failure message or undefined. */
async function judge(target: Target, method: string, res: Response): Promise<string | undefined> {
  const text = await res.text();
  if (res.status >= 500) return `status ${res.status}: ${text.slice(0, 200)}`;
  const type = res.headers.get('content-type') ?? '';
  if (res.status >= 400 && type.startsWith('application/json')) {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return `unparseable JSON error body: ${text.slice(0, 200)}`;
    }
    const error = String(body['error']);
    // A body too large (413) or unreadable is refused before routing, whatever the method.
    const unreadable = error === 'invalid_request' && (res.status === 413 || !target.methods.includes(method));
    const allowed = ROUTING.get(res.status) === error || target.errors.includes(error) || unreadable;
    if (!allowed) return `error ${error} (status ${res.status}) is not one of ${target.path}'s codes`;
    if (body['error_description'] !== undefined && !PRINTABLE.test(String(body['error_description']))) return `error_description not printable ASCII: ${JSON.stringify(body['error_description'])}`;
  }
  const challenge = res.headers.get('www-authenticate');
  const challenged = challenge?.match(/error="([^"]*)"/)?.[1];
  if (challenged !== undefined && !BEARER_ERRORS.includes(challenged)) return `WWW-Authenticate error ${challenged}`;
  const location = res.headers.get('location');
  if (location && res.status >= 300 && res.status < 400) {
    let redirected: URL;
    try {
      redirected = new URL(location, 'http://base.invalid');
    } catch {
      return `unparseable Location ${location}`;
    }
    const params = new URLSearchParams(redirected.hash ? redirected.hash.slice(1) : redirected.search);
    const error = params.get('error') ?? redirected.searchParams.get('error');
    if (error !== null && !AUTHORIZATION_ERRORS.includes(error)) return `redirected error ${error}`;
  }
  return undefined;
}

/** Every table's rows, hashed, except the append-only audit trail (a refused request may be recorded). */
function snapshot(file: string): Record<string, string> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%' ORDER BY name").all() as Array<{ name: string }>;
    const out: Record<string, string> = {};
    for (const { name } of tables) {
      if (name === 'audit_log') continue;
      const rows = db.prepare(`SELECT * FROM "${name}"`).all().map((r) => JSON.stringify(r, (_k, v: unknown) => (v instanceof Buffer ? v.toString('base64') : v))).sort();
      out[name] = `${rows.length}:${createHash('sha256').update(rows.join('\n')).digest('base64url')}`;
    }
    return out;
  } finally {
    db.close();
  }
}

describe('fuzz: every endpoint under malformed input', () => {
  let server: TestServer;
  let before_: Record<string, string>;
  let live: { access: string; refresh: string; service: string; idToken: string };

  before(async () => {
    // Registration is on but needs an initial access token no request will have: nothing may be created.
    server = await startConformanceServer({ features: { dynamicRegistration: 'initial-access-token' }, registration: { initialAccessTokens: ['iat-fuzz-0123456789abcdef0123456789abcdef'] } });
    const visitor = new Visitor(server);
    const tokens = await visitor.tokens({ scope: 'openid profile offline_access' });
    const service = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', scope: 'read' }, { authorization: basic('svc', 'svc-secret') });
    live = { access: String(tokens['access_token']), refresh: String(tokens['refresh_token']), idToken: String(tokens['id_token']), service: String(service.body['access_token']) };
    before_ = snapshot(join(server.dir, 'portcullis.db'));
  });
  after(() => server.close());

  for (const target of TARGETS) {
    it(`${target.path}: never a 5xx, only its spec's error codes (seed ${SEED}, ${RUNS} runs)`, async () => {
      // Live tokens appear as values, but only with credentials of clients that do not own them
      // (rp2, svc2) or of the owner with a wrong secret, so that nothing may legitimately change.
      const pool = valuePool([live.access, live.refresh, live.service, live.idToken]);
      const auths = [basic('rp2', 'rp2-secret'), basic('svc2', 'svc2-secret'), basic('rp', 'wrong'), `Bearer ${live.service}`, `Bearer ${live.access}`];
      const details = await fc.check(
        fc.asyncProperty(shapes(target, pool, auths), async (shape) => {
          const { url, init, describe } = build(server.url, target, shape);
          let res: Response;
          try {
            res = await fetch(url, init);
          } catch (error) {
            // No HTTP answer at all (a reset connection, an unparseable response) fails too.
            const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
            throw new Error(`no HTTP response (${String(error)}${cause})\nrequest: ${describe}`);
          }
          const failure = await judge(target, shape.method, res);
          if (failure !== undefined) throw new Error(`${failure}\nrequest: ${describe}`);
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      if (details.failed) {
        const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
        assert.fail(`${target.path} (reproduce with FUZZ_SEED=${SEED}, path ${details.counterexamplePath ?? '?'}): ${cause.slice(0, 1500)}`);
      }
    });
  }

  it('changed nothing: every stored row is as before and the live tokens still work', async () => {
    assert.deepEqual(snapshot(join(server.dir, 'portcullis.db')), before_);
    const introspect = async (token: string) => (await postForm(`${server.url}/introspect`, { token }, { authorization: RP })).body['active'];
    assert.equal(await introspect(live.access), true);
    assert.equal(await introspect(live.refresh), true);
    assert.equal(await introspect(live.service), true);
    const refreshed = await postForm(`${server.url}/token`, { grant_type: 'refresh_token', refresh_token: live.refresh }, { authorization: RP });
    assert.equal(refreshed.status, 200, refreshed.text);
  });
});
