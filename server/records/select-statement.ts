/**
 * The SELECT statements of the record reader (reader.ts): every column of the table queried, shaped
 * as a RecordRow value (column-sql.ts), the query's conditions compiled (query-builder.ts), a stable
 * order, a page. Also the COUNT of a query, and the pieces a statement that nests one read in
 * another is made of (following-select.ts).
 */
import type { SQL } from 'drizzle-orm';
import type { ColumnInfo, Dictionary, TableInfo } from '../dictionary/model.ts';
import { valueSql } from './column-sql.ts';
import { type ParsedQuery, parseEncodedQuery } from './encoded-query.ts';
import { type BuildOptions, type CompiledQuery, compileQuery } from './query-builder.ts';
import { identifier, joinSql, type SqlText, sqlText, toDrizzle } from './sql-text.ts';
import { type FieldValue, RecordError, type RecordRow } from './types.ts';

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

/** The parts of a page's SELECT: its query compiled, its select list, its page checked. */
export type SelectPieces = {
  compiled: CompiledQuery;
  columns: ColumnInfo[];
  list: SqlText;
  limit: number;
  offset: number;
};

export function selectPieces(dictionary: Dictionary, spec: SelectSpec, options: BuildOptions): SelectPieces {
  const limit = checkPage('limit', spec.limit);
  const offset = checkPage('offset', spec.offset ?? 0);
  const compiled = compileQuery(dictionary, spec.table, parsed(spec.query), options);
  const { columns, list } = selectList(compiled.table, compiled.at);
  return { compiled, columns, list, limit, offset };
}

/**
 * The SELECT of the pieces (following-select.ts changes it): `where` in place of the query's own
 * condition, `extra` columns after the select list.
 */
export function selectText(pieces: SelectPieces, change: { where?: SqlText; extra?: SqlText } = {}): SqlText {
  const { compiled, list, limit, offset } = pieces;
  const columns = change.extra ? sqlText`${list}, ${change.extra}` : list;
  return sqlText`select ${columns} from ${compiled.from} where ${change.where ?? compiled.where} order by ${compiled.orderBy} limit ${limit} offset ${offset}`;
}

/** The full SELECT of a page of rows: each column shaped as a RecordRow value, ordered, limited. */
export function buildSelect(
  dictionary: Dictionary,
  spec: SelectSpec,
  options: BuildOptions,
): SelectStatement {
  const pieces = selectPieces(dictionary, spec, options);
  return { table: pieces.compiled.table, columns: pieces.columns, statement: toDrizzle(selectText(pieces)) };
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
