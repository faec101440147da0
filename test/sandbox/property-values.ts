/**
 * fast-check arbitraries for the sandbox's property tests: the JavaScript SOURCE of values a rule can
 * hand the runtime (whatever fast-check makes, hostile objects, huge strings, odd numbers, symbols),
 * and of table and field names (business, system, junk). Programs are built from them as text, so a
 * counterexample is a script to paste into a rule.
 */
import fc from 'fast-check';
import { RESERVED_TABLE_NAMES } from '../../server/dictionary/definition.ts';
import { OPERATORS as GRAMMAR_OPERATORS } from '../../server/records/encoded-query.ts';

export const BUSINESS_TABLES = [
  'sys_user',
  'task',
  'incident',
  'cmn_notif_device',
  'sys_ui_view',
  'cti_caller_pick',
] as const;

/** The host's own tables (server/db/schema.ts) and the catalogs of PostgreSQL. */
export const SYSTEM_TABLES = [
  ...RESERVED_TABLE_NAMES,
  '__drizzle_migrations',
  'pg_class',
  'pg_catalog.pg_tables',
  'information_schema.columns',
];

/** Columns only system tables have: a result may name them only when the rule itself wrote them. */
export const SYSTEM_COLUMNS = [
  'password_hash',
  'token_hash',
  'account_id',
  'expires_at',
  'revoked_at',
  'last_used_at',
  'client_callable',
  'rule_version',
  'duration_ms',
  'number_prefix',
  'display_field',
  'table_name',
] as const;

const json = (text: string) => JSON.stringify(text);

/** Anything fast-check makes, as source: fc.stringify writes valid JavaScript for each of these. */
export const anythingSource = fc
  .anything({
    maxDepth: 2,
    maxKeys: 4,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    withUnicodeString: true,
  })
  .map((value) => fc.stringify(value));

/** Values built to break whoever converts, lists or inspects them. None of them loops forever. */
export const HOSTILE_SOURCES = [
  "({ toString: function () { throw new Error('hostile toString'); } })",
  '({ toString: function () { return {}; }, valueOf: function () { return {}; } })',
  "({ toString: function () { return Symbol('s'); } })",
  "({ [Symbol.toPrimitive]: function () { throw new TypeError('hostile toPrimitive'); } })",
  '({ [Symbol.toPrimitive]: function () { return {}; } })',
  "({ [Symbol.toPrimitive]: function () { return 'sys_id=1^ORactive=true'; } })",
  "({ toString: function () { return 'x'.repeat(100000); } })",
  "({ toString: function () { throw 'a thrown string'; } })",
  '({ toString: function () { throw null; } })',
  "({ get toString() { throw new Error('hostile getter'); } })",
  "Object.defineProperty({}, 'toString', { get: function () { return function () { return '/sneaky'; }; } })",
  "new Proxy({}, { get: function () { throw new Error('hostile trap'); } })",
  "new Proxy({}, { get: function (t, k) { return k === Symbol.toPrimitive ? function () { return 'proxied'; } : undefined; } })",
  'new Proxy(function () {}, { get: function () { throw 2; }, apply: function () { throw 3; } })',
  "new Proxy([], { get: function () { throw new Error('hostile array'); } })",
  'new Proxy([1, 2], {})',
  '(function () { var p = Proxy.revocable({}, {}); p.revoke(); return p.proxy; })()',
  '(function () { var a = []; a.length = 2e6; return a; })()',
  "({ length: 1e9, 0: 'a' })",
  'Object.create(null)',
  "Object.freeze({ toString: function () { return 'frozen'; } })",
  "new Error('an error value')",
  'function () {}',
  "class Nope { toString() { return 'a class'; } }",
  '[[[[[]]]]]',
  '[null, undefined, {}, [], NaN]',
  'new Date(NaN)',
  'globalThis',
  'this',
  'gs',
  'GlideRecord',
  'JSUtil',
  'new GlideDateTime()',
] as const;

/** Spins until the CPU limit: rare, as each one costs an isolate. */
export const SPINNING_SOURCE = '({ toString: function () { for (;;) {} } })';

export const ODD_SOURCES = [
  'NaN',
  '-0',
  'Infinity',
  '-Infinity',
  'undefined',
  'null',
  '2 ** 53 + 2',
  '-1',
  '0.5',
  '1e21',
  '10n',
  'true',
  'false',
  "''",
  "' '",
  "'\\u0000'",
  "'\\ud800'",
  "Symbol('s')",
  'Symbol.iterator',
  "Symbol.for('answer')",
] as const;

