/**
 * How one dictionary column reads in SQL: as a value of a RecordRow (what a rule sees), as text
 * (what STARTSWITH/CONTAINS search), and as a sort key. Shared by the query builder and the reader,
 * so a condition searches exactly the text the row shows.
 */
import type { ColumnType } from '../dictionary/definition.ts';
import type { ColumnInfo } from '../dictionary/model.ts';
import { identifier, type SqlText, sqlText } from './sql-text.ts';

/** A column's type as stored; `sys_id` is a uuid although the dictionary lists it as a string. */
export type Kind = ColumnType | 'uuid';

export function kindOf(column: ColumnInfo): Kind {
  return column.system && column.name === 'sys_id' ? 'uuid' : column.type;
}

/** Compared without regard to case, through lower() (the indexes of ddl.ts are on lower(column)). */
export const TEXT_KINDS = new Set<Kind>(['string', 'email', 'choice']);

/** Qualifies a physical column name with the alias of its row source (`t0."phone__e164"`). */
export type At = (physical: string) => SqlText;

/**
 * Column references made so far, by alias and column: a query names a handful of columns, each
 * several times, and escaping them again is most of what remains of building it. Bounded by the
 * dictionary's columns times MAX_HOPS aliases; emptied if a long-lived dictionary ever grows past it.
 */
const references = new Map<string, SqlText>();
const MAX_REFERENCES = 20_000;

export const aliasAt =
  (alias: string): At =>
  (physical) => {
    const key = `${alias}\u0000${physical}`;
    let reference = references.get(key);
    if (!reference) {
      if (references.size >= MAX_REFERENCES) references.clear();
      reference = sqlText`${identifier(alias)}.${identifier(physical)}`;
      references.set(key, reference);
    }
    return reference;
  };

/** The entries' text, newest first (entries are appended, so array order is time order). */
export const journalText = (column: SqlText) =>
  sqlText`(select string_agg(e.entry->>'text', chr(10) || chr(10) order by e.n desc) from jsonb_array_elements(${column}) with ordinality as e(entry, n))`;

/** ServiceNow's "YYYY-MM-DD HH:MM:SS", in UTC whatever the session's time zone. */
export const glideDateTime = (column: SqlText) =>
  sqlText`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS')`;

/** The column as a RecordRow value: JSON-ready on both drivers. */
export function valueSql(column: ColumnInfo, at: At): SqlText {
  const ref = at(column.name);
  switch (kindOf(column)) {
    case 'uuid':
    case 'reference':
      return sqlText`${ref}::text`;
    case 'datetime':
      return glideDateTime(ref);
    case 'journal':
      return journalText(ref);
    default:
      return ref;
  }
}

/** The column as the text a rule sees, for LIKE. */
export function textSql(column: ColumnInfo, at: At): SqlText {
  const kind = kindOf(column);
  if (kind === 'integer' || kind === 'boolean') return sqlText`${at(column.name)}::text`;
  return valueSql(column, at);
}

/** Text sorts without regard to case (as on the original platform); the rest by stored value, so indexes serve. */
export function sortSql(column: ColumnInfo, at: At): SqlText {
  const kind = kindOf(column);
  if (TEXT_KINDS.has(kind) && column.name !== 'sys_class_name') return sqlText`lower(${at(column.name)})`;
  if (kind === 'journal') return journalText(at(column.name));
  return at(column.name);
}
