/**
 * A parsed encoded query, checked against the dictionary, as SQL over the table's physical storage.
 * Every table and field is looked up in the dictionary before it is named, and only then through
 * `identifier` (sql-text.ts); values are bound by condition-sql.ts. Business tables only: any other name,
 * system tables included, is "unknown table", with no hint of what does exist.
 */
import type { ColumnInfo, Dictionary, TableInfo } from '../dictionary/model.ts';
import { type At, aliasAt, sortSql } from './column-sql.ts';
import { conditionSql, TEXT_MATCHES } from './condition-sql.ts';
import type { Condition, OrderBy, ParsedQuery } from './encoded-query.ts';
import { identifier, joinSql, type SqlText, sqlText } from './sql-text.ts';
import { inListText, storageText } from './sql-values.ts';
import { RecordError } from './types.ts';

/** Deeper dot-walks are refused: each hop is a nested subquery. */
export const MAX_HOPS = 5;
/**
 * A condition binds at most MAX_HOPS + 2 values, and a statement can bind at most 65534: past that the
 * driver fails it (a long enough encoded query did). 1000 keeps far below it, and above any real query.
 */
export const MAX_CONDITIONS = 1000;
/**
 * A hop ANDed with the rest of its group becomes a join PostgreSQL must plan, and planning time grows
 * far faster than the joins (30 took 0.14 s here, 100 a second, 200 ten; PGlite, one connection, was
 * blocked 9 s by 1000). Hops under an OR are not joined, so only the ANDed ones count. 32 is far
 * above any real rule's query (a handful) and bounds a hostile one.
 */
export const MAX_JOINED_HOPS = 32;

export type CompiledQuery = {
  table: TableInfo;
  /** `biz.<storage> as t0`: the alias every column of `where` and `orderBy` refers to. */
  from: SqlText;
  at: At;
  where: SqlText;
  /** Never empty: sys_id comes last, so limit/offset pages are stable. */
  orderBy: SqlText;
};

type Step = { table: TableInfo; column: ColumnInfo };

const aliasOf = (depth: number) => `t${depth}`;

export function resolveTable(dictionary: Dictionary, name: string): TableInfo {
  const table = dictionary.get(name);
  if (!table) throw new RecordError(`unknown table '${name}'`);
  return table;
}

/** `caller_id.department` on incident → [incident.caller_id, sys_user.department], each hop checked. */
export function resolveField(dictionary: Dictionary, table: TableInfo, field: string): Step[] {
  const names = field.split('.');
  if (names.length > MAX_HOPS + 1)
    throw new RecordError(`${field}: a field may dot-walk through at most ${MAX_HOPS} references`);
  const steps: Step[] = [];
  let current = table;
  for (const [index, name] of names.entries()) {
    const column = current.columns.get(name);
    if (!column) throw new RecordError(`${current.name} has no field ${name}`);
    steps.push({ table: current, column });
    if (index < names.length - 1) {
      if (column.type !== 'reference' || !column.reference) {
        throw new RecordError(
          `${current.name}.${name} is not a reference field, so ${field} cannot be dot-walked`,
        );
      }
      current = resolveTable(dictionary, column.reference);
    }
  }
  return steps;
}

/** Rows of this table's class and of the tables extending it (one physical table holds the hierarchy). */
function classFilter(table: TableInfo, at: At): SqlText {
  const column = at('sys_class_name');
  if (table.classes.length === 1) return sqlText`${column} = ${table.classes[0]!}::text`;
  return sqlText`${column} in ${inListText(table.classes, 'text')}`;
}

/** `caller_idSTARTSWITHab` searches the caller's display value (its name), as the platform's filters do. */
function withDisplayField(dictionary: Dictionary, steps: Step[], condition: Condition): Step[] {
  const last = steps.at(-1)!.column;
  if (last.type !== 'reference' || !TEXT_MATCHES.has(condition.operator)) return steps;
  const target = resolveTable(dictionary, last.reference!);
  const display = target.columns.get(target.displayField);
  if (!display || display.type === 'reference' || display.name === 'sys_id') return steps;
  return [...steps, { table: target, column: display }];
}

