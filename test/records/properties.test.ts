/**
 * Properties of the record reader over a real database (fast-check): whatever text a rule or a screen
 * sends as a query, it is refused with a message for a person or it runs; values are always bound;
 * a phone number is found in any common format. Pure properties of the parser: properties-parser.test.ts.
 */
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import type { Condition, Operator, ParsedQuery } from '../../server/records/encoded-query.ts';
import { toE164 } from '../../server/records/phone.ts';
import { buildSelect } from '../../server/records/select-statement.ts';
import type { RecordRow } from '../../server/records/types.ts';
import { upsertRecords } from '../../server/records/upsert.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { anyText, phoneFormat, refusalMessage, tableAndQuery } from './arbitraries.ts';
import { readerFor, refusal } from './helpers.ts';
import { foldableText, TEXT_OPERATORS, textMatches } from './text-model.ts';

/** Users whose names hold what LIKE, quoting, lists and the encoded grammar treat specially. */
const ODD_NAMES = [
  `O'Brien "100%_off" \\ back^slash`,
  'a,b, c',
  '  padded  ',
  'Émile Zoë',
  '%',
  '_',
  '\\',
  '^',
  "x' or '1'='1",
  'semi;colon -- ',
  '中文 😀',
  'UPPER lower',
  '',
];

/** Conditions on other fields a value must leave alone. */
const OTHERS: Condition[] = [
  { field: 'department', operator: '=', value: 'HR' },
  { field: 'vip', operator: '=', value: 'true' },
  { field: 'active', operator: '!=', value: 'true' },
  { field: 'user_name', operator: 'STARTSWITH', value: 'j' },
  { field: 'phone', operator: 'ISEMPTY', value: '' },
];

const ids = (rows: readonly Record<string, unknown>[]) => rows.map((row) => row.sys_id as string).sort();
const where = (...groups: Condition[][][]): ParsedQuery => ({ groups, orderBy: [] });

