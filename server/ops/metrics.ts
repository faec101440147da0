/**
 * `GET /metrics` (SPEC §12) in Prometheus's text format: /cti.do calls per rule and outcome with
 * their latency, every route's latency, the sandbox pools, the database pool and its health, and the
 * process (CPU, memory, event-loop lag). Each app has its own registry (tests build many apps); the
 * process's metrics come from one registry per process (process-metrics.ts).
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/database.ts';
import type { CallOutcome, Processor } from '../processor/process-call.ts';
import type { SandboxHost } from '../sandbox/types.ts';
import type { DatabaseHealth } from './database-health.ts';
import { registerCallLogMetrics, registerDatabaseMetrics, registerSandboxMetrics } from './pool-metrics.ts';
import { processRegistry } from './process-metrics.ts';

/** 1 ms to 10 s: a pop is a few milliseconds; a rule may run for its wall limit (2 s by default). */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type MetricSources = {
  sandbox: Pick<SandboxHost, 'stats'>;
  privileged: Pick<SandboxHost, 'stats'>;
  database: Pick<Database, 'kind' | 'stats'>;
  health: Pick<DatabaseHealth, 'up' | 'outages'>;
  callLog: Processor['callLog'];
};

/**
 * A call's labels. The rule is named only when it ran: a refused call may name any rule the caller
 * made up, and a label per made-up name would grow without bound.
 */
function callLabels(outcome: CallOutcome): { rule: string; outcome: string; code: string } {
  if (outcome.kind === 'answer') return { rule: outcome.rule, outcome: outcome.outcome, code: '' };
  if (outcome.kind === 'refused') return { rule: '', outcome: 'refused', code: outcome.code };
  if (outcome.error.code === 'UNAVAILABLE') return { rule: '', outcome: 'unavailable', code: 'UNAVAILABLE' };
  return { rule: outcome.rule, outcome: outcome.status === 503 ? 'busy' : 'error', code: outcome.error.code };
}

export function createAppMetrics(sources: MetricSources) {
  const registry = new Registry();
  const calls = new Counter({
    name: 'ctihost_cti_calls_total',
    help: '/cti.do calls by rule, outcome (answer, repeat, refused, error, busy, unavailable, internal) and error code.',
    labelNames: ['rule', 'outcome', 'code'],
    registers: [registry],
  });
  const callSeconds = new Histogram({
    name: 'ctihost_cti_call_duration_seconds',
    help: 'Time to decide a /cti.do call (rule choice, run, answer check, call log), by rule and outcome.',
    labelNames: ['rule', 'outcome'],
    buckets: BUCKETS,
    registers: [registry],
  });
  const callsInFlight = new Gauge({
    name: 'ctihost_cti_calls_in_flight',
    help: '/cti.do calls being decided now.',
    registers: [registry],
  });
  const requests = new Histogram({
    name: 'ctihost_http_request_duration_seconds',
    help: 'Time from a request to its response, by route (the registered path, not the URL) and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: BUCKETS,
    registers: [registry],
  });
  const requestsInFlight = new Gauge({
    name: 'ctihost_http_requests_in_flight',
    help: 'Requests received and not yet answered.',
    registers: [registry],
  });
  registerSandboxMetrics(registry, { client: sources.sandbox, privileged: sources.privileged });
  registerDatabaseMetrics(registry, sources.database, sources.health);
  registerCallLogMetrics(registry, sources.callLog);

  function observeCall(outcome: CallOutcome | null, seconds: number): void {
    const labels = outcome ? callLabels(outcome) : { rule: '', outcome: 'internal', code: 'INTERNAL' };
    calls.inc(labels);
    callSeconds.observe({ rule: labels.rule, outcome: labels.outcome }, seconds);
  }

  return {
    registry,
    observeCall,

    /** The processor, counting its calls: what it decides is unchanged. */
    instrument(processor: Processor): Processor {
      return {
        ...processor,
        async processCall(rawQuery, actor) {
          const started = performance.now();
          callsInFlight.inc();
          try {
            const outcome = await processor.processCall(rawQuery, actor);
            observeCall(outcome, (performance.now() - started) / 1000);
            return outcome;
          } catch (error) {
            observeCall(null, (performance.now() - started) / 1000);
            throw error;
          } finally {
            callsInFlight.dec();
          }
        },
      };
    },

    /** Request latency for every route, and `GET /metrics` itself. */
    install(app: FastifyInstance): void {
      app.addHook('onRequest', async (request, reply) => {
        const started = performance.now();
        requestsInFlight.inc();
        // 'close' comes for every response, also one whose client went away before it was sent.
        reply.raw.once('close', () => {
          requestsInFlight.dec();
          requests.observe(
            {
              method: request.method,
              route: request.routeOptions.url ?? 'unmatched',
              status: String(reply.statusCode),
            },
            (performance.now() - started) / 1000,
          );
        });
      });
      app.get('/metrics', async (_request, reply) => {
        const [process, own] = await Promise.all([processRegistry().metrics(), registry.metrics()]);
        return reply.type(registry.contentType).header('cache-control', 'no-store').send(`${process}${own}`);
      });
    },
  };
}

export type AppMetrics = ReturnType<typeof createAppMetrics>;
