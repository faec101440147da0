/**
 * The process entry: config → database → migrations and first start → app → listen → graceful close.
 * Everything that can be a parameter is one; this file only wires and reports.
 */
import { pino } from 'pino';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config/env.ts';
import { closeServices, createServices } from './create-services.ts';
import { openDatabase } from './db/database.ts';
import { loadDictionary } from './dictionary/repository.ts';
import { isClusterWorker, nameWorkerInAnswers, runPrimary, workerCount } from './ops/cluster.ts';
import { acquireDataDirLock, type DataDirLock, DataDirLockedError } from './ops/data-dir-lock.ts';
import { guardDriverDefects } from './ops/driver-defects.ts';
import { firstStart } from './ops/first-start.ts';

/** How long a shutdown may take: calls in flight are bounded by the sandbox's wall limit, well under this. */
const SHUTDOWN_LIMIT_MS = 10_000;

/** One process per PGlite directory: a second one stops here, before it opens a file. */
function lockDataDir(dataDir: string): DataDirLock {
  try {
    const lock = acquireDataDirLock(dataDir);
    // Also on process.exit from a failed start or the shutdown limit; a killed process leaves a stale lock.
    process.once('exit', () => lock.release());
    return lock;
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      process.stderr.write(`ctihost: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

export async function serve(env: Record<string, string | undefined> = process.env): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`ctihost: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = pino({ level: config.logLevel, base: { service: 'ctihost' } });
  const target = config.database;
  const lock = target.kind === 'pglite' ? lockDataDir(target.dataDir) : null;
  logger.info(
    { database: target.kind, ...(target.kind === 'pglite' ? { dataDir: target.dataDir } : {}) },
    'opening the database',
  );
  const database = await openDatabase(target);
  guardDriverDefects(database, logger);
  const worker = isClusterWorker();
  const workers = worker ? 1 : workerCount(config, logger);
  if (workers > 1) {
    // The primary serves nothing: it prepares the database once, then forks the workers (ops/cluster.ts).
    await firstStart(config, database, logger);
    await database.close();
    await runPrimary({
      workers,
      env,
      address: { host: config.host, port: config.port },
      logger,
      shutdownLimitMs: SHUTDOWN_LIMIT_MS,
    });
    return;
  }
  // A worker finds the database prepared by its primary.
  const dictionary = worker ? await loadDictionary(database.db) : await firstStart(config, database, logger);
  const services = createServices(config, database, dictionary, logger);

  const app = await buildApp(services, { logger });
  if (worker) nameWorkerInAnswers(app);
  let closing = false;
  // Stop accepting, answer the calls in flight (app.close waits for them; see ops/graceful-close.ts),
  // then the isolates, the database and the lock.
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    const started = Date.now();
    logger.info({ signal }, 'shutting down: answering the calls in flight');
    const force = setTimeout(() => {
      logger.error({ limitMs: SHUTDOWN_LIMIT_MS }, 'shutdown took too long: exiting anyway');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS);
    force.unref();
    try {
      await app.close();
      await closeServices(services);
      await database.close();
      lock?.release();
      logger.info({ ms: Date.now() - started }, 'shut down');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void close('SIGTERM'));
  process.on('SIGINT', () => void close('SIGINT'));
  await app.listen({ host: config.host, port: config.port });
}

if (import.meta.main) {
  serve().catch((error: unknown) => {
    process.stderr.write(
      `ctihost: could not start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
