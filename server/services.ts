/** What routes are given: built once in main.ts (or a test), passed to buildApp. */
import type { AccountService } from './accounts/accounts.ts';
import type { Config } from './config/env.ts';
import type { Database } from './db/database.ts';
import type { DictionaryStore } from './dictionary/store.ts';

export type Services = {
  config: Config;
  database: Database;
  dictionary: DictionaryStore;
  accounts: AccountService;
};
