/**
 * In-process nudge: code that has just enqueued a delivery wakes the dispatchers of this
 * process so it leaves at once instead of at the next poll. Other processes find it by polling.
 */
const listeners = new Set<() => void>();

export function onOutboxWake(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function wakeOutbox(): void {
  for (const listener of listeners) listener();
}
