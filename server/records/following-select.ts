/**
 * A read and the reads that follow from its first row (sandbox/read-ahead.ts), in ONE statement: the
 * lookup of a caller by phone, and the open incidents of the caller it finds
 * (`caller_id=<that user's sys_id>^active=true`). Made one after the other they cost two round trips
 * to the database on every call; here the following reads ride along with their source:
 *
 *   select <the source's columns>,
 *     case when row_number() over (order by <the source's order>) = <its offset + 1> then
 *       (select coalesce(json_agg("f"), '[]')::text
 *          from (select <the field of this row> as "v") as "src"
 *          cross join lateral (<the following read, the field's value written as "src"."v">) as "f")
 *     end as "__following_0", …
 *   from … where … order by … limit … offset …
 *
 * The source's rows come back as its own select would give them; each following read's rows come
 * as the JSON text of its rows, on the first row only (the one whose value it follows), in its own
 * order (an aggregate over an ordered subquery keeps that order in PostgreSQL, as PostgREST relies on).
 * Its values are those of the select list (column-sql.ts), which are JSON-ready by design.
 *
 * Only values PostgreSQL compares exactly as the query builder would bind them: a sys_id or a
 * reference, written where the builder binds a uuid. The builder changes other values before it binds
 * them (a phone number to E.164, a LIKE pattern), which the database alone cannot repeat.
 */
import type { Dictionary } from '../dictionary/model.ts';
import { normaliseSysId } from '../dictionary/values.ts';
import { kindOf, valueSql } from './column-sql.ts';
import type { BuildOptions, CompiledQuery } from './query-builder.ts';
import { type SelectSpec, type SelectStatement, selectPieces, selectText } from './select-statement.ts';
import {
  identifier,
  joinSql,
  rawSql,
  replaceBoundValue,
  type SqlText,
  sqlText,
  toDrizzle,
} from './sql-text.ts';
import type { FollowingRead } from './types.ts';

const FOLLOWED_VALUE = rawSql('"src"."v"');

/** The column of the source's first row that holds the JSON of following read `index`; no dictionary column starts with `__`. */
export const followingColumn = (index: number) => `__following_${index}`;

/**
 * A following read's part of the statement depends only on the dictionary, its source's table and
 * field, and its own request with the placeholder: the same on every call of a rule, so it is built
 * once (about a third of the statement's building, on the path of every pop). Bounded.
 */
const partsByDictionary = new WeakMap<Dictionary, Map<string, SqlText | null>>();
const MAX_PARTS = 256;

/** The JSON text of the following read's rows for the source row at `source.at`, or null (see above). */
function followingRowsJson(
  dictionary: Dictionary,
  source: CompiledQuery,
  read: FollowingRead,
  options: BuildOptions,
): SqlText | null {
  let parts = partsByDictionary.get(dictionary);
  if (!parts) {
    parts = new Map();
    partsByDictionary.set(dictionary, parts);
  }
  const { request } = read;
  const key = [
    source.table.name,
    read.field,
    read.placeholder,
    options.defaultRegion,
    request.table,
    request.query,
    request.limit,
    request.offset ?? 0,
  ].join('\u0000');
  const known = parts.get(key);
  if (known !== undefined) return known;
  const made = buildRowsJson(dictionary, source, read, options);
  if (parts.size >= MAX_PARTS) parts.clear();
  parts.set(key, made);
  return made;
}

function buildRowsJson(
  dictionary: Dictionary,
  source: CompiledQuery,
  read: FollowingRead,
  options: BuildOptions,
): SqlText | null {
  // The placeholder must reach the SQL as it was given, to be found there.
  if (normaliseSysId(read.placeholder) !== read.placeholder) return null;
  const column = source.table.columns.get(read.field);
  if (!column || !['uuid', 'reference'].includes(kindOf(column))) return null;
  const pieces = selectPieces(dictionary, read.request, options);
  const where = replaceBoundValue(pieces.compiled.where, read.placeholder, '::uuid', FOLLOWED_VALUE);
  if (!where) return null;
  return sqlText`(select coalesce(json_agg("f"), '[]')::text from (select ${valueSql(column, source.at)} as "v") as "src" cross join lateral (${selectText(pieces, { where })}) as "f")`;
}

/** The one statement, or null when a following read's value cannot be put in by the database (see above). */
export function buildSelectWithFollowing(
  dictionary: Dictionary,
  spec: SelectSpec,
  following: readonly FollowingRead[],
  options: BuildOptions,
): SelectStatement | null {
  const source = selectPieces(dictionary, spec, options);
  const { compiled } = source;
  const extra: SqlText[] = [];
  for (const [index, read] of following.entries()) {
    const rowsJson = followingRowsJson(dictionary, compiled, read, options);
    if (!rowsJson) return null;
    extra.push(
      sqlText`case when row_number() over (order by ${compiled.orderBy}) = ${source.offset + 1} then ${rowsJson} end as ${identifier(followingColumn(index))}`,
    );
  }
  if (extra.length === 0) return null;
  return {
    table: compiled.table,
    columns: source.columns,
    statement: toDrizzle(selectText(source, { extra: joinSql(extra, ', ') })),
  };
}
