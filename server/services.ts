/** What routes are given: built once by createServices (main.ts, or a test), passed to buildApp. */
import type { CachedAccountService } from './accounts/credential-cache.ts';
import type { Config } from './config/env.ts';
import type { Database } from './db/database.ts';
import type { DictionaryStore } from './dictionary/store.ts';
import type { Processor } from './processor/process-call.ts';
import type { RecordReader } from './records/types.ts';
import type { RuleService } from './rules/service.ts';
import type { SandboxHost } from './sandbox/types.ts';

export type Services = {
  config: Config;
  database: Database;
  dictionary: DictionaryStore;
  /** Token and session lookups cached, dropped on every change (credential-cache.ts). */
  accounts: CachedAccountService;
  reader: RecordReader;
  sandbox: SandboxHost;
  /** The isolates that run non-client-callable rules (SPEC §8). */
  privileged: SandboxHost;
  rules: RuleService;
  processor: Processor;
};
