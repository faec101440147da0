/**
 * The RecordReader of types.ts over the business tables: what the sandbox host and the popped
 * screens read through. The dictionary is a getter, read on every call, because admins change it
 * at run time and the next query must see the change.
 *
 * A row holds the columns of the table queried (system, inherited and own): a query on task gives
 * task's columns for every row, incidents included, and a child's own columns are read by querying
 * the child. Values are shaped in SQL (column-sql.ts), so both drivers return the same JSON.
 */
import type { Database } from '../db/database.ts';
import type { Dictionary, TableInfo } from '../dictionary/model.ts';
import { buildSelectWithFollowing, followingColumn } from './following-select.ts';
import { buildCount, buildSelect, type SelectStatement, toRecordRow } from './select-statement.ts';
import type { RecordReader, TableDescription } from './types.ts';

export type RecordReaderDeps = {
  database: Pick<Database, 'rows'>;
  dictionary: () => Dictionary;
  defaultRegion: string;
};

/**
 * Descriptions are asked on every run of a rule (they travel with its start): built once per table
 * of a dictionary (a changed dictionary has new TableInfo objects) and shared, so frozen.
 */
const descriptions = new WeakMap<TableInfo, TableDescription>();

export function describeTable(table: TableInfo): TableDescription {
  let description = descriptions.get(table);
  if (!description) {
    description = deepFreeze(buildDescription(table));
    descriptions.set(table, description);
  }
  return description;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function buildDescription(table: TableInfo): TableDescription {
  return {
    name: table.name,
    label: table.label,
    ...(table.extends ? { extends: table.extends } : {}),
    displayField: table.displayField,
    columns: [...table.columns.values()].map((c) => ({
      name: c.name,
      type: c.type,
      label: c.label,
      ...(c.reference ? { reference: c.reference } : {}),
      ...(c.choices ? { choices: c.choices.map((choice) => ({ ...choice })) } : {}),
    })),
  };
}

export function createRecordReader(deps: RecordReaderDeps): RecordReader {
  const options = { defaultRegion: deps.defaultRegion };
  return {
    describe(table) {
      const info = deps.dictionary().get(table);
      return info ? describeTable(info) : undefined;
    },
    dictionaryToken: () => deps.dictionary(),
    async select(request) {
      const { columns, statement } = buildSelect(deps.dictionary(), request, options);
      const rows = await deps.database.rows(statement);
      return rows.map((raw) => toRecordRow(columns, raw));
    },
    selectWithFollowing(request, following) {
      let built: SelectStatement | null;
      try {
        built = buildSelectWithFollowing(deps.dictionary(), request, following, options);
      } catch {
        return null; // the reads made one by one report what is wrong with them
      }
      if (!built) return null;
      const { columns, statement } = built;
      return deps.database.rows(statement).then((raws) => ({
        rows: raws.map((raw) => toRecordRow(columns, raw)),
        following: following.map((_, index) => {
          const json = raws[0]?.[followingColumn(index)];
          return typeof json === 'string' ? json : null;
        }),
      }));
    },
    async count(request) {
      const rows = await deps.database.rows<{ n: number }>(buildCount(deps.dictionary(), request, options));
      return rows[0]?.n ?? 0;
    },
  };
}
