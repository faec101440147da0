/**
 * fast-check arbitraries for the property tests of the record layer: the pieces of the encoded-query
 * grammar, values that have broken query builders elsewhere, and the ways people write a phone number.
 */
import fc from 'fast-check';
import { RESERVED_TABLE_NAMES } from '../../server/dictionary/definition.ts';
import { escapeValue, OPERATORS, type Operator, VALUELESS } from '../../server/records/encoded-query.ts';
import { RecordError } from '../../server/records/types.ts';

export const TABLES = ['sys_user', 'task', 'incident'] as const;
export type Table = (typeof TABLES)[number];

const TASK_FIELDS = [
  'sys_id',
  'sys_class_name',
  'sys_created_on',
  'number',
  'short_description',
  'description',
  'state',
  'priority',
  'active',
  'caller_id',
  'assigned_to',
  'opened_at',
  'category',
  'work_notes',
  'comments',
  'caller_id.name',
  'caller_id.phone',
  'caller_id.vip',
  'caller_id.sys_id',
  'assigned_to.department',
  'opened_by.sys_created_on',
];
export const FIELDS: Record<Table, string[]> = {
  sys_user: [
    'sys_id',
    'sys_class_name',
    'sys_updated_on',
    'name',
    'user_name',
    'last_name',
    'email',
    'phone',
    'mobile_phone',
    'department',
    'vip',
    'active',
  ],
  task: TASK_FIELDS,
  incident: TASK_FIELDS,
};
/** Well-formed or not, none of these is a field of the shipped tables. */
const BAD_FIELDS = [
  'nope',
  'accounts',
  'pg_class',
  'constructor',
  '__proto__',
  'caller_id.accounts',
  'name.first',
  'caller_id.name.first',
  'a.b.c.d.e.f.g',
  'NAME',
  'caller_id.',
  'name;drop table rules',
  '"name"',
];

/** How the parser refuses a part of an encoded query. */
export const PARSE_REFUSAL =
  /^invalid encoded query part '[\s\S]*': (expected a field name \(lower case\) before the operator|unknown operator after '[a-z0-9_.]+'|(ISEMPTY|ISNOTEMPTY) takes no value|there is no condition before it to OR with|expected a field name to order by)$/;
/** What the messages of a refusal may say; anything else is not a message written for a rule author. */
export const REFUSALS = [
  PARSE_REFUSAL,
  /^(sys_user|task|incident) has no field [a-z][a-z0-9_]*$/,
  /^[a-z][a-z0-9_.]*: a field may dot-walk through at most \d+ references$/,
  /^(sys_user|task|incident)\.[a-z0-9_]+ is not a reference field, so [a-z0-9_.]+ cannot be dot-walked$/,
  /^a query may hold at most \d+ conditions; this one holds \d+$/,
  /^a query may AND at most \d+ conditions on dot-walked fields or reference names \(each hop counts\)$/,
];
/** Names of the system tables and catalogs no message may mention unless the input did. */
export const SYSTEM_NAMES = [...RESERVED_TABLE_NAMES, 'pg_', 'information_schema'];

/** The message of a refusal, checked; anything but a RecordError is rethrown, failing the property. */
export function refusalMessage(error: unknown, input: string): string {
  if (!(error instanceof RecordError)) throw error;
  const { message } = error;
  if (!REFUSALS.some((shape) => shape.test(message)))
    throw new Error(`not a refusal written for a rule author: ${JSON.stringify(message)}`);
  for (const name of SYSTEM_NAMES)
    if (message.includes(name) && !input.includes(name))
      throw new Error(`the refusal names ${name}: ${JSON.stringify(message)}`);
  return message;
}

