/**
 * Random rule programs for the sandbox's property tests: a few GlideRecord/GlideRecordSecure
 * records on random tables, then random calls on them with random arguments (property-values.ts),
 * each statement bare or inside a try/catch that logs what it caught, then `answer` set to a known
 * string. A program is source text, so a shrunk counterexample reads as the rule that failed.
 */
import fc from 'fast-check';
import {
  argsOf,
  BUSINESS_TABLES,
  encodedSource,
  FIELDS,
  fieldSource,
  operatorSource,
  SPINNING_SOURCE,
  SYSTEM_TABLES,
  sourceOf,
  tableSource,
  valueSource,
} from './property-values.ts';

/** One statement, given the names of the record and the condition it works on. */
type Statement = (record: string, condition: string) => string;

const call = (method: string, args: fc.Arbitrary<string>): fc.Arbitrary<Statement> =>
  args.map((list) => (g) => `${g}.${method}(${list})`);

const none = fc.constant('');

/** Dot-walks written as property accesses: `g.caller_id.manager.user_name`. */
const PATHS = FIELDS.filter((field) => /^[a-z_]+(\.[a-z_]+)*$/.test(field));
const pathOf = fc.constantFrom(...PATHS);

const queryArgs = fc.oneof(
  fc.tuple(fieldSource, valueSource).map((args) => args.join(', ')),
  fc.tuple(fieldSource, operatorSource, valueSource).map((args) => args.join(', ')),
  encodedSource,
  argsOf(valueSource, 0, 4),
);

const limitSource = fc.oneof(
  fc.integer({ min: -2, max: 2000 }).map(String),
  sourceOf(['1e12', '2 ** 31', "'5'", '0.5']),
  valueSource,
);

const statement: fc.Arbitrary<Statement> = fc.oneof(
  // Conditions
  { weight: 4, arbitrary: call('addQuery', queryArgs) },
  {
    weight: 2,
    arbitrary: fc.tuple(fieldSource, valueSource).map(
      ([field, value]): Statement =>
        (g, c) =>
          `${c} = ${g}.addQuery(${field}, ${value})`,
    ),
  },
  {
    weight: 2,
    arbitrary: queryArgs.map(
      (args): Statement =>
        (g, c) =>
          `(${c} || ${g}.addQuery('active', true)).addOrCondition(${args})`,
    ),
  },
  { weight: 2, arbitrary: call('addEncodedQuery', encodedSource) },
  { weight: 1, arbitrary: call('addActiveQuery', none) },
  { weight: 1, arbitrary: call('addNullQuery', fieldSource) },
  { weight: 1, arbitrary: call('addNotNullQuery', fieldSource) },
  { weight: 1, arbitrary: call('orderBy', fieldSource) },
  { weight: 1, arbitrary: call('orderByDesc', fieldSource) },
  { weight: 2, arbitrary: call('setLimit', limitSource) },
  // Reads
  {
    weight: 4,
    arbitrary: call(
      'query',
      fc.oneof(
        none,
        fc.tuple(fieldSource, valueSource).map((a) => a.join(', ')),
      ),
    ),
  },
  { weight: 2, arbitrary: call('next', none) },
  { weight: 1, arbitrary: call('hasNext', none) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.integer({ min: 1, max: 5 }), pathOf).map(
      ([n, path]): Statement =>
        (g) =>
          `for (var i = 0; i < ${n} && ${g}.next(); i++) v = String(${g}.${path})`,
    ),
  },
  {
    weight: 3,
    arbitrary: call('get', fc.oneof(valueSource, argsOf(fc.oneof(fieldSource, valueSource), 2, 2))),
  },
  // Values, elements, dot-walks, references
  {
    weight: 2,
    arbitrary: fieldSource.map(
      (field): Statement =>
        (g) =>
          `v = ${g}.getValue(${field})`,
    ),
  },
  {
    weight: 2,
    arbitrary: fc.oneof(none, fieldSource).map(
      (field): Statement =>
        (g) =>
          `v = ${g}.getDisplayValue(${field})`,
    ),
  },
  {
    weight: 1,
    arbitrary: fieldSource.map(
      (field): Statement =>
        (g) =>
          `v = ${g}.getElement(${field})`,
    ),
  },
  {
    weight: 2,
    arbitrary: pathOf.map(
      (path): Statement =>
        (g) =>
          `v = String(${g}.${path})`,
    ),
  },
  {
    weight: 1,
    arbitrary: pathOf.map(
      (path): Statement =>
        (g) =>
          `v = ${g}.${path}.getDisplayValue()`,
    ),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(pathOf, fieldSource).map(
      ([path, field]): Statement =>
        (g) =>
          `v = ${g}.${path}.getRefRecord().getValue(${field})`,
    ),
  },
  {
    weight: 1,
    arbitrary: fieldSource.map(
      (field): Statement =>
        (g) =>
          `v = ${g}[${field}]`,
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        'getRowCount',
        'getEncodedQuery',
        'getUniqueValue',
        'getTableName',
        'isValidRecord',
        'getLabel',
        'getRecordClassName',
      )
      .map(
        (method): Statement =>
          (g) =>
            `v = ${g}.${method}()`,
      ),
  },
  // Writes, which a client-callable rule is refused
  { weight: 1, arbitrary: call('setValue', argsOf(fc.oneof(fieldSource, valueSource), 2, 2)) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom('initialize', 'insert', 'update', 'deleteRecord')).map(
      ([method]): Statement =>
        (g) =>
          `${g}.${method}()`,
    ),
  },
  // The rest of the API
  {
    weight: 1,
    arbitrary: argsOf(valueSource, 0, 3).map(
      (args): Statement =>
        () =>
          `gs.info(${args})`,
    ),
  },
  { weight: 1, arbitrary: fc.constant((): string => "gs.info('v=' + v)") },
  {
    weight: 1,
    arbitrary: valueSource.map(
      (value): Statement =>
        () =>
          `v = new GlideDateTime(${value})`,
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom('GlideRecord', 'GlideRecordSecure'), tableSource).map(
      ([cls, table]): Statement =>
        (g) =>
          `${g} = new ${cls}(${table})`,
    ),
  },
);

