/**
 * The protocol between bench/run.ts and a server child process (over the fork IPC channel):
 * the child starts its server and sends `ready`; the parent may ask for `cpu` (the child's
 * process.cpuUsage() and event loop utilization) and finally sends `stop`. A child whose parent goes away exits.
 */

import { readFileSync } from 'node:fs';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export type ParentMessage = { type: 'cpu' } | { type: 'stop' };

export type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'cpu'; usage: NodeJS.CpuUsage; loop: EventLoopUtilization; loopCpuMicros: number | null; rss: number }
  | { type: 'failed'; message: string };

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

function isParentMessage(value: unknown): value is ParentMessage {
  if (typeof value !== 'object' || value === null || !('type' in value)) return false;
  return value.type === 'cpu' || value.type === 'stop';
}

/**
 * CPU time of the calling thread (the event loop, when called from JavaScript) in microseconds:
 * the first field of Linux's /proc/thread-self/schedstat, in nanoseconds. Null elsewhere.
 */
function threadCpuMicros(): number | null {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1000;
  } catch {
    return null;
  }
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

export async function serveChild(start: () => Promise<RunningServer>): Promise<void> {
  if (!process.send) {
    console.error('this is a benchmark server child; start it through `npm run bench`');
    process.exit(2);
  }
  let server: RunningServer;
  try {
    server = await start();
  } catch (err) {
    send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  }
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    try {
      await server.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('message', (message: unknown) => {
    if (!isParentMessage(message)) return;
    if (message.type === 'cpu') {
      send({ type: 'cpu', usage: process.cpuUsage(), loop: performance.eventLoopUtilization(), loopCpuMicros: threadCpuMicros(), rss: process.memoryUsage.rss() });
    } else void stop();
  });
  // The parent died or closed the channel: never outlive it.
  process.on('disconnect', () => void stop());
  send({ type: 'ready', url: server.url });
}
