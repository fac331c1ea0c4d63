// Prometheus metrics, computed at scrape time from Redis and the database so every process reports the same.
import { Gauge, Registry } from 'prom-client';
import { QUEUE_NAMES } from '../adapters/queues.ts';
import type { WebDeps } from './server.ts';

export type MetricsCollector = (registry: Registry, deps: WebDeps) => void;
const collectors: MetricsCollector[] = [];

/** Later stages (sources, deliveries) add their gauges here. */
export function addMetrics(c: MetricsCollector) {
  collectors.push(c);
}

export function createMetrics(deps: WebDeps): Registry {
  const registry = new Registry();
  new Gauge({
    name: 'pressdesk_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const name of QUEUE_NAMES) {
        const counts = await deps.queues.get(name).getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
        for (const [state, n] of Object.entries(counts)) this.set({ queue: name, state }, n);
      }
    },
  });
  new Gauge({
    name: 'pressdesk_jobs_processed',
    help: 'Jobs completed or failed per queue over the last week (BullMQ metrics)',
    labelNames: ['queue', 'result'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const name of QUEUE_NAMES) {
        for (const result of ['completed', 'failed'] as const) {
          const m = await deps.queues.get(name).getMetrics(result, 0, 0);
          this.set({ queue: name, result }, m.meta.count);
        }
      }
    },
  });
  for (const c of collectors) c(registry, deps);
  return registry;
}
