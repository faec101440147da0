/**
 * The hot path renders the record reader's statements itself (server/db/render-sql.ts): every one of
 * them must come out exactly as drizzle's PgDialect renders it, text and parameters, and anything
 * the renderer does not know must be left to drizzle.
 */
import { type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderKnown, renderSql } from '../../server/db/render-sql.ts';
import type { Dictionary } from '../../server/dictionary/model.ts';
import { buildCount, buildSelect } from '../../server/records/select-statement.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/database.ts';

const dialect = new PgDialect();
/** drizzle's text and parameters (it also lists a typing per parameter, which no driver here reads). */
const drizzleRender = (statement: SQL) => {
  const { sql: text, params } = dialect.sqlToQuery(statement);
  return { sql: text, params };
};
const options = { defaultRegion: 'US' };

const QUERIES: [table: string, query: string][] = [
  ['sys_user', ''],
  ['sys_user', 'active=true^phone=+14155550142^ORmobile_phone=(415) 555-0142'],
  ['sys_user', 'active=true^user_name=abel.tuter^ORemployee_number=E1001^ORsys_id=abc'],
  ['sys_user', 'nameSTARTSWITHab^emailENDSWITH@example.com^ORDERBYname^ORDERBYDESCsys_created_on'],
  ['sys_user', 'nameCONTAINS%_\\^nameDOESNOTCONTAINx^nameLIKEy^nameNOT LIKEz'],
  ['sys_user', 'departmentISEMPTY^NQactive=false^emailISNOTEMPTY'],
  ['cmn_notif_device', 'phone_number=4155550142^active=true'],
  ['incident', 'caller_id=62826bf03710200044e0bfc8bcbe5df1^active=true^ORDERBYDESCopened_at'],
  ['incident', 'priority=2^stateIN1,2,abc^stateNOT IN7^priority>1^priority<=3^priority!=4'],
  ['incident', 'opened_at>=2026-01-02^opened_at<2026-01-03 09:00:00^active!=true'],
  [
    'incident',
    'caller_id.nameSTARTSWITHab^caller_id.department=IT^assigned_to.user_name=beth^ORDERBYcaller_id.name',
  ],
  ['incident', 'caller_idSTARTSWITHabel^short_descriptionLIKEvpn^categoryIN network , software'],
  ['task', 'active=true^sys_class_name=incident^ORDERBYnumber'],
];

describe('rendering the record reader statements', () => {
  let db: TestDatabase;
  let dictionary: Dictionary;
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    dictionary = db.dictionary;
  }, 60_000);
  afterAll(() => db?.close());

  it.each(QUERIES)('%s: %s renders as drizzle renders it', (table, query) => {
    for (const statement of [
      buildSelect(dictionary, { table, query, limit: 10, offset: 5 }, options).statement,
      buildCount(dictionary, { table, query }, options),
    ]) {
      const fast = renderKnown(statement);
      expect(fast, 'the reader statement took the fast path').not.toBeNull();
      expect(fast).toEqual(drizzleRender(statement));
    }
  });

  it('renders the same statement the same way every time (the prepared statement cache keys on it)', () => {
    const build = () =>
      buildSelect(dictionary, { table: 'sys_user', query: 'phone=4155550142', limit: 10 }, options);
    expect(renderSql(build().statement).sql).toBe(renderSql(build().statement).sql);
    expect(renderSql(build().statement).params).toEqual(renderSql(build().statement).params);
  });
});

describe('statements only drizzle renders', () => {
  it.each([
    ['a Date value', sql`select ${new Date('2026-01-02T00:00:00Z')}::timestamptz`],
    ['a list of values', sql`select 1 where 2 in ${[1, 2, 3]}`],
    ['inlined parameters', sql`select ${'x'} as a`.inlineParams()],
    ['a parameter holding an object', sql`select ${sql.param({ a: 1 })}::jsonb`],
  ])('%s goes to drizzle, with the same result', (_, statement) => {
    expect(renderKnown(statement)).toBeNull();
    expect(renderSql(statement)).toMatchObject(drizzleRender(statement));
  });

  it.each([
    ['identifiers with quotes', sql`select 1 as ${sql.identifier('a"b')}`],
    ['numbers, booleans, null and bigints', sql`select ${1}, ${true}, ${null}, ${10n}`],
    ['a primitive parameter', sql`select ${sql.param('x')}`],
    ['nested statements and raw text', sql`select ${sql.raw('1')} where ${sql`${'a'} = ${sql`${'b'}`}`}`],
    ['an absent chunk', sql`select 1 ${undefined}`],
  ])('%s render as drizzle renders them', (_, statement) => {
    expect(renderKnown(statement)).toEqual(drizzleRender(statement));
  });
});
