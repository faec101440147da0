/**
 * How one dictionary column reads in SQL: as a value of a RecordRow (what a rule sees), as text
 * (what STARTSWITH/CONTAINS search), and as a sort key. Shared by the query builder and the reader,
 * so a condition searches exactly the text the row shows.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { ColumnType } from '../dictionary/definition.ts';
import type { ColumnInfo } from '../dictionary/model.ts';

/** A column's type as stored; `sys_id` is a uuid although the dictionary lists it as a string. */
export type Kind = ColumnType | 'uuid';

export function kindOf(column: ColumnInfo): Kind {
  return column.system && column.name === 'sys_id' ? 'uuid' : column.type;
}

/** Compared without regard to case, through lower() (the indexes of ddl.ts are on lower(column)). */
export const TEXT_KINDS = new Set<Kind>(['string', 'email', 'choice']);

/** Qualifies a physical column name with the alias of its row source (`t0."phone__e164"`). */
export type At = (physical: string) => SQL;

export const aliasAt =
  (alias: string): At =>
  (physical) =>
    sql`${sql.identifier(alias)}.${sql.identifier(physical)}`;

/** The entries' text, newest first (entries are appended, so array order is time order). */
export const journalText = (column: SQL) =>
  sql`(select string_agg(e.entry->>'text', chr(10) || chr(10) order by e.n desc) from jsonb_array_elements(${column}) with ordinality as e(entry, n))`;

/** ServiceNow's "YYYY-MM-DD HH:MM:SS", in UTC whatever the session's time zone. */
export const glideDateTime = (column: SQL) =>
  sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS')`;

/** The column as a RecordRow value: JSON-ready on both drivers. */
export function valueSql(column: ColumnInfo, at: At): SQL {
  const ref = at(column.name);
  switch (kindOf(column)) {
    case 'uuid':
    case 'reference':
      return sql`${ref}::text`;
    case 'datetime':
      return glideDateTime(ref);
    case 'journal':
      return journalText(ref);
    default:
      return ref;
  }
}

/** The column as the text a rule sees, for LIKE. */
export function textSql(column: ColumnInfo, at: At): SQL {
  const kind = kindOf(column);
  if (kind === 'integer' || kind === 'boolean') return sql`${at(column.name)}::text`;
  return valueSql(column, at);
}

/** Text sorts without regard to case (as on the original platform); the rest by stored value, so indexes serve. */
export function sortSql(column: ColumnInfo, at: At): SQL {
  const kind = kindOf(column);
  if (TEXT_KINDS.has(kind) && column.name !== 'sys_class_name') return sql`lower(${at(column.name)})`;
  if (kind === 'journal') return journalText(at(column.name));
  return at(column.name);
}
