/**
 * CPU time per request with the servers pinned to one core and this process (the client) to the
 * other (Linux, `taskset`), so that neither takes CPU from the other:
 *
 *   node --import tsx bench/pinned.ts [round-trip|authorize|token|userinfo] [row ids…]
 *
 * Each row (ids in bench/rows.ts; default: all of them) is started and signed in through its
 * own pages with 16 SSO sessions (bench/signin.ts); then the rows take turns, a slice at a time,
 * 16 workers each, sending the steps of bench/loop.ts's round trip, which check every response.
 * Prints requests per second on that one core, the server's CPU time per request (all its
 * threads) and its event loop's alone. `token` alternates between collecting a batch of fresh
 * authorization codes (not measured) and redeeming it (measured): oidc-provider's development
 * adapter keeps only about the 1,000 most recently used objects.
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { authorizeCode, readUserInfo, redeemCode, roundTrip, type Target } from './loop.ts';
import { cpuMicros, loopCpuMicros, ServerProcess } from './process.ts';
import { SPECS } from './rows.ts';
import { ssoSessions } from './signin.ts';
import { fixed, table } from './table.ts';

const REQUESTS = ['round-trip', 'authorize', 'token', 'userinfo'] as const;
type Request = (typeof REQUESTS)[number];
const WORKERS = 16;
/** Measured time per server: ROUNDS slices of SLICE_MS, the servers taking turns, after WARMUP_SLICES each. */
const ROUNDS = 6;
const SLICE_MS = 1000;
const WARMUP_SLICES = 3;
/** Codes collected before each measured batch of token requests. */
const CODE_BATCH = 160;

const [requestArg = 'round-trip', ...rowArgs] = process.argv.slice(2);
if (!(REQUESTS as readonly string[]).includes(requestArg)) throw new Error(`request must be one of ${REQUESTS.join(', ')}`);
const request = requestArg as Request;
const rowIds = rowArgs.length > 0 ? rowArgs : SPECS.map((s) => s.id);

function pin(pid: number | undefined, cpu: number): void {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
  } catch {
    throw new Error('bench/pinned.ts needs Linux with taskset (util-linux) and at least two CPUs');
  }
}

interface Measured {
  completed: number;
  elapsedMs: number;
  cpuMicros: number;
  loopMicros: number;
}

class Row {
  readonly total: Measured = { completed: 0, elapsedMs: 0, cpuMicros: 0, loopMicros: 0 };
  private targets: Target[] = [];
  private sub = '';
  private accessToken = '';
  private readonly codes: Array<{ code: string; verifier: string }> = [];

  constructor(
    readonly id: string,
    readonly server: ServerProcess,
  ) {}

  async prepare(): Promise<void> {
    const url = await this.server.ready();
    pin(this.server.child.pid, 0);
    const sessions = await ssoSessions(url, WORKERS);
    const first = sessions.firstRoundTrips[0];
    if (!first) throw new Error(`${this.id}: no session`);
    this.targets = sessions.targets;
    this.sub = first.sub;
    this.accessToken = first.tokens.access_token;
  }

  /** One request of the kind measured; false when there was nothing to send (no code left). */
  private async once(target: Target): Promise<boolean> {
    if (request === 'round-trip') await roundTrip(target, this.sub);
    else if (request === 'authorize') await authorizeCode(target);
    else if (request === 'userinfo') await readUserInfo(target, this.accessToken, this.sub);
    else {
      const next = this.codes.pop();
      if (!next) return false;
      await redeemCode(target, next.code, next.verifier);
    }
    return true;
  }

  /** Runs `work` on every worker until the time is up or `until()`; counts the requests sent. */
  private async repeat(durationMs: number, work: (target: Target) => Promise<boolean>, until = () => false): Promise<number> {
    let done = 0;
    const deadline = performance.now() + durationMs;
    await Promise.all(
      this.targets.map(async (target) => {
        while (performance.now() < deadline && !until()) if (await work(target)) done++;
      }),
    );
    return done;
  }

  /** One slice: about SLICE_MS of requests, or one batch of codes for `token`; the server's CPU counted for it alone. */
  async slice(): Promise<Measured> {
    let send = () => this.repeat(SLICE_MS, (t) => this.once(t));
    if (request === 'token') {
      await this.repeat(60_000, async (t) => this.codes.push(await authorizeCode(t)) > 0, () => this.codes.length >= CODE_BATCH);
      send = () => this.repeat(60_000, (t) => this.once(t), () => this.codes.length === 0);
    }
    const before = await this.server.cpu();
    const started = performance.now();
    const completed = await send();
    const elapsedMs = performance.now() - started;
    const after = await this.server.cpu();
    return { completed, elapsedMs, cpuMicros: cpuMicros(before.usage, after.usage), loopMicros: loopCpuMicros(before, after) };
  }

  add(part: Measured): void {
    this.total.completed += part.completed;
    this.total.elapsedMs += part.elapsedMs;
    this.total.cpuMicros += part.cpuMicros;
    this.total.loopMicros += part.loopMicros;
  }
}

pin(process.pid, 1);
console.log(`${request}: servers on CPU 0, client on CPU 1, ${WORKERS} workers, ${ROUNDS} alternating rounds; Node ${process.version}`);
const rows: Row[] = [];
try {
  for (const id of rowIds) {
    const spec = SPECS.find((s) => s.id === id);
    if (!spec) throw new Error(`unknown row ${id}; rows: ${SPECS.map((s) => s.id).join(', ')}`);
    const row = new Row(id, new ServerProcess(spec.script, spec.args));
    rows.push(row);
    await row.prepare();
  }
  // The servers take turns, so that a change in the machine's speed falls on every row alike.
  for (let i = 0; i < WARMUP_SLICES; i++) for (const row of rows) await row.slice();
  for (let round = 0; round < ROUNDS; round++) for (const row of rows) row.add(await row.slice());
} finally {
  await Promise.all(rows.map((row) => row.server.stop()));
}
const cells = rows.map(({ id, total: m }) => [id, fixed(m.completed / (m.elapsedMs / 1000), 0), fixed(m.cpuMicros / m.completed, 0), fixed(m.loopMicros / m.completed, 0)]);
console.log(table([['row', 'requests/s (one core)', 'server CPU µs/request', 'event loop µs/request'], ...cells]));
