/**
 * Worker side of the cluster: `/metrics` answers with every worker's metrics summed by the
 * primary, which collects from each worker over the IPC channel (prom-client's protocol).
 */
import { AggregatorRegistry } from 'prom-client';
import { setMetricsSource, type MetricsText } from '../metrics/collect.ts';
import { registry } from '../metrics/registry.ts';
import { METRICS_REPLY, METRICS_REQUEST, type MetricsReply } from './messages.ts';

const TIMEOUT_MS = 5000;

export function useClusterMetrics(): void {
  // What this worker reports when the primary collects; constructing one installs prom-client's
  // listener for the primary's collection requests.
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry();
  let next = 0;
  const pending = new Map<number, { resolve(text: MetricsText): void; reject(err: Error): void }>();
  process.on('message', (message: unknown) => {
    if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== METRICS_REPLY) return;
    const reply = message as MetricsReply;
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (reply.error !== undefined) waiter.reject(new Error(reply.error));
    else waiter.resolve({ contentType: reply.contentType, text: reply.text });
  });
  setMetricsSource(
    () =>
      new Promise<MetricsText>((resolve, reject) => {
        const id = ++next;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error('the cluster primary did not answer with metrics'));
        }, TIMEOUT_MS);
        pending.set(id, {
          resolve: (text) => {
            clearTimeout(timer);
            resolve(text);
          },
          reject: (err) => {
            clearTimeout(timer);
            reject(err);
          },
        });
        process.send?.({ type: METRICS_REQUEST, id });
      }),
  );
}
