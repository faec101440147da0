/**
 * The RecordReader of types.ts over the business tables: what the sandbox host and the popped
 * screens read through. The dictionary is a getter, read on every call, because admins change it
 * at run time and the next query must see the change.
 *
 * A row holds the columns of the table queried (system, inherited and own): a query on task gives
 * task's columns for every row, incidents included, and a child's own columns are read by querying
 * the child. Values are shaped in SQL (column-sql.ts), so both drivers return the same JSON.
 */
import type { SQL } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import type { ColumnInfo, Dictionary, TableInfo } from '../dictionary/model.ts';
import { valueSql } from './column-sql.ts';
import { type ParsedQuery, parseEncodedQuery } from './encoded-query.ts';
import { type BuildOptions, type CompiledQuery, compileQuery } from './query-builder.ts';
import { identifier, joinSql, type SqlText, sqlText, toDrizzle } from './sql-text.ts';
import {
  type FieldValue,
  RecordError,
  type RecordReader,
  type RecordRow,
  type TableDescription,
} from './types.ts';

export type RecordReaderDeps = {
  database: Pick<Database, 'rows'>;
  dictionary: () => Dictionary;
  defaultRegion: string;
};

/** A query as text (parsed here) or already parsed (the sandbox builds conditions one by one). */
export type SelectSpec = { table: string; query: string | ParsedQuery; limit: number; offset?: number };
export type SelectStatement = { table: TableInfo; columns: ColumnInfo[]; statement: SQL };

const parsed = (query: string | ParsedQuery) =>
  typeof query === 'string' ? parseEncodedQuery(query) : query;

function checkPage(name: 'limit' | 'offset', value: number): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RecordError(`${name} must be a whole number, 0 or more`);
  return value;
}

/** The full SELECT of a page of rows: each column shaped as a RecordRow value, ordered, limited. */
export function buildSelect(
  dictionary: Dictionary,
  spec: SelectSpec,
  options: BuildOptions,
): SelectStatement {
  const limit = checkPage('limit', spec.limit);
  const offset = checkPage('offset', spec.offset ?? 0);
  const compiled = compileQuery(dictionary, spec.table, parsed(spec.query), options);
  const { columns, list } = selectList(compiled.table, compiled.at);
  return {
    table: compiled.table,
    columns,
    statement: toDrizzle(
      sqlText`select ${list} from ${compiled.from} where ${compiled.where} order by ${compiled.orderBy} limit ${limit} offset ${offset}`,
    ),
  };
}

type SelectList = { columns: ColumnInfo[]; list: SqlText };
const selectLists = new WeakMap<TableInfo, SelectList>();

/**
 * Every column of the table shaped as a RecordRow value. It depends only on the table (a changed
 * dictionary has new TableInfo objects) and binds no value, so it is built once per table.
 */
function selectList(table: TableInfo, at: CompiledQuery['at']): SelectList {
  const known = selectLists.get(table);
  if (known) return known;
  const columns = [...table.columns.values()];
  const list = joinSql(
    columns.map((column) => sqlText`${valueSql(column, at)} as ${identifier(column.name)}`),
    ', ',
  );
  // Values bound here would be bound again by every statement: the list has none, and must stay so.
  if (list.values.length > 0) throw new Error(`the select list of ${table.name} binds values`);
  const made = { columns, list };
  selectLists.set(table, made);
  return made;
}

export function buildCount(
  dictionary: Dictionary,
  spec: Omit<SelectSpec, 'limit' | 'offset'>,
  options: BuildOptions,
): SQL {
  const compiled = compileQuery(dictionary, spec.table, parsed(spec.query), options);
  return toDrizzle(sqlText`select count(*)::int as n from ${compiled.from} where ${compiled.where}`);
}

/** Only the table's columns, each present (null when empty): what crosses into a sandbox is exactly this. */
export function toRecordRow(columns: readonly ColumnInfo[], raw: Record<string, unknown>): RecordRow {
  const row: RecordRow = {};
  for (const column of columns) {
    const value = raw[column.name];
    row[column.name] = value === undefined || value === null ? null : (value as FieldValue);
  }
  return row;
}

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
    async count(request) {
      const rows = await deps.database.rows<{ n: number }>(buildCount(deps.dictionary(), request, options));
      return rows[0]?.n ?? 0;
    },
  };
}
