/**
 * The process's own metrics (CPU, resident memory, heap, garbage collection, event-loop lag) from
 * prom-client's default collectors. They describe the process, not an app, so they live in one
 * registry per process, made on first use: collecting them again for every app a test builds would
 * start another event-loop monitor and GC observer each time. Never prom-client's global registry.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | undefined;

export function processRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    // 10 ms is prom-client's default resolution for the event-loop delay histogram; said here as a choice.
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  }
  return registry;
}