/** Mostly business tables, so that most programs get as far as their queries; often a system one. */
const recordTable = fc.oneof(
  { weight: 3, arbitrary: sourceOf(BUSINESS_TABLES.map((name) => JSON.stringify(name))) },
  { weight: 2, arbitrary: sourceOf(SYSTEM_TABLES.map((name) => JSON.stringify(name))) },
  { weight: 1, arbitrary: tableSource },
);

const RECORDS = 2;
const CONDITIONS = 2;

type Step = { statement: Statement; record: number; condition: number; guard: 'bare' | 'catch' | 'stack' };

const step: fc.Arbitrary<Step> = fc.record({
  statement,
  record: fc.nat(RECORDS - 1),
  condition: fc.nat(CONDITIONS - 1),
  guard: fc.constantFrom('bare', 'catch', 'catch', 'catch', 'catch', 'stack'),
});

function guarded(code: string, guard: Step['guard']): string {
  if (guard === 'bare') return `${code};`;
  const shown = guard === 'stack' ? 'e && e.stack' : 'e && e.message';
  return `try { ${code}; } catch (e) { gs.info('caught: ' + String(${shown})); }`;
}

export type RuleProgram = { script: string; answer: string };

/**
 * A program and the answer it gives when nothing fails. Rarely, one value spins in its toString,
 * so that the CPU limit and a replaced isolate are part of the sequence too.
 */
export const ruleProgram: fc.Arbitrary<RuleProgram> = fc
  .record({
    records: fc.array(fc.tuple(fc.constantFrom('GlideRecord', 'GlideRecordSecure'), recordTable), {
      minLength: RECORDS,
      maxLength: RECORDS,
    }),
    steps: fc.array(step, { minLength: 1, maxLength: 12 }),
    spin: fc.integer({ min: 0, max: 60 }),
    token: fc.nat(),
  })
  .map(({ records, steps, spin, token }) => {
    const lines = records.map(([cls, table], i) => guarded(`var g${i} = new ${cls}(${table})`, 'catch'));
    lines.push('var c0 = null, c1 = null, v = null;');
    for (const s of steps) lines.push(guarded(s.statement(`g${s.record}`, `c${s.condition}`), s.guard));
    if (spin === 0) lines.push(`gs.info(${SPINNING_SOURCE});`);
    const answer = `/done/${token}`;
    lines.push(`answer = '${answer}';`);
    return { script: lines.join('\n'), answer };
  });
