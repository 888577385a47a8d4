/**
 * A benchmark server running in its own child process (bench/servers/*.ts), spoken to over the
 * fork IPC channel (bench/servers/child.ts): wait until it is ready, ask for its CPU, event
 * loop and memory figures, stop it. Every child started is in `running`, so that a bench that
 * gives up can kill them all.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { ChildMessage } from './servers/child.ts';

const START_TIMEOUT_MS = 60_000;

/** What a server child reports of itself (bench/servers/child.ts). */
export interface ServerCpu {
  usage: NodeJS.CpuUsage;
  loop: EventLoopUtilization;
  /** CPU time of its event-loop thread (Linux); null elsewhere. */
  loopCpuMicros: number | null;
  rss: number;
}

/** CPU microseconds (user + system) between two readings of process.cpuUsage(). */
export function cpuMicros(before: NodeJS.CpuUsage, after: NodeJS.CpuUsage): number {
  return after.user - before.user + (after.system - before.system);
}

/** The event-loop thread's CPU microseconds between two readings; NaN where it is not known. */
export function loopCpuMicros(before: ServerCpu, after: ServerCpu): number {
  return (after.loopCpuMicros ?? Number.NaN) - (before.loopCpuMicros ?? Number.NaN);
}
/** BENCH_CPU_PROF=<dir>: every server child writes a V8 CPU profile (.cpuprofile) there when it stops. */
export const PROFILE_DIR = process.env['BENCH_CPU_PROF'] || undefined;
/** BENCH_PERF_MAP=1: every server child writes /tmp/perf-<pid>.map, so that Linux `perf` names its JavaScript frames. */
const PERF_MAP = process.env['BENCH_PERF_MAP'] === '1';

export class ServerProcess {
  readonly child: ChildProcess;
  private output = '';
  private readonly waiters: Array<(message: ChildMessage) => void> = [];
  private exited = false;

  constructor(script: string, args: string[]) {
    this.child = fork(fileURLToPath(new URL(`./servers/${script}`, import.meta.url)), args, {
      execArgv: ['--import', 'tsx', ...(PERF_MAP ? ['--perf-basic-prof'] : []), ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [])],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    const keep = (chunk: Buffer) => {
      if (this.output.length < 64_000) this.output += chunk.toString('utf8');
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.child.on('message', (message: ChildMessage) => {
      for (const waiter of this.waiters.splice(0)) waiter(message);
    });
    this.child.on('exit', () => {
      this.exited = true;
    });
  }

  /** What the child printed (warnings, errors). */
  get log(): string {
    return this.output.trim();
  }

  private next<T extends ChildMessage['type']>(type: T, timeoutMs: number): Promise<Extract<ChildMessage, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server child: no ${type} message within ${timeoutMs} ms\n${this.log}`)), timeoutMs);
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`server child exited (${code}) while waiting for ${type}\n${this.log}`));
      };
      this.child.once('exit', onExit);
      const wait = (message: ChildMessage) => {
        if (message.type === 'failed') {
          clearTimeout(timer);
          this.child.off('exit', onExit);
          reject(new Error(`server child failed to start: ${message.message}`));
        } else if (message.type === type) {
          clearTimeout(timer);
          this.child.off('exit', onExit);
          resolve(message as Extract<ChildMessage, { type: T }>);
        } else {
          this.waiters.push(wait);
        }
      };
      this.waiters.push(wait);
    });
  }

  async ready(): Promise<string> {
    return (await this.next('ready', START_TIMEOUT_MS)).url;
  }

  async cpu(): Promise<ServerCpu> {
    const reply = this.next('cpu', 5_000);
    this.child.send({ type: 'cpu' });
    const { usage, loop, loopCpuMicros, rss } = await reply;
    return { usage, loop, loopCpuMicros, rss };
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 8_000);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

export const running = new Set<ServerProcess>();
