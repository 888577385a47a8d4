/**
 * CPU time per request with the server pinned to one core and this process (the client) to the
 * other (Linux, `taskset`), so that neither takes CPU from the other:
 *
 *   node --import tsx bench/pinned.ts [round-trip|authorize|token|userinfo] [row ids…]
 *
 * Each row (ids as in bench/run.ts; default: all three) is started and signed in through its
 * own pages with 16 SSO sessions; then the rows take turns, a slice at a time, 16 workers each.
 * Prints requests per second on that one core, the server's CPU time per request (all its
 * threads) and its event loop's alone. `token` alternates between collecting a batch of fresh
 * authorization codes (not measured) and redeeming it (measured): oidc-provider's development
 * adapter keeps only about the 1,000 most recently used objects. Every response is checked; a failed check
 * stops the run.
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { CLIENT, REDIRECT_URI } from './fixtures.ts';
import { HttpClient } from './http.ts';
import { authorizationUrl, basicAuthorization, pkcePair, roundTrip, type Target } from './loop.ts';
import { ServerProcess } from './process.ts';
import { signIn } from './signin.ts';

const REQUESTS = ['round-trip', 'authorize', 'token', 'userinfo'] as const;
type Request = (typeof REQUESTS)[number];
const ROWS: Record<string, { script: string; args: string[] }> = {
  'portcullis-jwt': { script: 'portcullis.ts', args: ['jwt'] },
  'portcullis-opaque': { script: 'portcullis.ts', args: ['opaque'] },
  'oidc-provider': { script: 'oidc-provider.ts', args: [] },
};
const WORKERS = 16;
/** Measured time per server: ROUNDS slices of SLICE_MS, the servers taking turns. */
const ROUNDS = 6;
const SLICE_MS = 1000;
const WARMUP_SLICES = 3;
/** Codes collected before each measured batch of token requests. */
const CODE_BATCH = 160;

const [requestArg = 'round-trip', ...rowArgs] = process.argv.slice(2);
if (!(REQUESTS as readonly string[]).includes(requestArg)) throw new Error(`request must be one of ${REQUESTS.join(', ')}`);
const request = requestArg as Request;
const rows = rowArgs.length > 0 ? rowArgs : Object.keys(ROWS);
for (const id of rows) if (!ROWS[id]) throw new Error(`unknown row ${id}; rows: ${Object.keys(ROWS).join(', ')}`);

function pin(pid: number, cpu: number): void {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
  } catch {
    throw new Error('bench/pinned.ts needs Linux with taskset (util-linux) and at least two CPUs');
  }
}

const http = new HttpClient(64);

interface Row {
  targets: Target[];
  sub: string;
  accessToken: string;
  codes: Array<{ code: string; verifier: string }>;
}

async function prepare(url: string): Promise<Row> {
  const res = await fetch(`${url}/.well-known/openid-configuration`);
  const d = (await res.json()) as Record<string, string>;
  const endpoints = {
    authorizationEndpoint: d['authorization_endpoint'] ?? '',
    tokenEndpoint: d['token_endpoint'] ?? '',
    userinfoEndpoint: d['userinfo_endpoint'] ?? '',
    clientId: CLIENT.client_id,
    clientSecret: CLIENT.client_secret,
    redirectUri: REDIRECT_URI,
  };
  const row: Row = { targets: [], sub: '', accessToken: '', codes: [] };
  for (let i = 0; i < WORKERS; i++) {
    const { challenge } = pkcePair();
    const session = await signIn(url, authorizationUrl(endpoints, 'sign-in', challenge), REDIRECT_URI);
    const target: Target = { ...endpoints, cookie: session.cookie };
    const first = await roundTrip(target);
    row.sub = first.sub;
    row.accessToken = first.tokens.access_token;
    row.targets.push(target);
  }
  return row;
}

/** An authorization with the SSO session: the code from the redirect (checked). */
async function authorize(target: Target): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkcePair();
  const reply = await http.send(authorizationUrl(target, 'state', challenge), 'GET', { cookie: target.cookie });
  const location = reply.headers['location'];
  const code = typeof location === 'string' ? new URL(location).searchParams.get('code') : null;
  if (reply.status < 300 || reply.status > 399 || !code) throw new Error(`authorize: HTTP ${reply.status}`);
  return { code, verifier };
}