export const HUGE_SOURCES = [
  "'x'.repeat(70000)",
  "'x'.repeat(1000000)",
  "'^OR'.repeat(30000)",
  "'sys_id='.repeat(2000)",
  "'a'.repeat(2049)",
] as const;

/** Plain values that mean something to the demo data. */
const SENSIBLE_SOURCES = [
  "'abel.tuter'",
  "'6816f79c-c0a8-0164-01c5-a33be04be441'",
  "'Abel Tuter'",
  "'true'",
  "'1'",
  '1',
  "'INC0010001'",
  "'+14155550142'",
  "''",
] as const;

export const sourceOf = (sources: readonly string[]) => fc.constantFrom(...sources);

/** The source of one value a rule passes somewhere (no record or condition of the program). */
export const valueSource: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: sourceOf(SENSIBLE_SOURCES) },
  { weight: 4, arbitrary: anythingSource },
  { weight: 4, arbitrary: sourceOf(HOSTILE_SOURCES) },
  { weight: 2, arbitrary: sourceOf(ODD_SOURCES) },
  { weight: 1, arbitrary: sourceOf(HUGE_SOURCES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map(json) },
  { weight: 1, arbitrary: listSource() },
);

/** An array literal of a few simple, odd or hostile values. */
function listSource(): fc.Arbitrary<string> {
  return fc
    .array(sourceOf([...SENSIBLE_SOURCES, ...ODD_SOURCES, ...HOSTILE_SOURCES]), { maxLength: 4 })
    .map((items) => `[${items.join(', ')}]`);
}

/** Fields of the business tables, dot-walks through their references, system columns, junk. */
export const FIELDS = [
  'name',
  'sys_id',
  'active',
  'user_name',
  'employee_number',
  'phone',
  'manager',
  'number',
  'short_description',
  'state',
  'priority',
  'caller_id',
  'opened_by',
  'user',
  'caller_id.name',
  'caller_id.manager.user_name',
  'manager.manager.manager.name',
  'opened_by.sys_id',
  'user.phone',
  'name.nope',
  '',
  '.',
  'sys_id; drop table rules',
  '"name"',
  '__proto__',
  'toString',
] as const;

/** A field name as source: mostly a string literal, sometimes any value. */
export const fieldSource: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: sourceOf(FIELDS.map(json)) },
  { weight: 2, arbitrary: sourceOf(SYSTEM_COLUMNS.map(json)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map(json) },
  { weight: 2, arbitrary: valueSource },
);

/** The grammar's operators (server/records/encoded-query.ts), and some it does not know. */
export const OPERATORS = [...GRAMMAR_OPERATORS, 'does not contain', ' in ', 'BOGUS', '', '^OR'];

export const operatorSource: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: sourceOf(OPERATORS.map(json)) },
  { weight: 1, arbitrary: valueSource },
);

/** An encoded query: parts joined by ^, ^OR, ^NQ, with orders, as a string literal; or any value. */
export const encodedSource: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .array(
        fc.tuple(
          fc.constantFrom('^', '^OR', '^NQ', '^ORDERBY', '^ORDERBYDESC'),
          fc.constantFrom(...FIELDS, ...SYSTEM_COLUMNS),
          fc.constantFrom(...OPERATORS),
          fc.oneof(fc.constantFrom('abel.tuter', 'true', '1,2', ''), fc.string({ maxLength: 10 })),
        ),
        { maxLength: 5 },
      )
      .map((parts) => json(parts.map((p) => p.join('')).join(''))),
  },
  { weight: 1, arbitrary: valueSource },
);

/** A table name as source: business tables, system tables, lookalikes, junk, any value. */
export const tableSource: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: sourceOf(BUSINESS_TABLES.map(json)) },
  { weight: 3, arbitrary: sourceOf(SYSTEM_TABLES.map(json)) },
  {
    weight: 1,
    arbitrary: sourceOf(
      [
        'ACCOUNTS',
        'public.accounts',
        '"rules"',
        'sys_user; drop table rules',
        'sys_user.name',
        ' task',
        '',
      ].map(json),
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map(json) },
  { weight: 1, arbitrary: valueSource },
);

/** Between `from` and `to` arguments, each drawn from `arg`. */
export const argsOf = (arg: fc.Arbitrary<string>, from: number, to: number) =>
  fc.array(arg, { minLength: from, maxLength: to }).map((args) => args.join(', '));