describeEachDatabase('record layer properties', (db) => {
  const reader = readerFor(db);
  let users: RecordRow[] = [];
  let incidents: RecordRow[] = [];
  /** The object form, built by the SELECT builder itself: no text is concatenated, so ^ is a value. */
  const selectIds = async (table: string, query: ParsedQuery) => {
    const { statement } = buildSelect(
      db().dictionary,
      { table, query, limit: 1000 },
      { defaultRegion: 'US' },
    );
    return ids(await db().database.rows(statement));
  };

  beforeAll(async () => {
    const { database, dictionary } = db();
    await upsertRecords(
      { database, dictionary, defaultRegion: 'US', actor: 'test' },
      'sys_user',
      ODD_NAMES.map((name, index) => ({ user_name: `odd.${index}`, name, department: 'HR' })),
    );
    users = await reader.select({ table: 'sys_user', query: '', limit: 1000 });
    incidents = await reader.select({ table: 'incident', query: '', limit: 1000 });
    expect(users.length).toBeGreaterThan(300);
    expect(users.length).toBeLessThan(1000);
  });

  it('refuses any encoded query with a message for a person, or runs it; COUNT agrees with SELECT', async () => {
    await fc.assert(
      fc.asyncProperty(tableAndQuery, async ([table, query]) => {
        let rows: RecordRow[];
        try {
          rows = await reader.select({ table, query, limit: 1000 });
        } catch (error) {
          const message = refusalMessage(error, query);
          await expect(reader.count({ table, query })).rejects.toThrow(message);
          return;
        }
        expect(await reader.count({ table, query })).toBe(rows.length);
      }),
      { numRuns: 300 },
    );
  });

  it('binds every value: a condition on a text column selects exactly what the model says', async () => {
    const value = fc.oneof(
      foldableText,
      fc.constantFrom(...ODD_NAMES),
      // A stored name with its case changed, cut, or grown.
      fc
        .tuple(
          fc.constantFrom(...ODD_NAMES, 'Abel Tuter', 'Carol Ray'),
          fc.nat(),
          fc.constantFrom('', ',x', '%'),
        )
        .map(([name, n, tail]) => `${n % 2 ? name.toUpperCase() : name.slice(n % 5)}${tail}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TEXT_OPERATORS), value, async (operator, v) => {
        const condition = { field: 'name', operator, value: operator.startsWith('IS') ? '' : v };
        const expected = ids(
          users.filter((u) => textMatches(u.name as string | null, operator, condition.value)),
        );
        expect(await selectIds('sys_user', where([[condition]]))).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('never lets a value change what the other conditions select, however they are combined', async () => {
    const selected = new Map<Condition, Set<string>>();
    for (const other of OTHERS) selected.set(other, new Set(await selectIds('sys_user', where([[other]]))));
    // A query's shape over three conditions: groups (^NQ) of clauses (^) of alternatives (^OR).
    const atom = fc.constantFrom(0, 1, 2);
    const shape = fc.array(
      fc.array(fc.array(atom, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
      {
        minLength: 1,
        maxLength: 2,
      },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(OTHERS, { minLength: 2, maxLength: 2 }),
        fc.constantFrom<Operator>('=', '!=', 'IN', 'CONTAINS', 'DOESNOTCONTAIN', 'STARTSWITH'),
        fc.oneof(foldableText, anyText(12)),
        shape,
        async ([a, b], operator, v, groups) => {
          const condition = { field: 'name', operator, value: v };
          const alone = new Set(await selectIds('sys_user', where([[condition]])));
          const atoms = [a!, b!, condition];
          const holds = (id: string) =>
            groups.some((group) =>
              group.every((anyOf) => anyOf.some((k) => (k === 2 ? alone : selected.get(atoms[k]!)!).has(id))),
            );
          const query = where(...groups.map((group) => group.map((anyOf) => anyOf.map((k) => atoms[k]!))));
          expect(await selectIds('sys_user', query)).toEqual(
            ids(users.filter((u) => holds(u.sys_id as string))),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('finds a stored phone number in any common format, as it finds its E.164 form', async () => {
    const numbers = users.flatMap((u) =>
      (['phone', 'mobile_phone'] as const).flatMap((field) => {
        const e164 = toE164(u[field] as string | null, 'US');
        return e164 ? [{ field, e164 }] : [];
      }),
    );
    const holders = (field: string, e164: string) =>
      users.filter((u) => toE164(u[field] as string | null, 'US') === e164);
    // The few numbers outside North America count twice, so their international forms come up too.
    const stored = fc.constantFrom(...numbers, ...numbers.filter((n) => !n.e164.startsWith('+1')));
    await fc.assert(
      fc.asyncProperty(
        stored.chain((n) => fc.tuple(fc.constant(n), phoneFormat(n.e164), phoneFormat(n.e164))),
        async ([{ field, e164 }, written, other]) => {
          const expected = ids(holders(field, e164));
          const phone = (operator: Operator, value: string) => where([[{ field, operator, value }]]);
          expect(await selectIds('sys_user', phone('=', written)), written).toEqual(expected);
          expect(await selectIds('sys_user', phone('=', e164))).toEqual(expected);
          expect(await selectIds('sys_user', phone('IN', `${written},${other}`))).toEqual(expected);
          const others = users.filter((u) => {
            const stored = toE164(u[field] as string | null, 'US');
            return stored !== null && stored !== e164;
          });
          expect(await selectIds('sys_user', phone('!=', written))).toEqual(ids(others));
          // Through a reference: the incidents of the callers with that number.
          if (field !== 'phone') return;
          const callers = new Set(expected);
          const theirs = ids(incidents.filter((i) => callers.has(i.caller_id as string)));
          const walked = where([[{ field: 'caller_id.phone', operator: '=', value: written }]]);
          expect(await selectIds('incident', walked)).toEqual(theirs);
        },
      ),
      { numRuns: 60 },
    );
  });

  // Found by the properties above: each of these failed with a database error.
  it.each([
    ['incident', "category=' or '1'='1\u0000", 0],
    ['sys_user', 'name!=\u0000', 0],
    ['sys_user', 'nameDOESNOTCONTAIN\u0000', 0],
    ['sys_user', 'nameINAbel Tuter,x\u0000', 1],
    ['sys_user', 'name=中\udc00', 0],
    ['sys_user', 'nameSTARTSWITH\udc00\udc00', 0],
    ['sys_user', 'nameIN\udc00,Abel Tuter', 1],
    ['task', 'sys_id=^ORcaller_id.phone=\udc00\udc00', 0],
    ['incident', 'opened_at=0001-01-01T00:00:00+01:00', 0],
    ['incident', 'opened_at>0000-01-01', 0],
  ])('%s: %j runs and counts %i', async (table, query, expected) => {
    expect(await reader.count({ table, query })).toBe(expected);
    expect(await reader.select({ table, query, limit: 5 })).toHaveLength(expected);
  });

  it('refuses more conditions than a statement can bind with a sentence, and runs as many as it allows', async () => {
    const conditions = (n: number) => Array.from({ length: n }, () => 'name=a').join('^');
    expect(await refusal(reader.select({ table: 'sys_user', query: conditions(66_000), limit: 5 }))).toBe(
      'a query may hold at most 1000 conditions; this one holds 66000',
    );
    expect(await reader.count({ table: 'sys_user', query: conditions(1000) })).toBe(0);
  });

  // Each ANDed hop was a join for PostgreSQL to plan, in time growing far faster than the joins:
  // 200 `caller_id.name=a` took 10 s, 1000 blocked PGlite's one connection for 9 s.
  it('refuses more ANDed dot-walks than the database can plan quickly, and runs as many under an OR', async () => {
    const walks = (n: number, join: string) =>
      Array.from({ length: n }, (_, i) => `caller_id.name=a${i}`).join(join);
    expect(await refusal(reader.count({ table: 'incident', query: walks(33, '^') }))).toBe(
      'a query may AND at most 32 conditions on dot-walked fields or reference names (each hop counts)',
    );
    expect(await reader.count({ table: 'incident', query: walks(32, '^') })).toBe(0);
    expect(await reader.count({ table: 'incident', query: walks(200, '^OR') })).toBe(0);
    expect(await reader.count({ table: 'incident', query: walks(200, '^NQ') })).toBe(0);
  });
});
