/**
 * THE parser of ServiceNow encoded queries (`active=true^priority<=2^ORpriority=5^NQ…^ORDERBYDESCopened_at`),
 * shared by the sandbox's GlideRecord and the popped screens, so both read a query the same way.
 * Pure: it knows the grammar only; fields are checked against the dictionary by query-builder.ts.
 *
 * Grammar: parts are separated by `^` (AND); `^^` inside a value is a literal `^`. A part starting
 * with `OR` is OR'd with the condition before it (OR binds tighter than AND), `NQ` starts a new
 * query (the queries are OR'd), `ORDERBY`/`ORDERBYDESC` order the rows, and `EQ` (which
 * ServiceNow's list URLs append) ends nothing and is ignored. Empty parts (`a=1^`) are skipped.
 * Field names are lower case, operators upper case or symbols, which keeps the prefixes unambiguous.
 */
import { RecordError } from './types.ts';

export const OPERATORS = [
  '=',
  '!=',
  '>',
  '>=',
  '<',
  '<=',
  'IN',
  'NOT IN',
  'STARTSWITH',
  'ENDSWITH',
  'CONTAINS',
  'DOESNOTCONTAIN',
  // What ServiceNow's own filters write for "contains" / "does not contain"; kept apart so text round-trips.
  'LIKE',
  'NOT LIKE',
  'ISEMPTY',
  'ISNOTEMPTY',
] as const;
export type Operator = (typeof OPERATORS)[number];

export type Condition = { field: string; operator: Operator; value: string };
/** Conditions OR'd together: `a=1^ORb=2`. */
export type AnyOf = Condition[];
/** Clauses AND'ed together: one query between `^NQ` separators. */
export type QueryGroup = AnyOf[];
export type OrderBy = { field: string; descending: boolean };
/** `groups` are OR'd; no group at all means every row. */
export type ParsedQuery = { groups: QueryGroup[]; orderBy: OrderBy[] };

export const VALUELESS = new Set<Operator>(['ISEMPTY', 'ISNOTEMPTY']);

/** Longest first, so `a<=1` is `<=` and not `<` with the value `=1`. */
const BY_LENGTH = [...OPERATORS].sort((a, b) => b.length - a.length);
const FIELD = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*/;
const WHOLE_FIELD = new RegExp(`${FIELD.source}$`);

export const isOperator = (text: string): text is Operator => (OPERATORS as readonly string[]).includes(text);
export const isFieldPath = (text: string) => WHOLE_FIELD.test(text);

const fail = (raw: string, reason: string): never => {
  throw new RecordError(`invalid encoded query part '${raw}': ${reason}`);
};

/**
 * Splits on single `^`; `^^` is a literal `^`. Keeps each part as written, for messages. Cuts with
 * slices rather than growing strings a character at a time (a pop parses several queries).
 */
export function splitParts(text: string): { raw: string; text: string }[] {
  const parts: { raw: string; text: string }[] = [];
  let start = 0;
  for (let i = text.indexOf('^'); i >= 0; i = text.indexOf('^', i)) {
    if (text[i + 1] === '^') {
      i += 2; // an escaped ^: part of the value
      continue;
    }
    parts.push(part(text.slice(start, i)));
    start = i + 1;
    i = start;
  }
  parts.push(part(text.slice(start)));
  return parts;
}

/** Within a part every ^ belongs to a pair, paired from the left as the scan above read them. */
const part = (raw: string) => ({ raw, text: raw.includes('^') ? raw.replaceAll('^^', '^') : raw });

function parseCondition(text: string, raw: string): Condition {
  const field = FIELD.exec(text)?.[0];
  if (!field) return fail(raw, 'expected a field name (lower case) before the operator');
  const rest = text.slice(field.length);
  const operator = BY_LENGTH.find((op) => rest.startsWith(op));
  if (!operator) return fail(raw, `unknown operator after '${field}'`);
  const value = rest.slice(operator.length);
  if (VALUELESS.has(operator) && value !== '') return fail(raw, `${operator} takes no value`);
  return { field, operator, value };
}

export function parseEncodedQuery(text: string): ParsedQuery {
  const groups: QueryGroup[] = [];
  const orderBy: OrderBy[] = [];
  let group: QueryGroup = [];
  for (const { raw, text: part } of splitParts(text)) {
    if (part === '' || part === 'EQ') continue;
    if (part.startsWith('ORDERBY')) {
      const descending = part.startsWith('ORDERBYDESC');
      const field = part.slice(descending ? 11 : 7);
      if (!WHOLE_FIELD.test(field)) fail(raw, 'expected a field name to order by');
      orderBy.push({ field, descending });
    } else if (part.startsWith('NQ')) {
      if (group.length > 0) groups.push(group);
      group = [];
      if (part.length > 2) group.push([parseCondition(part.slice(2), raw)]);
    } else if (part.startsWith('OR')) {
      const previous = group.at(-1);
      if (!previous) fail(raw, 'there is no condition before it to OR with');
      previous!.push(parseCondition(part.slice(2), raw));
    } else {
      group.push([parseCondition(part, raw)]);
    }
  }
  if (group.length > 0) groups.push(group);
  return { groups, orderBy };
}

/** `^` doubled, as the parser reads it back. */
export const escapeValue = (value: string) => value.replaceAll('^', '^^');

export function encodeCondition(field: string, operator: Operator, value: string): string {
  if (!isFieldPath(field))
    throw new RecordError(`cannot encode the field '${field}': expected a lower-case field name`);
  if (!isOperator(operator)) throw new RecordError(`cannot encode the operator '${String(operator)}'`);
  if (VALUELESS.has(operator)) return `${field}${operator}`;
  // `a<` followed by `=1` would read back as `a<=1`: the grammar has no way to write it.
  if ((operator === '<' || operator === '>') && value.startsWith('=')) {
    throw new RecordError(
      `cannot encode ${field}${operator}${value}: a value after ${operator} cannot start with =`,
    );
  }
  return `${field}${operator}${escapeValue(value)}`;
}

export function encodeQuery(query: ParsedQuery): string {
  const groups = query.groups
    .map((group) =>
      group
        .filter((clause) => clause.length > 0)
        .map((clause) => clause.map((c) => encodeCondition(c.field, c.operator, c.value)).join('^OR'))
        .join('^'),
    )
    .filter((group) => group !== '');
  const order = query.orderBy.map((o) => {
    if (!isFieldPath(o.field))
      throw new RecordError(`cannot encode the field '${o.field}': expected a lower-case field name`);
    return `ORDERBY${o.descending ? 'DESC' : ''}${o.field}`;
  });
  return [groups.join('^NQ'), ...order].filter((part) => part !== '').join('^');
}
