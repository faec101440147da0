/** The dictionary the process works with; reloaded after a change so the next run sees it. */
import type { Database } from '../db/database.ts';
import type { Dictionary } from './model.ts';
import { loadDictionary } from './repository.ts';

export type DictionaryStore = {
  current(): Dictionary;
  replace(next: Dictionary): void;
  reload(): Promise<Dictionary>;
};

export function createDictionaryStore(database: Database, initial: Dictionary): DictionaryStore {
  let dictionary = initial;
  return {
    current: () => dictionary,
    replace(next) {
      dictionary = next;
    },
    async reload() {
      dictionary = await loadDictionary(database.db);
      return dictionary;
    },
  };
}
