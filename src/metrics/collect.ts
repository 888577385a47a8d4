/**
 * The text a scrape receives. One process: its own registry. A node:cluster worker: the sum
 * over every worker, assembled by the primary (cluster/primary.ts, cluster/worker.ts), so any worker the scrape
 * lands on answers for the whole machine.
 */
import { registry } from './registry.ts';

export interface MetricsText {
  contentType: string;
  text: string;
}

type Source = () => Promise<MetricsText>;

let source: Source = async () => ({ contentType: registry.contentType, text: await registry.metrics() });

/** Replaces where the text comes from (set by a cluster worker at start). */
export function setMetricsSource(next: Source): void {
  source = next;
}

export function metricsText(): Promise<MetricsText> {
  return source();
}
