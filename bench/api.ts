/**
 * The token-endpoint benchmark (part of `npm run bench`): requests per second and p99 latency of
 * Portcullis and oidc-provider 9 for
 *   (a) client_credentials with RS256 JWT access tokens,
 *   (b) client_credentials with ES256 JWT access tokens,
 *   (c) client_credentials with opaque access tokens,
 *   (d) introspection of an opaque access token,
 * each server in its own child process on 127.0.0.1, loaded by autocannon in another process,
 * the servers taking turns (A B A B …) so that a change in the machine's other load falls on both.
 * Before any load, one request per case and server is checked (status, token format, `active`).
 *
 * It also measures this machine's ceilings in the same run: node:crypto signatures per second
 * on one core (RS256 2048-bit, ES256), and a hello-world Fastify route under the same load.
 *
 * Then the scaling table: 1 against 2 worker processes (RS256), and SQLite against PostgreSQL +
 * Redis (opaque issuance, introspection; needs DATABASE_URL and REDIS_URL), beside oidc-provider.
 *
 * Environment: BENCH_API_CONNECTIONS (32), BENCH_API_WARMUP (2 s per server and case),
 * BENCH_API_DURATION (5 s per round), BENCH_API_ROUNDS (2 per server and case),
 * BENCH_API_SCALING=0 (skip the scaling table).
 * Writes bench/results-api.json.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { basicAuth, RESOURCES, tokenRequestBody, type ResourceName } from './api-fixtures.ts';
import { envNumber } from './env.ts';
import { running, ServerProcess } from './process.ts';
import { table } from './table.ts';

const settings = {
  connections: envNumber('BENCH_API_CONNECTIONS', 32, 1, 512),
  warmupSeconds: envNumber('BENCH_API_WARMUP', 2, 0, 30),
  durationSeconds: envNumber('BENCH_API_DURATION', 5, 1, 60),
  rounds: envNumber('BENCH_API_ROUNDS', 2, 1, 20),
};

const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const FORM = 'application/x-www-form-urlencoded';

// ---------------------------------------------------------------------------------------------
// Ceilings

/** Signatures per second with node:crypto on this thread (one core) for about `ms`. */
function signRate(alg: 'RS256' | 'ES256', ms = 1000): number {
  const key =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
      : generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const data = Buffer.from('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9');
  const options = alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
  for (let i = 0; i < 50; i++) sign('sha256', data, options);
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 20; i++) sign('sha256', data, options);
    count += 20;
  }
  return count / ((performance.now() - start) / 1000);
}

// ---------------------------------------------------------------------------------------------
// Load, from a separate process

