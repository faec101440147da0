/**
 * Pops under load (issue 10): autocannon against real processes on PostgreSQL with 100k users and
 * 1M incidents, each request a different caller's phone through the default rule, at concurrency
 * 1, 10 and 50, beside a baseline in the same run: a plain fastify route making the same lookups with
 * the postgres driver and no sandbox (helpers/baseline-server.ts), one process.
 *
 * Also at concurrency 300, an overload (see CONCURRENCY).
 *
 * Set-ups: ctihost as one process; as two processes on two ports, the connections split between them
 * by two autocannon instances (as a load balancer without sticky sessions spreads them; at
 * concurrency 1 the one connection goes to one of them); and as `serve --workers 2` (one port, the
 * cluster's primary spreading connections). Rate limits are off in the measured processes.
 * Target: at concurrency 50, at least 60 % of the baseline's pops per second and a p99 under 50 ms.
 *
 * The load generator runs in this process, on the same machine as the servers and PostgreSQL, so all
 * share its cores: read the numbers as relative. BENCH_SECONDS (default 10) per measurement;
 * BENCH_SETUPS picks set-ups by name (`baseline,one,two,workers`; default all) for a quicker A/B.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { BenchResult, BenchRow } from './harness.ts';
import { BENCH_TOKEN, openBenchData } from './helpers/bench-database.ts';
import { type CannonResult, cannon } from './helpers/cannon.ts';
import {
  cpuSeconds,
  freePort,
  mainThreadCpuSeconds,
  postgresCpuSeconds,
  startBenchServer,
} from './helpers/processes.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/**
 * 300 is not a target: it is a flood of six times the target's clients, each sending its next call
 * the moment the last is answered (refusals included), to show that pops keep being answered rather
 * than drowned in refusals (README, "A burst of calls").
 */
const CONCURRENCY = [1, 10, 50, 300];
const TARGET_SHARE = 0.6;
const TARGET_P99_MS = 50;

/** `single`: one process serves every port, so its main thread's CPU per pop means something. */
type Target = { label: string; ports: number[]; pid: number; single: boolean; stop(): Promise<unknown> };

