/**
 * `npm run bench`: SSO round trips per second, Portcullis against oidc-provider 9.
 *
 * Each server runs in its own child process (bench/servers/*.ts) on 127.0.0.1; this process
 * is the client (bench/loop.ts). Every server is started, its SSO sessions come from real
 * sign-ins through its login and consent pages, each session is checked with one round trip,
 * and the server is warmed up. Then the measured time
 * of each server is cut into rounds, and the rounds of the servers take turns (only one server
 * is under load at any moment), so that a change in what else the machine is doing weighs on
 * every row alike. Prints a table and writes bench/results.json.
 *
 * Environment: BENCH_CONCURRENCY (16 workers), BENCH_WARMUP (5 s per server), BENCH_DURATION
 * (5 s per server), BENCH_ROUNDS (5), BENCH_SESSIONS (SSO sessions, each from its own
 * interactive sign-in, shared out among the workers; default one per worker), BENCH_ONLY
 * (comma-separated row ids, as in bench/rows.ts), BENCH_CPU_PROF
 * (a directory: CPU profiles of the servers), BENCH_PERF_MAP=1 (symbol maps for Linux `perf`).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { emptySamples, runLoop, summarise, type Latency, type Samples, type SliceResult, type Target } from './loop.ts';
import { envNumber } from './env.ts';
import { cpuMicros, loopCpuMicros, running, ServerProcess } from './process.ts';
import { ssoSessions } from './signin.ts';
import { SPECS, type ServerSpec } from './rows.ts';
import { fixed, table } from './table.ts';

const OIDC_PROVIDER_VERSION = '9.13.3';
const HARD_LIMIT_MS = 115_000;

const concurrency = envNumber('BENCH_CONCURRENCY', 16, 1, 64);
const settings = {
  concurrency,
  // Throughput keeps rising for the first few seconds under load (JIT, heap sizing): 1 s is too short.
  warmupSeconds: envNumber('BENCH_WARMUP', 5, 0, 30),
  durationSeconds: envNumber('BENCH_DURATION', 5, 1, 30),
  rounds: envNumber('BENCH_ROUNDS', 5, 1, 30),
  // One session per worker by default: with a single session, every token of the run belongs to
  // one oidc-provider Grant, and its in-memory adapter rescans that grant's member list on every
  // save, so oidc-provider gets slower the longer the run (see bench/README.md).
  sessions: envNumber('BENCH_SESSIONS', concurrency, 1, 64),
};

// ---------------------------------------------------------------------------------------------
// One contender: a server child, its SSO session, and what was measured

/** A compact JWS has three dot-separated parts; the opaque tokens of both servers have none. */
function tokenFormat(accessToken: string): 'jwt' | 'opaque' {
  return accessToken.split('.').length === 3 ? 'jwt' : 'opaque';
}

/** Busy milliseconds of the whole machine, all CPUs together, since boot. */
function machineBusyMs(): number {
  return cpus().reduce((sum, c) => sum + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);
}

class Contender {
  readonly process: ServerProcess;
  url?: string;
  /** One per SSO session. */
  targets: Target[] = [];
  sub?: string;
  signInPages?: string[];
  failure?: string;
  readonly samples: Samples = emptySamples();
  readonly slices: SliceResult[] = [];
  serverCpuMicros = 0;
  clientCpuMicros = 0;
  /** Milliseconds the server's event loop (its one JavaScript thread) was busy, and in all. */
  serverLoopActiveMs = 0;
  serverLoopTotalMs = 0;
  /** CPU time of the server's event-loop thread alone (Linux; NaN elsewhere). */
  serverLoopCpuMicros = 0;
  /** CPU milliseconds the whole machine spent, to tell what other processes took. */
  machineBusyMs = 0;

  constructor(readonly spec: ServerSpec) {
    this.process = new ServerProcess(spec.script, spec.args);
    running.add(this.process);
  }

  get live(): boolean {
    return this.targets.length > 0 && this.failure === undefined;
  }

  /** Start, sign in, and check one round trip per session: the session must give a code without a page. */
  async prepare(): Promise<void> {
    try {
      this.url = await this.process.ready();
      const sessions = await ssoSessions(this.url, settings.sessions);
      for (const first of sessions.firstRoundTrips) {
        const format = tokenFormat(first.tokens.access_token);
        if (format !== this.spec.accessToken) throw new Error(`expected ${this.spec.accessToken} access tokens, got ${format}`);
      }
      this.signInPages = sessions.pages;
      this.sub = sessions.firstRoundTrips[0]?.sub ?? '';
      this.targets = sessions.targets;
    } catch (err) {
      this.fail(err);
    }
  }

