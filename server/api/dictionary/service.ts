/**
 * The whole dictionary as a file (SPEC §10; the format of `ctihost dictionary pull|push`): export it,
 * and take one back, adding the tables and columns it has that the database lacks. Idempotent, and
 * never drops or rewrites: a file that differs about what exists is reported or refused (differences.ts).
 */
import { applyDefinitions } from '../../dictionary/apply.ts';
import type { DictionaryFile } from '../../dictionary/definition.ts';
import { loadDictionary } from '../../dictionary/repository.ts';
import type { Services } from '../../services.ts';
import { checkDisplayFields, checkUniqueNames } from '../tables/definition-checks.ts';
import { assignNumberPrefixes } from '../tables/number-prefix.ts';
import { differencesOf } from './differences.ts';

export type DictionaryImport = {
  tablesAdded: string[];
  /** `table.column`, for columns added to tables that existed and to new ones alike. */
  columnsAdded: string[];
  /** What the file says differently about what exists, left as it is. */
  differences: string[];
};

export type DictionaryService = {
  export(): Promise<DictionaryFile>;
  import(file: DictionaryFile): Promise<DictionaryImport>;
};

export function createDictionaryService(deps: Pick<Services, 'database' | 'dictionary'>): DictionaryService {
  return {
    // From the database, not this process's copy: the file is the truth every process shares.
    export: async () => (await loadDictionary(deps.database.db)).toFile(),

    async import(file) {
      checkUniqueNames(file.tables);
      const dictionary = await loadDictionary(deps.database.db);
      const differences = differencesOf(dictionary, file);
      checkDisplayFields(dictionary, file.tables);
      const definitions = assignNumberPrefixes(dictionary, file.tables);
      const result = await applyDefinitions(deps.database, definitions, { onExistingTable: 'merge' });
      deps.dictionary.replace(result.dictionary);
      return { tablesAdded: result.tablesAdded, columnsAdded: result.columnsAdded, differences };
    },
  };
}