/** Any UTF-16 code unit: NUL, control characters and lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const GRAMMAR_CHARS = [...'^=<>!,.%_\\\'"; ()-+'];
export const anyText = (maxLength = 24) =>
  fc.string({ unit: fc.oneof(codeUnit, fc.constantFrom(...GRAMMAR_CHARS)), maxLength });

const FRAGMENTS = [
  "' or '1'='1",
  "'); drop table accounts; --",
  '; select * from pg_tables --',
  'information_schema.tables',
  '1=1',
  'now()',
  'null',
  '$1',
  '$$',
  "E'\\x00'",
  '%',
  '_',
  '\\',
  '\\%',
  '^',
  ',',
  ' , ',
  '\u0000',
  '\ud800',
  '\udfff',
  '\ud83d\ude00',
  'É',
  'true',
  'FALSE',
  '1',
  '-1',
  '2147483648',
  '0000-01-01',
  '0001-01-01T00:00:00+01:00',
  '2026-01-02 09:00:00',
  '9999-12-31T23:59:59Z',
  '6816f79c-c0a8-0164-01c5-a33be04be441',
  '6816F79CC0A8016401C5A33BE04BE441',
  '(415) 555-0142',
  '+1 415 555 0142',
  '001 415 555 0142',
  'tel:+1-415-555-0142',
  'abel',
  'Abel Tuter',
  'INC0000001',
];
/** One value of a condition, written as it would be (a `^` in it is a separator of the encoded text). */
export const anyValue = fc.oneof(
  fc.constantFrom(...FRAGMENTS),
  fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 2, maxLength: 4 }).map((parts) => parts.join('')),
  anyText(),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc
    .tuple(fc.constantFrom('a', '%', '\\', '9', '^', 'é', ','), fc.integer({ min: 1_000, max: 40_000 }))
    .map(([text, times]) => text.repeat(times)),
);

const part = (table: Table) => {
  const field = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...FIELDS[table]) },
    fc.constantFrom(...BAD_FIELDS),
  );
  const condition = fc
    .tuple(field, fc.constantFrom<Operator>(...OPERATORS), anyValue, fc.nat(9))
    .map(([f, operator, value, dice]) => {
      // ISEMPTY and ISNOTEMPTY take no value, mostly; a value's ^ is mostly written as ^^.
      if (VALUELESS.has(operator) && dice > 0) return `${f}${operator}`;
      return `${f}${operator}${dice > 1 ? escapeValue(value) : value}`;
    });
  return fc.oneof(
    { weight: 10, arbitrary: condition },
    { weight: 3, arbitrary: condition.map((c) => `OR${c}`) },
    { weight: 2, arbitrary: condition.map((c) => `NQ${c}`) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom('ORDERBY', 'ORDERBYDESC'), field).map(([o, f]) => o + f),
    },
    fc.constantFrom('', 'EQ', 'NQ', 'OR', 'ORDERBY', '^'),
    anyText(8),
  );
};

/** Encoded queries from the grammar's own pieces, well-formed or not, for one table. */
export const encodedQueryFor = (table: Table) =>
  fc.array(part(table), { maxLength: 6 }).map((parts) => parts.join('^'));

export const tableAndQuery = fc
  .constantFrom(...TABLES)
  .chain((table) =>
    fc.tuple(fc.constant(table), fc.oneof({ weight: 4, arbitrary: encodedQueryFor(table) }, anyText(60))),
  );

/**
 * A number (E.164) written the ways directories and callers write it. North American numbers also
 * in their national forms, with or without the trunk 1, 001 or tel:.
 */
export function phoneFormat(e164: string): fc.Arbitrary<string> {
  const space = fc.constantFrom('', ' ', '  ', '\t');
  const pad = (text: fc.Arbitrary<string>) =>
    fc.tuple(space, text, space).map(([before, inner, after]) => `${before}${inner}${after}`);
  const digits = e164.slice(1);
  const international = fc
    .tuple(
      fc.constantFrom('+', '00', 'tel:+', '+ '),
      fc.array(fc.integer({ min: 1, max: digits.length - 1 }), { maxLength: 4 }),
      fc.constantFrom(' ', '-', '.', ''),
    )
    .map(([prefix, cuts, separator]) => {
      const at = [...new Set(cuts)].sort((a, b) => a - b);
      const groups = [0, ...at].map((start, i) => digits.slice(start, at[i] ?? digits.length));
      return prefix + groups.join(separator);
    });
  if (!e164.startsWith('+1')) return pad(international);
  const [area, exchange, line] = [digits.slice(1, 4), digits.slice(4, 7), digits.slice(7)];
  const national = fc
    .tuple(
      fc.constantFrom('', '1 ', '1-', '1.', '1', '+1 ', '+1-', '+1.', '+1', '001 ', '001-', '00 1 '),
      fc.boolean(),
      fc.constantFrom('', ' ', '-', '.'),
      fc.constantFrom('', ' ', '-', '.'),
    )
    .map(
      ([prefix, parens, first, second]) =>
        `${prefix}${parens ? `(${area})` : area}${first}${exchange}${second}${line}`,
    );
  const tel = fc
    .tuple(fc.constantFrom('tel:+1-', 'tel:+1', 'tel:'), fc.constantFrom('', '-'))
    .map(([prefix, separator]) => `${prefix}${area}${separator}${exchange}${separator}${line}`);
  return fc.oneof(pad(national), pad(international), tel);
}
