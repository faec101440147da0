/**
 * One condition on one (already validated) column, as SQL: the operator semantics of the original
 * platform per column type. Every value is a bound parameter; identifiers come from `At`.
 *
 * - text (string, email, choice) compares without regard to case, through lower();
 * - integer, boolean, datetime and sys_ids are coerced as on the platform ('2' → 2, 'true'); a
 *   value that cannot be coerced makes the condition match nothing, never an error;
 * - a phone compared with =, !=, IN, NOT IN matches on its E.164 column when the value parses
 *   as a phone number, else on its text;
 * - `field=` (empty) is ISEMPTY and `field!=` ISNOTEMPTY: stored values are never '' (it is null);
 * - negative operators (!=, NOT IN, DOESNOTCONTAIN, NOT LIKE) follow SQL: empty fields do not match.
 */
import { type ColumnInfo, e164Column } from '../dictionary/model.ts';
import { coerceValue, normaliseSysId } from '../dictionary/values.ts';
import { type At, journalText, type Kind, kindOf, TEXT_KINDS, textSql } from './column-sql.ts';
import type { Operator } from './encoded-query.ts';
import { toE164 } from './phone.ts';
import { joinSql, rawSql, type SqlText, sqlText } from './sql-text.ts';

export type Target = { column: ColumnInfo; at: At };
type Scalar = string | number | boolean;

const NOTHING = sqlText`false`;
const COMPARISONS: Partial<Record<Operator, string>> = { '>': '>', '>=': '>=', '<': '<', '<=': '<=' };
const LIKE_PATTERNS: Partial<Record<Operator, (v: string) => string>> = {
  STARTSWITH: (v) => `${v}%`,
  ENDSWITH: (v) => `%${v}`,
  CONTAINS: (v) => `%${v}%`,
  LIKE: (v) => `%${v}%`,
  DOESNOTCONTAIN: (v) => `%${v}%`,
  'NOT LIKE': (v) => `%${v}%`,
};
export const TEXT_MATCHES = new Set(Object.keys(LIKE_PATTERNS) as Operator[]);
const NEGATED = new Set<Operator>(['!=', 'NOT IN', 'DOESNOTCONTAIN', 'NOT LIKE']);
const CASTS: Record<'uuid' | 'reference' | 'integer' | 'boolean' | 'datetime', string> = {
  uuid: 'uuid',
  reference: 'uuid',
  integer: 'integer',
  boolean: 'boolean',
  datetime: 'timestamptz',
};

/** LIKE's own characters taken literally (backslash is PostgreSQL's default LIKE escape). */
export const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The value in the column's own type, or undefined when it cannot be one (the condition then matches nothing). */
function coerce(column: ColumnInfo, kind: Kind, raw: string): Scalar | undefined {
  if (kind === 'uuid' || kind === 'reference') return normaliseSysId(raw) ?? undefined;
  if (kind === 'integer' || kind === 'boolean' || kind === 'datetime') {
    // Choices constrain what is stored, not what is compared: `priority<9` is a fair question.
    const { choices: _choices, ...plain } = column;
    const result = coerceValue(plain, raw);
    // A date in the year 0 ('0001-01-01T00:00+01:00' falls in it) is refused like an integer past
    // 2^31: PostgreSQL could not compare it, and no stored value can equal it.
    return result.ok && result.value !== null && !Array.isArray(result.value) ? result.value : undefined;
  }
  return raw;
}

