/** The dictionary the process works with; reloaded after a change so the next run sees it. */
import type { Database } from '../db/database.ts';
import type { Dictionary } from './model.ts';
import { loadDictionary } from './repository.ts';

export type DictionaryStore = {
  current(): Dictionary;
  /** Takes the dictionary a change of this process committed, and tells `onReplace`. */
  replace(next: Dictionary): void;
  /** Reads it again, after another process's change; tells no one. */
  reload(): Promise<Dictionary>;
};

export function createDictionaryStore(
  database: Database,
  initial: Dictionary,
  hooks: { onReplace?: () => void } = {},
): DictionaryStore {
  let dictionary = initial;
  // Bumped by every assignment: a reload that another one overtook while it read loads again, so an
  // older read never replaces a newer dictionary.
  let generation = 0;
  return {
    current: () => dictionary,
    replace(next) {
      dictionary = next;
      generation += 1;
      hooks.onReplace?.();
    },
    async reload() {
      for (;;) {
        const started = generation;
        const next = await loadDictionary(database.db);
        if (started === generation) {
          dictionary = next;
          generation += 1;
          return dictionary;
        }
      }
    },
  };
}
