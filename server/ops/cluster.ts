/**
 * `ctihost serve --workers N` (node:cluster). One Node process leaves a core idle under load: its
 * main thread (HTTP, the record reads the rules ask for, JSON, the database driver) is the bottleneck,
 * not the isolates' threads. So the primary does the first-start work once (migrations, demo data, the
 * first admin and token, printed once), then forks N workers that share the port; it serves nothing
 * itself. A worker that dies is replaced after a backoff; SIGTERM or SIGINT on the primary is passed to
 * every worker, which answers its calls in flight and exits (the shutdown bound of server/main.ts).
 * PGlite is always one process: one process owns its data directory.
 */
import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../config/env.ts';

/** The answer header naming the worker (its pid) that answered: which process did what, behind one port. */
export const WORKER_HEADER = 'x-ctihost-worker';

/** Backoff before replacing a worker that died: doubles per quick death, reset by a worker that lived long. */
const RESPAWN_FIRST_MS = 250;
const RESPAWN_MAX_MS = 10_000;
/** A worker that lived this long died of something other than its start: the next replacement is quick again. */
const HEALTHY_AFTER_MS = 30_000;

type Logger = Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;

/** How many processes to run: `auto` is one per core on PostgreSQL; PGlite is always one. */
export function workerCount(config: Pick<Config, 'workers' | 'database'>, logger: Logger): number {
  if (config.database.kind === 'pglite') {
    if (config.workers !== 'auto' && config.workers > 1)
      logger.warn(
        { workers: config.workers },
        'the embedded database (PGlite) is owned by one process: serving with one worker; use DATABASE_URL (PostgreSQL) for more',
      );
    return 1;
  }
  return config.workers === 'auto' ? availableParallelism() : config.workers;
}

export const isClusterWorker = (): boolean => cluster.isWorker;

/** In a worker: every answer names its pid, so the tests (and an operator) can see who answered. */
export function nameWorkerInAnswers(app: FastifyInstance): void {
  const pid = String(process.pid);
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header(WORKER_HEADER, pid);
    return payload;
  });
}

/**
 * Whether a worker's exit after the stop signal means the stop went wrong. A worker exits 0 once it
 * has answered its calls; one that had not listened yet (still opening the database) has no call to
 * answer, and the SIGTERM that ends it before its own handler is in place is a clean stop too.
 */
export function stopFailed(code: number | null, signal: string | null, listened: boolean): boolean {
  if (code === 0) return false;
  return listened || signal !== 'SIGTERM';
}

export type PrimaryOptions = {
  workers: number;
  /** The environment the workers start with (server/main.ts reads it as `npm start` would). */
  env: Record<string, string | undefined>;
  /** Where the workers listen; port 0 is a free port picked here, the same for every worker. */
  address: { host: string; port: number };
  logger: Logger;
  /** How long the workers may take to finish after SIGTERM before they are killed. */
  shutdownLimitMs: number;
};

/**
 * The primary: forks the workers (server/main.ts) and keeps their number, until a signal. Exits 0 once
 * every worker has exited 0 after the signal; 1 if one did not, or if a worker died before any listened
 * (a start that cannot succeed, such as a port in use, is not retried forever).
 */
export async function runPrimary(options: PrimaryOptions): Promise<void> {
  const { logger } = options;
  cluster.setupPrimary({
    exec: new URL('../main.ts', import.meta.url).pathname,
    args: [],
    // isolated-vm needs it in every process that makes isolates (STYLE.md).
    execArgv: [...new Set([...process.execArgv, '--no-node-snapshot'])],
  });
  // fork merges its env over process.env: a variable the caller removed (the CLI's --data-dir drops
  // DATABASE_URL) is given as empty, which the config reads as unset.
  const env: Record<string, string> = {};
  for (const name of Object.keys(process.env)) env[name] = '';
  for (const [name, value] of Object.entries(options.env)) env[name] = value ?? '';
  // Workers asking for port 0 each get a port of their own; one port shared is the point.
  env.PORT = String(options.address.port || (await freePort(options.address.host)));

  let stopping = false;
  let listened = false;
  let failed = false;
  let quickDeaths = 0;
  const startedAt = new Map<Worker, number>();
  const serving = new Set<Worker>();

  const fork = () => {
    const worker = cluster.fork(env);
    startedAt.set(worker, Date.now());
    worker.once('listening', () => {
      listened = true;
      serving.add(worker);
    });
  };

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker) ?? Date.now());
    startedAt.delete(worker);
    const served = serving.delete(worker);
    const pid = worker.process.pid;
    if (stopping) {
      if (stopFailed(code, signal, served)) failed = true;
      logger.info({ pid, code, signal }, 'worker exited');
      if (startedAt.size === 0) {
        logger.info('every worker has exited: shut down');
        process.exit(failed ? 1 : 0);
      }
      return;
    }
    if (!listened) {
      logger.error({ pid, code, signal }, 'a worker died before any worker listened: stopping');
      failed = true;
      stop('start failed');
      return;
    }
    quickDeaths = lived >= HEALTHY_AFTER_MS ? 0 : quickDeaths + 1;
    const delayMs = Math.min(RESPAWN_MAX_MS, RESPAWN_FIRST_MS * 2 ** Math.max(0, quickDeaths - 1));
    logger.error(
      { pid, code, signal, livedMs: lived, restartInMs: delayMs },
      'worker died: starting a replacement',
    );
    setTimeout(() => {
      if (!stopping) fork();
    }, delayMs);
  });

  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(
      { reason, workers: startedAt.size },
      'shutting down: every worker answers its calls in flight',
    );
    for (const worker of startedAt.keys()) worker.process.kill('SIGTERM');
    if (startedAt.size === 0) process.exit(failed ? 1 : 0);
    // The workers bound their own shutdown; this is the bound's bound, for a worker that hangs.
    const force = setTimeout(() => {
      logger.error({ limitMs: options.shutdownLimitMs }, 'workers took too long to stop: killing them');
      for (const worker of startedAt.keys()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, options.shutdownLimitMs + 2000);
    force.unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  logger.info({ workers: options.workers }, 'starting workers');
  for (let i = 0; i < options.workers; i++) fork();
}

async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
