/**
 * The state of the pools as metrics, read when Prometheus scrapes: the two sandbox pools (the
 * client-callable rules' and the privileged service's) from `stats()`, and the database's pool as far
 * as the driver tells it, with the health's up/down.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Database } from '../db/database.ts';
import type { RecycleReason, SandboxHost } from '../sandbox/types.ts';
import type { DatabaseHealth } from './database-health.ts';

type Labels = Record<string, string>;

/**
 * A counter that mirrors a total kept elsewhere: each scrape adds what the total grew by. Every
 * series is reported from the first scrape, at 0 if need be, so a dashboard's rate() starts at once.
 */
function mirroredCounter(
  registry: Registry,
  config: { name: string; help: string; labelNames: readonly string[] },
  read: () => [Labels, number][],
): void {
  const seen = new Map<string, number>();
  new Counter({
    ...config,
    registers: [registry],
    collect() {
      for (const [labels, total] of read()) {
        const key = JSON.stringify(labels);
        const before = seen.get(key) ?? 0;
        this.inc(labels, Math.max(0, total - before));
        seen.set(key, total);
      }
    },
  });
}

function stateGauge(
  registry: Registry,
  config: { name: string; help: string; labelNames: readonly string[] },
  read: () => [Labels, number][],
): void {
  new Gauge({
    ...config,
    registers: [registry],
    collect() {
      for (const [labels, value] of read()) this.set(labels, value);
    },
  });
}

const RECYCLE_REASONS: readonly RecycleReason[] = [
  'contexts',
  'heap',
  'memory',
  'cpu',
  'wall',
  'catastrophic',
];

export function registerSandboxMetrics(
  registry: Registry,
  pools: Record<'client' | 'privileged', Pick<SandboxHost, 'stats'>>,
): void {
  const stats = () => Object.entries(pools).map(([pool, host]) => [pool, host.stats()] as const);
  const pool = ['pool'] as const;
  const gauges = [
    ['isolates', 'Isolates in the sandbox pool.', 'isolates'],
    ['busy_isolates', 'Isolates running a rule now.', 'busy'],
    ['queued_runs', 'Runs waiting for an isolate.', 'queued'],
    ['ready_contexts', 'Contexts ready for a run (reused or prepared).', 'readyContexts'],
  ] as const;
  for (const [name, help, field] of gauges) {
    stateGauge(registry, { name: `ctihost_sandbox_${name}`, help, labelNames: pool }, () =>
      stats().map(([label, s]) => [{ pool: label }, s[field]]),
    );
  }
  const counters = [
    ['runs_total', 'Rule runs started.', 'runs'],
    ['compiles_total', 'Rule scripts compiled.', 'compiles'],
    ['compile_cache_hits_total', 'Runs whose compiled script was cached.', 'compileHits'],
    ['contexts_created_total', 'Contexts prepared.', 'contextsCreated'],
    [
      'dirty_contexts_total',
      'Contexts a run left in a state that could not be put back (the next run went to a fresh one).',
      'dirtyContexts',
    ],
    [
      'catastrophic_errors_total',
      'Isolates whose script ignored termination; isolated-vm advises a restart after one.',
      'catastrophicErrors',
    ],
  ] as const;
  for (const [name, help, field] of counters) {
    mirroredCounter(registry, { name: `ctihost_sandbox_${name}`, help, labelNames: pool }, () =>
      stats().map(([label, s]) => [{ pool: label }, s[field]]),
    );
  }
  mirroredCounter(
    registry,
    {
      name: 'ctihost_sandbox_isolate_recycles_total',
      help: 'Isolates replaced, by reason.',
      labelNames: ['pool', 'reason'],
    },
    () =>
      stats().flatMap(([label, s]) =>
        RECYCLE_REASONS.map((reason): [Labels, number] => [{ pool: label, reason }, s.recycles[reason]]),
      ),
  );
}

export function registerDatabaseMetrics(
  registry: Registry,
  database: Pick<Database, 'kind' | 'stats'>,
  health: Pick<DatabaseHealth, 'up' | 'outages'>,
): void {
  const driver = { driver: database.kind };
  const labelNames = ['driver'] as const;
  stateGauge(
    registry,
    {
      name: 'ctihost_database_up',
      help: '1 while the database answers, 0 while it is taken as down.',
      labelNames,
    },
    () => [[driver, health.up ? 1 : 0]],
  );
  stateGauge(
    registry,
    {
      name: 'ctihost_database_pool_max_connections',
      help: 'Connections the pool may open (PGlite: one, in process).',
      labelNames,
    },
    () => [[driver, database.stats().maxConnections]],
  );
  mirroredCounter(
    registry,
    {
      name: 'ctihost_database_connections_closed_total',
      help: 'Pool connections closed or failed to open (server gone, network, the pool itself).',
      labelNames,
    },
    () => [[driver, database.stats().connectionsClosed]],
  );
  mirroredCounter(
    registry,
    { name: 'ctihost_database_outages_total', help: 'Times the database was taken as down.', labelNames },
    () => [[driver, health.outages]],
  );
}

/** The call log's rows written after their answers (call-log-writer.ts): waiting now, failed, and the statements that wrote them. */
export function registerCallLogMetrics(
  registry: Registry,
  callLog: { stats(): { pending: number; failed: number; batches: number } },
): void {
  stateGauge(
    registry,
    {
      name: 'ctihost_call_log_writes_pending',
      help: 'Calls answered whose call-log row is not written yet.',
      labelNames: [],
    },
    () => [[{}, callLog.stats().pending]],
  );
  mirroredCounter(
    registry,
    {
      name: 'ctihost_call_log_write_failures_total',
      help: 'Call-log rows that could not be written (the server log has each, with its call id).',
      labelNames: [],
    },
    () => [[{}, callLog.stats().failed]],
  );
  mirroredCounter(
    registry,
    {
      name: 'ctihost_call_log_batches_total',
      help: 'Insert statements that wrote call-log rows; under load one carries many rows.',
      labelNames: [],
    },
    () => [[{}, callLog.stats().batches]],
  );
}
