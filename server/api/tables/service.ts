/**
 * The business tables as admins see and extend them (SPEC §4, §10). Reads come from the database,
 * so an admin sees what another process added too; every change goes through applyDefinitions (DDL
 * in one transaction under the dictionary lock, adding only), and the dictionary it returns replaces
 * the process's, so the next rule run, import and screen see it.
 */
import { applyDefinitions } from '../../dictionary/apply.ts';
import type { ColumnDefinition, TableDefinition } from '../../dictionary/definition.ts';
import type { Dictionary, TableInfo } from '../../dictionary/model.ts';
import { loadDictionary } from '../../dictionary/repository.ts';
import { AppError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { checkDisplayFields, checkInheritedColumns } from './definition-checks.ts';
import { assignNumberPrefixes } from './number-prefix.ts';
import { type TableSummary, type TableView, tableSummary, tableView } from './table-view.ts';

export type TableServiceDeps = Pick<Services, 'database' | 'dictionary'>;

export type TableService = {
  list(): Promise<TableSummary[]>;
  get(name: string): Promise<TableView>;
  create(definition: TableDefinition): Promise<TableView>;
  addColumn(table: string, column: ColumnDefinition): Promise<TableView>;
};

/** One answer for a name that is no business table, whether unknown or a system table. */
export function businessTable(dictionary: Dictionary, name: string): TableInfo {
  const table = dictionary.get(name);
  if (!table) throw new AppError('NOT_FOUND', `no business table named ${name}`);
  return table;
}

export function createTableService(deps: TableServiceDeps): TableService {
  const load = () => loadDictionary(deps.database.db);

  return {
    async list() {
      return (await load()).tables.map(tableSummary).sort((a, b) => a.name.localeCompare(b.name));
    },

    async get(name) {
      return tableView(businessTable(await load(), name));
    },

    async create(input) {
      const dictionary = await load();
      if (dictionary.has(input.name)) throw new AppError('CONFLICT', `table ${input.name} already exists`);
      checkInheritedColumns(dictionary, input);
      checkDisplayFields(dictionary, [input]);
      const definitions = assignNumberPrefixes(dictionary, [input]);
      // 'conflict': another process may have created the same table since this one last looked.
      const result = await applyDefinitions(deps.database, definitions, { onExistingTable: 'conflict' });
      deps.dictionary.replace(result.dictionary);
      return tableView(businessTable(result.dictionary, input.name));
    },

    async addColumn(name, column) {
      const table = businessTable(await load(), name);
      const taken = table.columns.get(column.name);
      if (taken) {
        const where = taken.table === name ? '' : ` (inherited from ${taken.table})`;
        throw new AppError('CONFLICT', `column ${column.name} already exists on ${name}${where}`);
      }
      const result = await applyDefinitions(deps.database, [{ name, columns: [column] }], {
        onExistingTable: 'merge',
      });
      deps.dictionary.replace(result.dictionary);
      // Added meanwhile by another process with the same type: applying added nothing.
      if (!result.columnsAdded.includes(`${name}.${column.name}`)) {
        throw new AppError('CONFLICT', `column ${column.name} already exists on ${name}`);
      }
      return tableView(businessTable(result.dictionary, name));
    },
  };
}
