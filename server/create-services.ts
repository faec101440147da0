/**
 * Builds the services of one process around an open, prepared database: the same wiring for the
 * server (main.ts), the tests and the CLI. Close them with `closeServices` (the sandbox's isolates,
 * the connection listening for other processes' changes).
 */
import type { FastifyBaseLogger } from 'fastify';
import { createAccountService } from './accounts/accounts.ts';
import { withCredentialCache } from './accounts/credential-cache.ts';
import type { Config } from './config/env.ts';
import { type ChangeNotices, startChangeNotices } from './db/change-notices.ts';
import type { Database } from './db/database.ts';
import { preparedRows } from './db/prepared-rows.ts';
import type { Dictionary } from './dictionary/model.ts';
import { createDictionaryStore } from './dictionary/store.ts';
import { createPrivilegedHandlers } from './privileged/service.ts';
import { createProcessor } from './processor/process-call.ts';
import { createRecordReader } from './records/reader.ts';
import { createRuleService } from './rules/service.ts';
import { createSandboxHost } from './sandbox/host.ts';
import { ruleStatementTimeoutMs } from './sandbox/limit-watch.ts';
import type { SandboxHost } from './sandbox/types.ts';
import type { Services } from './services.ts';

const noticesOf = new WeakMap<Services, ChangeNotices>();

export function createServices(
  config: Config,
  database: Database,
  dictionary: Dictionary,
  logger?: FastifyBaseLogger,
): Services {
  // Changes made here are told to the other processes on the same PostgreSQL; theirs drop these caches.
  let notices: ChangeNotices | undefined;
  const store = createDictionaryStore(database, dictionary, {
    onReplace: () => notices?.notify('dictionary'),
  });
  // The hot path's reads as prepared statements (PostgreSQL): planned once, not on every call.
  const reader = createRecordReader({
    database: preparedRows(database),
    dictionary: store.current,
    defaultRegion: config.defaultRegion,
  });
  // Rules read on connections whose statements PostgreSQL stops shortly after the run's wall limit:
  // a run stopped at its limit does not leave its query running (a sort of a million incidents by
  // their caller's name takes minutes), holding a connection and a core, for as long as it likes.
  // A privileged call's transaction carries the same timeout.
  const statementTimeoutMs = ruleStatementTimeoutMs(config.sandbox);
  const ruleReader = createRecordReader({
    database: database.boundedRows(statementTimeoutMs),
    dictionary: store.current,
    defaultRegion: config.defaultRegion,
  });
  const accounts = withCredentialCache(createAccountService(database.db), () => notices?.notify('accounts'));
  const log = logger ? { logger } : {};
  // Rules first: the privileged handlers look rules up; the sandbox checks syntax for the rules service.
  let sandbox: SandboxHost | undefined;
  const rules = createRuleService({
    database,
    compile: (script, name) => sandbox!.compile(script, name),
    onChange: () => notices?.notify('rules'),
  });
  const handlers = createPrivilegedHandlers({
    database,
    dictionary: store,
    defaultRegion: config.defaultRegion,
    findRule: (name, db) => rules.find(name, db),
    functionNames: () => rules.functionNames(),
    host: () => privileged,
    maxDepth: config.privileged.callDepth,
    maxWrites: config.privileged.maxWrites,
    statementTimeoutMs,
  });
  sandbox = createSandboxHost({
    limits: config.sandbox,
    reader: ruleReader,
    handlers,
    queueLimit: config.sandboxQueue,
    ...log,
  });
  // Non-client-callable rules run on isolates of their own: their caller's isolate waits meanwhile,
  // so sharing one pool could leave a caller waiting for its own isolate.
  const privileged = createSandboxHost({
    limits: config.sandbox,
    reader: ruleReader,
    handlers,
    isolates: 2,
    ...log,
  });
  const processor = createProcessor({ database, dictionary: store, rules, sandbox, config, logger });
  notices = startChangeNotices({
    database,
    url: config.database.kind === 'postgres' ? config.database.url : undefined,
    refresh: async (kind) => {
      if (kind === 'dictionary') return store.reload();
      if (kind === 'rules') return rules.forgetCache();
      return accounts.forgetCache();
    },
    ...log,
  });
  const services: Services = {
    config,
    database,
    dictionary: store,
    accounts,
    reader,
    sandbox,
    privileged,
    rules,
    processor,
  };
  noticesOf.set(services, notices);
  return services;
}

export async function closeServices(services: Services): Promise<void> {
  // Calls still being decided (their clients may have hung up) are answered and in the call log
  // before the isolates and the database close.
  await services.processor.drained();
  await noticesOf.get(services)?.close();
  // Both at once: each waits for its isolates' teardown (sandbox/host.ts, close).
  await Promise.all([services.sandbox.close(), services.privileged.close()]);
}