interface Load {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

interface LoadResult {
  rps: number;
  p99: number;
  ok: number;
  /** Responses other than 2xx, plus connection errors and timeouts. */
  failed: number;
}

function autocannon(load: Load, seconds: number): Promise<LoadResult> {
  const args = [AUTOCANNON, '-j', '-c', String(settings.connections), '-d', String(seconds), '-m', load.method];
  for (const [name, value] of Object.entries(load.headers)) args.push('-H', `${name}=${value}`);
  if (load.body !== undefined) args.push('-b', load.body);
  args.push(load.url);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { maxBuffer: 16 * 1024 * 1024, timeout: (seconds + 30) * 1000 }, (err, stdout) => {
      if (err) return reject(new Error(`autocannon failed: ${err.message}`));
      const r = JSON.parse(stdout) as { requests: { average: number }; latency: { p99: number }; '2xx': number; non2xx: number; errors: number; timeouts: number };
      resolve({ rps: r.requests.average, p99: r.latency.p99, ok: r['2xx'], failed: r.non2xx + r.errors + r.timeouts });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Servers and cases

interface Server {
  name: string;
  process: ServerProcess;
  tokenEndpoint: string;
  introspectionEndpoint: string;
  /** An opaque access token to introspect. */
  opaqueToken: string;
  maxRss: number;
}

interface Case {
  id: string;
  label: string;
  /** What the figure is compared with (key of the ceilings). */
  ceiling: 'rs256' | 'es256' | 'hello';
  load(server: Server): Load;
}

const tokenLoad = (resource: ResourceName) => (server: Server): Load => ({
  url: server.tokenEndpoint,
  method: 'POST',
  headers: { authorization: basicAuth(), 'content-type': FORM },
  body: tokenRequestBody(resource),
});

const CASES: Case[] = [
  { id: 'cc-rs256', label: '(a) client_credentials, RS256 JWT', ceiling: 'rs256', load: tokenLoad('rs256') },
  { id: 'cc-es256', label: '(b) client_credentials, ES256 JWT', ceiling: 'hello', load: tokenLoad('es256') },
  { id: 'cc-opaque', label: '(c) client_credentials, opaque', ceiling: 'hello', load: tokenLoad('opaque') },
  {
    id: 'introspect',
    label: '(d) introspection of an opaque token',
    ceiling: 'hello',
    load: (server) => ({
      url: server.introspectionEndpoint,
      method: 'POST',
      headers: { authorization: basicAuth(), 'content-type': FORM },
      body: new URLSearchParams({ token: server.opaqueToken }).toString(),
    }),
  },
];

async function post(load: Load): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(load.url, { method: load.method, headers: load.headers, ...(load.body !== undefined ? { body: load.body } : {}), signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function jwsAlg(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  return (JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString('utf8')) as { alg?: string }).alg;
}

/** Issues one token per resource and checks its format; returns the opaque one. */
async function checkTokens(name: string, tokenEndpoint: string): Promise<string> {
  let opaque = '';
  for (const [resource, spec] of Object.entries(RESOURCES) as [ResourceName, (typeof RESOURCES)[ResourceName]][]) {
    const { status, body } = await post({ url: tokenEndpoint, method: 'POST', headers: { authorization: basicAuth(), 'content-type': FORM }, body: tokenRequestBody(resource) });
    const token = body['access_token'];
    if (status !== 200 || typeof token !== 'string') throw new Error(`${name}: client_credentials for ${resource}: HTTP ${status} ${JSON.stringify(body)}`);
    const alg = jwsAlg(token);
    const expected = spec.format === 'jwt' ? spec.alg : undefined;
    if (alg !== expected) throw new Error(`${name}: ${resource} token should be ${expected ?? 'opaque'}, got ${alg ?? 'opaque'}`);
    if (spec.format === 'opaque') opaque = token;
  }
  return opaque;
}

async function startServer(name: string, script: string, args: string[] = []): Promise<Server> {
  const child = new ServerProcess(script, args);
  running.add(child);
  const url = await child.ready();
  const res = await fetch(`${url}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(10_000) });
  const meta = (await res.json()) as { token_endpoint?: string; introspection_endpoint?: string };
  if (!meta.token_endpoint || !meta.introspection_endpoint) throw new Error(`${name}: discovery lacks token or introspection endpoint`);
  const opaqueToken = await checkTokens(name, meta.token_endpoint);
  const server: Server = { name, process: child, tokenEndpoint: meta.token_endpoint, introspectionEndpoint: meta.introspection_endpoint, opaqueToken, maxRss: 0 };
  const introspected = await post(CASES[3]!.load(server));
  if (introspected.status !== 200 || introspected.body['active'] !== true) throw new Error(`${name}: introspection of a fresh opaque token: ${JSON.stringify(introspected.body)}`);
  return server;
}

async function sampleRss(server: Server): Promise<void> {
  server.maxRss = Math.max(server.maxRss, (await server.process.cpu()).rss);
}

// ---------------------------------------------------------------------------------------------
// Run

/** Each server's results for one case, in the order of `servers`. */
async function measure(c: Case, servers: Server[]): Promise<LoadResult[][]> {
  process.stdout.write(`  ${c.label} (${servers.map((s) => s.name).join(' / ')}): `);
  const results: LoadResult[][] = servers.map(() => []);
  for (const server of servers) if (settings.warmupSeconds > 0) await autocannon(c.load(server), settings.warmupSeconds);
  for (let round = 0; round < settings.rounds; round++) {
    for (const [i, server] of servers.entries()) {
      results[i]!.push(await autocannon(c.load(server), settings.durationSeconds));
      await sampleRss(server);
      process.stdout.write(String.fromCharCode(65 + i));
    }
  }
  process.stdout.write('\n');
  return results;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
const total = (results: LoadResult[]) => ({
  rps: mean(results.map((r) => r.rps)),
  p99: Math.max(...results.map((r) => r.p99)),
  failed: results.reduce((a, r) => a + r.failed, 0),
});

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

interface ScalingRow {
  label: string;
  /** Which figure is divided by which (e.g. 2 workers ÷ 1 worker). */
  compares: string;
  results: { name: string; rps: number; p99: number; failed: number }[];
}

/**
 * The scaling table: 1 against 2 worker processes on RS256 client_credentials (bound by
 * signing), and SQLite against PostgreSQL + Redis on opaque issuance and introspection (bound
 * by storage), each beside oidc-provider. The PostgreSQL row needs DATABASE_URL and REDIS_URL.
 */
async function scaling(oidcProvider: Server): Promise<ScalingRow[]> {
  const rows: ScalingRow[] = [];
  const started: Server[] = [];
  try {
    const one = await startServer('Portcullis, 1 worker', 'portcullis-process.ts', ['1', 'sqlite']);
    started.push(one);
    const two = await startServer('Portcullis, 2 workers', 'portcullis-process.ts', ['2', 'sqlite']);
    started.push(two);
    const rs256 = CASES[0]!;
    const [r1, r2, r3] = await measure(rs256, [one, two, oidcProvider]);
    rows.push({ label: `${rs256.label}: workers`, compares: '2 workers ÷ 1 worker', results: [{ name: one.name, ...total(r1!) }, { name: two.name, ...total(r2!) }, { name: oidcProvider.name, ...total(r3!) }] });
    await two.process.stop();
    if (!process.env['DATABASE_URL'] || !process.env['REDIS_URL']) {
      console.log('  storage scaling skipped: set DATABASE_URL and REDIS_URL for the PostgreSQL + Redis row');
      return rows;
    }
    const postgres = await startServer('Portcullis, PostgreSQL + Redis', 'portcullis-process.ts', ['1', 'postgres']);
    started.push(postgres);
    for (const c of [CASES[2]!, CASES[3]!]) {
      const [a, b, o] = await measure(c, [one, postgres, oidcProvider]);
      rows.push({ label: `${c.label}: storage`, compares: 'PostgreSQL + Redis ÷ SQLite', results: [{ name: one.name + ', SQLite', ...total(a!) }, { name: postgres.name, ...total(b!) }, { name: oidcProvider.name, ...total(o!) }] });
    }
  } finally {
    for (const server of started) await server.process.stop();
  }
  return rows;
}

async function main(): Promise<void> {
  console.log(`token endpoint benchmark: ${settings.connections} connections, ${settings.warmupSeconds} s warm-up, ${settings.rounds} × ${settings.durationSeconds} s per server and case, servers alternating`);
  const ceilings = { rs256: signRate('RS256'), es256: signRate('ES256'), hello: 0 };
  console.log(`  crypto.sign on one core: RS256 ${ceilings.rs256.toFixed(0)}/s, ES256 ${ceilings.es256.toFixed(0)}/s`);

  const hello = new ServerProcess('hello.ts', []);
  running.add(hello);
  const helloLoad: Load = { url: `${await hello.ready()}/`, method: 'GET', headers: {} };
  if (settings.warmupSeconds > 0) await autocannon(helloLoad, settings.warmupSeconds);
  ceilings.hello = (await autocannon(helloLoad, settings.durationSeconds)).rps;
  await hello.stop();
  running.delete(hello);
  console.log(`  hello-world Fastify: ${ceilings.hello.toFixed(0)} req/s`);

  const portcullis = await startServer('Portcullis', 'portcullis-api.ts');
  const oidcProvider = await startServer('oidc-provider 9.13.3', 'oidc-provider-api.ts');
  console.log('  both servers started; every case checked once');

  const rows: { id: string; label: string; portcullis: LoadResult[]; oidcProvider: LoadResult[] }[] = [];
  for (const c of CASES) {
    const [a, b] = await measure(c, [portcullis, oidcProvider]);
    rows.push({ id: c.id, label: c.label, portcullis: a!, oidcProvider: b! });
  }
  await portcullis.process.stop();
  const scalingRows = process.env['BENCH_API_SCALING'] === '0' ? [] : await scaling(oidcProvider);
  await oidcProvider.process.stop();

  console.log('');
  const cases = rows.map((row) => {
    const a = total(row.portcullis);
    const b = total(row.oidcProvider);
    const c = CASES.find((x) => x.id === row.id)!;
    return [row.label, a.rps.toFixed(0), a.p99.toFixed(0), b.rps.toFixed(0), b.p99.toFixed(0), ratio(a.rps, b.rps), `${((100 * a.rps) / ceilings[c.ceiling]).toFixed(0)}% of ${c.ceiling === 'hello' ? 'hello-world' : 'RS256 sign'}`, `${a.failed}/${b.failed}`];
  });
  console.log(`${table([['case', 'Portcullis req/s', 'p99 ms', 'oidc-provider req/s', 'p99 ms', 'ratio', 'of ceiling', 'failed'], ...cases])}\n`);
  if (scalingRows.length > 0) {
    const scaled = scalingRows.map((row) => {
      const [a, b, o] = row.results as [ScalingRow['results'][0], ScalingRow['results'][0], ScalingRow['results'][0]];
      return [`${row.label} (A = ${a.name}, B = ${b.name})`, a.rps.toFixed(0), b.rps.toFixed(0), o.rps.toFixed(0), ratio(b.rps, a.rps), ratio(b.rps, o.rps), `${a.failed}/${b.failed}/${o.failed}`];
    });
    console.log(`${table([['scaling', 'A req/s', 'B req/s', 'oidc-provider req/s', 'B ÷ A', 'B ÷ oidc-provider', 'failed'], ...scaled])}\n`);
  }
  console.log(`ceilings (same run): RS256 sign ${ceilings.rs256.toFixed(0)}/s and ES256 sign ${ceilings.es256.toFixed(0)}/s on one core; hello-world Fastify ${ceilings.hello.toFixed(0)} req/s`);
  console.log(`peak RSS under load: Portcullis ${(portcullis.maxRss / 2 ** 20).toFixed(0)} MB, oidc-provider ${(oidcProvider.maxRss / 2 ** 20).toFixed(0)} MB`);
  console.log('ratio: Portcullis req/s ÷ oidc-provider req/s; failed: non-2xx responses and errors, which must all be 0');

  const results = { settings, ceilings, rows, scaling: scalingRows, maxRss: { portcullis: portcullis.maxRss, oidcProvider: oidcProvider.maxRss }, node: process.version };
  writeFileSync(fileURLToPath(new URL('./results-api.json', import.meta.url)), `${JSON.stringify(results, null, 2)}\n`);
  const failed = rows.some((row) => total(row.portcullis).failed > 0 || total(row.oidcProvider).failed > 0) || scalingRows.some((row) => row.results.some((r) => r.failed > 0));
  if (failed) process.exitCode = 1;
}

const giveUp = setTimeout(() => {
  console.error('bench: the token endpoint benchmark is still running after 10 minutes, giving up');
  for (const server of running) server.kill();
  process.exit(1);
}, 600_000);
giveUp.unref();

try {
  await main();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  for (const server of running) server.kill();
  process.exitCode = 1;
}
