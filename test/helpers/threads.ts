/** Linux: the nice value of every thread of process `pid`, by thread id (getpriority addresses a thread by its id). */
import { readdirSync } from 'node:fs';
import { getPriority } from 'node:os';

export function threadNice(pid: number): Map<number, number> {
  const nice = new Map<number, number>();
  for (const entry of readdirSync(`/proc/${pid}/task`)) {
    const tid = Number(entry);
    try {
      nice.set(tid, getPriority(tid));
    } catch {
      // The thread ended since the listing.
    }
  }
  return nice;
}