/** A list bound as ONE json parameter (drizzle would expand an array into a tuple; see sql-values.ts). */
function jsonList(values: Scalar[], cast: string, lower = false): SqlText {
  const item = lower ? sqlText`lower(value)` : sqlText`value::${rawSql(cast)}`;
  return sqlText`(select ${item} from jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
}

function isEmpty(target: Target): SqlText {
  const kind = kindOf(target.column);
  const column = target.at(target.column.name);
  if (kind === 'journal') return sqlText`(${column} is null or jsonb_array_length(${column}) = 0)`;
  if (TEXT_KINDS.has(kind) || kind === 'phone') return sqlText`(${column} is null or ${column} = '')`;
  return sqlText`(${column} is null)`;
}

/** A side of a comparison: the column expression, one bound value, a bound list of values. */
type Side = { column: SqlText; one: (v: Scalar) => SqlText; many: (vs: Scalar[]) => SqlText };

/** "is one of": a single value uses `=`, so the index serves directly. */
function memberOf(side: Side, values: Scalar[]): SqlText {
  return values.length === 1
    ? sqlText`${side.column} = ${side.one(values[0]!)}`
    : sqlText`${side.column} in ${side.many(values)}`;
}

export const listItems = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** Case-insensitive sides of a text comparison. sys_class_name holds lower-case identifiers only,
 * so it is compared as is and its plain index serves. */
function caseless(target: Target): Side {
  const { column, at } = target;
  if (column.system && column.name === 'sys_class_name') {
    const lowered = (v: Scalar) => String(v).toLowerCase();
    return {
      column: at(column.name),
      one: (v) => sqlText`${lowered(v)}::text`,
      many: (vs) => jsonList(vs.map(lowered), 'text'),
    };
  }
  const expr = kindOf(column) === 'journal' ? journalText(at(column.name)) : at(column.name);
  return {
    column: sqlText`lower(${expr})`,
    one: (v) => sqlText`lower(${String(v)}::text)`,
    many: (vs) => jsonList(vs, 'text', true),
  };
}

function typed(target: Target, kind: Kind): Side {
  const cast = CASTS[kind as keyof typeof CASTS] ?? 'text';
  return {
    column: target.at(target.column.name),
    one: (v) => sqlText`${v}::${rawSql(cast)}`,
    many: (vs) => jsonList(vs, cast),
  };
}

function phoneMatch(target: Target, items: string[], region: string): SqlText {
  const e164s: string[] = [];
  const raws: string[] = [];
  for (const item of items) {
    const e164 = toE164(item, region);
    if (e164) e164s.push(e164);
    else raws.push(item);
  }
  const e164 = target.at(e164Column(target.column.name));
  const matches: SqlText[] = [];
  if (e164s.length > 0)
    matches.push(
      memberOf({ column: e164, one: (v) => sqlText`${v}::text`, many: (vs) => jsonList(vs, 'text') }, e164s),
    );
  if (raws.length > 0) matches.push(memberOf(caseless(target), raws));
  return sqlText`(${joinSql(matches, ' or ')})`;
}

/**
 * PostgreSQL text cannot hold NUL (U+0000) and refuses a bound value holding one with an error, so no
 * stored value contains it: such a value is one the column cannot hold, and matches nothing.
 */
const storable = (value: string) => !value.includes('\u0000');

/** IN/= over a list of items, each coerced; undefined when no item can be a value of the column. */
function listMatch(target: Target, kind: Kind, all: string[], region: string): SqlText | undefined {
  const items = all.filter(storable);
  if (items.length === 0) return undefined;
  if (kind === 'phone') return phoneMatch(target, items, region);
  if (TEXT_KINDS.has(kind) || kind === 'journal') return memberOf(caseless(target), items);
  // An item that cannot be coerced equals nothing, so it drops out of the list.
  const values = items.map((item) => coerce(target.column, kind, item)).filter((v) => v !== undefined);
  return values.length === 0 ? undefined : memberOf(typed(target, kind), values);
}

export function conditionSql(target: Target, operator: Operator, written: string, region: string): SqlText {
  // A lone surrogate is not text: the postgres driver binds it as U+FFFD (and so stored it), while
  // PGlite can fail the statement with an encoding error, and a list's JSON refuses its escape. Made
  // well-formed here, the value reads the same on both databases, as what was stored.
  const value = written.toWellFormed();
  const kind = kindOf(target.column);
  if (operator === 'ISEMPTY' || (operator === '=' && value === '')) return isEmpty(target);
  if (operator === 'ISNOTEMPTY' || (operator === '!=' && value === ''))
    return sqlText`(not ${isEmpty(target)})`;
  const negate = (match: SqlText) =>
    NEGATED.has(operator) ? sqlText`(not (${match}))` : sqlText`(${match})`;
  const pattern = LIKE_PATTERNS[operator];
  // A list drops its NUL items in listMatch; any other value holding one can match nothing.
  if (operator !== 'IN' && operator !== 'NOT IN' && !storable(value)) return NOTHING;
  if (pattern) {
    return negate(
      sqlText`lower(${textSql(target.column, target.at)}) like lower(${pattern(escapeLike(value))}::text)`,
    );
  }
  if (operator === 'IN' || operator === 'NOT IN' || operator === '=' || operator === '!=') {
    // `=` is a list of one: phones, coercion and case rules are then the same as for IN.
    const match = listMatch(
      target,
      kind,
      operator === 'IN' || operator === 'NOT IN' ? listItems(value) : [value],
      region,
    );
    return match ? negate(match) : NOTHING;
  }
  const comparison = rawSql(COMPARISONS[operator]!);
  if (TEXT_KINDS.has(kind) || kind === 'journal' || kind === 'phone') {
    const side = caseless(target);
    return sqlText`(${side.column} ${comparison} ${side.one(value)})`;
  }
  const coerced = coerce(target.column, kind, value);
  if (coerced === undefined) return NOTHING;
  const side = typed(target, kind);
  return sqlText`(${side.column} ${comparison} ${side.one(coerced)})`;
}