async function startBaseline(url: string): Promise<Target> {
  const port = await freePort();
  const child = spawn(
    join(process.cwd(), 'node_modules/.bin/node'),
    ['test/bench/helpers/baseline-server.ts'],
    {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: url, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => String(chunk).includes('listening') && resolve());
    child.on('exit', (code) => reject(new Error(`the baseline server exited with ${code}`)));
  });
  return {
    label: 'baseline: plain fastify + postgres, no sandbox',
    ports: [port],
    pid: child.pid!,
    single: true,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

const failedAs = (result: CannonResult) =>
  [
    ...Object.entries(result.failures).map(([status, n]) => `${n}× ${status}`),
    ...(result.errors ? [`${result.errors} connection errors`] : []),
  ].join(', ');

export default async function bench(): Promise<BenchResult> {
  const data = await openBenchData(5000);
  const notes = [...data.notes];
  const env = { DATABASE_URL: data.url, RATE_LIMIT_TOKEN_PER_MINUTE: '0' };
  const headers = { authorization: `Bearer ${BENCH_TOKEN}`, accept: 'application/json' };
  const path = (i: number) =>
    `/cti.do?sysparm_caller_phone=${encodeURIComponent(data.phones[i % data.phones.length]!)}`;

  const setups: [string, () => Promise<Target>][] = [
    ['baseline', () => startBaseline(data.url)],
    [
      'one',
      async () => {
        const one = await startBenchServer({ ...env, WORKERS: '1' });
        return {
          label: 'ctihost, one process',
          ports: [one.port],
          pid: one.child.pid!,
          single: true,
          stop: one.stop,
        };
      },
    ],
    [
      'two',
      async () => {
        const [a, b] = await Promise.all([
          startBenchServer({ ...env, WORKERS: '1' }),
          startBenchServer({ ...env, WORKERS: '1' }),
        ]);
        return {
          label: 'ctihost, two processes (two ports, connections split)',
          ports: [a.port, b.port],
          // The CPU column counts the first; the second is measured alike.
          pid: a.child.pid!,
          single: false,
          stop: () => Promise.all([a.stop(), b.stop()]),
        };
      },
    ],
    [
      'workers',
      async () => {
        const cluster = await startBenchServer({ ...env, WORKERS: '2' });
        return {
          label: 'ctihost, serve --workers 2 (one port)',
          ports: [cluster.port],
          pid: cluster.child.pid!,
          single: false,
          stop: cluster.stop,
        };
      },
    ],
  ];
  const wanted = (process.env.BENCH_SETUPS ?? 'baseline,one,two,workers').split(',');
  const unknown = wanted.filter((name) => !setups.some(([known]) => known === name));
  if (unknown.length)
    throw new Error(
      `BENCH_SETUPS: unknown set-up ${unknown.join(', ')} (known: baseline, one, two, workers)`,
    );
  if (!wanted.includes('baseline')) throw new Error('BENCH_SETUPS: the baseline is always measured; add it');

  type Measured = { label: string; concurrency: number; result: CannonResult; cpu: number; perPop: string };
  const results: Measured[] = [];
  for (const [name, setup] of setups) {
    if (!wanted.includes(name)) continue;
    const target = await setup();
    try {
      // Warm: isolates, prepared statements, the database's cache.
      await cannon({ ports: target.ports, connections: 10, seconds: 3, path, headers });
      for (const concurrency of CONCURRENCY) {
        const cpuBefore = cpuSeconds(target.pid);
        const mainBefore = mainThreadCpuSeconds(target.pid);
        const postgresBefore = postgresCpuSeconds();
        const started = performance.now();
        const result = await cannon({
          ports: target.ports,
          connections: concurrency,
          seconds: SECONDS,
          path,
          headers,
        });
        const seconds = (performance.now() - started) / 1000;
        const used = cpuSeconds(target.pid) - cpuBefore;
        // CPU per answered pop, in µs: where a pop's cost goes when the machine, not the design, is the limit.
        const perPop = (spent: number) => ((spent * 1e6) / Math.max(1, result.answered)).toFixed(0);
        const shares = [
          ...(target.single ? [`main thread ${perPop(mainThreadCpuSeconds(target.pid) - mainBefore)}`] : []),
          `process${target.single ? '' : 'es'} ${perPop(used * target.ports.length)}`,
          `PostgreSQL ${perPop(postgresCpuSeconds() - postgresBefore)}`,
        ];
        results.push({
          label: target.label,
          concurrency,
          result,
          cpu: used / seconds,
          perPop: `CPU µs per pop: ${shares.join(', ')}`,
        });
        process.stderr.write(
          `  ${target.label}, c=${concurrency}: ${result.perSecond.toFixed(0)}/s p50 ${result.p50Ms.toFixed(1)} ms p99 ${result.p99Ms.toFixed(1)} ms\n`,
        );
      }
    } finally {
      await target.stop();
    }
  }

  const baselineAt = (concurrency: number) =>
    results.find((r) => r.concurrency === concurrency && r.label.startsWith('baseline'))!.result;
  const rows: BenchRow[] = results.map(({ label, concurrency, result, cpu, perPop }) => {
    const baseline = baselineAt(concurrency);
    const share = result.perSecond / baseline.perSecond;
    const failed = result.failed + result.errors;
    return {
      label: `${label}, c=${concurrency}: ${result.perSecond.toFixed(0)} pops/s, ${(share * 100).toFixed(0)} % of baseline, CPU ${(cpu * 100).toFixed(0)} % (${perPop})${failed ? `, FAILED: ${failedAs(result)}` : ''}`,
      medianUs: result.p50Ms * 1000,
      p99Us: result.p99Ms * 1000,
      ratio: result.p50Ms / baseline.p50Ms,
    };
  });
  for (const { label, concurrency, result } of results) {
    if (concurrency !== 50 || label.startsWith('baseline')) continue;
    const share = result.perSecond / baselineAt(50).perSecond;
    const met = share >= TARGET_SHARE && result.p99Ms < TARGET_P99_MS;
    notes.push(
      `${label}, c=50: ${(share * 100).toFixed(0)} % of baseline (target ≥ ${TARGET_SHARE * 100} %), p99 ${result.p99Ms.toFixed(1)} ms (target < ${TARGET_P99_MS} ms): ${met ? 'met' : 'NOT met'}`,
    );
  }
  notes.push(
    `${SECONDS} s per measurement after a 3 s warm-up; a different caller's phone per request (${data.phones.length} callers); latency ratio = p50 over the baseline's p50 at the same concurrency; CPU = the measured process (and its workers) as a share of one core, and per answered pop: its main thread (one process only), the process (for two processes, the first's times two) and every PostgreSQL process of the machine`,
    "load generator, servers and PostgreSQL share this machine's cores",
  );
  return { title: 'pops under load (autocannon, real processes, PostgreSQL)', rows, notes };
}