  async warmUp(durationMs: number): Promise<void> {
    if (!this.live || !this.sub) return;
    const slice = await runLoop(this.targets, { concurrency: settings.concurrency, durationMs, expectedSub: this.sub });
    if (slice.errors > 0) this.failure = `warm-up: ${slice.errors} failed round trips, first: ${slice.firstError ?? '?'}`;
  }

  /** One measured slice; the server's and this process's CPU time are counted for it alone. */
  async slice(durationMs: number): Promise<void> {
    if (!this.live || !this.sub) return;
    try {
      const serverBefore = await this.process.cpu();
      const clientBefore = process.cpuUsage();
      const machineBefore = machineBusyMs();
      const slice = await runLoop(this.targets, { concurrency: settings.concurrency, durationMs, expectedSub: this.sub }, this.samples);
      this.clientCpuMicros += cpuMicros(clientBefore, process.cpuUsage());
      this.machineBusyMs += machineBusyMs() - machineBefore;
      const serverAfter = await this.process.cpu();
      this.serverCpuMicros += cpuMicros(serverBefore.usage, serverAfter.usage);
      this.serverLoopActiveMs += serverAfter.loop.active - serverBefore.loop.active;
      this.serverLoopTotalMs += serverAfter.loop.active + serverAfter.loop.idle - (serverBefore.loop.active + serverBefore.loop.idle);
      this.serverLoopCpuMicros += loopCpuMicros(serverBefore, serverAfter);
      this.slices.push(slice);
      if (slice.errors > 0) this.failure = `${slice.errors} failed round trips, first: ${slice.firstError ?? '?'}`;
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    this.failure ??= err instanceof Error ? err.message : String(err);
  }

  async stop(): Promise<void> {
    await this.process.stop();
    running.delete(this.process);
  }
}

interface Summary {
  completed: number;
  errors: number;
  elapsedMs: number;
  roundTripsPerSecond: number;
  /** Round trips per second of the slowest and the fastest round. */
  sliceRange: [number, number];
  latencyMs: Latency;
  phaseLatencyMs: { authorize: Latency; token: Latency; userinfo: Latency };
  /** Percent of one core during the measured slices. */
  serverCpuPercent: number;
  /** Server CPU time (every thread of the child) per successful round trip, in microseconds. */
  serverCpuMicrosPerRoundTrip: number;
  /** The same for the event-loop thread alone: what bounds a server whose event loop is saturated. */
  loopCpuMicrosPerRoundTrip: number;
  /** Percent of the time the server's event loop was busy (100: its JavaScript thread is the limit). */
  serverLoopBusyPercent: number;
  clientCpuPercent: number;
  /** CPU taken by every other process on the machine meanwhile, in percent of one core. */
  otherCpuPercent: number;
}

function summary(c: Contender): Summary | undefined {
  if (c.slices.length === 0) return undefined;
  const completed = c.slices.reduce((n, s) => n + s.completed, 0);
  const errors = c.slices.reduce((n, s) => n + s.errors, 0);
  const elapsedMs = c.slices.reduce((n, s) => n + s.elapsedMs, 0);
  const rates = c.slices.map((s) => s.completed / (s.elapsedMs / 1000));
  return {
    completed,
    errors,
    elapsedMs,
    roundTripsPerSecond: completed / (elapsedMs / 1000),
    sliceRange: [Math.min(...rates), Math.max(...rates)],
    latencyMs: summarise(c.samples.roundTrip),
    phaseLatencyMs: { authorize: summarise(c.samples.authorize), token: summarise(c.samples.token), userinfo: summarise(c.samples.userinfo) },
    serverCpuPercent: (c.serverCpuMicros / 1000 / elapsedMs) * 100,
    serverCpuMicrosPerRoundTrip: completed > 0 ? c.serverCpuMicros / completed : Number.NaN,
    loopCpuMicrosPerRoundTrip: completed > 0 ? c.serverLoopCpuMicros / completed : Number.NaN,
    serverLoopBusyPercent: c.serverLoopTotalMs > 0 ? (c.serverLoopActiveMs / c.serverLoopTotalMs) * 100 : Number.NaN,
    clientCpuPercent: (c.clientCpuMicros / 1000 / elapsedMs) * 100,
    otherCpuPercent: Math.max(0, ((c.machineBusyMs - (c.serverCpuMicros + c.clientCpuMicros) / 1000) / elapsedMs) * 100),
  };
}

// ---------------------------------------------------------------------------------------------
// Report

function gitRevision(): string | undefined {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head} (src/ modified)` : head;
  } catch {
    return undefined;
  }
}

function label(c: Contender): string {
  if (c.spec.server === 'oidc-provider') return `oidc-provider ${OIDC_PROVIDER_VERSION}`;
  return c.spec.variant ? `${c.spec.server} (${c.spec.variant})` : c.spec.server;
}

async function main(): Promise<void> {
  const only = process.env['BENCH_ONLY']?.split(',').map((s) => s.trim()).filter(Boolean);
  const specs = only?.length ? SPECS.filter((s) => only.includes(s.id)) : SPECS;
  if (specs.length === 0) throw new Error(`BENCH_ONLY matches no row; ids: ${SPECS.map((s) => s.id).join(', ')}`);
  const cpu = cpus();
  console.log(
    `SSO round trip (authorize with session → token → userinfo): ${settings.concurrency} workers, ` +
      `${settings.sessions} SSO session${settings.sessions === 1 ? '' : 's'}${settings.sessions === settings.concurrency ? ' (one per worker)' : ''}, ` +
      `${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s per server in ${settings.rounds} alternating rounds; ` +
      `Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}`,
  );

  const contenders: Contender[] = [];
  try {
    for (const spec of specs) {
      process.stdout.write(`  ${spec.id}: `);
      const c = new Contender(spec);
      contenders.push(c);
      await c.prepare();
      console.log(c.live ? `${c.url ?? ''}, signed in (${c.signInPages?.join(' → ') ?? ''}), round trip checked` : `FAILED: ${c.failure ?? '?'}`);
    }
    for (const c of contenders) if (c.live) await c.warmUp(settings.warmupSeconds * 1000);

    const sliceMs = (settings.durationSeconds * 1000) / settings.rounds;
    process.stdout.write('  measuring: round');
    for (let round = 0; round < settings.rounds; round++) {
      process.stdout.write(` ${round + 1}`);
      // Rotate the order so that each server opens a round in turn.
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
      for (const c of order) if (c?.live) await c.slice(sliceMs);
    }
    console.log('');
    report(contenders, cpu.length);
  } finally {
    await Promise.all(contenders.map((c) => c.stop()));
  }
  const failed = contenders.filter((c) => c.failure !== undefined);
  for (const c of failed) console.error(`\n${c.spec.id} failed: ${c.failure ?? ''}${c.process.log ? `\n--- server output ---\n${c.process.log}` : ''}`);
  if (failed.length > 0) process.exitCode = 1;
}

function report(contenders: Contender[], cpuCount: number): void {
  const summaries = new Map(contenders.map((c) => [c, summary(c)] as const));
  const rate = (c: Contender | undefined) => (c ? summaries.get(c)?.roundTripsPerSecond : undefined);
  /** Round trips/s ÷ those of the oidc-provider row that stores its state in `storedIn`. */
  const ratio = (c: Contender, storedIn: ServerSpec['storedIn']) => {
    const own = rate(c);
    const reference = rate(contenders.find((o) => o.spec.server === 'oidc-provider' && o.spec.storedIn === storedIn && o.failure === undefined));
    return own !== undefined && reference ? own / reference : undefined;
  };
  const times = (x: number | undefined) => (x === undefined ? '—' : `${x.toFixed(2)}×`);

  const cells = [['server', 'storage', 'access token', 'round trips/s', 'rounds min–max', 'p50 ms', 'p99 ms', 'errors', 'server CPU', 'CPU µs/round trip', 'event loop µs/round trip', 'server loop busy', 'client CPU', 'other CPU', 'vs oidc-provider, same storage', 'vs oidc-provider in memory']];
  const phases = [['per request (queueing included)', 'storage', 'access token', 'authorize p50', 'token p50', 'userinfo p50']];
  for (const c of contenders) {
    const s = summaries.get(c);
    if (!s) {
      cells.push([label(c), c.spec.storage, c.spec.accessToken, 'failed', '—', '—', '—', '—', '—', '—', '—', '—', '—', '—', '—', '—']);
      continue;
    }
    cells.push([
      label(c),
      c.spec.storage,
      c.spec.accessToken,
      fixed(s.roundTripsPerSecond, 0),
      `${fixed(s.sliceRange[0], 0)}–${fixed(s.sliceRange[1], 0)}`,
      fixed(s.latencyMs.p50, 1),
      fixed(s.latencyMs.p99, 1),
      String(s.errors),
      `${fixed(s.serverCpuPercent, 0)}%`,
      fixed(s.serverCpuMicrosPerRoundTrip, 0),
      fixed(s.loopCpuMicrosPerRoundTrip, 0),
      `${fixed(s.serverLoopBusyPercent, 0)}%`,
      `${fixed(s.clientCpuPercent, 0)}%`,
      `${fixed(s.otherCpuPercent, 0)}%`,
      times(ratio(c, c.spec.storedIn)),
      times(ratio(c, 'memory')),
    ]);
    phases.push([label(c), c.spec.storage, c.spec.accessToken, `${fixed(s.phaseLatencyMs.authorize.p50, 1)} ms`, `${fixed(s.phaseLatencyMs.token.p50, 1)} ms`, `${fixed(s.phaseLatencyMs.userinfo.p50, 1)} ms`]);
  }
  console.log(`\n${table(cells, 3)}\n\n${table(phases, 3)}\n`);
  console.log('round trips/s: successful round trips ÷ measured time; rounds min–max: the slowest and fastest round;');
  console.log('CPU: percent of one core used while that server was measured, by the server child, by this client process,');
  console.log('and by every other process on the machine; CPU µs/round trip: the server child\'s CPU time (all its threads)');
  console.log('per round trip, which moves less with the machine\'s other load; event loop µs/round trip: the same for');
  console.log('the event-loop thread alone (Linux); server loop busy: share of that time the server\'s event loop was');
  console.log('running JavaScript (100% = the server is saturated, which is the point); vs oidc-provider, same storage:');
  console.log('round trips/s ÷ those of the oidc-provider row that keeps its state alike (a SQLite file through');
  console.log('bench/servers/oidc-provider-sqlite.ts, or process memory through its development adapter).');
  const warnings = new Set(contenders.flatMap((c) => c.process.log.split('\n').filter((l) => /warn/i.test(l)).map((l) => `${c.spec.id}: ${l.trim()}`)));
  if (warnings.size > 0) console.log(`server warnings (full output in results.json):\n${[...warnings].map((w) => `  ${w.length > 150 ? `${w.slice(0, 147)}…` : w}`).join('\n')}`);
  const noisy = contenders.filter((c) => (summaries.get(c)?.otherCpuPercent ?? 0) > 20);
  if (noisy.length > 0) console.log(`warning: other processes took CPU while measuring ${noisy.map((c) => c.spec.id).join(', ')} (${cpuCount} CPUs); trust the ratio more than the absolute numbers, or rerun on a quiet machine.`);

  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const version = typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : undefined;
  const cpu = cpus();
  const results = {
    date: new Date().toISOString(),
    roundTrip: 'GET authorize (code, PKCE S256, scope openid, session cookie) → POST token (authorization_code, client_secret_basic) → GET userinfo (Bearer)',
    settings,
    environment: { node: process.version, platform: `${process.platform} ${process.arch}`, cpus: cpu.length, cpuModel: cpu[0]?.model.trim() },
    versions: { portcullis: version, portcullisRevision: gitRevision(), oidcProvider: OIDC_PROVIDER_VERSION },
    rows: contenders.map((c) => {
      const s = summaries.get(c);
      return {
        id: c.spec.id,
        server: c.spec.server,
        accessToken: c.spec.accessToken,
        storage: c.spec.storage,
        ...(c.spec.variant ? { variant: c.spec.variant } : {}),
        roundTripsPerSecond: s ? Math.round(s.roundTripsPerSecond * 10) / 10 : null,
        vsOidcProviderSameStorage: ratio(c, c.spec.storedIn) ?? null,
        vsOidcProviderInMemory: ratio(c, 'memory') ?? null,
        rounds: c.slices.map((sl) => ({ completed: sl.completed, errors: sl.errors, elapsedMs: Math.round(sl.elapsedMs) })),
        summary: s ?? null,
        signInPages: c.signInPages ?? null,
        failure: c.failure ?? null,
        serverLog: c.process.log || null,
      };
    }),
  };
  const twoDecimals = (_key: string, value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 100) / 100 : value);
  writeFileSync(fileURLToPath(new URL('./results.json', import.meta.url)), `${JSON.stringify(results, twoDecimals, 2)}\n`);
  console.log('written: bench/results.json');
}

const watchdog = setTimeout(() => {
  console.error(`\nbench: still running after ${HARD_LIMIT_MS / 1000} s, giving up`);
  for (const server of running) server.kill();
  process.exit(1);
}, HARD_LIMIT_MS);

try {
  await main();
} catch (err) {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  for (const server of running) server.kill();
}