export type BuildOptions = { defaultRegion: string };

function conditionAt(steps: Step[], depth: number, condition: Condition, options: BuildOptions): SqlText {
  const [step, ...rest] = steps;
  const at = aliasAt(aliasOf(depth));
  if (rest.length === 0)
    return conditionSql(
      { column: step!.column, at },
      condition.operator,
      condition.value,
      options.defaultRegion,
    );
  // A hop is `reference in (select sys_id from <referenced> where …)`: no join, so no duplicate rows.
  const target = rest[0]!.table;
  const inner = aliasAt(aliasOf(depth + 1));
  const nested = conditionAt(rest, depth + 1, condition, options);
  return sqlText`(${at(step!.column.name)} in (select ${inner('sys_id')} from ${storageText(target.storage)} as ${identifier(aliasOf(depth + 1))} where ${classFilter(target, inner)} and ${nested}))`;
}

/** The sort key of a (possibly dot-walked) field: a hop is a scalar subquery on the referenced row. */
function sortAt(steps: Step[], depth: number): SqlText {
  const [step, ...rest] = steps;
  const at = aliasAt(aliasOf(depth));
  if (rest.length === 0) return sortSql(step!.column, at);
  const target = rest[0]!.table;
  const inner = aliasAt(aliasOf(depth + 1));
  return sqlText`(select ${sortAt(rest, depth + 1)} from ${storageText(target.storage)} as ${identifier(aliasOf(depth + 1))} where ${inner('sys_id')} = ${at(step!.column.name)})`;
}

function orderSql(dictionary: Dictionary, table: TableInfo, orderBy: readonly OrderBy[]): SqlText {
  const keys = orderBy.map((o) => {
    const key = sortAt(resolveField(dictionary, table, o.field), 0);
    return o.descending ? sqlText`${key} desc` : sqlText`${key} asc`;
  });
  keys.push(sqlText`${aliasAt(aliasOf(0))('sys_id')} asc`);
  return joinSql(keys, ', ');
}

export function compileQuery(
  dictionary: Dictionary,
  tableName: string,
  query: ParsedQuery,
  options: BuildOptions,
): CompiledQuery {
  const table = resolveTable(dictionary, tableName);
  const conditions = query.groups.flat().reduce((n, anyOf) => n + anyOf.length, 0);
  if (conditions > MAX_CONDITIONS) {
    throw new RecordError(
      `a query may hold at most ${MAX_CONDITIONS} conditions; this one holds ${conditions}`,
    );
  }
  const at = aliasAt(aliasOf(0));
  const groups = query.groups.map((group) => {
    let joinedHops = 0;
    const clauses = group.map((anyOf) => {
      const alternatives = anyOf.map((condition) => {
        const steps = withDisplayField(
          dictionary,
          resolveField(dictionary, table, condition.field),
          condition,
        );
        if (anyOf.length === 1) joinedHops += steps.length - 1;
        return conditionAt(steps, 0, condition, options);
      });
      if (joinedHops > MAX_JOINED_HOPS) {
        throw new RecordError(
          `a query may AND at most ${MAX_JOINED_HOPS} conditions on dot-walked fields or reference names (each hop counts)`,
        );
      }
      // An empty OR-list comes only from a hand-built AST; it constrains nothing, like an empty group.
      return alternatives.length === 0 ? sqlText`true` : sqlText`(${joinSql(alternatives, ' or ')})`;
    });
    return clauses.length === 0 ? sqlText`true` : sqlText`(${joinSql(clauses, ' and ')})`;
  });
  const filter = groups.length === 0 ? sqlText`true` : sqlText`(${joinSql(groups, ' or ')})`;
  return {
    table,
    from: sqlText`${storageText(table.storage)} as ${identifier(aliasOf(0))}`,
    at,
    where: sqlText`${classFilter(table, at)} and ${filter}`,
    orderBy: orderSql(dictionary, table, query.orderBy),
  };
}