/** One request of the kind measured; false when there was nothing to send (no code left). */
async function once(row: Row, target: Target): Promise<boolean> {
  if (request === 'round-trip') {
    await roundTrip(target, row.sub);
  } else if (request === 'authorize') {
    await authorize(target);
  } else if (request === 'token') {
    const next = row.codes.pop();
    if (!next) return false;
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: next.code, redirect_uri: target.redirectUri, code_verifier: next.verifier }).toString();
    const headers = { authorization: basicAuthorization(target.clientId, target.clientSecret), 'content-type': 'application/x-www-form-urlencoded' };
    const reply = await http.send(target.tokenEndpoint, 'POST', headers, body);
    if (reply.status !== 200 || !reply.body.includes('"access_token"')) throw new Error(`token: HTTP ${reply.status} ${reply.body.slice(0, 200)}`);
  } else {
    const reply = await http.send(target.userinfoEndpoint, 'GET', { authorization: `Bearer ${row.accessToken}` });
    if (reply.status !== 200 || !reply.body.includes(`"sub":"${row.sub}"`)) throw new Error(`userinfo: HTTP ${reply.status} ${reply.body.slice(0, 200)}`);
  }
  return true;
}

/** Runs `work` on every worker until the time is up or `until()`; counts the requests sent. */
async function repeat(row: Row, durationMs: number, work: (target: Target) => Promise<boolean>, until = () => false): Promise<number> {
  let done = 0;
  const deadline = performance.now() + durationMs;
  await Promise.all(
    row.targets.map(async (target) => {
      while (performance.now() < deadline && !until()) {
        if (await work(target)) done++;
      }
    }),
  );
  return done;
}

interface Measured {
  completed: number;
  elapsedMs: number;
  cpuMicros: number;
  loopMicros: number;
}

/** Runs `work` and counts the server's CPU time for it alone. */
async function measured(server: ServerProcess, work: () => Promise<number>): Promise<Measured> {
  const before = await server.cpu();
  const started = performance.now();
  const completed = await work();
  const elapsedMs = performance.now() - started;
  const after = await server.cpu();
  return {
    completed,
    elapsedMs,
    cpuMicros: after.usage.user - before.usage.user + (after.usage.system - before.usage.system),
    loopMicros: (after.loopCpuMicros ?? Number.NaN) - (before.loopCpuMicros ?? Number.NaN),
  };
}

/** One measured slice: about SLICE_MS of requests, or one batch of codes for `token`. */
async function slice(server: ServerProcess, row: Row): Promise<Measured> {
  if (request !== 'token') return measured(server, () => repeat(row, SLICE_MS, (t) => once(row, t)));
  await repeat(row, 60_000, async (t) => row.codes.push(await authorize(t)) > 0, () => row.codes.length >= CODE_BATCH);
  return measured(server, () => repeat(row, 60_000, (t) => once(row, t), () => row.codes.length === 0));
}

function add(total: Measured, part: Measured): void {
  total.completed += part.completed;
  total.elapsedMs += part.elapsedMs;
  total.cpuMicros += part.cpuMicros;
  total.loopMicros += part.loopMicros;
}

interface Contender {
  id: string;
  server: ServerProcess;
  row: Row;
  total: Measured;
}

pin(process.pid, 1);
console.log(`${request}: servers on CPU 0, client on CPU 1, ${WORKERS} workers, ${ROUNDS} alternating rounds; Node ${process.version}`);
const contenders: Contender[] = [];
try {
  for (const id of rows) {
    const spec = ROWS[id];
    if (!spec) continue;
    const server = new ServerProcess(spec.script, spec.args);
    contenders.push({ id, server, row: { targets: [], sub: '', accessToken: '', codes: [] }, total: { completed: 0, elapsedMs: 0, cpuMicros: 0, loopMicros: 0 } });
    const url = await server.ready();
    pin(server.child.pid ?? 0, 0);
    const c = contenders[contenders.length - 1];
    if (c) c.row = await prepare(url);
  }
  // Warm-up: WARMUP_SLICES unmeasured slices each; then the servers take turns, so that a
  // change in the machine's speed falls on every row alike.
  for (let i = 0; i < WARMUP_SLICES; i++) for (const c of contenders) await slice(c.server, c.row);
  for (let round = 0; round < ROUNDS; round++) for (const c of contenders) add(c.total, await slice(c.server, c.row));
} finally {
  await Promise.all(contenders.map((c) => c.server.stop()));
  http.close();
}
const lines = [['row', 'requests/s (one core)', 'server CPU µs/request', 'event loop µs/request']];
for (const { id, total: m } of contenders) {
  const loop = m.loopMicros / m.completed;
  lines.push([id, (m.completed / (m.elapsedMs / 1000)).toFixed(0), (m.cpuMicros / m.completed).toFixed(0), Number.isNaN(loop) ? '—' : loop.toFixed(0)]);
}
const widths = lines[0]?.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length))) ?? [];
for (const line of lines) console.log(line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '));
