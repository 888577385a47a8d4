/**
 * OpenTelemetry: with OTEL_EXPORTER_OTLP_ENDPOINT set, a Portcullis process exports a server
 * span per request, continuing the caller's W3C trace context, with the database statements
 * it ran as child spans; attributes carry no query strings, bodies or SQL parameters.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../helpers/server.ts';
import { until } from '../helpers/until.ts';

const root = new URL('../..', import.meta.url).pathname;

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}

describe('tracing', () => {
  const spans: OtlpSpan[] = [];
  const bodies: string[] = [];
  let collector: Server;
  let dir: string;
  let child: ReturnType<typeof spawn>;
  let url: string;
  let logs = '';

  before(async () => {
    collector = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        bodies.push(body);
        if (req.url === '/v1/traces' && (req.headers['content-type'] ?? '').startsWith('application/json')) {
          const doc = JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
          for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    const collectorPort = await freePort();
    await new Promise<void>((resolve) => collector.listen(collectorPort, '127.0.0.1', resolve));
    dir = mkdtempSync(join(tmpdir(), 'portcullis-trace-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({
      issuer: url, port, host: '127.0.0.1', database: `sqlite:${join(dir, 'db.sqlite')}`, dataDir: dir,
      clients: [{ client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'read' }],
    }));
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env['PATH'] ?? '', PORTCULLIS_CONFIG: file, PORTCULLIS_LOG_LEVEL: 'info',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`, OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_SERVICE_NAME: 'portcullis-test',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout?.on('data', (d: Buffer) => (logs += d.toString()));
    await until(async () => {
      try {
        return (await fetch(`${url}/healthz`)).status === 200;
      } catch {
        return false;
      }
    }, 'Portcullis to listen', 60000);
  });

  after(async () => {
    child?.kill('SIGTERM');
    collector?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exports a server span per request with the database statements nested under it', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`${url}/token?x=secret-in-query`, {
      method: 'POST',
      headers: {
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
        authorization: `Basic ${Buffer.from('svc:svc-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=read',
    });
    assert.equal(res.status, 200);
    await until(() => spans.some((s) => s.traceId === traceId && s.kind === 2), 'the server span to be exported');
    const server = spans.find((s) => s.traceId === traceId && s.kind === 2);
    assert.ok(server);
    assert.equal(server.name, 'POST /token');
    assert.equal(server.parentSpanId, '00f067aa0ba902b7', 'continues the caller trace');
    const attr = (s: OtlpSpan, key: string) => s.attributes.find((a) => a.key === key)?.value;
    assert.deepEqual(attr(server, 'http.response.status_code'), { intValue: 200 });
    assert.deepEqual(attr(server, 'http.route'), { stringValue: '/token' });

    await until(() => spans.some((s) => s.parentSpanId === server.spanId), 'database spans');
    const db = spans.filter((s) => s.traceId === traceId && s.parentSpanId === server.spanId);
    assert.ok(db.length >= 1);
    for (const s of db) {
      assert.equal(s.kind, 3, 'client span');
      assert.match(s.name, /^db (select|insert|update|delete)$/);
      assert.deepEqual(attr(s, 'db.system'), { stringValue: 'sqlite' });
    }
    const everything = bodies.join('\n');
    assert.doesNotMatch(everything, /secret-in-query|svc-secret|client_credentials/, 'no query strings, bodies or credentials');

    // The log: one JSON line for the request, with a unique request id and the path only.
    await until(() => logs.includes('"path":"/token"'), 'the request log line');
    const lines = logs.split('\n').filter((l) => l.includes('"path":"/token"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 1);
    assert.match(String(lines[0]?.['reqId']), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(lines[0]?.['status'], 200);
    assert.doesNotMatch(logs, /secret-in-query|svc-secret|Basic /, 'no secrets in the log');
  });
});
