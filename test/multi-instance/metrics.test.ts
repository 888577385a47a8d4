/**
 * `/metrics`: valid Prometheus text exposition (format 0.0.4) carrying requests by route and
 * status, latency histograms, token issuance by grant and tenant, sign-in results, the outbox
 * backlog and event-loop lag.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from '../helpers/server.ts';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text format strictly: every line is empty, a HELP/TYPE line, or one sample. */
export function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  assert.ok(text.endsWith('\n'), 'ends with a newline');
  for (const line of text.split('\n').slice(0, -1)) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      assert.ok(!types.has(type[1] ?? ''), `one TYPE line for ${type[1]}`);
      types.set(type[1] ?? '', type[2] ?? '');
      continue;
    }
    // The format ignores empty lines; prom-client separates families with them.
    if (line === '' || /^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)(?: -?\d+)?$/.exec(line);
    assert.ok(m, `a valid sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    let rest = body;
    while (rest.length > 0) {
      const l = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(,|$)/.exec(rest);
      assert.ok(l, `valid labels: ${body}`);
      labels[l[1] ?? ''] = (l[2] ?? '').replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
      rest = rest.slice(l[0].length);
    }
    samples.push({ name: m[1] ?? '', labels, value: Number(m[3]) });
  }
  return { samples, types };
}

function find(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

describe('/metrics', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      features: { passwordGrant: true },
      users: [{ username: 'carol', password: 'carol password 1' }],
      clients: [
        { client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials', 'password'], response_types: [], redirect_uris: [], scope: 'openid read' },
      ],
      tenants: [{ slug: 'acme', clients: [{ client_id: 'svc2', client_secret: 'svc2-secret', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'read' }] }],
    });
  });
  after(async () => server.close());

  const token = (base: string, id: string, secret: string, body: Record<string, string>) =>
    fetch(`${base}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body),
    });

  it('serves valid Prometheus text with the request, token, login, outbox and event-loop series', async () => {
    assert.equal((await token(server.url, 'svc', 'svc-secret', { grant_type: 'client_credentials', scope: 'read' })).status, 200);
    assert.equal((await token(server.url, 'svc', 'svc-secret', { grant_type: 'client_credentials', scope: 'read' })).status, 200);
    assert.equal((await token(`${server.url}/t/acme`, 'svc2', 'svc2-secret', { grant_type: 'client_credentials', scope: 'read' })).status, 200);
    assert.equal((await token(server.url, 'svc', 'wrong', { grant_type: 'client_credentials' })).status, 401);
    assert.equal((await token(server.url, 'svc', 'svc-secret', { grant_type: 'password', username: 'carol', password: 'nope', scope: 'openid' })).status, 400);
    assert.equal((await token(server.url, 'svc', 'svc-secret', { grant_type: 'password', username: 'carol', password: 'carol password 1', scope: 'openid' })).status, 200);

    const res = await fetch(`${server.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const { samples, types } = parseExposition(await res.text());

    assert.equal(types.get('portcullis_http_requests_total'), 'counter');
    assert.equal(find(samples, 'portcullis_http_requests_total', { route: '/token', method: 'POST', status: '200' })[0]?.value, 3);
    assert.equal(find(samples, 'portcullis_http_requests_total', { route: '/token', method: 'POST', status: '401' })[0]?.value, 1);
    assert.ok(find(samples, 'portcullis_http_requests_total', { route: '/t/:tenant/token', status: '200' }).length === 1, 'tenant routes by pattern');

    assert.equal(types.get('portcullis_http_request_duration_seconds'), 'histogram');
    assert.equal(find(samples, 'portcullis_http_request_duration_seconds_count', { route: '/token', method: 'POST' })[0]?.value, 5);
    assert.equal(find(samples, 'portcullis_http_request_duration_seconds_bucket', { route: '/token', method: 'POST', le: '+Inf' })[0]?.value, 5);

    assert.equal(find(samples, 'portcullis_tokens_issued_total', { grant_type: 'client_credentials', tenant: '' })[0]?.value, 2);
    assert.equal(find(samples, 'portcullis_tokens_issued_total', { grant_type: 'client_credentials', tenant: 'acme' })[0]?.value, 1);
    assert.equal(find(samples, 'portcullis_tokens_issued_total', { grant_type: 'password', tenant: '' })[0]?.value, 1);

    assert.equal(find(samples, 'portcullis_logins_total', { result: 'success' })[0]?.value, 1);
    assert.equal(find(samples, 'portcullis_logins_total', { result: 'failure' })[0]?.value, 1);

    assert.equal(types.get('portcullis_outbox_backlog'), 'gauge');
    assert.equal(find(samples, 'portcullis_outbox_backlog', { status: 'pending' })[0]?.value, 0);
    assert.equal(types.get('portcullis_nodejs_eventloop_lag_seconds'), 'gauge');
    assert.equal(find(samples, 'portcullis_nodejs_eventloop_lag_seconds').length, 1);
  });
});
