/**
 * autocannon against one or more ports at once: the connections are split over the ports (as a load
 * balancer without sticky sessions spreads them), every request path comes from `path(i)` so each call
 * is a different caller, and each answer's latency is kept, so percentiles over all ports are exact.
 */
import autocannon from 'autocannon';

export type CannonRun = {
  ports: number[];
  connections: number;
  seconds: number;
  path: (i: number) => string;
  headers: Record<string, string>;
};

export type CannonResult = {
  /** Answers with a 2xx status per second, over the whole run. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  answered: number;
  failed: number;
  /** The statuses of the failed answers, with how many of each. */
  failures: Record<string, number>;
  errors: number;
};

const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

export async function cannon(run: CannonRun): Promise<CannonResult> {
  const latencies: number[] = [];
  let failed = 0;
  const failures: Record<string, number> = {};
  let counter = 0;
  const shares = run.ports
    .map((port, i) => ({
      port,
      connections:
        Math.floor(run.connections / run.ports.length) + (i < run.connections % run.ports.length ? 1 : 0),
    }))
    .filter((share) => share.connections > 0);
  const started = performance.now();
  const results = await Promise.all(
    shares.map((share) =>
      autocannon({
        url: `http://127.0.0.1:${share.port}`,
        connections: share.connections,
        duration: run.seconds,
        headers: run.headers,
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => ({ ...request, path: run.path(counter++) }),
          },
        ],
        setupClient: (client) => {
          client.on('response', (status, _bytes, ms) => {
            if (status >= 200 && status < 300) latencies.push(ms);
            else {
              failed++;
              failures[status] = (failures[status] ?? 0) + 1;
            }
          });
        },
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    answered: latencies.length,
    failed,
    failures,
    errors: results.reduce((sum, result) => sum + result.errors, 0),
  };
}
