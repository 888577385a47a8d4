/**
 * Scheduling priority of a serving process's threads (Linux). One thread, the event loop,
 * answers every request; the others do work it hands off or background work: RSA signatures,
 * password hashing and DNS on libuv's pool, V8's garbage-collection helpers, the SQLite
 * checkpoint worker. When the cores are all busy, a helper woken for a signature can take the
 * core the event loop was running on, and every request in flight waits for it. With the
 * helpers at a higher nice value, the kernel gives the event loop the core first and the
 * helpers the time it leaves. This is what nginx's `worker_priority` and HAProxy's `nice`
 * settings do for their processes, applied inside one process. Under cgroup CPU control (a
 * container, a systemd service) nice values weigh threads within the group only, so the
 * helpers yield to this process's event loop, not to other services.
 */
import { randomFill } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Sets every thread of this process except the event loop to `nice` (0 to 19), leaving any
 * thread already at a higher value as it is. Returns how many threads were changed. Does
 * nothing with `nice` 0 or outside Linux, where threads have no priority of their own.
 * Threads started later inherit the event loop's priority, so call it once the process has
 * started its workers.
 */
export async function lowerHelperThreads(nice: number): Promise<number> {
  if (nice <= 0 || process.platform !== 'linux') return 0;
  // libuv starts its pool at the first job handed to it; start it now so its threads exist.
  await new Promise((resolve) => randomFill(Buffer.alloc(1), resolve));
  let changed = 0;
  for (const entry of readdirSync('/proc/self/task')) {
    const tid = Number(entry);
    // On Linux the main thread's id is the process id; getpriority and setpriority address
    // a single thread by its id.
    if (tid === process.pid) continue;
    try {
      if (getPriority(tid) >= nice) continue;
      setPriority(tid, nice);
      changed++;
    } catch {
      // The thread ended since the listing, or the system refuses the call (a seccomp
      // profile): that thread keeps its priority, which is only slower, never wrong.
    }
  }
  return changed;
}
